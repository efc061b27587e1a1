/// Wakes idle workers: a `NOTIFY` (or the listener reconnecting) bumps a generation counter; a worker that saw
/// generation *g* before its claim waits until the generation passes *g*, the poll interval ends, or the relay
/// stops. Never blocks a thread: waiters are continuations.
final class WakeSignal: Sendable {
    private enum Entry {
        case pending
        case waiting(after: Int?, CheckedContinuation<Void, Never>)
        case cancelled
    }

    private struct State {
        var generation = 0
        var stopped = false
        var nextID = 0
        var entries: [Int: Entry] = [:]
    }

    private let state = LockedBox(State())

    /// The current generation.
    var generation: Int { state.withLock { $0.generation } }

    /// Whether ``stop()`` was called.
    var isStopped: Bool { state.withLock { $0.stopped } }

    /// Wakes every worker waiting for a generation older than the new one.
    func notify() {
        let continuations = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation += 1
            var woken: [CheckedContinuation<Void, Never>] = []
            for (id, entry) in state.entries {
                if case .waiting(let after?, let continuation) = entry, after < state.generation {
                    woken.append(continuation)
                    state.entries[id] = nil
                }
            }
            return woken
        }
        for continuation in continuations { continuation.resume() }
    }

    /// Stops: every wait returns now and later waits return at once.
    func stop() {
        let continuations = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.stopped = true
            var woken: [CheckedContinuation<Void, Never>] = []
            for (id, entry) in state.entries {
                if case .waiting(_, let continuation) = entry {
                    woken.append(continuation)
                    state.entries[id] = nil
                }
            }
            return woken
        }
        for continuation in continuations { continuation.resume() }
    }

    /// Waits until the generation passes `generation` (never, when `nil`), `timeout` passes, the relay stops or
    /// the task is cancelled.
    func wait(after generation: Int?, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.waitForSignal(after: generation) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal(after generation: Int?) async {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            state.entries[state.nextID] = .pending
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    let ready: Bool
                    if case .cancelled = state.entries[id] {
                        ready = true
                    } else if state.stopped {
                        ready = true
                    } else if let generation, state.generation > generation {
                        ready = true
                    } else {
                        ready = false
                    }
                    if ready {
                        state.entries[id] = nil
                    } else {
                        state.entries[id] = .waiting(after: generation, continuation)
                    }
                    return ready
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                switch state.entries[id] {
                case .waiting(_, let continuation):
                    state.entries[id] = nil
                    return continuation
                case .pending:
                    state.entries[id] = .cancelled
                    return nil
                case .cancelled, nil:
                    return nil
                }
            }
            continuation?.resume()
        }
    }
}
