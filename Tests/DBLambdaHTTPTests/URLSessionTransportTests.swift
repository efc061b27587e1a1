import DBLambdaHTTP
import HTTPTypes
import LoopbackHTTPServer
import Testing

/// Behaviour specific to the URLSession transport.
@Suite("URLSessionTransport")
struct URLSessionTransportTests {
    @Test("repeated request header names are combined into one comma-separated field (documented)")
    func repeatedHeadersCombined() async throws {
        try await withLoopbackHTTPServer { _ in
            .respond(StubResponse())
        } _: { server in
            let transport = URLSessionTransport()
            defer { transport.shutdown() }
            let custom = try #require(HTTPField.Name("X-Custom"))
            var fields = HTTPFields()
            fields.append(HTTPField(name: custom, value: "one"))
            fields.append(HTTPField(name: custom, value: "two"))
            _ = try await transport.send(
                loopbackRequest(.get, server, "/h", headers: fields),
                body: [],
                options: HTTPRequestOptions(),
                logger: silentLogger
            )
            let recorded = try #require(server.requests.first)
            #expect(recorded.headers("x-custom") == ["one,two"])
        }
    }

    @Test("a path with dot segments is rejected, since libcurl would normalise it")
    func dotSegmentsRejected() async throws {
        let transport = URLSessionTransport()
        defer { transport.shutdown() }
        for path in ["/a/../b", "/./a", "/a/.."] {
            await #expect(throws: HTTPTransportError.invalidRequest) {
                try await transport.send(
                    HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:9", path: path),
                    body: [],
                    options: HTTPRequestOptions(),
                    logger: silentLogger
                )
            }
        }
    }
}
