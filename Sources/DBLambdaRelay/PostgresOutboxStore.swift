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
                // periodic query notices it, and the listener reconnects.
                while true {
                    try await Task.sleep(for: heartbeat)
                    try await connection.query("SELECT 1", logger: logger)
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
final class PostgresOutboxConnection: OutboxConnection {
    let connection: PostgresConnection
    let sql: OutboxSQL
    let logger: Logger

    init(connection: PostgresConnection, sql: OutboxSQL, logger: Logger) {
        self.connection = connection
        self.sql = sql
        self.logger = logger
    }

    func claim(limit: Int) async throws -> [ClaimedEvent] {
        try await connection.query("BEGIN", logger: logger)
        var events: [ClaimedEvent] = []
        do {
            let rows = try await connection.query(sql.claimQuery(limit: limit), logger: logger)
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
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
        if events.isEmpty {
            try await connection.query("ROLLBACK", logger: logger)
        }
        return events
    }

    func complete(_ marks: BatchMarks) async throws {
        do {
            if let query = sql.markQuery(marks) {
                try await connection.query(query, logger: logger)
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    func release() async throws {
        try await connection.query("ROLLBACK", logger: logger)
    }

    func cleanup(retention: Duration, limit: Int) async throws -> Int {
        let rows = try await connection.query(sql.cleanupQuery(retention: retention, limit: limit), logger: logger)
        var deleted = 0
        for try await count in rows.decode(Int64.self) { deleted = Int(count) }
        return deleted
    }

    var isClosed: Bool { connection.isClosed }

    func close() async {
        try? await connection.close()
    }
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
