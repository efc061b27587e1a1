import DBLambdaHTTP
import HTTPTypes
import Logging
import LoopbackHTTPServer
import Testing

/// Behaviour both real transports share, each test run over each transport against a real loopback server.
@Suite("HTTPTransport implementations against a loopback server")
struct HTTPTransportTests {
    @Test(
        "a GET round trip carries the request headers and returns status, headers and body",
        arguments: TransportKind.allCases
    )
    func getRoundTrip(kind: TransportKind) async throws {
        try await withLoopbackHTTPServer { request in
            .respond(
                StubResponse(
                    status: 200,
                    headers: [
                        HeaderField(name: "X-Answer", value: "42"),
                        HeaderField(name: "Content-Type", value: "text/plain"),
                    ],
                    body: Array("got \(request.method) \(request.uri)".utf8)
                )
            )
        } _: { server in
            try await kind.withTransport { transport in
                var fields = HTTPFields()
                fields[try #require(HTTPField.Name("X-Amz-Target"))] = "Lambda.Invoke"
                fields[.accept] = "application/json"
                let response = try await transport.send(
                    loopbackRequest(.get, server, "/hello?name=world", headers: fields),
                    body: [],
                    options: HTTPRequestOptions(),
                    logger: silentLogger
                )
                #expect(response.status == .ok)
                #expect(response.head.headerFields[try #require(HTTPField.Name("x-answer"))] == "42")
                #expect(response.bodyText == "got GET /hello?name=world")
                let recorded = try #require(server.requests.first)
                #expect(server.requests.count == 1)
                #expect(recorded.header("x-amz-target") == "Lambda.Invoke")
                #expect(recorded.header("accept") == "application/json")
                #expect(recorded.header("host") == server.authority)
                #expect(recorded.body.isEmpty)
            }
        }
    }

    @Test("a POST sends the body with its Content-Length and Content-Type", arguments: TransportKind.allCases)
    func postRoundTrip(kind: TransportKind) async throws {
        try await withLoopbackHTTPServer { request in
            .respond(.json(#"{"received":\#(request.body.count)}"#, status: 201))
        } _: { server in
            try await kind.withTransport { transport in
                let payload = Array(#"{"id":7,"name":"ü"}"#.utf8)
                let response = try await transport.send(
                    loopbackRequest(.post, server, "/items", headers: [.contentType: "application/json"]),
                    body: payload,
                    options: HTTPRequestOptions(),
                    logger: silentLogger
                )
                #expect(response.status.code == 201)
                #expect(response.head.headerFields[.contentType] == "application/json")
                #expect(response.bodyText == #"{"received":\#(payload.count)}"#)
                let recorded = try #require(server.requests.first)
                #expect(recorded.method == "POST")
                #expect(recorded.body == payload)
                #expect(recorded.header("content-length") == String(payload.count))
                #expect(recorded.header("content-type") == "application/json")
            }
        }
    }

    @Test("a body without Content-Type is never given a form-encoding Content-Type", arguments: TransportKind.allCases)
    func noDefaultContentType(kind: TransportKind) async throws {
        try await withLoopbackHTTPServer { _ in
            .respond(StubResponse())
        } _: { server in
            try await kind.withTransport { transport in
                for method in [HTTPRequest.Method.post, .put] {
                    _ = try await transport.send(
                        loopbackRequest(method, server, "/raw"),
                        body: Array("a=b".utf8),
                        options: HTTPRequestOptions(),
                        logger: silentLogger
                    )
                }
                let recorded = server.requests
                try #require(recorded.count == 2)
                // URLSession cannot omit the header on a POST, so it says "bytes" (documented).
                #expect(recorded[0].header("content-type") == (kind == .urlSession ? "application/octet-stream" : nil))
                #expect(recorded[1].header("content-type") == nil)
                #expect(recorded.allSatisfy { $0.header("expect") == nil && $0.bodyText == "a=b" })
            }
        }
    }

    @Test("a percent-encoded Lambda path and query reach the server byte for byte", arguments: TransportKind.allCases)
    func pathAndQueryUnchanged(kind: TransportKind) async throws {
        let targets = [
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af/invocations"
                + "?Qualifier=%24LATEST",
            "/a%2Fb//c%20d/%7Euser/%C3%BC?x=1&x=2&empty=&flag&plus=a%2Bb&eq=%3D",
            "/~-._!$&'()*+,;=:@/path?k=v/w?z",
        ]
        try await withLoopbackHTTPServer { _ in
            .respond(StubResponse())
        } _: { server in
            try await kind.withTransport { transport in
                for target in targets {
                    _ = try await transport.send(
                        loopbackRequest(.post, server, target),
                        body: Array("{}".utf8),
                        options: HTTPRequestOptions(),
                        logger: silentLogger
                    )
                }
                #expect(server.requests.map(\.uri) == targets)
            }
        }
    }

    @Test(
        "an error status is a response, not an error, and redirects are not followed",
        arguments: TransportKind.allCases
    )
    func errorStatusAndRedirect(kind: TransportKind) async throws {
        try await withLoopbackHTTPServer { request in
            request.path == "/moved"
                ? .respond(StubResponse(status: 302, headers: [HeaderField(name: "Location", value: "/elsewhere")]))
                : .respond(.json(#"{"Type":"User","message":"nope"}"#, status: 429))
        } _: { server in
            try await kind.withTransport { transport in
                let throttled = try await transport.send(
                    loopbackRequest(.get, server, "/busy"),
                    body: [],
                    options: HTTPRequestOptions(),
                    logger: silentLogger
                )
                #expect(throttled.status.code == 429)
                #expect(throttled.bodyText.contains("nope"))
                let moved = try await transport.send(
                    loopbackRequest(.get, server, "/moved"),
                    body: [],
                    options: HTTPRequestOptions(),
                    logger: silentLogger
                )
                #expect(moved.status.code == 302)
                #expect(moved.head.headerFields[.location] == "/elsewhere")
                #expect(server.requests.map(\.path) == ["/busy", "/moved"])
            }
        }
    }

    @Test(
        "a request timeout against a server that never answers fails fast and says the request may have been sent",
        arguments: TransportKind.allCases
    )
    func timeoutOnHang(kind: TransportKind) async throws {
        try await withLoopbackHTTPServer { _ in
            .hang
        } _: { server in
            try await kind.withTransport { transport in
                let started = ContinuousClock.now
                let error = await #expect(throws: HTTPTransportError.timeout) {
                    try await transport.send(
                        loopbackRequest(.post, server, "/hang"),
                        body: Array("{}".utf8),
                        // Long enough for the request to reach the server on a loaded machine.
                        options: HTTPRequestOptions(timeout: .seconds(2)),
                        logger: silentLogger
                    )
                }
                #expect(error?.requestMayHaveBeenSent == true)
                #expect(ContinuousClock.now - started < .seconds(120))
                #expect(server.requests.count == 1)
            }
        }
    }

    @Test("a request timeout shorter than the server's delay fails with a timeout", arguments: TransportKind.allCases)
    func timeoutOnSlowAnswer(kind: TransportKind) async throws {
        try await withLoopbackHTTPServer { request in
            request.path == "/slow"
                ? .respondAfter(.seconds(3), .text("late")) : .respondAfter(.milliseconds(50), .text("in time"))
        } _: { server in
            try await kind.withTransport { transport in
                let error = await #expect(throws: HTTPTransportError.timeout) {
                    try await transport.send(
                        loopbackRequest(.get, server, "/slow"),
                        body: [],
                        // Long enough for the request to reach the server on a loaded machine.
                        options: HTTPRequestOptions(timeout: .seconds(2)),
                        logger: silentLogger
                    )
                }
                #expect(error?.requestMayHaveBeenSent == true)
                let prompt = try await transport.send(
                    loopbackRequest(.get, server, "/quick"),
                    body: [],
                    options: HTTPRequestOptions(timeout: .seconds(10)),
                    logger: silentLogger
                )
                #expect(prompt.bodyText == "in time")
            }
        }
    }

    @Test(
        "connecting to a closed port fails with connectFailed and says the request was not sent",
        arguments: TransportKind.allCases
    )
    func connectRefused(kind: TransportKind) async throws {
        let server = try await LoopbackHTTPServer.start { _ in .respond(StubResponse()) }
        let closedAuthority = server.authority
        try await server.shutdown()
        try await kind.withTransport { transport in
            let error = await #expect(throws: HTTPTransportError.connectFailed) {
                try await transport.send(
                    HTTPRequest(method: .post, scheme: "http", authority: closedAuthority, path: "/invoke"),
                    body: Array("{}".utf8),
                    options: HTTPRequestOptions(timeout: .seconds(10)),
                    logger: silentLogger
                )
            }
            #expect(error?.requestMayHaveBeenSent == false)
            #expect(error?.description.contains("[request not sent]") == true)
        }
    }

    @Test("8 MiB bodies go up and come back byte for byte", arguments: TransportKind.allCases)
    func largeBodies(kind: TransportKind) async throws {
        let upload = patternBytes(count: 8 * 1024 * 1024, seed: 1)
        let download = patternBytes(count: 8 * 1024 * 1024 + 3, seed: 2)
        try await withLoopbackHTTPServer { request in
            .respond(StubResponse(status: request.body == upload ? 200 : 400, body: download))
        } _: { server in
            try await kind.withTransport { transport in
                let response = try await transport.send(
                    loopbackRequest(.put, server, "/big", headers: [.contentType: "application/octet-stream"]),
                    body: upload,
                    options: HTTPRequestOptions(timeout: .seconds(60)),
                    logger: silentLogger
                )
                #expect(response.status == .ok)
                #expect(response.body.count == download.count)
                #expect(response.body == download)
                #expect(server.requests.first?.body.count == upload.count)
            }
        }
    }

    @Test(
        "a server that closes the connection without answering yields connectionClosed",
        arguments: TransportKind.allCases
    )
    func serverClosesEarly(kind: TransportKind) async throws {
        try await withLoopbackHTTPServer { _ in
            .closeConnection
        } _: { server in
            try await kind.withTransport { transport in
                let error = await #expect(throws: HTTPTransportError.connectionClosed) {
                    try await transport.send(
                        loopbackRequest(.post, server, "/close"),
                        body: Array("{}".utf8),
                        options: HTTPRequestOptions(timeout: .seconds(10)),
                        logger: silentLogger
                    )
                }
                #expect(error?.requestMayHaveBeenSent == true)
            }
        }
    }

    @Test("a response body longer than maxResponseBytes fails with responseTooLarge", arguments: TransportKind.allCases)
    func responseTooLarge(kind: TransportKind) async throws {
        try await withLoopbackHTTPServer { _ in
            .respond(StubResponse(body: [UInt8](repeating: 0x61, count: 10_000)))
        } _: { server in
            try await kind.withTransport { transport in
                await #expect(throws: HTTPTransportError.responseTooLarge) {
                    try await transport.send(
                        loopbackRequest(.get, server, "/large"),
                        body: [],
                        options: HTTPRequestOptions(maxResponseBytes: 1_000),
                        logger: silentLogger
                    )
                }
                let exact = try await transport.send(
                    loopbackRequest(.get, server, "/large"),
                    body: [],
                    options: HTTPRequestOptions(maxResponseBytes: 10_000),
                    logger: silentLogger
                )
                #expect(exact.body.count == 10_000)
            }
        }
    }

    @Test(
        "an invalid request fails with invalidRequest before anything is sent",
        arguments: TransportKind.allCases,
        [
            HTTPRequest(method: .get, scheme: "ftp", authority: "127.0.0.1:1", path: "/"),
            HTTPRequest(method: .get, scheme: nil, authority: "127.0.0.1:1", path: "/"),
            HTTPRequest(method: .get, scheme: "http", authority: nil, path: "/"),
            HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:1", path: "no-slash"),
            HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:1", path: "/with space"),
            HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:1", path: "/bad%zzescape"),
            HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:1", path: "/unicode-ü"),
            HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:1", path: "/frag#ment"),
            HTTPRequest(method: .get, scheme: "http", authority: "user@127.0.0.1:1", path: "/"),
        ]
    )
    func invalidRequest(kind: TransportKind, request: HTTPRequest) async throws {
        try await kind.withTransport { transport in
            let error = await #expect(throws: HTTPTransportError.invalidRequest) {
                try await transport.send(request, body: [], options: HTTPRequestOptions(), logger: silentLogger)
            }
            #expect(error?.requestMayHaveBeenSent == false)
        }
    }

    @Test(
        "logs name method, host, path and status but never header values, the query or the body",
        arguments: TransportKind.allCases
    )
    func loggingHasNoSecrets(kind: TransportKind) async throws {
        let secret = "SECRET-wJalrXUtnFEMI-K7MDENG"
        let collector = LogCollector()
        try await withLoopbackHTTPServer { _ in
            .respond(.json(#"{"token":"\#(secret)-response"}"#))
        } _: { server in
            try await kind.withTransport { transport in
                var fields = HTTPFields()
                fields[.authorization] = "AWS4-HMAC-SHA256 Credential=AKID/x, Signature=\(secret)-signature"
                fields[try #require(HTTPField.Name("X-Amz-Security-Token"))] = "\(secret)-token"
                let response = try await transport.send(
                    loopbackRequest(.post, server, "/logged/path?X-Amz-Signature=\(secret)-query", headers: fields),
                    body: Array("{\"password\":\"\(secret)-body\"}".utf8),
                    options: HTTPRequestOptions(),
                    logger: collector.logger
                )
                #expect(response.status == .ok)
                _ = try? await transport.send(
                    loopbackRequest(.post, server, "/logged/path?X-Amz-Signature=\(secret)-query", headers: fields),
                    body: Array("{\"password\":\"\(secret)-body\"}".utf8),
                    options: HTTPRequestOptions(maxResponseBytes: 1),
                    logger: collector.logger
                )
            }
        }
        let text = collector.text
        #expect(text.contains("http.method=POST"))
        #expect(text.contains("http.path=/logged/path"))
        #expect(text.contains("http.status=200"))
        #expect(text.contains("http.error=responseTooLarge"))
        #expect(!text.contains(secret))
        #expect(!text.contains("X-Amz-Signature"))
    }

    @Test("cancelling the calling task fails the request with cancelled", arguments: TransportKind.allCases)
    func cancellation(kind: TransportKind) async throws {
        try await withLoopbackHTTPServer { _ in
            .hang
        } _: { server in
            try await kind.withTransport { transport in
                let task = Task {
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
                task.cancel()
                let result = await task.result
                #expect(throws: HTTPTransportError.cancelled) { try result.get() }
            }
        }
    }

    @Test(
        "a negative maxResponseBytes is rejected and an enormous timeout is clamped",
        arguments: TransportKind.allCases
    )
    func optionsOutOfRange(kind: TransportKind) async throws {
        try await withLoopbackHTTPServer { _ in
            .respond(.text("ok"))
        } _: { server in
            try await kind.withTransport { transport in
                await #expect(throws: HTTPTransportError.invalidRequest) {
                    try await transport.send(
                        loopbackRequest(.get, server, "/negative"),
                        body: [],
                        options: HTTPRequestOptions(maxResponseBytes: -1),
                        logger: silentLogger
                    )
                }
                let response = try await transport.send(
                    loopbackRequest(.get, server, "/forever"),
                    body: [],
                    options: HTTPRequestOptions(timeout: .seconds(Int64.max)),
                    logger: silentLogger
                )
                #expect(response.bodyText == "ok")
                #expect(server.requests.map(\.path) == ["/forever"])
            }
        }
    }
}
