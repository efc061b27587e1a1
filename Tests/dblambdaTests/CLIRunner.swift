import Foundation
import Testing

/// Runs the built `dblambda` binary as a black box.
enum CLIRunner {
    struct Result: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: String

        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        var stderrLines: [Substring] { stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast() }
    }

    struct NotFound: Error, CustomStringConvertible {
        var description: String
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `$DBLAMBDA_BINARY`, or `dblambda` next to the test bundle in the build directory.
    static func binary() throws -> URL {
        if let explicit = ProcessInfo.processInfo.environment["DBLAMBDA_BINARY"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        var candidates: [URL] = []
        let argument0 = URL(fileURLWithPath: CommandLine.arguments[0])
        var directory = argument0.deletingLastPathComponent()
        // On macOS the bundle is …/debug/X.xctest/Contents/MacOS/X: walk up to the build directory.
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("dblambda"))
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("dblambda"))
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        throw NotFound(description: "dblambda binary not found near \(argument0.path); set DBLAMBDA_BINARY")
    }

    /// Runs `dblambda arguments…` with `stdin` as standard input, in `environment` (default: the test's own), in
    /// `currentDirectory` (default: the repository root).
    static func run(
        _ arguments: [String],
        stdin: Data = Data(),
        currentDirectory: URL? = nil,
        environment: [String: String]? = nil
    ) async throws -> Result {
        try await runProcess(
            try binary(),
            arguments,
            stdin: stdin,
            currentDirectory: currentDirectory ?? repositoryRoot,
            environment: environment
        )
    }

    /// Runs `executable arguments…` with `stdin` as standard input, in `environment` (default: the test's own).
    ///
    /// The child process is launched and waited for on a dedicated thread: a blocking wait on Swift's cooperative
    /// pool (only as many threads as cores) would stall every other test running in the process.
    static func runProcess(
        _ executable: URL,
        _ arguments: [String],
        stdin: Data = Data(),
        currentDirectory: URL? = nil,
        environment: [String: String]? = nil
    ) async throws -> Result {
        try await offCooperativePool {
            try runBlocking(
                executable,
                arguments,
                stdin: stdin,
                currentDirectory: currentDirectory,
                environment: environment
            )
        }
    }

    /// Launches the process and blocks the calling thread until it exits; only ever called on a dedicated thread.
    private static func runBlocking(
        _ executable: URL,
        _ arguments: [String],
        stdin: Data,
        currentDirectory: URL?,
        environment: [String: String]?
    ) throws -> Result {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dblambda-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inURL = directory.appendingPathComponent("stdin")
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        try stdin.write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let input = try FileHandle(forReadingFrom: inURL)
        let output = try FileHandle(forWritingTo: outURL)
        let error = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        if let environment { process.environment = environment }
        try process.run()
        process.waitUntilExit()
        try input.close()
        try output.close()
        try error.close()
        return Result(
            status: process.terminationStatus,
            stdout: try Data(contentsOf: outURL),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }

    /// Runs `dblambda sign --input -` with a JSON value on standard input.
    static func sign(_ json: Any) async throws -> Result {
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        return try await run(["sign", "--input", "-"], stdin: data)
    }

    /// The output array of a successful run.
    static func objects(_ result: Result) throws -> [[String: String]] {
        let parsed = try JSONSerialization.jsonObject(with: result.stdout)
        return try #require(parsed as? [[String: String]], "output: \(result.stdoutText)")
    }
}

/// Runs blocking work (launching a child process and waiting for it) on a dedicated thread, never on Swift's
/// cooperative pool, whose few threads every other test in the process needs; `DispatchQueue.global()` is no
/// better on Linux, where it is only as wide as the number of cores too.
func offCooperativePool<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
        Thread.detachNewThread {
            continuation.resume(with: Swift.Result { try body() })
        }
    }
}
