import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaInvoke
import DBLambdaTesting
import Foundation
import LoopbackHTTPServer
import Testing

/// A counter shared with the server's handler.
final class Counter: Sendable {
    private let value = LockedCount()
    func next() -> Int { value.increment() }
}

final class LockedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}

@Suite("Retries over a real loopback HTTP server (async-http-client transport)")
struct LoopbackRetryTests {
    static let throttle = StubResponse(
        status: 429,
        headers: [
            HeaderField(name: "x-amzn-ErrorType", value: "TooManyRequestsException"),
            HeaderField(name: "x-amzn-RequestId", value: "req-429"),
        ],
        body: Array(#"{"Reason":"CallerRateLimitExceeded","Type":"User","message":"Rate exceeded"}"#.utf8)
    )
    static let okResponse = StubResponse(
        status: 200,
        headers: [
            HeaderField(name: "Content-Type", value: "application/json"),
            HeaderField(name: "X-Amz-Executed-Version", value: "$LATEST"),
            HeaderField(name: "x-amzn-RequestId", value: "req-ok"),
        ],
        body: Array(#"{"n":12345678901234567890}"#.utf8)
    )

    /// Runs one invocation against a loopback server whose n-th answer is `script(n)`; returns requests and outcome.
    func scenario(
        type: InvocationType = .requestResponse,
        timeout: Duration = .seconds(10),
        _ script: @escaping @Sendable (Int) -> ServerAction
    ) async throws -> (requests: Int, connections: Int, result: Result<LambdaInvokeResult, LambdaInvokeError>) {
        let counter = Counter()
        return try await withLoopbackHTTPServer { _ in
            script(counter.next())
        } _: { server in
            try await AsyncHTTPClientTransport.withTransport { transport in
                var configuration = testConfiguration()
                configuration.endpoint = server.baseURL
                configuration.timeout = timeout
                let client = makeClient(transport, configuration: configuration)
                let result: Result<LambdaInvokeResult, LambdaInvokeError>
                do {
                    result = .success(
                        try await client.invoke(
                            function: "f",
                            payload: bytes("{}"),
                            options: InvokeOptions(invocationType: type)
                        )
                    )
                } catch let error as LambdaInvokeError {
                    result = .failure(error)
                }
                return (server.requests.count, server.connectionCount, result)
            }
        }
    }

    @Test("429, 429, 200 → 3 requests on one kept-alive connection, success")
    func throttledThenOK() async throws {
        let outcome = try await scenario { $0 < 3 ? .respond(Self.throttle) : .respond(Self.okResponse) }
        #expect(outcome.requests == 3)
        #expect(outcome.connections == 1)
        let result = try outcome.result.get()
        #expect(result.attempts == 3)
        #expect(result.payload == bytes(#"{"n":12345678901234567890}"#))
    }

    @Test("503 on every attempt → 3 requests, then the typed error")
    func alwaysUnavailable() async throws {
        let outcome = try await scenario { _ in .respond(.json(#"{"message":"down"}"#, status: 503)) }
        #expect(outcome.requests == 3)
        guard case .failure(let error) = outcome.result else {
            Issue.record("succeeded")
            return
        }
        #expect(error.statusCode == 503 && error.code.rawValue == "HTTP503" && error.message == "down")
    }

    @Test("connection closed without answer: RequestResponse → 1 request; Event → 3 requests")
    func reset() async throws {
        let sync = try await scenario { _ in .closeConnection }
        #expect(sync.requests == 1)
        guard case .failure(let error) = sync.result else {
            Issue.record("succeeded")
            return
        }
        #expect(error.code == .transportFailure)
        #expect(error.transportError?.requestMayHaveBeenSent == true)
        let event = try await scenario(type: .event) { _ in .closeConnection }
        #expect(event.requests == 3)
        let recovered = try await scenario(type: .event) {
            $0 == 1 ? .closeConnection : .respond(StubResponse(status: 202))
        }
        #expect(recovered.requests == 2)
        #expect(try recovered.result.get().statusCode == 202)
    }

    @Test("no answer within the timeout: RequestResponse → 1 request; Event → 3 requests")
    func timeouts() async throws {
        // Long enough that, on a loaded 2-core machine, every attempt reaches the server before it times out.
        let sync = try await scenario(timeout: .seconds(2)) { _ in .hang }
        #expect(sync.requests == 1)
        guard case .failure(let error) = sync.result else {
            Issue.record("succeeded")
            return
        }
        #expect(error.transportError?.code == .timeout || error.transportError?.code == .readTimeout)
        let event = try await scenario(type: .event, timeout: .seconds(2)) { _ in .hang }
        #expect(event.requests == 3)
    }

    @Test("a function error with a log tail → 1 request, HTTP 200 result with the error and the decoded log")
    func functionErrorWithLog() async throws {
        let log = "START\nERROR boom\nEND"
        let outcome = try await scenario { _ in
            .respond(
                StubResponse(
                    status: 200,
                    headers: [
                        HeaderField(name: "X-Amz-Function-Error", value: "Unhandled"),
                        HeaderField(name: "X-Amz-Log-Result", value: Data(log.utf8).base64EncodedString()),
                    ],
                    body: Array(#"{"errorType":"Runtime.ExitError","errorMessage":"exited"}"#.utf8)
                )
            )
        }
        #expect(outcome.requests == 1)
        let result = try outcome.result.get()
        #expect(result.functionError?.errorType == "Runtime.ExitError")
        #expect(result.logResult == log)
    }

    @Test("refused connection (nothing sent) → retried 3 times even for RequestResponse")
    func refused() async throws {
        // Bind a server, note its port and close it, so connecting is refused.
        let server = try await LoopbackHTTPServer.start { _ in .respond(StubResponse()) }
        let url = server.baseURL
        try await server.shutdown()
        let clock = ManualClock()
        try await AsyncHTTPClientTransport.withTransport { transport in
            var configuration = testConfiguration(clock: clock)
            configuration.endpoint = url
            let client = makeClient(transport, configuration: configuration)
            await #expect(throws: LambdaInvokeError.transportFailure) {
                try await client.invoke(function: "f", payload: [])
            }
        }
        #expect(clock.sleeps.count == 2, "3 attempts, 2 waits")
    }

    @Test("100 concurrent invocations share one client and reuse kept-alive connections")
    func concurrency() async throws {
        try await withLoopbackHTTPServer { _ in
            .respond(Self.okResponse)
        } _: { server in
            try await AsyncHTTPClientTransport.withTransport { transport in
                var configuration = testConfiguration()
                configuration.endpoint = server.baseURL
                let client = makeClient(transport, configuration: configuration)
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<100 {
                        group.addTask { try await client.invoke(function: "f", payload: bytes("{}")).statusCode }
                    }
                    for try await status in group { #expect(status == 200) }
                }
                #expect(server.requests.count == 100)
                #expect(server.connectionCount <= 16)
            }
        }
    }
}
