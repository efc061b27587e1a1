public import Foundation

/// A snapshot of an outbox: what waits, what was delivered and kept, what is dead.
public struct OutboxStats: Sendable, Hashable {
    /// Events not delivered yet (due now or waiting for a retry).
    public var pending: Int
    /// Pending events whose next attempt is due now.
    public var due: Int
    /// Pending events that failed at least once.
    public var retrying: Int
    /// Delivered events still kept (see ``RelayConfiguration/retention``).
    public var delivered: Int
    /// Events in the dead letter.
    public var dead: Int
    /// The age of the oldest pending event (`nil` when none is pending).
    public var oldestPendingAge: Duration?

    /// Creates a snapshot.
    public init(pending: Int, due: Int, retrying: Int, delivered: Int, dead: Int, oldestPendingAge: Duration?) {
        self.pending = pending
        self.due = due
        self.retrying = retrying
        self.delivered = delivered
        self.dead = dead
        self.oldestPendingAge = oldestPendingAge
    }

    /// ``oldestPendingAge`` in seconds (for JSON output).
    public var oldestPendingAgeSeconds: Double? {
        oldestPendingAge.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
    }
}

/// An event in the dead letter: it failed ``RelayConfiguration/maxAttempts`` times, or could never be delivered
/// (too large for one invocation, not a JSON object).
public struct DeadLetter: Sendable, Hashable {
    /// The event's outbox id.
    public var id: Int64
    /// The envelope's event id.
    public var eventID: String
    /// `schema.table:[primary key values]`.
    public var partitionKey: String
    /// The delivery attempts made.
    public var attempts: Int
    /// The last failure (Lambda's error, the function error, or why the event is poison).
    public var lastError: String?
    /// When the writer committed the event.
    public var createdAt: Date
    /// When the relay gave up.
    public var deadAt: Date
    /// The envelope as JSON text.
    public var envelope: String

    /// Creates a record.
    public init(
        id: Int64,
        eventID: String,
        partitionKey: String,
        attempts: Int,
        lastError: String?,
        createdAt: Date,
        deadAt: Date,
        envelope: String
    ) {
        self.id = id
        self.eventID = eventID
        self.partitionKey = partitionKey
        self.attempts = attempts
        self.lastError = lastError
        self.createdAt = createdAt
        self.deadAt = deadAt
        self.envelope = envelope
    }
}
