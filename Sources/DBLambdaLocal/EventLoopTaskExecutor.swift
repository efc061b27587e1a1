import NIOCore

/// Runs a task's jobs on one event loop, so a request handler's task needs no thread of Swift's cooperative
/// pool: a host (or a test process) whose pool threads are all blocked still gets its answers.
final class EventLoopTaskExecutor: Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }
}

@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
extension EventLoopTaskExecutor: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}

extension EventLoopPromise where Value: Sendable {
    /// Completes the promise with `body`, run as a task that prefers the promise's event loop (on macOS 14, a
    /// plain task).
    func completeWithTaskOnEventLoop(_ body: @escaping @Sendable () async -> Value) {
        if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *) {
            let executor = EventLoopTaskExecutor(futureResult.eventLoop)
            let promise = self
            Task(executorPreference: executor) { promise.succeed(await body()) }
        } else {
            completeWithTask(body)
        }
    }
}
