import Foundation
import Metrics

/// The relay's metrics, created once from a `MetricsFactory`.
struct RelayMetrics: Sendable {
    /// Label of the counter of delivered events.
    static let deliveredLabel = "dblambda_relay_delivered_total"
    /// Label of the counter of failed deliveries scheduled for a retry.
    static let retriedLabel = "dblambda_relay_retried_total"
    /// Label of the counter of events moved to the dead letter.
    static let deadLetteredLabel = "dblambda_relay_dead_lettered_total"
    /// Label of the counter of invocations (dimension `outcome`).
    static let invocationsLabel = "dblambda_relay_invocations_total"
    /// Label of the timer from the writer's commit to the acknowledged invocation.
    static let lagLabel = "dblambda_relay_lag_seconds"
    /// Label of the recorder of claimed batch sizes.
    static let batchSizeLabel = "dblambda_relay_batch_size"

    let delivered: Counter
    let retried: Counter
    let deadLettered: Counter
    let invocations: [InvocationOutcome.Kind: Counter]
    let lag: Metrics.Timer
    let batchSize: Recorder

    init(factory: any MetricsFactory) {
        delivered = Counter(label: Self.deliveredLabel, factory: factory)
        retried = Counter(label: Self.retriedLabel, factory: factory)
        deadLettered = Counter(label: Self.deadLetteredLabel, factory: factory)
        var invocations: [InvocationOutcome.Kind: Counter] = [:]
        for kind in InvocationOutcome.Kind.allCases {
            invocations[kind] = Counter(
                label: Self.invocationsLabel,
                dimensions: [("outcome", kind.rawValue)],
                factory: factory
            )
        }
        self.invocations = invocations
        lag = Metrics.Timer(label: Self.lagLabel, factory: factory)
        batchSize = Recorder(label: Self.batchSizeLabel, factory: factory)
    }

    func recordInvocation(_ outcome: InvocationOutcome) {
        invocations[outcome.kind]?.increment()
    }

    /// Records a committed batch: counts, and the lag of each delivered event.
    func recordCommitted(claimed: Int, marks: BatchMarks, createdAt: [Int64: Date], now: Date) {
        batchSize.record(claimed)
        if !marks.delivered.isEmpty {
            delivered.increment(by: marks.delivered.count)
            for id in marks.delivered {
                guard let created = createdAt[id] else { continue }
                let seconds = max(0, now.timeIntervalSince(created))
                lag.recordNanoseconds(Int64(seconds * 1_000_000_000))
            }
        }
        if !marks.retries.isEmpty { retried.increment(by: marks.retries.count) }
        if !marks.dead.isEmpty { deadLettered.increment(by: marks.dead.count) }
    }
}
