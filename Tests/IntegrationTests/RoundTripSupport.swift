import DBLambdaEvents
import DBLambdaLocal
import Foundation
import Testing

/// Runs blocking work (launching a child process such as a database client or `dblambda`, and waiting for it) on a
/// dedicated thread, never on Swift's cooperative pool: the pool has only as many threads as cores, and the loopback
/// and local Lambda servers' handlers, like every other test in the process, need them. (`DispatchQueue.global()` is
/// no better on Linux, where it is only as wide as the number of cores too.)
func offCooperativePool<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}

/// What the round trip's Lambda handler saw: the typed events of every invocation, in arrival order.
final class RoundTripInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var received: [ChangeEvent] = []
    private var invocationCount = 0

    /// A handler that decodes each payload into typed `ChangeEvent`s; a payload that does not decode is a
    /// function error (so the delivery outcome shows it).
    var handler: LocalLambdaHandler {
        .closure { [self] invocation in
            let events = try ChangeEvent.decode(from: invocation.payload)
            self.record(events)
            return .json(#"{"received":\#(events.count)}"#)
        }
    }

    private func record(_ events: [ChangeEvent]) {
        lock.lock()
        received.append(contentsOf: events)
        invocationCount += 1
        lock.unlock()
    }

    var events: [ChangeEvent] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    var invocations: Int {
        lock.lock()
        defer { lock.unlock() }
        return invocationCount
    }
}

extension ChangeEvent {
    /// A column of the new (or, for deletes, the old) row as text: a string's value or a number's exact text.
    func value(_ column: String, old: Bool = false) -> String? {
        guard let value = (old ? self.old : self.new)?[column] else { return nil }
        return value.stringValue ?? value.numberValue?.text
    }
}

/// Counts events per operation, e.g. `["delete": 1, "insert": 3, "update": 2]`.
func operationCounts(_ events: [ChangeEvent]) -> [String: Int] {
    events.reduce(into: [:]) { $0[$1.operation.rawValue, default: 0] += 1 }
}
