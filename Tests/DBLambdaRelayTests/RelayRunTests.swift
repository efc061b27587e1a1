import DatabaseLambda
import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import DBLambdaRelay

@Suite("RelayEngine: workers, wake-ups, shutdown, reconnects, metrics")
struct RelayRunTests {
    @Test("two workers deliver every event exactly once in the happy path")
    func deliversEverything() async throws {
        let store = InMemoryOutboxStore()
        for index in 0..<1_000 { store.insert(key: "public.orders:[\(index % 37)]") }
        let invoker = ScriptedInvoker()
        let engine = makeEngine(testConfiguration(batchSize: 50, concurrency: 2), store: store, invoker: invoker)
        let task = Task { await engine.run() }
        #expect(await eventually { store.delivered.count == 1_000 })
        engine.stop()
        await task.value
        let ids = invoker.deliveredEventIDs
        #expect(ids.count == 1_000)
        #expect(Set(ids).count == 1_000)
        #expect(store.pending.isEmpty && store.locked == 0)
    }

    @Test("a NOTIFY wakes an idle worker at once, long before the poll interval")
    func notifyWakesIdleWorker() async throws {
        let store = InMemoryOutboxStore()
        let invoker = ScriptedInvoker()
        let engine = makeEngine(
            testConfiguration(pollInterval: .seconds(30)),
            store: store,
            invoker: invoker
        )
        let task = Task { await engine.run() }
        #expect(await eventually { store.listenerCount == 1 })
        // Let the worker go idle (its first claim finds nothing, then it waits for up to 30 s).
        #expect(await eventually { store.state.withLock { $0.connects } >= 1 })
        try await Task.sleep(for: .milliseconds(100))
        let started = ContinuousClock.now
        store.insert()
        store.notify()
        #expect(await eventually(timeout: .seconds(5)) { store.delivered.count == 1 })
        #expect(started.duration(to: .now) < .seconds(5))
        engine.stop()
        await task.value
    }

    @Test("without notifications an idle worker still finds events on its poll")
    func pollingFallback() async throws {
        let store = InMemoryOutboxStore()
        let engine = makeEngine(
            testConfiguration(pollInterval: .milliseconds(50)),
            store: store,
            invoker: ScriptedInvoker()
        )
        let task = Task { await engine.run() }
        try await Task.sleep(for: .milliseconds(100))
        store.insert()
        #expect(await eventually { store.delivered.count == 1 })
        engine.stop()
        await task.value
    }

    @Test("graceful shutdown stops claiming and lets the batch in flight finish and commit")
    func gracefulShutdown() async throws {
        let store = InMemoryOutboxStore()
        for _ in 0..<3 { store.insert() }
        let gate = Gate()
        let invoker = ScriptedInvoker { _, _ in
            await gate.wait()
            return .delivered
        }
        let engine = makeEngine(testConfiguration(batchSize: 2), store: store, invoker: invoker)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [EngineService(engine: engine)],
                logger: Logger(label: "relay-test") { _ in SwiftLogNoOpLogHandler() }
            )
        )
        let running = Task { try await group.run() }
        #expect(await eventually { gate.entered == 1 })
        await group.triggerGracefulShutdown()
        // The engine has seen the shutdown before the batch in flight may finish (on a loaded machine the signal
        // can take longer to arrive than any fixed sleep).
        #expect(await eventually { engine.wake.isStopped })
        gate.open()
        try await running.value
        // The batch in flight (2 events) was delivered and committed; the third was never claimed.
        #expect(store.delivered.map(\.id) == [1, 2])
        #expect(store.pending.map(\.id) == [3])
        #expect(invoker.payloads.count == 1)
        #expect(store.locked == 0 && store.listenerCount == 0)
    }

    @Test("cancelling the relay rolls its batch back: the events stay pending, unlocked")
    func cancellation() async throws {
        let store = InMemoryOutboxStore()
        for _ in 0..<3 { store.insert() }
        let gate = Gate()
        let invoker = ScriptedInvoker { _, _ in
            await gate.wait()
            return Task.isCancelled ? .cancelled : .delivered
        }
        let engine = makeEngine(testConfiguration(), store: store, invoker: invoker)
        let task = Task { await engine.run() }
        #expect(await eventually { gate.entered == 1 })
        task.cancel()
        await task.value
        #expect(store.completed.isEmpty)
        #expect(store.pending.count == 3 && store.locked == 0)
        #expect(store.releases >= 1)
    }

    @Test("workers and the listener survive a database outage: they retry with backoff and deliver afterwards")
    func reconnects() async throws {
        let store = InMemoryOutboxStore()
        store.state.withLock {
            $0.failConnects = 3
            $0.failListens = 2
        }
        for _ in 0..<5 { store.insert() }
        let handler = RecordingLogHandler()
        let logger = Logger(label: "relay-test") { _ in handler }
        let engine = makeEngine(testConfiguration(), store: store, invoker: ScriptedInvoker(), logger: logger)
        let task = Task { await engine.run() }
        #expect(await eventually { store.delivered.count == 5 })
        // A connection dropped mid-claim is replaced too.
        store.state.withLock { $0.failClaims = 1 }
        store.insert()
        store.notify()
        #expect(await eventually { store.delivered.count == 6 })
        #expect(await eventually { store.listenerCount == 1 })
        engine.stop()
        await task.value
        let warnings = handler.all.filter { $0.hasPrefix("warning") }
        #expect(warnings.contains { $0.contains("relay worker lost the database") })
        #expect(warnings.contains { $0.contains("relay listener lost the database") })
        #expect(store.state.withLock { $0.listens } == 3)
    }

    @Test("metrics: delivered, retried, dead-lettered, invocations by outcome, lag and batch size")
    func metrics() async throws {
        let store = InMemoryOutboxStore()
        store.insert()
        store.insert()
        store.insert(envelope: bytes("not json"))
        let metrics = TestMetrics()
        let invoker = ScriptedInvoker { _, call in call == 1 ? .failed("throttled", throttled: true) : .delivered }
        let engine = makeEngine(
            testConfiguration(batchSize: 10),
            store: store,
            invoker: invoker,
            metrics: metrics,
            random: { 0 }
        )
        let task = Task { await engine.run() }
        #expect(await eventually { store.delivered.count == 2 })
        engine.stop()
        await task.value
        #expect(metrics.total(RelayMetrics.deliveredLabel) == 2)
        #expect(metrics.total(RelayMetrics.retriedLabel) == 2)
        #expect(metrics.total(RelayMetrics.deadLetteredLabel) == 1)
        #expect(metrics.total(RelayMetrics.invocationsLabel, outcome: "throttled") == 1)
        #expect(metrics.total(RelayMetrics.invocationsLabel, outcome: "success") == 1)
        #expect(metrics.total(RelayMetrics.invocationsLabel, outcome: "error") == 0)
        let lag = try #require(metrics.handler(RelayMetrics.lagLabel))
        #expect(lag.recorded.count == 2 && lag.recorded.allSatisfy { $0 >= 0 && $0 < 60_000_000_000 })
        let batches = try #require(metrics.handler(RelayMetrics.batchSizeLabel))
        #expect(batches.recorded == [3, 2])
    }

    @Test("retention zero deletes delivered events; cleanup removes delivered events older than the retention")
    func retention() async throws {
        let store = InMemoryOutboxStore(deleteDelivered: true)
        store.insert()
        let engine = makeEngine(testConfiguration(retention: .zero), store: store, invoker: ScriptedInvoker())
        let task = Task { await engine.run() }
        #expect(await eventually { store.rows.isEmpty && store.completed.count == 1 })
        engine.stop()
        await task.value

        let kept = InMemoryOutboxStore()
        kept.insert()
        var configuration = testConfiguration(retention: .milliseconds(1))
        configuration.cleanupInterval = .milliseconds(100)
        let cleaning = makeEngine(configuration, store: kept, invoker: ScriptedInvoker())
        let cleaningTask = Task { await cleaning.run() }
        #expect(await eventually { kept.completed.count == 1 && kept.rows.isEmpty })
        cleaning.stop()
        await cleaningTask.value
    }

    @Test("WakeSignal: notify wakes waiters of an older generation, stop wakes everyone, timeouts end waits")
    func wakeSignal() async {
        let signal = WakeSignal()
        let generation = signal.generation
        let waiter = Task {
            let started = ContinuousClock.now
            await signal.wait(after: generation, timeout: .seconds(30))
            return started.duration(to: .now)
        }
        try? await Task.sleep(for: .milliseconds(50))
        signal.notify()
        #expect(await waiter.value < .seconds(10))
        // A notification that came before the wait began is not lost.
        let before = signal.generation
        signal.notify()
        let started = ContinuousClock.now
        await signal.wait(after: before, timeout: .seconds(30))
        #expect(started.duration(to: .now) < .seconds(10))
        // A timeout ends a wait nobody signals.
        let timed = ContinuousClock.now
        await signal.wait(after: signal.generation, timeout: .milliseconds(30))
        #expect(timed.duration(to: .now) >= .milliseconds(30))
        signal.stop()
        #expect(signal.isStopped)
        let afterStop = ContinuousClock.now
        await signal.wait(after: nil, timeout: .seconds(30))
        #expect(afterStop.duration(to: .now) < .seconds(10))
    }
}
