public import DBLambdaInvoke
public import DBLambdaSQL

/// What an ``OutboxRelay`` delivers where, and how: the function, the outbox, batching, concurrency, ordering,
/// retries, polling and retention.
///
/// ```swift
/// var configuration = RelayConfiguration(function: "arn:aws:lambda:us-east-1:123456789012:function:orders")
/// configuration.batchSize = 100
/// configuration.ordering = .partitionKey
/// try configuration.validate()
/// ```
///
/// Every relay that works on the same outbox must use the same ``ordering``.
public struct RelayConfiguration: Sendable, Hashable {
    /// Whether events of one partition key (a table row) are delivered strictly in commit order.
    public enum Ordering: String, Sendable, Hashable, CaseIterable {
        /// No order between events: the fastest; a retried event may arrive after later events of its row.
        case none
        /// Per partition key (`schema.table:[primary key]`): an event waits while an earlier event of the same key
        /// is pending, and a failed invocation stops the rest of its batch.
        case partitionKey = "partition-key"
    }

    /// The function: a name, a partial ARN or a full ARN, optionally with `:version` or `:alias`.
    public var function: String
    /// A version or alias sent as `Qualifier` (besides one in ``function``); `nil` for none.
    public var qualifier: String?
    /// `InvocationType.event` (the default; 1 MB payloads, Lambda queues the event) or
    /// `InvocationType.requestResponse` (6 MB; the relay waits for the function, and a function error is a failed
    /// delivery). `DryRun` is rejected.
    public var invocationType: InvocationType
    /// The outbox schema and the `NOTIFY` channel; `OutboxNames.standard` by default.
    public var names: OutboxNames
    /// The most events one worker claims per transaction (1 to 10 000; default 100). The claimed events are grouped
    /// into as few invocations as fit the payload limit of ``invocationType``.
    public var batchSize: Int
    /// The number of workers, each with its own database connection and transaction (1 to 64; default 2).
    public var concurrency: Int
    /// Per-key ordering; ``Ordering/none`` by default.
    public var ordering: Ordering
    /// Delivery attempts before an event moves to the dead letter (1 to 10 000; default 10).
    public var maxAttempts: Int
    /// The base of the exponential retry delay (default 1 second); the delay before retry *n* is a random value
    /// between zero and `min(retryMaxDelay, retryBaseDelay × 2^(n-1))` ("full jitter").
    public var retryBaseDelay: Duration
    /// The longest retry delay (default 300 seconds).
    public var retryMaxDelay: Duration
    /// How often an idle worker looks for due events without a `NOTIFY` wake-up (default 1 second): retries that
    /// fall due, notifications lost while the listener reconnects.
    public var pollInterval: Duration
    /// How long delivered events are kept (default one day); `nil` keeps them, `.zero` deletes them at once
    /// instead of marking them delivered.
    public var retention: Duration?
    /// How often delivered events older than ``retention`` are deleted (default 60 seconds).
    public var cleanupInterval: Duration

    /// Creates a configuration; every value but the function has a default.
    public init(
        function: String,
        qualifier: String? = nil,
        invocationType: InvocationType = .event,
        names: OutboxNames = .standard,
        batchSize: Int = 100,
        concurrency: Int = 2,
        ordering: Ordering = .none,
        maxAttempts: Int = 10,
        retryBaseDelay: Duration = .seconds(1),
        retryMaxDelay: Duration = .seconds(300),
        pollInterval: Duration = .seconds(1),
        retention: Duration? = .seconds(86_400),
        cleanupInterval: Duration = .seconds(60)
    ) {
        self.function = function
        self.qualifier = qualifier
        self.invocationType = invocationType
        self.names = names
        self.batchSize = batchSize
        self.concurrency = concurrency
        self.ordering = ordering
        self.maxAttempts = maxAttempts
        self.retryBaseDelay = retryBaseDelay
        self.retryMaxDelay = retryMaxDelay
        self.pollInterval = pollInterval
        self.retention = retention
        self.cleanupInterval = cleanupInterval
    }

    /// The accepted range of ``batchSize``.
    public static let batchSizeRange = 1...10_000
    /// The accepted range of ``concurrency``.
    public static let concurrencyRange = 1...64
    /// The accepted range of ``maxAttempts``.
    public static let maxAttemptsRange = 1...10_000

    /// Checks every value.
    ///
    /// - Throws: ``RelayError/Code/invalidConfiguration`` naming the first field that is wrong and why.
    public func validate() throws(RelayError) {
        do {
            _ = try LambdaFunctionIdentifier(function)
        } catch {
            throw Self.invalid("function: \(error.message)")
        }
        if let qualifier, !Self.isValidQualifier(qualifier) {
            throw Self.invalid(
                "qualifier '\(qualifier.prefix(200))' must be 1 to 128 characters of [a-zA-Z0-9-_$] "
                    + "(a version, an alias or $LATEST)"
            )
        }
        if invocationType == .dryRun {
            throw Self.invalid("invocationType: DryRun runs nothing; use Event or RequestResponse")
        }
        do {
            try names.validate()
        } catch {
            throw Self.invalid("names: \(error.message)")
        }
        try Self.check("batchSize", batchSize, in: Self.batchSizeRange)
        try Self.check("concurrency", concurrency, in: Self.concurrencyRange)
        try Self.check("maxAttempts", maxAttempts, in: Self.maxAttemptsRange)
        guard retryBaseDelay > .zero else { throw Self.invalid("retryBaseDelay must be positive") }
        guard retryMaxDelay >= retryBaseDelay else {
            throw Self.invalid("retryMaxDelay must be at least retryBaseDelay")
        }
        guard retryMaxDelay <= .seconds(86_400 * 7) else { throw Self.invalid("retryMaxDelay must be at most 7 days") }
        guard pollInterval >= .milliseconds(10), pollInterval <= .seconds(3600) else {
            throw Self.invalid("pollInterval must be between 10 milliseconds and 1 hour")
        }
        if let retention, retention < .zero { throw Self.invalid("retention must be zero or positive") }
        guard cleanupInterval >= .milliseconds(100) else {
            throw Self.invalid("cleanupInterval must be at least 100 milliseconds")
        }
    }

    private static func check(_ field: String, _ value: Int, in range: ClosedRange<Int>) throws(RelayError) {
        guard range.contains(value) else {
            throw invalid("\(field) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
    }

    private static func invalid(_ message: String) -> RelayError {
        RelayError(code: .invalidConfiguration, message: message)
    }

    /// The `Qualifier` pattern of Invoke: `$LATEST`, or 1–128 characters of `[a-zA-Z0-9-_$]`.
    static func isValidQualifier(_ text: String) -> Bool {
        guard (1...128).contains(text.utf8.count) else { return false }
        return text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "$"):
                return true
            default:
                return false
            }
        } || text == "$LATEST.PUBLISHED"
    }
}
