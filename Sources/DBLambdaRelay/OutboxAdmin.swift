public import DBLambdaSQL
import Foundation
public import Logging
import PostgresNIO

/// Inspects and maintains an outbox: statistics, the dead letter, replay, cleanup. Each call opens its own
/// connection and closes it again.
///
/// ```swift
/// let admin = OutboxAdmin(database: try DatabaseURL("postgres://relay@db.internal/app"), logger: logger)
/// let stats = try await admin.stats()
/// for dead in try await admin.listDead(limit: 20) { print(dead.id, dead.lastError ?? "") }
/// let replayed = try await admin.replay(ids: nil)   // every dead event back to the outbox
/// ```
public struct OutboxAdmin: Sendable {
    /// The database (its description hides the password).
    public let database: DatabaseURL
    /// The outbox schema and channel.
    public let names: OutboxNames
    private let logger: Logger

    /// Creates an admin for the outbox `names` in `database`.
    ///
    /// - Parameters:
    ///   - database: The database that holds the outbox.
    ///   - names: The outbox schema and the `NOTIFY` channel (replay wakes the relays on it).
    ///   - logger: Where postgres-nio logs (never the password).
    public init(database: DatabaseURL, names: OutboxNames = .standard, logger: Logger) {
        self.database = database
        self.names = names
        self.logger = logger
    }

    /// The outbox's counts and the age of its oldest pending event.
    ///
    /// - Throws: ``RelayError/Code/databaseFailure`` with PostgreSQL's reason (for example a missing schema).
    public func stats() async throws -> OutboxStats {
        let outbox = names.qualifiedOutbox
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT count(*) FILTER (WHERE delivered_at IS NULL),
                       count(*) FILTER (WHERE delivered_at IS NULL AND next_attempt_at <= clock_timestamp()),
                       count(*) FILTER (WHERE delivered_at IS NULL AND attempts > 0),
                       count(*) FILTER (WHERE delivered_at IS NOT NULL),
                       (SELECT count(*) FROM \(names.qualifiedDeadLetter)),
                       (EXTRACT(EPOCH FROM clock_timestamp() - min(created_at) FILTER (WHERE delivered_at IS NULL))
                           * 1000)::int8
                FROM \(outbox)
                """
        )
        return try await withConnection("stats") { connection in
            let rows = try await connection.query(query, logger: logger)
            for try await (pending, due, retrying, delivered, dead, oldest) in rows.decode(
                (Int64, Int64, Int64, Int64, Int64, Int64?).self
            ) {
                return OutboxStats(
                    pending: Int(pending),
                    due: Int(due),
                    retrying: Int(retrying),
                    delivered: Int(delivered),
                    dead: Int(dead),
                    oldestPendingAge: oldest.map { .milliseconds(max(0, $0)) }
                )
            }
            throw RelayError(code: .databaseFailure, message: "stats: the query returned no row")
        }
    }

    /// The first `limit` events of the dead letter, oldest outbox id first.
    ///
    /// - Parameter limit: 1 to 100 000.
    /// - Throws: ``RelayError/Code/invalidArgument`` for a limit out of range, ``RelayError/Code/databaseFailure``.
    public func listDead(limit: Int) async throws -> [DeadLetter] {
        guard (1...100_000).contains(limit) else {
            throw RelayError(code: .invalidArgument, message: "listDead: limit must be 1 to 100000, got \(limit)")
        }
        var binds = PostgresBindings(capacity: 1)
        binds.append(Int64(limit))
        let query = PostgresQuery(
            unsafeSQL: "SELECT id, event_id::text, partition_key, attempts, last_error, created_at, dead_at, "
                + "envelope::text FROM \(names.qualifiedDeadLetter) ORDER BY id LIMIT $1",
            binds: binds
        )
        return try await withConnection("listDead") { connection in
            var result: [DeadLetter] = []
            let rows = try await connection.query(query, logger: logger)
            for try await (id, eventID, key, attempts, lastError, createdAt, deadAt, envelope) in rows.decode(
                (Int64, String, String, Int32, String?, Date, Date, String).self
            ) {
                result.append(
                    DeadLetter(
                        id: id,
                        eventID: eventID,
                        partitionKey: key,
                        attempts: Int(attempts),
                        lastError: lastError,
                        createdAt: createdAt,
                        deadAt: deadAt,
                        envelope: envelope
                    )
                )
            }
            return result
        }
    }

    /// Moves dead events back to the outbox as new pending events (a new outbox id, zero attempts, the original
    /// `created_at`) and wakes the relays. With per-key ordering, a replayed event comes after every event of its
    /// key committed before the replay.
    ///
    /// - Parameter ids: The outbox ids to replay (as ``DeadLetter/id`` shows them); `nil` replays every dead event.
    /// - Returns: How many events were moved back.
    /// - Throws: ``RelayError/Code/databaseFailure``.
    public func replay(ids: [Int64]?) async throws -> Int {
        if let ids, ids.isEmpty { return 0 }
        var binds = PostgresBindings(capacity: 1)
        binds.append(ids)
        let query = PostgresQuery(
            unsafeSQL: """
                WITH moved AS (
                    DELETE FROM \(names.qualifiedDeadLetter) WHERE $1::int8[] IS NULL OR id = ANY($1::int8[])
                    RETURNING id, event_id, partition_key, envelope, created_at
                ), inserted AS (
                    INSERT INTO \(names.qualifiedOutbox) (event_id, partition_key, envelope, created_at)
                    SELECT event_id, partition_key, envelope, created_at FROM moved ORDER BY id
                    RETURNING 1
                )
                SELECT count(*) FROM inserted
                """,
            binds: binds
        )
        var notifyBinds = PostgresBindings(capacity: 1)
        notifyBinds.append(names.channel)
        let notify = PostgresQuery(unsafeSQL: "SELECT pg_notify($1, '')", binds: notifyBinds)
        return try await withConnection("replay") { connection in
            try await connection.withTransaction(logger: logger) { connection in
                var count = 0
                for try await moved in try await connection.query(query, logger: logger).decode(Int64.self) {
                    count = Int(moved)
                }
                if count > 0 { try await connection.query(notify, logger: logger) }
                return count
            }
        }
    }

    /// Deletes delivered events older than `retention` (in batches of 10 000, until none is left).
    ///
    /// - Parameter retention: Zero or more; zero deletes every delivered event.
    /// - Returns: How many events were deleted.
    /// - Throws: ``RelayError/Code/invalidArgument`` for a negative retention, ``RelayError/Code/databaseFailure``.
    public func cleanup(retention: Duration) async throws -> Int {
        guard retention >= .zero else {
            throw RelayError(code: .invalidArgument, message: "cleanup: retention must be zero or positive")
        }
        let sql = OutboxSQL(names: names, ordering: .none, deleteDelivered: false)
        return try await withConnection("cleanup") { connection in
            var total = 0
            while true {
                var deleted = 0
                let rows = try await connection.query(
                    sql.cleanupQuery(retention: retention, limit: RelayEngine.cleanupBatchSize),
                    logger: logger
                )
                for try await count in rows.decode(Int64.self) { deleted = Int(count) }
                total += deleted
                if deleted < RelayEngine.cleanupBatchSize { return total }
            }
        }
    }

    /// Connects, runs `body`, closes; database errors become ``RelayError/Code/databaseFailure``.
    private func withConnection<Result: Sendable>(
        _ operation: String,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let configuration = try database.connectionConfiguration()
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw RelayError(
                code: .databaseFailure,
                message: "\(operation): cannot connect to \(database): \(describe(error))"
            )
        }
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch let error as RelayError {
            try? await connection.close()
            throw error
        } catch {
            try? await connection.close()
            throw RelayError(code: .databaseFailure, message: "\(operation) on \(names.schema): \(describe(error))")
        }
    }
}
