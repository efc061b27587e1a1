import CoreMetrics
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Testing

@testable import DBLambdaRelay

struct TestFailure: Error, CustomStringConvertible {
    var description: String
}

/// An in-memory outbox with the claim semantics of the PostgreSQL one: `SKIP LOCKED`, due times, per-key ordering
/// (earlier waiting events and keys held by another connection block a key), marks, dead letter, cleanup.
final class InMemoryOutboxStore: OutboxStore, @unchecked Sendable {
    struct Row: Sendable {
        var id: Int64
        var eventID: String
        var key: String
        var envelope: [UInt8]
        var attempts = 0
        var nextAttemptAt: Date
        var createdAt: Date
        var deliveredAt: Date?
        var lastError: String?
        var lockedBy: Int?
    }

    struct DeadRow: Sendable {
        var id: Int64
        var key: String
        var attempts: Int
        var lastError: String
    }

    struct State {
        var rows: [Row] = []
        var nextID: Int64 = 0
        var dead: [DeadRow] = []
        var completed: [BatchMarks] = []
        var releases = 0
        var connects = 0
        var closes = 0
        var failConnects = 0
        var failClaims = 0
        var nextConnection = 0
        var heldKeys: [String: Int] = [:]
        var listeners: [Int: @Sendable () -> Void] = [:]
        var listens = 0
        var failListens = 0
    }

    let ordering: Bool
    let deleteDelivered: Bool
    let state = LockedBox(State())

    init(ordering: Bool = false, deleteDelivered: Bool = false) {
        self.ordering = ordering
        self.deleteDelivered = deleteDelivered
    }

    @discardableResult
    func insert(key: String = "public.orders:[1]", envelope: [UInt8]? = nil, attempts: Int = 0) -> Int64 {
        state.withLock { state in
            state.nextID += 1
            let id = state.nextID
            let body = envelope ?? Array(#"{"id":"event-\#(id)","operation":"insert","seq":\#(id)}"#.utf8)
            state.rows.append(
                Row(
                    id: id,
                    eventID: "event-\(id)",
                    key: key,
                    envelope: body,
                    attempts: attempts,
                    nextAttemptAt: Date(),
                    createdAt: Date()
                )
            )
            return id
        }
    }

    /// Sends a wake-up to every listener (what the trigger's `pg_notify` does).
    func notify() {
        let listeners = state.withLock { Array($0.listeners.values) }
        for listener in listeners { listener() }
    }

    var rows: [Row] { state.withLock { $0.rows } }
    var pending: [Row] { rows.filter { $0.deliveredAt == nil } }
    var delivered: [Row] { rows.filter { $0.deliveredAt != nil } }
    var dead: [DeadRow] { state.withLock { $0.dead } }
    var completed: [BatchMarks] { state.withLock { $0.completed } }
    var releases: Int { state.withLock { $0.releases } }
    var locked: Int { state.withLock { $0.rows.filter { $0.lockedBy != nil }.count } }
    var listenerCount: Int { state.withLock { $0.listeners.count } }

    func connect(logger: Logger) async throws -> any OutboxConnection {
        try state.withLock { state in
            state.connects += 1
            if state.failConnects > 0 {
                state.failConnects -= 1
                throw TestFailure(description: "connection refused (test)")
            }
            state.nextConnection += 1
            return InMemoryConnection(store: self, id: state.nextConnection)
        }
    }

    func listen(
        logger: Logger,
        listening: @escaping @Sendable () -> Void,
        notified: @escaping @Sendable () -> Void
    ) async throws {
        let id = try state.withLock { state in
            state.listens += 1
            if state.failListens > 0 {
                state.failListens -= 1
                throw TestFailure(description: "listen failed (test)")
            }
            state.nextConnection += 1
            state.listeners[state.nextConnection] = notified
            return state.nextConnection
        }
        listening()
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
        _ = state.withLock { $0.listeners.removeValue(forKey: id) }
    }

    fileprivate func claim(connection: Int, limit: Int) throws -> [ClaimedEvent] {
        try state.withLock { state in
            if state.failClaims > 0 {
                state.failClaims -= 1
                throw TestFailure(description: "server closed the connection (test)")
            }
            let now = Date()
            var claimed: [ClaimedEvent] = []
            for index in state.rows.indices where claimed.count < limit {
                let row = state.rows[index]
                guard row.deliveredAt == nil, row.lockedBy == nil, row.nextAttemptAt <= now else { continue }
                if ordering {
                    if let holder = state.heldKeys[row.key], holder != connection { continue }
                    let blocked = state.rows.contains {
                        $0.key == row.key && $0.id < row.id && $0.deliveredAt == nil && $0.nextAttemptAt > now
                    }
                    if blocked { continue }
                    state.heldKeys[row.key] = connection
                }
                state.rows[index].lockedBy = connection
                claimed.append(
                    ClaimedEvent(
                        id: row.id,
                        eventID: row.eventID,
                        partitionKey: row.key,
                        envelope: row.envelope,
                        attempts: row.attempts,
                        createdAt: row.createdAt
                    )
                )
            }
            return claimed
        }
    }

    fileprivate func complete(connection: Int, marks: BatchMarks) {
        state.withLock { state in
            let now = Date()
            for id in marks.delivered {
                guard let index = state.rows.firstIndex(where: { $0.id == id }) else { continue }
                if deleteDelivered {
                    state.rows.remove(at: index)
                } else {
                    state.rows[index].deliveredAt = now
                    state.rows[index].attempts += 1
                }
            }
            for retry in marks.retries {
                guard let index = state.rows.firstIndex(where: { $0.id == retry.id }) else { continue }
                state.rows[index].attempts += 1
                state.rows[index].lastError = retry.error
                state.rows[index].nextAttemptAt = now.addingTimeInterval(Double(retry.delayMilliseconds) / 1000)
            }
            for dead in marks.dead {
                guard let index = state.rows.firstIndex(where: { $0.id == dead.id }) else { continue }
                let row = state.rows.remove(at: index)
                state.dead.append(
                    DeadRow(
                        id: row.id,
                        key: row.key,
                        attempts: row.attempts + (dead.attempted ? 1 : 0),
                        lastError: dead.error
                    )
                )
            }
            state.completed.append(marks)
            Self.unlock(&state, connection)
        }
    }

    fileprivate func release(connection: Int) {
        state.withLock { state in
            state.releases += 1
            Self.unlock(&state, connection)
        }
    }

    fileprivate func cleanup(retention: Duration, limit: Int) -> Int {
        state.withLock { state in
            let cutoff = Date().addingTimeInterval(-Double(OutboxSQL.milliseconds(retention)) / 1000)
            let old = state.rows.filter { ($0.deliveredAt ?? .distantFuture) < cutoff }.prefix(limit).map(\.id)
            state.rows.removeAll { old.contains($0.id) }
            return old.count
        }
    }

    fileprivate func close(connection: Int) {
        state.withLock { state in
            state.closes += 1
            Self.unlock(&state, connection)
        }
    }

    private static func unlock(_ state: inout State, _ connection: Int) {
        for index in state.rows.indices where state.rows[index].lockedBy == connection {
            state.rows[index].lockedBy = nil
        }
        state.heldKeys = state.heldKeys.filter { $0.value != connection }
    }
}

private struct InMemoryConnection: OutboxConnection {
    let store: InMemoryOutboxStore
    let id: Int

    func claim(limit: Int) async throws -> [ClaimedEvent] {
        let events = try store.claim(connection: id, limit: limit)
        if events.isEmpty { store.release(connection: id) }
        return events
    }

    func complete(_ marks: BatchMarks) async throws { store.complete(connection: id, marks: marks) }
    func release() async throws { store.release(connection: id) }
    func cleanup(retention: Duration, limit: Int) async throws -> Int {
        store.cleanup(retention: retention, limit: limit)
    }
    var isClosed: Bool { false }
    func close() async { store.close(connection: id) }
}

/// An invoker that records every payload and answers from a closure.
final class ScriptedInvoker: RelayInvoker, @unchecked Sendable {
    typealias Handler = @Sendable (_ payload: [UInt8], _ call: Int) async -> InvocationOutcome
    private let handler: Handler
    private let recorded = LockedBox<[[UInt8]]>([])

    init(_ handler: @escaping Handler = { _, _ in .delivered }) {
        self.handler = handler
    }

    var payloads: [[UInt8]] { recorded.withLock { $0 } }

    /// Every event id seen (envelopes of the in-memory store carry `"id":"event-N"`).
    var deliveredEventIDs: [String] {
        payloads.flatMap { payload -> [String] in
            let text = String(decoding: payload, as: UTF8.self)
            return text.matches(of: /"id":"(event-\d+)"/).map { String($0.output.1) }
        }
    }

    func invoke(_ payload: [UInt8]) async -> InvocationOutcome {
        let call = recorded.withLock { calls -> Int in
            calls.append(payload)
            return calls.count
        }
        return await handler(payload, call)
    }
}

/// A one-shot gate that tasks await (returns early when the waiting task is cancelled).
final class Gate: Sendable {
    private let state = LockedBox<(open: Bool, waiters: [CheckedContinuation<Void, Never>], entered: Int)>(
        (false, [], 0)
    )

    var entered: Int { state.withLock { $0.entered } }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        state.withLock { $0.entered += 1 }
        while !Task.isCancelled {
            let isOpen = state.withLock { $0.open }
            if isOpen { return }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes.
func eventually(
    timeout: Duration = .seconds(30),
    _ condition: @Sendable () -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

func testConfiguration(
    batchSize: Int = 100,
    concurrency: Int = 1,
    ordering: RelayConfiguration.Ordering = .none,
    maxAttempts: Int = 10,
    pollInterval: Duration = .milliseconds(50),
    retention: Duration? = .seconds(86_400)
) -> RelayConfiguration {
    RelayConfiguration(
        function: "orders",
        batchSize: batchSize,
        concurrency: concurrency,
        ordering: ordering,
        maxAttempts: maxAttempts,
        pollInterval: pollInterval,
        retention: retention
    )
}

func makeEngine(
    _ configuration: RelayConfiguration,
    store: InMemoryOutboxStore,
    invoker: ScriptedInvoker,
    metrics: TestMetrics = TestMetrics(),
    logger: Logger = Logger(label: "relay-test") { _ in SwiftLogNoOpLogHandler() },
    random: @escaping @Sendable () -> Double = { 0.5 }
) -> RelayEngine {
    RelayEngine(
        configuration: configuration,
        store: store,
        invoker: invoker,
        logger: logger,
        metrics: RelayMetrics(factory: metrics),
        random: random,
        reconnectBase: .milliseconds(5),
        reconnectMaximum: .milliseconds(40)
    )
}

/// Runs the engine as a `ServiceLifecycle` service, so graceful shutdown is the real mechanism.
struct EngineService: Service {
    let engine: RelayEngine
    func run() async throws { await engine.run() }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

// MARK: - Metrics

/// A small `MetricsFactory` that keeps every value (no global bootstrap).
final class TestMetrics: MetricsFactory, @unchecked Sendable {
    final class Handler: CounterHandler, RecorderHandler, TimerHandler, @unchecked Sendable {
        let label: String
        let dimensions: [(String, String)]
        private let values = LockedBox<[Int64]>([])

        init(label: String, dimensions: [(String, String)]) {
            self.label = label
            self.dimensions = dimensions
        }

        var recorded: [Int64] { values.withLock { $0 } }
        var total: Int64 { recorded.reduce(0, +) }

        func increment(by amount: Int64) { values.withLock { $0.append(amount) } }
        func reset() { values.withLock { $0 = [] } }
        func record(_ value: Int64) { values.withLock { $0.append(value) } }
        func record(_ value: Double) { values.withLock { $0.append(Int64(value)) } }
        func recordNanoseconds(_ duration: Int64) { values.withLock { $0.append(duration) } }
    }

    private let handlers = LockedBox<[Handler]>([])

    private func make(_ label: String, _ dimensions: [(String, String)]) -> Handler {
        let handler = Handler(label: label, dimensions: dimensions)
        handlers.withLock { $0.append(handler) }
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

    /// The handler with `label` (and `dimension`, when given).
    func handler(_ label: String, outcome: String? = nil) -> Handler? {
        handlers.withLock { handlers in
            handlers.first { handler in
                handler.label == label
                    && (outcome == nil || handler.dimensions.contains { $0 == ("outcome", outcome ?? "") })
            }
        }
    }

    func total(_ label: String, outcome: String? = nil) -> Int64 { handler(label, outcome: outcome)?.total ?? -1 }
}

// MARK: - Logging

/// Keeps every log line (message and metadata) of one logger.
final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    private let lines = LockedBox<[String]>([])
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
        lines.withLock { $0.append(line) }
    }

    var all: [String] { lines.withLock { $0 } }
}
