/// A clock for tests: sleeping returns at once and only records the requested duration, so retry backoff can be
/// asserted without waiting.
///
/// ```swift
/// let clock = ManualClock()
/// var configuration = LambdaClient.Configuration(region: .usEast1)
/// configuration.sleep = clock.sleeper
/// configuration.random = { 1 }           // the largest jitter, deterministic
/// // … invoke …
/// #expect(clock.sleeps == [.milliseconds(500), .seconds(1)])
/// ```
public final class ManualClock: Sendable {
    private let state = Mutex<[Duration]>([])

    /// Creates a clock at zero.
    public init() {}

    /// Every duration slept so far, in order.
    public var sleeps: [Duration] {
        state.withLock { $0 }
    }

    /// The total time slept: how far the clock has advanced.
    public var elapsed: Duration {
        state.withLock { $0.reduce(.zero, +) }
    }

    /// Records `duration` and returns at once.
    ///
    /// - Parameter duration: The requested sleep.
    /// - Throws: `CancellationError` when the calling task is cancelled.
    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock { $0.append(duration) }
    }

    /// ``sleep(for:)`` as a closure, for `LambdaClient.Configuration.sleep`.
    public var sleeper: @Sendable (Duration) async throws -> Void {
        { [self] duration in try await self.sleep(for: duration) }
    }
}
