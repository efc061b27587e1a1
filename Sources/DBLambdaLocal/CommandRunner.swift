import Dispatch
import Foundation
import NIOConcurrencyHelpers

/// Runs a handler command with `/bin/sh -c`. Every blocking step (writing standard input, reading the output
/// pipes, waiting for the exit) happens on dedicated threads, never on Swift's cooperative pool.
enum CommandRunner {
    struct Outcome: Sendable {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
        var timedOut: Bool
        var launchError: String?
    }

    static func run(
        _ command: String,
        input: [UInt8],
        environment: [String: String],
        timeout: Duration,
        requestID: String
    ) async -> LocalInvocationResponse {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            Thread.detachNewThread {
                continuation.resume(returning: runBlocking(command, input: input, environment: environment, timeout))
            }
        }
        let log = String(decoding: outcome.stderr, as: UTF8.self)
        if let launchError = outcome.launchError {
            return LocalInvocationResponse(
                log: log,
                functionError: LocalFunctionError(errorType: "Runtime.InvalidEntrypoint", errorMessage: launchError)
            )
        }
        if outcome.timedOut {
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            return LocalInvocationResponse(
                log: log,
                functionError: LocalFunctionError(
                    errorType: "Sandbox.Timedout",
                    errorMessage: "RequestId: \(requestID) Error: Task timed out after "
                        + String(format: "%.2f", seconds) + " seconds"
                )
            )
        }
        guard outcome.status == 0 else {
            return LocalInvocationResponse(
                log: log,
                functionError: LocalFunctionError(
                    errorType: "Runtime.ExitError",
                    errorMessage: "RequestId: \(requestID) Error: Runtime exited with error: exit status "
                        + "\(outcome.status)"
                )
            )
        }
        return LocalInvocationResponse(payload: outcome.stdout, log: log)
    }

    /// Blocks the calling (dedicated) thread until the command exits or is killed after `timeout`.
    ///
    /// The command is spawned with `posix_spawn` in a process group of its own, with a clean signal mask and
    /// default signal actions (a parent that blocked SIGTERM must not make the command unkillable), so a timeout
    /// kills the shell and everything it started. Standard input, output and error are temporary files, not
    /// pipes: a command that never reads its input or writes a lot cannot block, and no write can raise SIGPIPE in
    /// the server's process.
    private static func runBlocking(
        _ command: String,
        input: [UInt8],
        environment: [String: String],
        _ timeout: Duration
    ) -> Outcome {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dblambda-local-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let inURL = directory.appendingPathComponent("stdin")
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(input).write(to: inURL)
        } catch {
            return Outcome(
                status: -1,
                stdout: [],
                stderr: [],
                timedOut: false,
                launchError: "cannot stage the payload: \(error)"
            )
        }
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pid: pid_t
        switch spawn(command, environment: variables, stdin: inURL.path, stdout: outURL.path, stderr: errURL.path) {
        case .success(let value): pid = value
        case .failure(let message):
            return Outcome(status: -1, stdout: [], stderr: [], timedOut: false, launchError: message)
        }
        let exited = DispatchSemaphore(value: 0)
        let status = NIOLockedValueBox<Int32>(0)
        Thread.detachNewThread {
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            status.withLockedValue { $0 = raw }
            exited.signal()
        }
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = max(0, seconds) * 1_000_000_000 + attoseconds / 1_000_000_000
        var timedOut = false
        if exited.wait(timeout: .now() + .nanoseconds(Int(clamping: nanoseconds))) == .timedOut {
            timedOut = true
            kill(-pid, SIGTERM)
            if exited.wait(timeout: .now() + .seconds(2)) == .timedOut {
                kill(-pid, SIGKILL)
                exited.wait()
            }
        }
        let raw = status.withLockedValue { $0 }
        // WIFEXITED / WEXITSTATUS, which Swift does not import: the low 7 bits are the terminating signal.
        let exitStatus = raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        let stdout = (try? Data(contentsOf: outURL)).map(Array.init) ?? []
        let stderr = (try? Data(contentsOf: errURL)).map(Array.init) ?? []
        return Outcome(status: exitStatus, stdout: stdout, stderr: stderr, timedOut: timedOut, launchError: nil)
    }

    enum SpawnResult {
        case success(pid_t)
        case failure(String)
    }

    /// `posix_spawn("/bin/sh", ["sh", "-c", command])` with the three files as standard streams, a new process
    /// group, an empty signal mask and default actions for the signals a parent may have changed.
    private static func spawn(
        _ command: String,
        environment: [String: String],
        stdin: String,
        stdout: String,
        stderr: String
    ) -> SpawnResult {
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGTERM, SIGINT, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let arguments: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (text: String) in strdup(text)
        }
        let variables: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map {
            (key: String, value: String) in strdup("\(key)=\(value)")
        }
        defer {
            for pointer in arguments { free(pointer) }
            for pointer in variables { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, arguments + [nil], variables + [nil])
        guard result == 0 else {
            return .failure("cannot start /bin/sh: \(String(cString: strerror(result)))")
        }
        return .success(pid)
    }
}
