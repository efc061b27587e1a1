import AsyncHTTPClient
import DBLambdaHTTP
import HTTPTypes
import LoopbackHTTPServer
import Testing

/// Behaviour specific to the async-http-client transport: pooling, ownership of the client, header order.
@Suite("AsyncHTTPClientTransport")
struct AsyncHTTPClientTransportTests {
    @Test("five sequential requests reuse one kept-alive connection")
    func keepAliveReuse() async throws {
        try await withLoopbackHTTPServer { request in
            .respond(.text("n=\(request.uri)"))
        } _: { server in
            try await AsyncHTTPClientTransport.withTransport { transport in
                for index in 1...5 {
                    let response = try await transport.send(
                        loopbackRequest(.post, server, "/seq/\(index)"),
                        body: Array("{}".utf8),
                        options: HTTPRequestOptions(),
                        logger: silentLogger
                    )
                    #expect(response.bodyText == "n=/seq/\(index)")
                }
            }
            #expect(server.requests.count == 5)
            #expect(server.connectionCount == 1)
            #expect(Set(server.requests.map(\.connectionID)) == [1])
        }
    }

    @Test("concurrent requests all complete, on at most the pool's connection limit")
    func concurrentRequests() async throws {
        try await withLoopbackHTTPServer { request in
            .respondAfter(.milliseconds(20), StubResponse(body: request.body))
        } _: { server in
            try await AsyncHTTPClientTransport.withTransport { transport in
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    for index in 0..<32 {
                        group.addTask {
                            let body = Array("request \(index)".utf8)
                            let response = try await transport.send(
                                loopbackRequest(.post, server, "/c/\(index)"),
                                body: body,
                                options: HTTPRequestOptions(timeout: .seconds(30)),
                                logger: silentLogger
                            )
                            return response.body == body
                        }
                    }
                    var matches = 0
                    for try await match in group where match {
                        matches += 1
                    }
                    #expect(matches == 32)
                }
            }
            #expect(server.requests.count == 32)
            #expect(server.connectionCount <= 8)
        }
    }

    @Test("header fields go out in order with repeated names kept")
    func headerOrderAndRepeats() async throws {
        try await withLoopbackHTTPServer { _ in
            .respond(StubResponse())
        } _: { server in
            try await AsyncHTTPClientTransport.withTransport { transport in
                let custom = try #require(HTTPField.Name("X-Custom"))
                let other = try #require(HTTPField.Name("X-Other"))
                var fields = HTTPFields()
                fields.append(HTTPField(name: custom, value: "one"))
                fields.append(HTTPField(name: other, value: "middle"))
                fields.append(HTTPField(name: custom, value: "two  with   spaces"))
                _ = try await transport.send(
                    loopbackRequest(.get, server, "/h", headers: fields),
                    body: [],
                    options: HTTPRequestOptions(),
                    logger: silentLogger
                )
            }
            let recorded = try #require(server.requests.first)
            #expect(recorded.headers("x-custom") == ["one", "two  with   spaces"])
            let names = recorded.headers.map { $0.name.lowercased() }.filter { $0.hasPrefix("x-") }
            #expect(names == ["x-custom", "x-other", "x-custom"])
        }
    }

    @Test("a transport over a caller's client leaves that client running after shutdown")
    func callerOwnedClientIsNotShutDown() async throws {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        try await withLoopbackHTTPServer { _ in
            .respond(.text("ok"))
        } _: { server in
            let transport = AsyncHTTPClientTransport(client: client, defaultTimeout: .seconds(5))
            #expect(transport.defaultTimeout == .seconds(5))
            try await transport.shutdown()
            let response = try await transport.send(
                loopbackRequest(.get, server, "/still-works"),
                body: [],
                options: HTTPRequestOptions(),
                logger: silentLogger
            )
            #expect(response.bodyText == "ok")
        }
        try await client.shutdown()
    }

    @Test("a transport that owns its client shuts it down; later requests fail without being sent")
    func ownedClientShutsDown() async throws {
        try await withLoopbackHTTPServer { _ in
            .respond(.text("ok"))
        } _: { server in
            let transport = AsyncHTTPClientTransport()
            let first = try await transport.send(
                loopbackRequest(.get, server, "/before"),
                body: [],
                options: HTTPRequestOptions(),
                logger: silentLogger
            )
            #expect(first.bodyText == "ok")
            try await transport.shutdown()
            let error = await #expect(throws: HTTPTransportError.invalidRequest) {
                try await transport.send(
                    loopbackRequest(.get, server, "/after"),
                    body: [],
                    options: HTTPRequestOptions(),
                    logger: silentLogger
                )
            }
            #expect(error?.requestMayHaveBeenSent == false)
            #expect(error?.message.contains("shut down") == true)
            #expect(server.requests.map(\.path) == ["/before"])
        }
    }

    @Test("withTransport shuts its client down even when the body throws")
    func withTransportShutsDownOnError() async throws {
        struct Boom: Error {}
        let escaped = LockedBox<AsyncHTTPClientTransport?>(nil)
        await #expect(throws: Boom.self) {
            try await AsyncHTTPClientTransport.withTransport { transport in
                escaped.value = transport
                throw Boom()
            }
        }
        let transport = try #require(escaped.value)
        await #expect(throws: HTTPTransportError.invalidRequest) {
            try await transport.send(
                HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:9", path: "/"),
                body: [],
                options: HTTPRequestOptions(),
                logger: silentLogger
            )
        }
    }
}
