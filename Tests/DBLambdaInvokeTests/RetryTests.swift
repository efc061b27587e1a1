import DBLambdaHTTP
import DBLambdaInvoke
import DBLambdaTesting
import Testing

@Suite("Standard retry mode (scripted transport, manual clock)")
struct RetryTests {
    static let throttle = ScriptedLambdaTransport.Reply.serviceError(
        status: 429,
        code: "TooManyRequestsException",
        message: "Rate exceeded",
        reason: "CallerRateLimitExceeded"
    )
    static let serviceFailure = ScriptedLambdaTransport.Reply.serviceError(
        status: 500,
        code: "ServiceException",
        message: "x"
    )
    static let ok = ScriptedLambdaTransport.Reply.success(payload: bytes("1"))

    /// Runs one invocation against scripted replies and returns the number of requests and the outcome.
    func run(
        _ replies: [ScriptedLambdaTransport.Reply],
        type: InvocationType = .requestResponse,
        maxAttempts: Int = 3,
        optIn: Bool = false,
        clock: ManualClock = ManualClock()
    ) async -> (requests: Int, error: LambdaInvokeError?) {
        let transport = ScriptedLambdaTransport(replies: replies)
        let client = makeClient(transport, configuration: testConfiguration(clock: clock, maxAttempts: maxAttempts))
        do {
            _ = try await client.invoke(
                function: "f",
                payload: bytes("{}"),
                options: InvokeOptions(invocationType: type, retryAfterPossibleDelivery: optIn)
            )
            return (transport.invocations.count, nil)
        } catch {
            return (transport.invocations.count, error as? LambdaInvokeError)
        }
    }

    @Test("429, 429, 200 → 3 requests, success; delays are full-jitter 500 ms × 2^n for throttling")
    func throttledThenSuccess() async {
        let clock = ManualClock()
        let outcome = await run([Self.throttle, Self.throttle, Self.ok], clock: clock)
        #expect(outcome.requests == 3 && outcome.error == nil)
        #expect(clock.sleeps == [.milliseconds(500), .seconds(1)])
    }

    @Test("error responses the standard mode retries are retried for every invocation type (3 requests)")
    func retryableResponses() async {
        for type in InvocationType.allCases {
            for status in [429, 500, 502, 503, 504] {
                let reply = ScriptedLambdaTransport.Reply.serviceError(status: status, code: "X\(status)", message: "m")
                let outcome = await run([reply, reply, reply, reply], type: type)
                #expect(outcome.requests == 3, "\(type) \(status)")
                #expect(outcome.error?.statusCode == status)
                #expect(outcome.error?.attempts == 3)
            }
            let throttled = ScriptedLambdaTransport.Reply.serviceError(
                status: 400,
                code: "ThrottlingException",
                message: "m"
            )
            #expect(await run([throttled, throttled, throttled], type: type).requests == 3)
        }
    }

    @Test("500, 500 delays are 100 ms then 200 ms (non-throttling base)")
    func serverErrorBackoff() async {
        let clock = ManualClock()
        let outcome = await run([Self.serviceFailure, Self.serviceFailure, Self.ok], clock: clock)
        #expect(outcome.requests == 3 && outcome.error == nil)
        #expect(clock.sleeps == [.milliseconds(100), .milliseconds(200)])
    }

    @Test("non-retryable errors (400, 403, 404, 409, 413) → 1 request")
    func nonRetryable() async {
        for (status, code) in [
            (400, "InvalidRequestContentException"), (403, "AccessDeniedException"), (404, "ResourceNotFoundException"),
            (409, "ResourceConflictException"), (413, "RequestTooLargeException"),
        ] {
            let outcome = await run([.serviceError(status: status, code: code, message: "m"), Self.ok])
            #expect(outcome.requests == 1, "\(code)")
            #expect(outcome.error?.code.rawValue == code)
        }
    }

    @Test("a failure after the request may have been sent: RequestResponse → 1 request; Event and DryRun → 3")
    func maybeSent() async {
        for failure in [HTTPTransportError.readTimeout, .timeout, .connectionClosed, .unknown] {
            let replies = Array(repeating: ScriptedLambdaTransport.Reply.transportFailure(failure), count: 4)
            let sync = await run(replies)
            #expect(sync.requests == 1, "\(failure.code)")
            #expect(sync.error?.code == .transportFailure)
            #expect(sync.error?.transportError?.requestMayHaveBeenSent == true)
            #expect(await run(replies, type: .event).requests == 3, "\(failure.code)")
            #expect(await run(replies, type: .dryRun).requests == 3, "\(failure.code)")
            #expect(await run(replies, optIn: true).requests == 3, "\(failure.code) opted in")
        }
    }

    @Test("a failure before anything was sent (connect refused / connect timeout) is retried for RequestResponse")
    func notSent() async {
        for failure in [HTTPTransportError.connectFailed, .connectTimeout] {
            let outcome = await run([.transportFailure(failure), .transportFailure(failure), Self.ok])
            #expect(outcome.requests == 3 && outcome.error == nil, "\(failure.code)")
        }
    }

    @Test("cancellation and invalid requests are never retried")
    func neverRetried() async {
        for failure in [HTTPTransportError.cancelled, .invalidRequest, .responseTooLarge] {
            #expect(await run([.transportFailure(failure), Self.ok], type: .event).requests == 1)
        }
    }

    @Test("maxAttempts counts all attempts: 1 = no retry, 5 = four retries")
    func maxAttempts() async {
        let replies = Array(repeating: Self.throttle, count: 6)
        #expect(await run(replies, maxAttempts: 1).requests == 1)
        #expect(await run(replies, maxAttempts: 2).requests == 2)
        let clock = ManualClock()
        #expect(await run(replies, maxAttempts: 5, clock: clock).requests == 5)
        #expect(clock.sleeps == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)])
    }

    @Test("backoff is capped at 20 seconds and scaled by the random fraction")
    func backoffCap() async {
        let clock = ManualClock()
        let replies = Array(repeating: Self.throttle, count: 10)
        #expect(await run(replies, maxAttempts: 9, clock: clock).requests == 9)
        #expect(clock.sleeps.last == .seconds(20))
        #expect(clock.sleeps.max() == .seconds(20))
        let half = ManualClock()
        var configuration = testConfiguration(clock: half)
        configuration.random = { 0.5 }
        let transport = ScriptedLambdaTransport(replies: [Self.throttle, Self.ok])
        _ = try? await makeClient(transport, configuration: configuration).invoke(function: "f", payload: [])
        #expect(half.sleeps == [.milliseconds(250)])
    }

    @Test("the retry quota (500, cost 5, 10 after timeouts) runs dry and stops retries; successes refund it")
    func quota() async throws {
        let transport = ScriptedLambdaTransport(handler: { _ in Self.serviceFailure })
        let client = makeClient(transport, configuration: testConfiguration(maxAttempts: 3))
        #expect(client.retryQuotaAvailable == 500)
        // Each failing call pays 2 retries × 5 = 10 tokens: 50 calls drain the bucket.
        for _ in 0..<50 { _ = try? await client.invoke(function: "f", payload: []) }
        #expect(client.retryQuotaAvailable == 0)
        #expect(transport.invocations.count == 150)
        _ = try? await client.invoke(function: "f", payload: [])
        #expect(transport.invocations.count == 151, "no retry without quota")
        let ok = ScriptedLambdaTransport()
        let refunded = makeClient(ok, configuration: testConfiguration())
        _ = try await refunded.invoke(function: "f", payload: [])
        #expect(refunded.retryQuotaAvailable == 500, "never above capacity")
        let mixed = ScriptedLambdaTransport(replies: [.transportFailure(.readTimeout), Self.ok])
        let timeoutClient = makeClient(mixed, configuration: testConfiguration())
        _ = try await timeoutClient.invoke(function: "f", payload: [], options: InvokeOptions(invocationType: .event))
        #expect(timeoutClient.retryQuotaAvailable == 500, "a success after a retry refunds what it took (10)")
        let failing = ScriptedLambdaTransport(replies: [
            .transportFailure(.readTimeout), .transportFailure(.readTimeout),
        ])
        let drained = makeClient(failing, configuration: testConfiguration(maxAttempts: 2))
        _ = try? await drained.invoke(function: "f", payload: [], options: InvokeOptions(invocationType: .event))
        #expect(drained.retryQuotaAvailable == 490, "a timeout retry costs 10")
    }
}
