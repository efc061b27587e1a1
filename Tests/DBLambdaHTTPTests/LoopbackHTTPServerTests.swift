import DBLambdaHTTP
import HTTPTypes
import LoopbackHTTPServer
import Testing

/// Tests of the test-support server itself, driven through the async-http-client transport.
@Suite("LoopbackHTTPServer")
struct LoopbackHTTPServerTests {
    @Test("records method, target, headers in order and body, and answers with the stub")
    func recordsAndAnswers() async throws {
        try await withLoopbackHTTPServer { request in
            .respond(
                StubResponse(
                    status: 201,
                    headers: [HeaderField(name: "X-Echo", value: request.method)],
                    body: request.body
                )
            )
        } _: { server in
            #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
            #expect(server.authority == "127.0.0.1:\(server.port)")
            try await AsyncHTTPClientTransport.withTransport { transport in
                let one = try #require(HTTPField.Name("X-One"))
                var fields = HTTPFields()
                fields.append(HTTPField(name: one, value: "1"))
                fields.append(HTTPField(name: one, value: "2"))
                let response = try await transport.send(
                    loopbackRequest(.post, server, "/a%2Fb?x=%24y", headers: fields),
                    body: Array("hello".utf8),
                    options: HTTPRequestOptions(),
                    logger: silentLogger
                )
                #expect(response.status.code == 201)
                #expect(response.head.headerFields[try #require(HTTPField.Name("x-echo"))] == "POST")
                #expect(response.bodyText == "hello")
            }
            let recorded = try #require(server.requests.first)
            #expect(recorded.method == "POST")
            #expect(recorded.uri == "/a%2Fb?x=%24y")
            #expect(recorded.path == "/a%2Fb")
            #expect(recorded.query == "x=%24y")
            #expect(recorded.headers("x-one") == ["1", "2"])
            #expect(recorded.header("X-ONE") == "1")
            #expect(recorded.header("missing") == nil)
            #expect(recorded.bodyText == "hello")
            #expect(recorded.connectionID == 1)
            #expect(server.connectionCount == 1)
        }
    }

    @Test("keeps connections alive, and closes one after a request that asks for Connection: close")
    func keepAliveAndConnectionClose() async throws {
        try await withLoopbackHTTPServer { _ in
            .respond(.text("ok"))
        } _: { server in
            try await AsyncHTTPClientTransport.withTransport { transport in
                for path in ["/1", "/2"] {
                    _ = try await transport.send(
                        loopbackRequest(.get, server, path),
                        body: [],
                        options: .init(),
                        logger: silentLogger
                    )
                }
                let closing = try await transport.send(
                    loopbackRequest(.get, server, "/3", headers: [.connection: "close"]),
                    body: [],
                    options: .init(),
                    logger: silentLogger
                )
                #expect(closing.head.headerFields[.connection] == "close")
                _ = try await transport.send(
                    loopbackRequest(.get, server, "/4"),
                    body: [],
                    options: .init(),
                    logger: silentLogger
                )
            }
            #expect(server.requests.map(\.connectionID) == [1, 1, 1, 2])
            #expect(server.connectionCount == 2)
        }
    }

    @Test("closeConnection drops one connection without an answer and the server keeps serving")
    func closeConnectionThenServe() async throws {
        try await withLoopbackHTTPServer { request in
            request.path == "/drop" ? .closeConnection : .respond(.text("fine"))
        } _: { server in
            try await AsyncHTTPClientTransport.withTransport { transport in
                await #expect(throws: HTTPTransportError.connectionClosed) {
                    try await transport.send(
                        loopbackRequest(.get, server, "/drop"),
                        body: [],
                        options: .init(),
                        logger: silentLogger
                    )
                }
                let response = try await transport.send(
                    loopbackRequest(.get, server, "/next"),
                    body: [],
                    options: .init(),
                    logger: silentLogger
                )
                #expect(response.bodyText == "fine")
            }
            #expect(server.connectionCount == 2)
        }
    }

    @Test("respondAfter answers no sooner than the delay")
    func respondAfterDelays() async throws {
        try await withLoopbackHTTPServer { _ in
            .respondAfter(.milliseconds(200), .json("{}"))
        } _: { server in
            try await AsyncHTTPClientTransport.withTransport { transport in
                let started = ContinuousClock.now
                let response = try await transport.send(
                    loopbackRequest(.get, server, "/slow"),
                    body: [],
                    options: .init(),
                    logger: silentLogger
                )
                #expect(ContinuousClock.now - started >= .milliseconds(200))
                #expect(response.head.headerFields[.contentType] == "application/json")
            }
        }
    }

    @Test("shuts down promptly with a hanging request pending, twice, and then refuses connections")
    func shutdownWithHangingRequest() async throws {
        let server = try await LoopbackHTTPServer.start { _ in .hang }
        try await AsyncHTTPClientTransport.withTransport { transport in
            let pending = Task {
                try await transport.send(
                    loopbackRequest(.get, server, "/hang"),
                    body: [],
                    options: HTTPRequestOptions(timeout: .seconds(30)),
                    logger: silentLogger
                )
            }
            while server.requests.isEmpty {
                try await Task.sleep(for: .milliseconds(5))
            }
            let started = ContinuousClock.now
            try await server.shutdown()
            try await server.shutdown()
            let result = await pending.result
            #expect(throws: HTTPTransportError.connectionClosed) { try result.get() }
            #expect(ContinuousClock.now - started < .seconds(120))
            await #expect(throws: HTTPTransportError.connectFailed) {
                try await transport.send(
                    loopbackRequest(.get, server, "/after"),
                    body: [],
                    options: .init(),
                    logger: silentLogger
                )
            }
        }
    }

    @Test("the stub helpers set the body and the Content-Type")
    func stubHelpers() {
        let json = StubResponse.json(#"{"a":1}"#, status: 202)
        #expect(json.status == 202)
        #expect(json.headers == [HeaderField(name: "Content-Type", value: "application/json")])
        #expect(json.body == Array(#"{"a":1}"#.utf8))
        let text = StubResponse.text("hi")
        #expect(text.status == 200)
        #expect(text.headers.first?.value == "text/plain; charset=utf-8")
        #expect(StubResponse() == StubResponse(status: 200, headers: [], body: []))
        let bare = RecordedRequest(method: "GET", uri: "/p", headers: [], body: [], connectionID: 3)
        #expect(bare.query == nil)
        #expect(bare.path == "/p")
    }
}
