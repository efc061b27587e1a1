import DBLambdaHTTP
import Foundation
import HTTPTypes
import Logging
import LoopbackHTTPServer

/// The real transports, so one test runs over each.
enum TransportKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case asyncHTTPClient
    case urlSession

    var description: String { rawValue }

    /// Creates the transport, runs `body` and shuts the transport down.
    func withTransport<Result>(
        defaultTimeout: Duration = .seconds(30),
        _ body: (any HTTPTransport) async throws -> Result
    ) async throws -> Result {
        switch self {
        case .asyncHTTPClient:
            let transport = AsyncHTTPClientTransport(defaultTimeout: defaultTimeout)
            do {
                let result = try await body(transport)
                try await transport.shutdown()
                return result
            } catch {
                try? await transport.shutdown()
                throw error
            }
        case .urlSession:
            let transport = URLSessionTransport(defaultTimeout: defaultTimeout)
            defer { transport.shutdown() }
            return try await body(transport)
        }
    }
}

/// A request to the loopback server.
func loopbackRequest(
    _ method: HTTPRequest.Method = .get,
    _ server: LoopbackHTTPServer,
    _ path: String,
    headers: HTTPFields = [:]
) -> HTTPRequest {
    HTTPRequest(method: method, scheme: "http", authority: server.authority, path: path, headerFields: headers)
}

/// A logger that sends nothing anywhere.
let silentLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// Deterministic pseudo-random bytes (a linear congruential generator), for large bodies.
func patternBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    for index in bytes.indices {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        bytes[index] = UInt8(truncatingIfNeeded: state >> 56)
    }
    return bytes
}

/// Collects every log line (message and metadata) at every level, for assertions.
final class LogCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        lines.append(line)
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return lines.joined(separator: "\n")
    }

    var logger: Logger {
        var logger = Logger(label: "collector", factory: { _ in CollectingLogHandler(collector: self) })
        logger.logLevel = .trace
        return logger
    }
}

/// A `LogHandler` that writes into a ``LogCollector``.
struct CollectingLogHandler: LogHandler {
    let collector: LogCollector
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        collector.append("\(event.level) \(event.message) \(rendered)")
    }
}

/// A value shared between a test and the closures it passes, behind a lock.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) {
        stored = value
    }

    var value: Value {
        get {
            lock.lock()
            defer { lock.unlock() }
            return stored
        }
        set {
            lock.lock()
            defer { lock.unlock() }
            stored = newValue
        }
    }
}
