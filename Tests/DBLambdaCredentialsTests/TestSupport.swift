import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaSigV4
import Foundation
import Logging
import LoopbackHTTPServer
import Testing

/// A temporary directory that plays `HOME`, removed by `remove()`.
struct TemporaryHome {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/dblambda-credentials-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path + "/.aws", withIntermediateDirectories: true)
    }

    /// Writes `text` to `relativePath` (inside the home) and returns the absolute path.
    @discardableResult
    func write(_ relativePath: String, _ text: String, executable: Bool = false) throws -> String {
        let file = "\(path)/\(relativePath)"
        let directory = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file)
        }
        return file
    }

    /// An environment with only `HOME` (and `PATH` for credential processes) plus `extra`.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ["HOME": path, "PATH": "/usr/bin:/bin"]
        environment.merge(extra) { _, new in new }
        return environment
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Runs `body` with a fresh temporary home that is removed afterwards.
@discardableResult
func withTemporaryHome<Result>(_ body: (TemporaryHome) async throws -> Result) async throws -> Result {
    let home = try TemporaryHome()
    defer { home.remove() }
    return try await body(home)
}

/// A log handler that keeps every message and metadata value, to check that secrets never reach logs.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = "\(event.level) \(event.message)"
        for (key, value) in (metadata.merging(event.metadata ?? [:]) { _, new in new }) {
            line += " \(key)=\(value)"
        }
        lock.withLock { lines.append(line) }
    }

    var allText: String { lock.withLock { lines.joined(separator: "\n") } }
}

/// A logger at `trace` level that captures everything in `handler`.
func capturingLogger() -> (Logger, CapturingLogHandler) {
    let handler = CapturingLogHandler()
    let logger = Logger(label: "test") { _ in handler }
    return (logger, handler)
}

/// A logger that drops everything.
let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// Runs `body` with a real loopback server and an async-http-client transport, shutting both down.
@discardableResult
func withServer<Result: Sendable>(
    _ handler: @escaping @Sendable (RecordedRequest) async -> ServerAction,
    _ body: (LoopbackHTTPServer, AsyncHTTPClientTransport) async throws -> Result
) async throws -> Result {
    try await withLoopbackHTTPServer(handler: handler) { server in
        try await AsyncHTTPClientTransport.withTransport { transport in
            try await body(server, transport)
        }
    }
}

/// The JSON document of a metadata or container credentials endpoint.
func metadataCredentialsJSON(
    accessKey: String = "ASIAMETADATA",
    secret: String = "metadata-secret-value",
    token: String = "metadata-session-token",
    expiration: String = "2099-01-01T00:00:00Z"
) -> String {
    """
    {"Code":"Success","LastUpdated":"2026-11-27T00:00:00Z","Type":"AWS-HMAC","AccessKeyId":"\(accessKey)",\
    "SecretAccessKey":"\(secret)","Token":"\(token)","Expiration":"\(expiration)"}
    """
}

/// Asserts that `operation` throws a `CredentialsError` and returns it.
@discardableResult
func expectCredentialsError(
    _ code: CredentialsError,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: () async throws -> Credentials
) async -> CredentialsError? {
    do {
        let credentials = try await operation()
        Issue.record("expected \(code.code) but got \(credentials)", sourceLocation: sourceLocation)
        return nil
    } catch let error as CredentialsError {
        #expect(error.code == code.code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected CredentialsError.\(code.code) but got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Counts calls from concurrent server handlers.
actor Counter {
    private(set) var value = 0

    /// Increments and returns the new value.
    func next() -> Int {
        value += 1
        return value
    }
}

/// Returns `handler`; lets a server handler be written as a trailing closure (`withServer(serve { … }) { … }`).
func serve(
    _ handler: @escaping @Sendable (RecordedRequest) async -> ServerAction
) -> @Sendable (RecordedRequest) async -> ServerAction {
    handler
}
