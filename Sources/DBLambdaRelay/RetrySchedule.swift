/// Exponential backoff with full jitter: the delay before retry *n* (1 for the first) is a random fraction of
/// `min(maximum, base × 2^(n-1))`.
struct RetrySchedule: Sendable {
    var base: Duration
    var maximum: Duration
    /// A value in `0..<1` (tests pass a fixed one).
    var random: @Sendable () -> Double

    init(base: Duration, maximum: Duration, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.base = base
        self.maximum = maximum
        self.random = random
    }

    /// The largest delay retry `attempt` may get.
    func ceiling(attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 40)
        let factor = Int64(1) << exponent
        let baseMilliseconds = OutboxSQL.milliseconds(base)
        let (product, overflow) = baseMilliseconds.multipliedReportingOverflow(by: factor)
        let maximumMilliseconds = OutboxSQL.milliseconds(maximum)
        return .milliseconds(overflow ? maximumMilliseconds : min(product, maximumMilliseconds))
    }

    /// The delay before retry `attempt`.
    func delay(attempt: Int) -> Duration {
        let fraction = min(max(random(), 0), 1)
        return ceiling(attempt: attempt) * fraction
    }
}
