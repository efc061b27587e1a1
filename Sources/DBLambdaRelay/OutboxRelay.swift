public import DBLambdaInvoke
import DBLambdaSQL
public import Logging
public import Metrics
public import ServiceLifecycle

/// The outbox relay: a `ServiceLifecycle` service that delivers the events committed to the outbox table to a
/// Lambda function, at least once, with retries, a dead letter and optional per-key ordering.
///
/// ```swift
/// let relay = OutboxRelay(
///     configuration: RelayConfiguration(function: "orders-changed"),
///     database: try DatabaseURL("postgres://relay@db.internal/app?sslmode=verify-full"),
///     lambda: try LambdaClient(),
///     logger: Logger(label: "relay")
/// )
/// let group = ServiceGroup(services: [relay], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
///
/// Each of ``RelayConfiguration/concurrency`` workers holds its own database connection. A worker claims up to
/// ``RelayConfiguration/batchSize`` due events with `SELECT … FOR UPDATE SKIP LOCKED` in a transaction it keeps open
/// while it invokes, groups them into as few invocations as fit the payload limit, then marks each event (delivered,
/// retry later with exponential backoff and full jitter, or dead letter) and commits. A relay that crashes or loses
/// its connection releases its claims with the transaction, so several relays can run side by side and a restarted
/// one picks up where the other stopped. Idle workers wake on `NOTIFY` and poll every
/// ``RelayConfiguration/pollInterval``; connections lost when the database restarts are re-established with
/// backoff.
///
/// Graceful shutdown stops claiming and lets the batches in flight finish and commit; cancellation rolls them back
/// (their events are delivered again later — at least once).
///
/// Metrics (swift-metrics): counters `dblambda_relay_delivered_total`, `dblambda_relay_retried_total`,
/// `dblambda_relay_dead_lettered_total`, `dblambda_relay_invocations_total` (dimension `outcome`: `success`,
/// `function_error`, `throttled`, `error`, `cancelled`), the timer `dblambda_relay_lag_seconds` (from the writer's
/// commit to the acknowledged invocation) and the recorder `dblambda_relay_batch_size`.
public final class OutboxRelay: Service, Sendable {
    /// The settings.
    public let configuration: RelayConfiguration
    /// The database (its description hides the password).
    public let database: DatabaseURL
    private let lambda: LambdaClient
    private let logger: Logger
    private let metricsFactory: any MetricsFactory

    /// Creates a relay that reports its metrics to the bootstrapped `MetricsSystem`.
    ///
    /// - Parameters:
    ///   - configuration: What to deliver where; checked when ``run()`` starts.
    ///   - database: The PostgreSQL database that holds the outbox.
    ///   - lambda: The client that invokes the function; the caller owns it and shuts it down after ``run()``.
    ///   - logger: Where the relay logs (never the database password or payloads).
    public convenience init(
        configuration: RelayConfiguration,
        database: DatabaseURL,
        lambda: LambdaClient,
        logger: Logger
    ) {
        self.init(
            configuration: configuration,
            database: database,
            lambda: lambda,
            logger: logger,
            metricsFactory: MetricsSystem.factory
        )
    }

    /// Creates a relay that reports its metrics to `metricsFactory`.
    ///
    /// - Parameters:
    ///   - configuration: What to deliver where; checked when ``run()`` starts.
    ///   - database: The PostgreSQL database that holds the outbox.
    ///   - lambda: The client that invokes the function; the caller owns it and shuts it down after ``run()``.
    ///   - logger: Where the relay logs (never the database password or payloads).
    ///   - metricsFactory: Where the counters, the timer and the recorder are created.
    public init(
        configuration: RelayConfiguration,
        database: DatabaseURL,
        lambda: LambdaClient,
        logger: Logger,
        metricsFactory: any MetricsFactory
    ) {
        self.configuration = configuration
        self.database = database
        self.lambda = lambda
        self.logger = logger
        self.metricsFactory = metricsFactory
    }

    /// Runs until graceful shutdown (the batches in flight finish and commit) or cancellation (they roll back).
    ///
    /// Database outages never end it: workers and the listener log a warning and reconnect with backoff.
    ///
    /// - Throws: ``RelayError/Code/invalidConfiguration`` or ``RelayError/Code/invalidDatabaseURL`` before anything
    ///   starts, when the configuration or the TLS settings are invalid.
    public func run() async throws {
        try configuration.validate()
        try Self.checkChannel(configuration.names)
        let sql = OutboxSQL(
            names: configuration.names,
            ordering: configuration.ordering,
            deleteDelivered: configuration.retention == .zero
        )
        let store = try PostgresOutboxStore(database: database, sql: sql)
        let invoker = try LambdaRelayInvoker(client: lambda, configuration: configuration)
        let engine = RelayEngine(
            configuration: configuration,
            store: store,
            invoker: invoker,
            logger: logger,
            metrics: RelayMetrics(factory: metricsFactory)
        )
        logger.info(
            "relay started",
            metadata: [
                "relay.database": "\(database)", "relay.outbox": "\(configuration.names.qualifiedOutbox)",
                "relay.function": "\(configuration.function)",
                "relay.invocation_type": "\(configuration.invocationType.rawValue)",
                "relay.batch_size": "\(configuration.batchSize)", "relay.concurrency": "\(configuration.concurrency)",
                "relay.ordering": "\(configuration.ordering.rawValue)",
            ]
        )
        await engine.run()
        logger.info("relay stopped")
    }

    /// postgres-nio writes `LISTEN "<channel>"` without doubling quotes, so a `"` in the channel is refused here.
    static func checkChannel(_ names: OutboxNames) throws(RelayError) {
        if names.channel.contains("\"") {
            throw RelayError(
                code: .invalidConfiguration,
                message: "names.channel must not contain a double quote (\") for the relay's LISTEN"
            )
        }
    }
}
