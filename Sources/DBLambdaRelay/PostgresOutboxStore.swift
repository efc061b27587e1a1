import DBLambdaSQL
import Foundation
import Logging
import PostgresNIO

/// The outbox in PostgreSQL: each worker holds one `PostgresConnection`; a claim is `BEGIN` + one `SELECT … FOR
/// UPDATE SKIP LOCKED` round trip, the marks one statement, then `COMMIT`.
struct PostgresOutboxStore: OutboxStore {
    let configuration: PostgresConnection.Configuration
    let sql: OutboxSQL
    let heartbeat: Duration
    private let ids = ConnectionIDs()

    init(database: DatabaseURL, sql: OutboxSQL, heartbeat: Duration = .seconds(15)) throws(RelayError) {
        self.configuration = try database.connectionConfiguration()
        self.sql = sql
        self.heartbeat = heartbeat
    }

    func connect(logger: Logger) async throws -> any OutboxConnection {
        let connection = try await PostgresConnection.connect(
            configuration: configuration,
            id: ids.next(),
            logger: logger
        )
        return PostgresOutboxConnection(connection: connection, sql: sql, logger: logger)
    }

    func listen(
        logger: Logger,
        listening: @escaping @Sendable () -> Void,
        notified: @escaping @Sendable () -> Void
    ) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: configuration,
            id: ids.next(),
            logger: logger
        )
        let heartbeat = self.heartbeat
        do {
            try await listen(
                on: connection,
                heartbeat: heartbeat,
                logger: logger,
                listening: listening,
                notified: notified
            )
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    private func listen(
        on connection: PostgresConnection,
        heartbeat: Duration,
        logger: Logger,
        listening: @escaping @Sendable () -> Void,
        notified: @escaping @Sendable () -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await connection.listen(on: sql.names.channel) { notifications in
                    listening()
                    for try await _ in notifications { notified() }
                }
                // The sequence ended: the connection is gone.
                throw RelayError(code: .databaseFailure, message: "the LISTEN connection ended")
            }
            group.addTask {
                // A connection that died silently (no TCP reset) would never deliver another notification: a
                // periodic query notices it, and the listener reconnects. Guarded: a query written just as the
                // connection closes is never answered by postgres-nio.
                let calls = PendingCalls(closingWith: connection)
                while true {
                    try await Task.sleep(for: heartbeat)
                    try await calls.run { try await connection.query("SELECT 1", logger: logger) }
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}

/// Hands out connection ids for postgres-nio's logs.
private final class ConnectionIDs: Sendable {
    private let counter = LockedBox(0)

    func next() -> Int {
        counter.withLock { value in
            value += 1
            return value
        }
    }
}

/// One worker's connection.
///
/// Every database call goes through ``guarded(_:)``: postgres-nio 1.33 never answers a query written to a
/// connection that has just closed (a database restart, an administrator's `pg_terminate_backend`), so a worker
/// would wait forever. The guard fails every call still waiting when the connection's close future fires.
final class PostgresOutboxConnection: OutboxConnection {
    let connection: PostgresConnection
    let sql: OutboxSQL
    let logger: Logger
    private let pending: PendingCalls

    init(connection: PostgresConnection, sql: OutboxSQL, logger: Logger) {
        self.connection = connection
        self.sql = sql
        self.logger = logger
        self.pending = PendingCalls(closingWith: connection)
    }

    func claim(limit: Int) async throws -> [ClaimedEvent] {
        let connection = self.connection
        let sql = self.sql
        let logger = self.logger
        try await guarded { try await connection.query("BEGIN", logger: logger) }
        var events: [ClaimedEvent]
        do {
            events = try await guarded {
                let rows = try await connection.query(sql.claimQuery(limit: limit), logger: logger)
                var events: [ClaimedEvent] = []
                events.reserveCapacity(limit)
                for try await (id, eventID, key, envelope, attempts, createdAt) in rows.decode(
                    (Int64, String, String, String, Int32, Date).self
                ) {
                    events.append(
                        ClaimedEvent(
                            id: id,
                            eventID: eventID,
                            partitionKey: key,
                            envelope: Array(envelope.utf8),
                            attempts: Int(attempts),
                            createdAt: createdAt
                        )
                    )
                }
                return events
            }
            if sql.ordering == .partitionKey, !events.isEmpty {
                events = try await droppingBlockedKeys(events)
            }
        } catch {
            _ = try? await guarded { try await connection.query("ROLLBACK", logger: logger) }
            throw error
        }
        if events.isEmpty {
            try await guarded { try await connection.query("ROLLBACK", logger: logger) }
        }
        return events
    }

    /// Per-key ordering, second look: the claim statement's snapshot is older than the advisory locks it took
    /// (a key's lock may be granted just after another worker committed a retry for an event of that key, which
    /// the old snapshot still shows as due), and its `clock_timestamp()` moves while it scans. With the locks held,
    /// a new statement sees every commit before them: of each key, only the claimed events before the key's first
    /// undelivered event that was not claimed stay in the batch (the others are released unchanged at the end of
    /// the transaction).
    private func droppingBlockedKeys(_ events: [ClaimedEvent]) async throws -> [ClaimedEvent] {
        var keys: Set<String> = []
        for event in events { keys.insert(event.partitionKey) }
        let query = sql.firstGapsQuery(keys: Array(keys), claimedIDs: events.map(\.id))
        let connection = self.connection
        let logger = self.logger
        let gaps: [String: Int64] = try await guarded {
            var gaps: [String: Int64] = [:]
            for try await (key, id) in try await connection.query(query, logger: logger).decode((String, Int64).self) {
                gaps[key] = id
            }
            return gaps
        }
        guard !gaps.isEmpty else { return events }
        let kept = events.filter { event in gaps[event.partitionKey].map { event.id < $0 } ?? true }
        if kept.count < events.count {
            logger.debug(
                "relay left events out of a batch: an earlier event of their key waits",
                metadata: ["relay.events": "\(events.count - kept.count)"]
            )
        }
        return kept
    }

    func complete(_ marks: BatchMarks) async throws {
        let connection = self.connection
        let logger = self.logger
        do {
            if let query = sql.markQuery(marks) {
                try await guarded { try await connection.query(query, logger: logger) }
            }
            try await guarded { try await connection.query("COMMIT", logger: logger) }
        } catch {
            _ = try? await guarded { try await connection.query("ROLLBACK", logger: logger) }
            throw error
        }
    }

    func release() async throws {
        let connection = self.connection
        let logger = self.logger
        try await guarded { try await connection.query("ROLLBACK", logger: logger) }
    }

    func cleanup(retention: Duration, limit: Int) async throws -> Int {
        let connection = self.connection
        let logger = self.logger
        let query = sql.cleanupQuery(retention: retention, limit: limit)
        return try await guarded {
            var deleted = 0
            for try await count in try await connection.query(query, logger: logger).decode(Int64.self) {
                deleted = Int(count)
            }
            return deleted
        }
    }

    var isClosed: Bool { connection.isClosed }

    func close() async {
        try? await connection.close()
    }

    /// Runs `body` and returns its result, or throws as soon as the connection closes while it waits.
    @discardableResult
    private func guarded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await pending.run(body)
    }

    static let closedError = RelayError(code: .databaseFailure, message: "the database connection closed")
}

/// The calls waiting on one connection; all fail when it closes.
final class PendingCalls: Sendable {
    private struct State {
        var closed = false
        var next = 0
        var waiting: [Int: any FinishableCall] = [:]
    }
    private let state = LockedBox(State())

    /// Watches `connection`: when it closes, every waiting call fails.
    init(closingWith connection: PostgresConnection) {
        let state = self.state
        connection.closeFuture.whenComplete { _ in Self.closeAll(state) }
    }

    /// Runs `body` in its own task and returns its result, or throws as soon as the connection closes.
    @discardableResult
    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            guard let token = add(continuation) else {
                continuation.resume(throwing: PostgresOutboxConnection.closedError)
                return
            }
            Task {
                let result: Result<T, any Error>
                do {
                    result = .success(try await body())
                } catch {
                    result = .failure(error)
                }
                self.finish(token, with: result)
            }
        }
    }

    /// Registers a waiting call; `nil` when the connection is already closed.
    private func add<T: Sendable>(_ continuation: CheckedContinuation<T, any Error>) -> Int? {
        state.withLock { state in
            guard !state.closed else { return nil }
            state.next += 1
            state.waiting[state.next] = Call(continuation: continuation)
            return state.next
        }
    }

    /// Resumes the call with its result, unless the connection's close already failed it.
    private func finish<T: Sendable>(_ token: Int, with result: Result<T, any Error>) {
        let call = state.withLock { $0.waiting.removeValue(forKey: token) }
        (call as? Call<T>)?.continuation.resume(with: result)
    }

    /// Fails every waiting call; later calls fail at once.
    private static func closeAll(_ state: LockedBox<State>) {
        let calls = state.withLock { state in
            state.closed = true
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for call in calls { call.fail(PostgresOutboxConnection.closedError) }
    }
}

private protocol FinishableCall: Sendable {
    func fail(_ error: any Error)
}

private struct Call<T: Sendable>: FinishableCall {
    let continuation: CheckedContinuation<T, any Error>
    func fail(_ error: any Error) { continuation.resume(throwing: error) }
}

/// A value behind a lock (`Synchronization.Mutex` needs macOS 15; the package supports macOS 14).
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
