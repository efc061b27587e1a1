import DBLambdaEvents
import DBLambdaInvoke
import DBLambdaPayload
import DBLambdaSQL
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The relay's machinery behind ``OutboxRelay``, on two seams (the store and the invoker) so unit tests run it
/// without PostgreSQL or Lambda.
final class RelayEngine: Sendable {
    let configuration: RelayConfiguration
    let store: any OutboxStore
    let invoker: any RelayInvoker
    let logger: Logger
    let metrics: RelayMetrics
    let retrySchedule: RetrySchedule
    let reconnectSchedule: RetrySchedule
    let limit: PayloadLimit
    let wake = WakeSignal()
    let now: @Sendable () -> Date
    /// How many events one `cleanup` call deletes at most.
    static let cleanupBatchSize = 10_000

    init(
        configuration: RelayConfiguration,
        store: any OutboxStore,
        invoker: any RelayInvoker,
        logger: Logger,
        metrics: RelayMetrics,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        reconnectBase: Duration = .milliseconds(100),
        reconnectMaximum: Duration = .seconds(5),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.store = store
        self.invoker = invoker
        self.logger = logger
        self.metrics = metrics
        self.retrySchedule = RetrySchedule(
            base: configuration.retryBaseDelay,
            maximum: configuration.retryMaxDelay,
            random: random
        )
        self.reconnectSchedule = RetrySchedule(base: reconnectBase, maximum: reconnectMaximum, random: random)
        self.limit = PayloadLimit(maximumBytes: configuration.invocationType.payloadLimit)
        self.now = now
    }

    /// Runs the workers, the listener and the cleanup until graceful shutdown (workers finish their batches) or
    /// cancellation (workers roll back).
    func run() async {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.runListener() }
                if let retention = configuration.retention, retention > .zero {
                    group.addTask { await self.runCleanup(retention: retention) }
                }
                await withTaskGroup(of: Void.self) { workers in
                    for index in 0..<configuration.concurrency {
                        workers.addTask { await self.runWorker(index) }
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: { [wake] in
            wake.stop()
        }
    }

    /// Stops claiming (what graceful shutdown does).
    func stop() {
        wake.stop()
    }

    // MARK: - Workers

    func runWorker(_ index: Int) async {
        var logger = self.logger
        logger[metadataKey: "relay.worker"] = "\(index)"
        var connection: (any OutboxConnection)?
        var failures = 0
        while !wake.isStopped && !Task.isCancelled {
            let generation = wake.generation
            do {
                let active = try await openConnection(&connection, logger: logger)
                if failures > 0 { logger.info("relay worker reconnected to the database") }
                let claimed = try await runBatch(on: active, logger: logger)
                failures = 0
                if claimed < configuration.batchSize {
                    await wake.wait(after: generation, timeout: configuration.pollInterval)
                }
            } catch {
                if Task.isCancelled { break }
                failures += 1
                logger.warning(
                    "relay worker lost the database; retrying",
                    metadata: ["error": "\(describe(error))", "relay.failures": "\(failures)"]
                )
                await connection?.close()
                connection = nil
                await wake.wait(after: nil, timeout: reconnectDelay(failures: failures))
            }
        }
        await connection?.close()
    }

    /// Claims one batch, delivers it and commits; returns how many events were claimed.
    func runBatch(on connection: any OutboxConnection, logger: Logger) async throws -> Int {
        let events = try await connection.claim(limit: configuration.batchSize)
        guard !events.isEmpty else { return 0 }
        guard let marks = await deliver(events, logger: logger), !Task.isCancelled else {
            // Cancelled: roll back, the claims are released unchanged (delivered payloads will be sent again).
            try? await connection.release()
            throw CancellationError()
        }
        try await connection.complete(marks)
        var createdAt: [Int64: Date] = [:]
        createdAt.reserveCapacity(marks.delivered.count)
        for event in events { createdAt[event.id] = event.createdAt }
        metrics.recordCommitted(claimed: events.count, marks: marks, createdAt: createdAt, now: now())
        logger.debug(
            "relay batch committed",
            metadata: [
                "relay.claimed": "\(events.count)", "relay.delivered": "\(marks.delivered.count)",
                "relay.retried": "\(marks.retries.count)", "relay.dead": "\(marks.dead.count)",
            ]
        )
        if !marks.dead.isEmpty {
            let byID = Dictionary(events.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            for dead in marks.dead {
                logger.warning(
                    "event moved to the dead letter",
                    metadata: [
                        "relay.outbox_id": "\(dead.id)", "relay.event_id": "\(byID[dead.id]?.eventID ?? "")",
                        "relay.partition_key": "\(byID[dead.id]?.partitionKey ?? "")", "error": "\(dead.error)",
                    ]
                )
            }
        }
        return events.count
    }

    /// Groups the batch into payloads, invokes them in order and decides each event's mark. `nil` when the task
    /// was cancelled (release the batch).
    func deliver(_ events: [ClaimedEvent], logger: Logger) async -> BatchMarks? {
        var marks = BatchMarks()
        var sendable: [ClaimedEvent] = []
        sendable.reserveCapacity(events.count)
        for event in events {
            if let problem = poisonReason(event) {
                marks.dead.append(BatchMarks.Dead(id: event.id, error: problem, attempted: false))
            } else {
                sendable.append(event)
            }
        }
        let payloads: [EnvelopeEncoder.Payload]
        do {
            payloads = try EnvelopeEncoder.payloads(forEncoded: sendable.map(\.envelope), limit: limit)
        } catch {
            // Unreachable after the size check above; retry rather than crash.
            for event in sendable { fail(event, error.description, into: &marks) }
            return marks
        }
        for payload in payloads {
            let outcome = await invoker.invoke(payload.bytes)
            metrics.recordInvocation(outcome)
            let group = sendable[payload.eventRange]
            switch outcome {
            case .delivered:
                marks.delivered.append(contentsOf: group.map(\.id))
            case .cancelled:
                return nil
            case .functionError(let message), .failed(let message, tooLarge: false, _):
                logger.warning(
                    "invocation failed",
                    metadata: ["relay.events": "\(group.count)", "error": "\(message)"]
                )
                for event in group { fail(event, message, into: &marks) }
                if configuration.ordering == .partitionKey { return marks }
            case .failed(let message, tooLarge: true, _):
                logger.warning(
                    "invocation rejected as too large",
                    metadata: ["relay.events": "\(group.count)", "error": "\(message)"]
                )
                if group.count == 1, let event = group.first {
                    marks.dead.append(BatchMarks.Dead(id: event.id, error: message, attempted: true))
                } else {
                    for event in group { fail(event, message, into: &marks) }
                    if configuration.ordering == .partitionKey { return marks }
                }
            }
        }
        return marks
    }

    /// Schedules a retry, or moves the event to the dead letter once it has had `maxAttempts` attempts.
    func fail(_ event: ClaimedEvent, _ message: String, into marks: inout BatchMarks) {
        let attempts = event.attempts + 1
        if attempts >= configuration.maxAttempts {
            marks.dead.append(
                BatchMarks.Dead(id: event.id, error: "after \(attempts) attempts: \(message)", attempted: true)
            )
        } else {
            let delay = retrySchedule.delay(attempt: attempts)
            marks.retries.append(
                BatchMarks.Retry(id: event.id, error: message, delayMilliseconds: OutboxSQL.milliseconds(delay))
            )
        }
    }

    /// Why an event can never be delivered (it goes to the dead letter at once), or `nil`.
    func poisonReason(_ event: ClaimedEvent) -> String? {
        guard limit.fits(event.envelope.count) else {
            return "poison: the envelope is \(event.envelope.count) bytes, over the \(limit.maximumBytes)-byte "
                + "limit of one \(configuration.invocationType.rawValue) invocation"
        }
        do {
            guard case .object = try JSONParser().parse(event.envelope) else {
                return "poison: the envelope is not a JSON object"
            }
        } catch {
            return "poison: the envelope is not valid JSON: \(error.message)"
        }
        return nil
    }

    /// A reconnect delay with "equal jitter": never less than half the ceiling, so a dead database is not hammered.
    func reconnectDelay(failures: Int) -> Duration {
        let ceiling = reconnectSchedule.ceiling(attempt: failures)
        return ceiling / 2 + reconnectSchedule.delay(attempt: failures) / 2
    }

    // MARK: - Listener

    func runListener() async {
        var failures = 0
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                try await store.listen(
                    logger: logger,
                    listening: { [wake] in wake.notify() },
                    notified: { [wake] in wake.notify() }
                )
                if Task.isCancelled { return }
                throw RelayError(code: .databaseFailure, message: "the LISTEN connection ended")
            } catch {
                if Task.isCancelled { return }
                if started.duration(to: .now) > .seconds(30) { failures = 0 }
                failures += 1
                logger.warning(
                    "relay listener lost the database; workers poll until it is back",
                    metadata: [
                        "error": "\(describe(error))", "relay.failures": "\(failures)",
                        "relay.channel": "\(configuration.names.channel)",
                    ]
                )
            }
            do {
                try await Task.sleep(for: reconnectDelay(failures: failures))
            } catch {
                return
            }
        }
    }

    /// The connection to use: `connection` while it is open, else a new one (stored in `connection`). A connection
    /// the server closed while it was idle (a restart, an administrator) is replaced at once.
    func openConnection(
        _ connection: inout (any OutboxConnection)?,
        logger: Logger
    ) async throws -> any OutboxConnection {
        if let current = connection {
            guard current.isClosed else { return current }
            await current.close()
            connection = nil
        }
        let fresh = try await store.connect(logger: logger)
        connection = fresh
        return fresh
    }

    // MARK: - Cleanup

    func runCleanup(retention: Duration) async {
        var connection: (any OutboxConnection)?
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.cleanupInterval)
            } catch {
                break
            }
            do {
                let active = try await openConnection(&connection, logger: logger)
                var total = 0
                while !Task.isCancelled {
                    let deleted = try await active.cleanup(retention: retention, limit: Self.cleanupBatchSize)
                    total += deleted
                    if deleted < Self.cleanupBatchSize { break }
                }
                if total > 0 { logger.debug("relay cleanup deleted delivered events", metadata: ["count": "\(total)"]) }
            } catch {
                if Task.isCancelled { break }
                logger.warning("relay cleanup failed; trying again later", metadata: ["error": "\(describe(error))"])
                await connection?.close()
                connection = nil
            }
        }
        await connection?.close()
    }
}

/// A one-line description of a database error: PostgreSQL's SQLSTATE and message (postgres-nio hides them from
/// `description`), never connection secrets.
func describe(_ error: any Error) -> String {
    if let error = error as? PSQLError {
        var text = "PostgreSQL \(error.code)"
        if let state = error.serverInfo?[.sqlState] { text += " \(state)" }
        if let message = error.serverInfo?[.message] { text += ": \(message)" }
        if let detail = error.serverInfo?[.detail] { text += " (\(detail))" }
        if let underlying = error.underlying { text += ": \(underlying)" }
        return LambdaRelayInvoker.oneLine(text)
    }
    if let error = error as? PostgresTransactionError {
        if let inner = error.closureError ?? error.beginError ?? error.commitError { return describe(inner) }
    }
    return LambdaRelayInvoker.oneLine(String(describing: error))
}
