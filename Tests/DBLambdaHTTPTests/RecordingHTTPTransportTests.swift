import DBLambdaHTTP
import HTTPTypes
import Testing

@Suite("RecordingHTTPTransport")
struct RecordingHTTPTransportTests {
    private let invoke = HTTPRequest(
        method: .post,
        scheme: "https",
        authority: "lambda.us-east-1.amazonaws.com",
        path: "/2015-03-31/functions/f/invocations?Qualifier=%24LATEST",
        headerFields: [.contentType: "application/json"]
    )

    @Test("answers queued replies in order, records each request, then fails when the queue is empty")
    func queuedReplies() async throws {
        let transport = RecordingHTTPTransport(replies: [
            .response(.json(#"{"first":1}"#)),
            .failure(HTTPTransportError(code: .connectionClosed, message: "scripted")),
        ])
        transport.enqueue(.response(HTTPTransportResponse(status: .accepted)))
        #expect(transport.remainingReplies == 3)
        let options = HTTPRequestOptions(timeout: .seconds(3), maxResponseBytes: 100)

        let first = try await transport.send(invoke, body: Array("a".utf8), options: options, logger: silentLogger)
        #expect(first.bodyText == #"{"first":1}"#)
        #expect(first.head.headerFields[.contentType] == "application/json")
        let error = await #expect(throws: HTTPTransportError.connectionClosed) {
            try await transport.send(invoke, body: Array("b".utf8), options: options, logger: silentLogger)
        }
        #expect(error?.message == "scripted")
        let third = try await transport.send(invoke, body: [], options: options, logger: silentLogger)
        #expect(third.status == .accepted)
        let exhausted = await #expect(throws: HTTPTransportError.unknown) {
            try await transport.send(invoke, body: [], options: options, logger: silentLogger)
        }
        #expect(exhausted?.message.contains("no scripted reply") == true)

        let recorded = transport.requests
        #expect(recorded.count == 4)
        #expect(recorded.map(\.body) == [Array("a".utf8), Array("b".utf8), [], []])
        #expect(recorded.allSatisfy { $0.head == invoke && $0.options == options })
        transport.removeRecordedRequests()
        #expect(transport.requests.isEmpty)
    }

    @Test("a responder closure computes each response from the request and body")
    func responderClosure() async throws {
        let transport = RecordingHTTPTransport { request, body in
            HTTPTransportResponse(
                status: .ok,
                headerFields: [.contentType: "text/plain"],
                body: Array("\(request.method.rawValue) \(request.path ?? "") \(body.count)".utf8)
            )
        }
        let response = try await transport.send(invoke, body: [1, 2, 3], options: .init(), logger: silentLogger)
        #expect(response.bodyText == "POST /2015-03-31/functions/f/invocations?Qualifier=%24LATEST 3")
        #expect(transport.requests.first?.body == [1, 2, 3])
    }

    @Test("an error thrown by the responder reaches the caller unchanged")
    func responderError() async throws {
        let transport = RecordingHTTPTransport { _, _ in
            throw HTTPTransportError(code: .connectFailed, message: "refused")
        }
        let error = await #expect(throws: HTTPTransportError.connectFailed) {
            try await transport.send(invoke, body: [], options: .init(), logger: silentLogger)
        }
        #expect(error?.requestMayHaveBeenSent == false)
        #expect(transport.requests.count == 1)
    }

    @Test("an invalid request fails like the real transports and is not recorded")
    func invalidRequestNotRecorded() async throws {
        let transport = RecordingHTTPTransport(replies: [.response(HTTPTransportResponse(status: .ok))])
        await #expect(throws: HTTPTransportError.invalidRequest) {
            try await transport.send(
                HTTPRequest(method: .get, scheme: "https", authority: "example.com", path: "/a b"),
                body: [],
                options: .init(),
                logger: silentLogger
            )
        }
        #expect(transport.requests.isEmpty)
        #expect(transport.remainingReplies == 1)
    }

    @Test("maxResponseBytes is enforced on scripted responses")
    func maxResponseBytes() async throws {
        let transport = RecordingHTTPTransport(replies: [.response(.json(String(repeating: "x", count: 50)))])
        await #expect(throws: HTTPTransportError.responseTooLarge) {
            try await transport.send(invoke, body: [], options: .init(maxResponseBytes: 10), logger: silentLogger)
        }
    }

    @Test("concurrent senders are all recorded and each queued reply is used once")
    func concurrentSenders() async throws {
        let replies = (0..<200).map { RecordingHTTPTransport.Reply.response(.json("\($0)")) }
        let transport = RecordingHTTPTransport(replies: replies)
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let response = try await transport.send(
                        invoke,
                        body: Array("\(index)".utf8),
                        options: .init(),
                        logger: silentLogger
                    )
                    return response.bodyText
                }
            }
            var collected: [String] = []
            for try await body in group {
                collected.append(body)
            }
            return collected
        }
        #expect(Set(bodies) == Set((0..<200).map { "\($0)" }))
        #expect(transport.requests.count == 200)
        #expect(transport.remainingReplies == 0)
    }
}
