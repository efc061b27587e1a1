import DatabaseLambda
import Foundation
import Logging
import Testing

@testable import DBLambdaRelay

@Suite("RelayEngine: one batch")
struct RelayEngineTests {
    static let logger = Logger(label: "relay-test") { _ in SwiftLogNoOpLogHandler() }

    /// Claims one batch on a fresh connection of `store` and runs it.
    static func runOneBatch(_ engine: RelayEngine, _ store: InMemoryOutboxStore) async throws -> Int {
        let connection = try await store.connect(logger: logger)
        defer { Task { await connection.close() } }
        return try await engine.runBatch(on: connection, logger: logger)
    }

    @Test("a batch of up to batchSize events goes out as one batch envelope and every event is marked delivered")
    func batching() async throws {
        let store = InMemoryOutboxStore()
        for _ in 0..<250 { store.insert() }
        let invoker = ScriptedInvoker()
        let engine = makeEngine(testConfiguration(batchSize: 100), store: store, invoker: invoker)
        #expect(try await Self.runOneBatch(engine, store) == 100)
        #expect(invoker.payloads.count == 1)
        let text = String(decoding: try #require(invoker.payloads.first), as: UTF8.self)
        #expect(text.hasPrefix(#"{"dblambda":1,"events":[{"id":"event-1","#))
        #expect(invoker.deliveredEventIDs == (1...100).map { "event-\($0)" })
        #expect(store.completed.first?.delivered == Array(1...100))
        #expect(store.delivered.count == 100 && store.pending.count == 150)
        #expect(store.delivered.allSatisfy { $0.attempts == 1 })
        #expect(store.locked == 0)
    }

    @Test("large envelopes are split into as many invocations as the 1 MB Event limit needs, in order")
    func splitsByPayloadLimit() async throws {
        let store = InMemoryOutboxStore()
        for index in 1...3 {
            let pad = String(repeating: "x", count: 400_000)
            store.insert(envelope: bytes(#"{"id":"event-\#(index)","pad":"\#(pad)"}"#))
        }
        let invoker = ScriptedInvoker()
        let engine = makeEngine(testConfiguration(), store: store, invoker: invoker)
        #expect(try await Self.runOneBatch(engine, store) == 3)
        #expect(invoker.payloads.count == 2)
        #expect(invoker.payloads.allSatisfy { $0.count <= 1_048_576 })
        #expect(invoker.deliveredEventIDs == ["event-1", "event-2", "event-3"])
        #expect(store.delivered.count == 3)
    }

    @Test("a failed invocation schedules a retry with full-jitter backoff and keeps the error")
    func retrySchedule() async throws {
        let store = InMemoryOutboxStore()
        store.insert()
        store.insert(attempts: 3)
        let invoker = ScriptedInvoker { _, _ in .failed("ServiceException: boom") }
        let engine = makeEngine(testConfiguration(), store: store, invoker: invoker, random: { 0.5 })
        #expect(try await Self.runOneBatch(engine, store) == 2)
        let marks = try #require(store.completed.first)
        // Attempt 1: half of 1 s; attempt 4: half of 8 s.
        #expect(marks.retries.map(\.delayMilliseconds) == [500, 4000])
        #expect(marks.retries.allSatisfy { $0.error == "ServiceException: boom" })
        #expect(store.pending.map(\.attempts) == [1, 4])
        #expect(store.pending.allSatisfy { $0.nextAttemptAt > Date() && $0.lastError == "ServiceException: boom" })
        // Not due yet: the next claim finds nothing.
        #expect(try await Self.runOneBatch(engine, store) == 0)
    }

    @Test("the delay of every retry stays within [0, min(max, base × 2^(n-1))]")
    func backoffBounds() async throws {
        var configuration = testConfiguration(maxAttempts: 100)
        configuration.retryBaseDelay = .milliseconds(200)
        configuration.retryMaxDelay = .seconds(10)
        let store = InMemoryOutboxStore()
        for attempts in 0..<20 { store.insert(attempts: attempts) }
        let engine = makeEngine(
            configuration,
            store: store,
            invoker: ScriptedInvoker { _, _ in .failed("x") },
            random: { Double.random(in: 0..<1) }
        )
        _ = try await Self.runOneBatch(engine, store)
        let retries = try #require(store.completed.first?.retries)
        #expect(retries.count == 20)
        for (attempts, retry) in zip(0..<20, retries) {
            let ceiling = min(200 * (1 << attempts), 10_000)
            #expect((0...Int64(ceiling)).contains(retry.delayMilliseconds), "attempt \(attempts + 1)")
        }
    }

    @Test("after maxAttempts failures the event moves to the dead letter with its last error")
    func deadLetterAfterMaxAttempts() async throws {
        let store = InMemoryOutboxStore()
        store.insert(key: "public.orders:[7]", attempts: 4)
        let engine = makeEngine(
            testConfiguration(maxAttempts: 5),
            store: store,
            invoker: ScriptedInvoker { _, _ in .functionError("function error KeyError: 'id'") }
        )
        _ = try await Self.runOneBatch(engine, store)
        #expect(store.pending.isEmpty)
        let dead = try #require(store.dead.first)
        #expect(dead.attempts == 5 && dead.key == "public.orders:[7]")
        #expect(dead.lastError == "after 5 attempts: function error KeyError: 'id'")
    }

    @Test("poison events (too large for one invocation, not a JSON object) go to the dead letter without a call")
    func poison() async throws {
        let store = InMemoryOutboxStore()
        let big = bytes(#"{"id":"event-1","pad":"\#(String(repeating: "y", count: 1_048_577))"}"#)
        store.insert(envelope: big)
        store.insert(envelope: bytes(#"{"id":"event-2","#))
        store.insert(envelope: bytes("[1,2,3]"))
        store.insert()
        let invoker = ScriptedInvoker()
        let engine = makeEngine(testConfiguration(), store: store, invoker: invoker)
        _ = try await Self.runOneBatch(engine, store)
        #expect(invoker.deliveredEventIDs == ["event-4"])
        #expect(store.dead.map(\.id) == [1, 2, 3])
        #expect(store.dead.allSatisfy { $0.attempts == 0 && $0.lastError.hasPrefix("poison: ") })
        #expect(store.dead[0].lastError.contains("over the 1048576-byte limit of one Event invocation"))
        #expect(store.dead[1].lastError.contains("not valid JSON"))
        #expect(store.dead[2].lastError.contains("not a JSON object"))
        #expect(store.delivered.map(\.id) == [4])
    }

    @Test("Lambda rejecting one event as too large dead-letters it at once; a batch is retried instead")
    func rejectedAsTooLarge() async throws {
        let store = InMemoryOutboxStore()
        store.insert()
        let engine = makeEngine(
            testConfiguration(),
            store: store,
            invoker: ScriptedInvoker { _, _ in .failed("RequestTooLargeException", tooLarge: true) }
        )
        _ = try await Self.runOneBatch(engine, store)
        #expect(store.dead.map(\.attempts) == [1])
        store.insert()
        store.insert()
        _ = try await Self.runOneBatch(engine, store)
        #expect(store.pending.map(\.attempts) == [1, 1])
    }

    @Test("with per-key ordering a failed invocation stops the batch: later payloads are released unchanged")
    func orderingStopsAtFirstFailure() async throws {
        for ordering in RelayConfiguration.Ordering.allCases {
            let store = InMemoryOutboxStore(ordering: ordering == .partitionKey)
            for index in 1...3 {
                let pad = String(repeating: "z", count: 600_000)
                store.insert(
                    key: "public.orders:[\(index)]",
                    envelope: bytes(#"{"id":"event-\#(index)","p":"\#(pad)"}"#)
                )
            }
            let invoker = ScriptedInvoker { _, call in call == 2 ? .failed("TooManyRequestsException") : .delivered }
            let engine = makeEngine(testConfiguration(ordering: ordering), store: store, invoker: invoker)
            _ = try await Self.runOneBatch(engine, store)
            let marks = try #require(store.completed.first)
            #expect(marks.delivered.first == 1)
            #expect(marks.retries.map(\.id) == [2])
            if ordering == .partitionKey {
                #expect(invoker.payloads.count == 2)
                #expect(marks.delivered == [1])
                #expect(store.pending.first { $0.id == 3 }?.attempts == 0)
                #expect(store.locked == 0)
            } else {
                #expect(invoker.payloads.count == 3)
                #expect(marks.delivered == [1, 3])
            }
        }
    }

    @Test("ordering: a key waits behind its failed event while other keys go on")
    func orderingBlocksKey() async throws {
        let store = InMemoryOutboxStore(ordering: true)
        store.insert(key: "k:[1]")
        store.insert(key: "k:[2]")
        store.insert(key: "k:[1]")
        let engine = makeEngine(
            testConfiguration(batchSize: 1, ordering: .partitionKey),
            store: store,
            invoker: ScriptedInvoker { _, call in call == 1 ? .failed("boom") : .delivered },
            random: { 0.9 }
        )
        _ = try await Self.runOneBatch(engine, store)  // event 1 fails, retry in ~0.9 s
        _ = try await Self.runOneBatch(engine, store)  // event 2 (other key) is delivered
        #expect(try await Self.runOneBatch(engine, store) == 0)  // event 3 waits behind event 1
        #expect(store.delivered.map(\.id) == [2])
    }

    @Test("a function error is a failed delivery; Lambda errors are classified (throttle, size, cancellation)")
    func classification() {
        var result = LambdaInvokeResult(statusCode: 200, payload: [], attempts: 1)
        #expect(LambdaRelayInvoker.outcome(of: .success(result), cancelled: false) == .delivered)
        result.functionError = FunctionError(kind: "Unhandled", errorType: "KeyError", errorMessage: "'id'\nline 2")
        #expect(
            LambdaRelayInvoker.outcome(of: .success(result), cancelled: false)
                == .functionError("function error KeyError: 'id' line 2")
        )
        let throttle = LambdaInvokeError(code: .tooManyRequests, message: "Rate exceeded", statusCode: 429)
        guard
            case .failed(_, let tooLarge, let throttled) = LambdaRelayInvoker.outcome(
                of: .failure(throttle),
                cancelled: false
            )
        else {
            Issue.record("a 429 must be a failure")
            return
        }
        #expect(throttled && !tooLarge)
        let large = LambdaInvokeError(code: .requestTooLarge, message: "too large", statusCode: 413)
        #expect(LambdaRelayInvoker.outcome(of: .failure(large), cancelled: false).kind == .error)
        if case .failed(_, let tooLarge, _) = LambdaRelayInvoker.outcome(of: .failure(large), cancelled: false) {
            #expect(tooLarge)
        }
        #expect(LambdaRelayInvoker.outcome(of: .failure(throttle), cancelled: true) == .cancelled)
        #expect(
            LambdaRelayInvoker.outcome(of: .failure(TestFailure(description: "x")), cancelled: false).kind == .error
        )
    }

    @Test("cancellation while invoking rolls the batch back: nothing is marked, the claims are released")
    func cancellationReleases() async throws {
        let store = InMemoryOutboxStore()
        store.insert()
        store.insert()
        let gate = Gate()
        let invoker = ScriptedInvoker { _, _ in
            await gate.wait()
            return Task.isCancelled ? .cancelled : .delivered
        }
        let engine = makeEngine(testConfiguration(), store: store, invoker: invoker)
        let task = Task { try await Self.runOneBatch(engine, store) }
        #expect(await eventually { gate.entered == 1 })
        #expect(store.locked == 2)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(store.completed.isEmpty)
        #expect(store.releases == 1)
        #expect(store.locked == 0 && store.pending.count == 2)
    }
}
