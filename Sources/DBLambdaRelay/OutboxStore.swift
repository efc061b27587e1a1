import Foundation
import Logging

/// One outbox event as a worker claimed it.
struct ClaimedEvent: Sendable, Hashable {
    /// The outbox row id (claim order; per-key order).
    var id: Int64
    /// The envelope's event id (consumers de-duplicate on it).
    var eventID: String
    /// `schema.table:[primary key values]`.
    var partitionKey: String
    /// The envelope's UTF-8 bytes, exactly as the trigger built it.
    var envelope: [UInt8]
    /// Delivery attempts before this claim.
    var attempts: Int
    /// When the writer committed the row (the trigger's `clock_timestamp()`).
    var createdAt: Date
}

/// What a worker writes back for a claimed batch, in one statement, before it commits.
///
/// Events of the batch in none of the lists are released unchanged (ordering mode stops a batch at its first
/// failed invocation and leaves the rest for the next claim).
struct BatchMarks: Sendable, Hashable {
    /// A failed delivery to retry later.
    struct Retry: Sendable, Hashable {
        var id: Int64
        var error: String
        /// The delay before the next attempt, in milliseconds.
        var delayMilliseconds: Int64
    }

    /// An event that moves to the dead letter.
    struct Dead: Sendable, Hashable {
        var id: Int64
        var error: String
        /// Whether this claim counts as an attempt (an invocation was made), so `attempts` grows by one; `false`
        /// for poison events that were never sent.
        var attempted: Bool
    }

    /// Delivered events.
    var delivered: [Int64] = []
    /// Failed events with their retry delay.
    var retries: [Retry] = []
    /// Events for the dead letter.
    var dead: [Dead] = []

    var isEmpty: Bool { delivered.isEmpty && retries.isEmpty && dead.isEmpty }
}

/// Where the relay's workers claim and mark events: PostgreSQL in production, an in-memory double in unit tests.
protocol OutboxStore: Sendable {
    /// Opens one worker's connection.
    func connect(logger: Logger) async throws -> any OutboxConnection

    /// Listens for wake-up notifications until the connection fails (throws) or the task is cancelled (returns).
    ///
    /// - Parameters:
    ///   - listening: Called once the listener is registered (notifications sent from now on are seen).
    ///   - notified: Called for every notification.
    func listen(
        logger: Logger,
        listening: @escaping @Sendable () -> Void,
        notified: @escaping @Sendable () -> Void
    ) async throws
}

/// One worker's connection: claim a batch in an open transaction, then complete (marks + commit) or release it
/// (rollback).
protocol OutboxConnection: Sendable {
    /// Opens a transaction and claims up to `limit` due events (locked until ``complete(_:)`` or ``release()``).
    /// When nothing is due the transaction is closed again and the result is empty.
    func claim(limit: Int) async throws -> [ClaimedEvent]

    /// Writes the marks and commits, releasing the claim.
    func complete(_ marks: BatchMarks) async throws

    /// Rolls the open transaction back, releasing the claim unchanged.
    func release() async throws

    /// Deletes delivered events older than `retention`, at most `limit`; returns how many.
    func cleanup(retention: Duration, limit: Int) async throws -> Int

    /// Whether the connection is known to be gone (the server closed it while it was idle).
    var isClosed: Bool { get }

    /// Closes the connection (a transaction still open is rolled back by the server).
    func close() async
}
