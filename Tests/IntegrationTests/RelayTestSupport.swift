import CoreMetrics
import DBLambdaCore
import DBLambdaCredentials
import DBLambdaEvents
import DBLambdaHTTP
import DBLambdaInvoke
import DBLambdaLocal
import DBLambdaRelay
import DBLambdaSQL
import Foundation
import HTTPTypes
import Logging
import Metrics
import ServiceLifecycle
import Testing

/// The relay suites' PostgreSQL database: created fresh once per test process (`relay_<random>`), so suites of
/// other processes and other suites never see its outboxes. Each test installs its own outbox schema and table.
enum RelayDatabase {
    static let name = "relay_" + UUID().uuidString.prefix(8).lowercased()
    /// The password in the URL: the dev server uses trust authentication and ignores it, but the tests check it
    /// never reaches a log line.
    static let password = "relay-pw-must-not-leak"

    private static let creation = Task<Result<Void, SQLClientFailure>, Never> {
        do {
            try await PostgresServer.prepare()
            try await PostgresServer.run("CREATE DATABASE \(name);", database: "postgres")
            return .success(())
        } catch let error as SQLClientFailure {
            return .failure(error)
        } catch {
            return .failure(SQLClientFailure(description: "cannot create \(name): \(error)"))
        }
    }

    static func prepare() async throws {
        try await creation.value.get()
    }

    static var url: DatabaseURL {
        get throws {
            let connection = PostgresServer.connection
            return try DatabaseURL(
                "postgres://\(connection["PGUSER"] ?? "postgres"):\(password)@\(connection["PGHOST"] ?? "127.0.0.1")"
                    + ":\(connection["PGPORT"] ?? "55432")/\(name)?sslmode=disable"
            )
        }
    }

    @discardableResult
    static func run(_ sql: String) async throws -> String {
        try await PostgresServer.run(sql, database: name).stdout
    }

    /// One integer from a query (`-A -t` output).
    static func integer(_ query: String) async throws -> Int {
        let text = try await run(query).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let value = Int(text) else { throw SQLClientFailure(description: "not an integer: \(text)") }
        return value
    }

    /// Creates `<prefix>_app.items (id int PRIMARY KEY, k int, seq int, note text)` with an outbox-mode trigger
    /// and the outbox schema `<prefix>_outbox` (channel `<prefix>_wake`).
    static func install(_ prefix: String) async throws -> OutboxNames {
        try await prepare()
        let names = try OutboxNames(schema: "\(prefix)_outbox", channel: "\(prefix)_wake")
        let schema = try PostgreSQLOutboxSchema(names: names).render()
        let trigger = try PostgreSQLTriggerScript(
            TriggerConfiguration(
                function: try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:123456789012:function:relay-items"),
                table: try TableName(parsing: "\(prefix)_app.items"),
                delivery: .outbox(names)
            )
        ).render()
        try await run(
            "DROP SCHEMA IF EXISTS \(prefix)_app CASCADE; DROP SCHEMA IF EXISTS \(prefix)_outbox CASCADE;\n"
                + "CREATE SCHEMA \(prefix)_app;\n"
                + "CREATE TABLE \(prefix)_app.items (id int PRIMARY KEY, k int NOT NULL DEFAULT 0, "
                + "seq int NOT NULL DEFAULT 0, note text);"
        )
        try await run(schema)
        try await run(trigger)
        return names
    }
}

/// What the relay's function saw: successful invocations only (a failing invocation records nothing).
final class RelayInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var received: [ChangeEvent] = []
    private var calls = 0

    /// Decides per call (1-based) whether the function fails; `nil` succeeds.
    let failure: @Sendable (Int) -> String?
    let gate: (@Sendable () async -> Void)?

    init(failure: @escaping @Sendable (Int) -> String? = { _ in nil }, gate: (@Sendable () async -> Void)? = nil) {
        self.failure = failure
        self.gate = gate
    }

    var handler: LocalLambdaHandler {
        .closure { [self] invocation in
            let call = self.nextCall()
            if let gate = self.gate { await gate() }
            if let message = self.failure(call) {
                return .handledError(type: "InjectedFailure", message: message)
            }
            let events = try ChangeEvent.decode(from: invocation.payload)
            self.record(events)
            return .json(#"{"received":\#(events.count)}"#)
        }
    }

    private func nextCall() -> Int {
        lock.lock()
        defer { lock.unlock() }
        calls += 1
        return calls
    }

    private func record(_ events: [ChangeEvent]) {
        lock.lock()
        received.append(contentsOf: events)
        lock.unlock()
    }

    var events: [ChangeEvent] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    var invocations: Int {
        lock.lock()
        defer { lock.unlock() }
        return calls
    }
}

/// Runs `body` while `relays` run in a `ServiceGroup`; then shuts the group down gracefully.
func withRelays<Result: Sendable>(
    _ relays: [OutboxRelay],
    logger: Logger,
    _ body: () async throws -> Result
) async throws -> Result {
    let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: relays, logger: logger))
    let running = Task { try await group.run() }
    do {
        let result = try await body()
        await group.triggerGracefulShutdown()
        try await running.value
        return result
    } catch {
        running.cancel()
        _ = try? await running.value
        throw error
    }
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes.
func relayEventually(
    timeout: Duration = .seconds(30),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// A `LambdaClient` on a transport that answers some requests itself (a 500, a 429) and forwards the rest to the
/// local Lambda: the faults Lambda's front end produces, with the real function behind them.
final class FaultInjectingTransport: HTTPTransport, @unchecked Sendable {
    private let base: any HTTPTransport
    private let lock = NSLock()
    private var count = 0
    /// Per request (1-based): a status and error code to answer with instead of forwarding.
    let fault: @Sendable (Int) -> (status: Int, code: String)?

    init(base: any HTTPTransport, fault: @escaping @Sendable (Int) -> (status: Int, code: String)?) {
        self.base = base
        self.fault = fault
    }

    private func nextNumber() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }

    func send(
        _ request: HTTPRequest,
        body: [UInt8],
        options: HTTPRequestOptions,
        logger: Logger
    ) async throws -> HTTPTransportResponse {
        if let (status, code) = fault(nextNumber()) {
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            if let name = HTTPField.Name("x-amzn-ErrorType") { fields[name] = code }
            return HTTPTransportResponse(
                head: HTTPResponse(status: .init(code: status), headerFields: fields),
                body: Array(#"{"Type":"Service","message":"injected \#(code)"}"#.utf8)
            )
        }
        return try await base.send(request, body: body, options: options, logger: logger)
    }
}

/// Counters and timers kept in memory (no global bootstrap).
final class RelayTestMetrics: MetricsFactory, @unchecked Sendable {
    final class Handler: CounterHandler, RecorderHandler, TimerHandler, @unchecked Sendable {
        let label: String
        let dimensions: [(String, String)]
        private let lock = NSLock()
        private var values: [Int64] = []

        init(label: String, dimensions: [(String, String)]) {
            self.label = label
            self.dimensions = dimensions
        }

        var recorded: [Int64] {
            lock.lock()
            defer { lock.unlock() }
            return values
        }

        private func append(_ value: Int64) {
            lock.lock()
            values.append(value)
            lock.unlock()
        }

        func increment(by amount: Int64) { append(amount) }
        func reset() {}
        func record(_ value: Int64) { append(value) }
        func record(_ value: Double) { append(Int64(value)) }
        func recordNanoseconds(_ duration: Int64) { append(duration) }
    }

    private let lock = NSLock()
    private var handlers: [Handler] = []

    private func make(_ label: String, _ dimensions: [(String, String)]) -> Handler {
        let handler = Handler(label: label, dimensions: dimensions)
        lock.lock()
        handlers.append(handler)
        lock.unlock()
        return handler
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { make(label, dimensions) }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        make(label, dimensions)
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { make(label, dimensions) }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    /// The sum of every value recorded under `label` (and `outcome`).
    func total(_ label: String, outcome: String? = nil) -> Int64 {
        lock.lock()
        let matching = handlers.filter { handler in
            handler.label == label
                && (outcome == nil || handler.dimensions.contains { $0 == ("outcome", outcome ?? "") })
        }
        lock.unlock()
        return matching.flatMap(\.recorded).reduce(0, +)
    }

    func values(_ label: String) -> [Int64] {
        lock.lock()
        let matching = handlers.filter { $0.label == label }
        lock.unlock()
        return matching.flatMap(\.recorded)
    }
}

/// Keeps every log line (level, message, metadata) in memory.
final class RelayLogRecorder: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let line =
            "\(event.level) \(event.message) "
            + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}

/// Records an issue unless `condition` holds within `timeout` (polled every 50 ms).
func expectEventually(
    timeout: Duration = .seconds(30),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    if try await relayEventually(timeout: timeout, condition) { return }
    Issue.record("the condition did not hold within \(timeout)", sourceLocation: sourceLocation)
}
