import DBLambdaSigV4
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a `credential_process` command and parses its output.
///
/// Like botocore, the command line is split into words with POSIX-shell-like quoting rules (single quotes,
/// double quotes with `\"`/`\\` escapes, backslash escapes outside quotes) and run **without** a shell: no
/// variable expansion, pipes or globbing. A first word without `/` is looked up in `PATH` of the given
/// environment. The child gets that environment, no standard input, and its standard output and error are
/// captured. Standard output (which holds the secrets) never appears in an error; the first line of standard
/// error (at most 200 characters) does.
struct CredentialProcessRunner: Sendable {
    /// The command line from the profile.
    var commandLine: String
    /// The environment of the child (also used for the `PATH` lookup).
    var environment: [String: String]
    /// The longest the command may run before it is killed.
    var timeout: Duration
    /// Where the command came from, for messages (for example `profile "dev"`).
    var source: String

    /// The most bytes of standard output accepted.
    static let maxOutputBytes = 1024 * 1024

    /// Runs the command and returns the credentials it printed.
    func run() async throws -> Credentials {
        let words = try Self.split(commandLine, source: source)
        guard let program = words.first else {
            throw failure("credential_process is empty")
        }
        let executable = try resolve(program)
        let result = try await ChildProcess.run(
            executable: executable,
            arguments: Array(words.dropFirst()),
            environment: environment,
            timeout: timeout
        )
        let name = quote((program as NSString).lastPathComponent)
        switch result {
        case .timedOut:
            throw CredentialsError(
                code: .credentialProcessFailed,
                message: "credential_process \(name) of \(source) did not finish within \(describe(timeout))"
            )
        case .launchFailed(let reason, _):
            throw failure("credential_process \(name) could not be started: \(reason)")
        case .exited(let status, let stdout, let stderr):
            guard status == 0 else {
                throw failure(
                    "credential_process \(name) exited with status \(status)\(Self.stderrSummary(stderr))"
                )
            }
            guard stdout.count <= Self.maxOutputBytes else {
                throw failure("credential_process \(name) printed more than \(Self.maxOutputBytes) bytes")
            }
            return try Self.parse(stdout, name: name, source: source)
        }
    }

    private func failure(_ message: String) -> CredentialsError {
        CredentialsError(code: .credentialProcessFailed, message: "\(message) (\(source))")
    }

    /// `: <first line of stderr>` or the empty string.
    static func stderrSummary(_ stderr: [UInt8]) -> String {
        let text = String(decoding: stderr.prefix(4096), as: UTF8.self)
        guard let line = text.split(whereSeparator: \.isNewline).first?.trimmingWhitespace(), !line.isEmpty else {
            return ""
        }
        let limit = 200
        let cut = line.count > limit ? String(line.prefix(limit)) + "..." : String(line)
        return ": \(oneLine(cut))"
    }

    /// The documented output of a credential process (version 1).
    private struct Output: Decodable {
        var Version: Int?
        var AccessKeyId: String?
        var SecretAccessKey: String?
        var SessionToken: String?
        var Expiration: String?
    }

    /// Parses the JSON printed by the command. Never quotes the output.
    static func parse(_ stdout: [UInt8], name: String, source: String) throws -> Credentials {
        func failure(_ message: String) -> CredentialsError {
            CredentialsError(
                code: .credentialProcessFailed,
                message: "credential_process \(name) \(message) (\(source))"
            )
        }
        let output: Output
        do {
            output = try JSONDecoder().decode(Output.self, from: Data(stdout))
        } catch {
            throw failure("printed output that is not a JSON object with the documented fields")
        }
        guard let version = output.Version else { throw failure("printed no \"Version\"") }
        guard version == 1 else { throw failure("printed unsupported Version \(version); expected 1") }
        guard let accessKey = nonEmpty(output.AccessKeyId) else { throw failure("printed no \"AccessKeyId\"") }
        guard let secretKey = nonEmpty(output.SecretAccessKey) else {
            throw failure("printed no \"SecretAccessKey\"")
        }
        var expiration: Date?
        if let text = nonEmpty(output.Expiration) {
            guard let date = Timestamp.parse(text) else {
                throw failure("printed an \"Expiration\" that is not an ISO 8601 timestamp")
            }
            expiration = date
        }
        return Credentials(
            accessKeyID: accessKey,
            secretAccessKey: secretKey,
            sessionToken: nonEmpty(output.SessionToken),
            expiration: expiration
        )
    }

    /// The executable for `program`: itself when it contains `/`, else the first executable match in `PATH`.
    private func resolve(_ program: String) throws -> String {
        if program.contains("/") { return program }
        let searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw failure("credential_process program \(quote(program)) was not found in PATH")
    }

    /// Splits a command line into words (POSIX shell quoting, no expansion).
    static func split(_ line: String, source: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = line.makeIterator()
        func unterminated(_ what: String) -> CredentialsError {
            CredentialsError(
                code: .invalidConfiguration,
                message: "credential_process of \(source) has an unterminated \(what)"
            )
        }
        while let character = iterator.next() {
            switch character {
            case " ", "\t", "\n", "\r":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            case "'":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "'" {
                        closed = true
                        break
                    }
                    current.append(next)
                }
                guard closed else { throw unterminated("single quote") }
            case "\"":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "\"" {
                        closed = true
                        break
                    }
                    if next == "\\" {
                        guard let escaped = iterator.next() else { break }
                        if escaped == "\"" || escaped == "\\" || escaped == "$" || escaped == "`" {
                            current.append(escaped)
                        } else if escaped != "\n" {
                            current.append("\\")
                            current.append(escaped)
                        }
                        continue
                    }
                    current.append(next)
                }
                guard closed else { throw unterminated("double quote") }
            case "\\":
                inWord = true
                guard let escaped = iterator.next() else { throw unterminated("backslash escape") }
                if escaped != "\n" { current.append(escaped) }
            default:
                inWord = true
                current.append(character)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}

/// A child process with captured output and a deadline.
private final class ChildProcess: @unchecked Sendable {
    enum Outcome: Sendable {
        case exited(status: Int32, stdout: [UInt8], stderr: [UInt8])
        case timedOut
        case launchFailed(String, textFileBusy: Bool)
    }

    private let lock = NSLock()
    private var stdout: [UInt8]?
    private var stderr: [UInt8]?
    private var status: Int32?
    private var finished = false
    private var continuation: CheckedContinuation<Outcome, Never>?

    static func run(
        executable: String,
        arguments: [String],
        environment: [String: String],
        timeout: Duration
    ) async throws -> Outcome {
        // ETXTBSY: the program is open for writing somewhere (being installed or updated, or its writer's file
        // descriptor briefly inherited by a process another thread is starting). It clears within milliseconds,
        // so the launch is retried a few times (20, 40, 80, 160 ms) before it counts as a failure.
        var attempt = 0
        while true {
            let outcome = try await runOnce(
                executable: executable,
                arguments: arguments,
                environment: environment,
                timeout: timeout
            )
            guard case .launchFailed(_, textFileBusy: true) = outcome, attempt < 4 else { return outcome }
            try await Task.sleep(for: .milliseconds(20 << attempt))
            attempt += 1
        }
    }

    private static func runOnce(
        executable: String,
        arguments: [String],
        environment: [String: String],
        timeout: Duration
    ) async throws -> Outcome {
        let child = ChildProcess()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { finished in
            child.record { $0.status = finished.terminationStatus }
        }
        return await withCheckedContinuation { continuation in
            child.lock.withLock { child.continuation = continuation }
            do {
                try process.run()
            } catch {
                let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
                let busy = [error as NSError, underlying].contains {
                    $0?.domain == NSPOSIXErrorDomain && $0?.code == Int(ETXTBSY)
                }
                child.finish(.launchFailed(oneLine(error.localizedDescription), textFileBusy: busy))
                return
            }
            let pid = process.processIdentifier
            Thread.detachNewThread {
                let data = Self.readAll(outPipe.fileHandleForReading, limit: CredentialProcessRunner.maxOutputBytes + 1)
                child.record { $0.stdout = data }
            }
            Thread.detachNewThread {
                let data = Self.readAll(errPipe.fileHandleForReading, limit: 64 * 1024)
                child.record { $0.stderr = data }
            }
            let nanoseconds =
                max(0, timeout.components.seconds) * 1_000_000_000
                + max(0, timeout.components.attoseconds) / 1_000_000_000
            DispatchQueue(label: "dblambda.credential-process.deadline").asyncAfter(
                deadline: .now() + .nanoseconds(Int(nanoseconds))
            ) {
                // Kill only a child that has not exited yet, so a recycled process id is never signalled.
                let exited = child.lock.withLock { child.status != nil }
                if child.finish(.timedOut), !exited, process.isRunning {
                    kill(pid, SIGKILL)
                }
            }
        }
    }

    /// Reads up to `limit` bytes and then drains (and drops) the rest until end of file.
    private static func readAll(_ handle: FileHandle, limit: Int) -> [UInt8] {
        var collected: [UInt8] = []
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            if collected.count < limit { collected.append(contentsOf: chunk.prefix(limit - collected.count)) }
        }
        try? handle.close()
        return collected
    }

    /// Applies `update` and finishes when output and status are all in.
    private func record(_ update: (ChildProcess) -> Void) {
        let outcome: Outcome? = lock.withLock {
            update(self)
            guard let stdout, let stderr, let status else { return nil }
            return .exited(status: status, stdout: stdout, stderr: stderr)
        }
        if let outcome { finish(outcome) }
    }

    /// Resumes the waiting caller once; returns whether this call did it.
    @discardableResult
    private func finish(_ outcome: Outcome) -> Bool {
        let continuation: CheckedContinuation<Outcome, Never>? = lock.withLock {
            guard !finished else { return nil }
            finished = true
            defer { self.continuation = nil }
            return self.continuation
        }
        continuation?.resume(returning: outcome)
        return continuation != nil
    }
}
