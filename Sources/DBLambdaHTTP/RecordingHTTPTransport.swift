public import HTTPTypes
public import Logging

/// A test double: answers from a script and records every request for assertions.
///
/// Script it with a closure that computes each response, or with a queue of replies (responses or errors)
/// consumed in order. Every request that reaches ``send(_:body:options:logger:)`` with a valid target
/// (`http`/`https` scheme, an authority, a percent-encoded path) is recorded in ``requests``; an invalid one
/// fails with ``HTTPTransportError/Code/invalidRequest`` exactly as the real transports do, and is not recorded.
/// The double does not enforce ``HTTPRequestOptions/timeout``, but it does enforce
/// ``HTTPRequestOptions/maxResponseBytes``.
///
/// ```swift
/// let transport = RecordingHTTPTransport(replies: [.response(.json(#"{"ok":true}"#))])
/// let response = try await transport.send(request, body: [], options: .init(), logger: logger)
/// #expect(transport.requests.first?.head.path == "/2015-03-31/functions/f/invocations")
/// ```
public final class RecordingHTTPTransport: HTTPTransport {
    /// A request as the double received it.
    public struct RecordedRequest: Sendable, Hashable {
        /// Method, scheme, authority, path and header fields.
        public var head: HTTPRequest
        /// The request body.
        public var body: [UInt8]
        /// The options the caller passed.
        public var options: HTTPRequestOptions

        /// Creates a recorded request.
        public init(head: HTTPRequest, body: [UInt8], options: HTTPRequestOptions) {
            self.head = head
            self.body = body
            self.options = options
        }
    }

    /// One scripted answer.
    public enum Reply: Sendable, Hashable {
        /// Answer with this response.
        case response(HTTPTransportResponse)
        /// Fail with this error.
        case failure(HTTPTransportError)
    }

    /// Computes the response to a request (head and body); may throw to simulate a transport failure.
    public typealias Responder = @Sendable (HTTPRequest, [UInt8]) async throws -> HTTPTransportResponse

    private struct State {
        var requests: [RecordedRequest] = []
        var replies: [Reply] = []
    }

    private let state = LockedValue(State())
    private let responder: Responder?

    /// Creates a double that answers every request with `responder`.
    ///
    /// - Parameter responder: Computes each response; an error it throws is passed to the caller as is.
    public init(responder: @escaping Responder) {
        self.responder = responder
    }

    /// Creates a double that answers with `replies`, one per request, in order.
    ///
    /// When the queue is empty, a request fails with ``HTTPTransportError/Code/unknown``; add replies
    /// with ``enqueue(_:)``.
    ///
    /// - Parameter replies: The scripted answers.
    public init(replies: [Reply] = []) {
        self.responder = nil
        state.withLock { $0.replies = replies }
    }

    /// Appends replies to the queue.
    ///
    /// - Parameter replies: The scripted answers for later requests.
    public func enqueue(_ replies: Reply...) {
        state.withLock { $0.replies.append(contentsOf: replies) }
    }

    /// Every request received so far, in order.
    public var requests: [RecordedRequest] {
        state.withLock { $0.requests }
    }

    /// The number of queued replies not used yet.
    public var remainingReplies: Int {
        state.withLock { $0.replies.count }
    }

    /// Forgets the recorded requests (the reply queue is kept).
    public func removeRecordedRequests() {
        state.withLock { $0.requests.removeAll() }
    }

    /// Records the request and answers from the script.
    ///
    /// - Parameters:
    ///   - request: The request head; validated like the real transports do.
    ///   - body: The request body.
    ///   - options: Recorded; ``HTTPRequestOptions/maxResponseBytes`` is enforced.
    ///   - logger: Receives a `debug` line per request (method, host, path, status; never header values).
    /// - Returns: The scripted response.
    /// - Throws: ``HTTPTransportError`` from the script, or whatever the responder throws.
    public func send(
        _ request: HTTPRequest,
        body: [UInt8],
        options: HTTPRequestOptions,
        logger: Logger
    ) async throws -> HTTPTransportResponse {
        let target = try RequestTarget(request)
        let location = target.location(request.method)
        _ = try options.effectiveTimeout(default: .zero, location: location)
        let reply = state.withLock { state -> Reply? in
            state.requests.append(RecordedRequest(head: request, body: body, options: options))
            return responder == nil && !state.replies.isEmpty ? state.replies.removeFirst() : nil
        }
        let response: HTTPTransportResponse
        if let responder {
            response = try await responder(request, body)
        } else {
            switch reply {
            case .response(let scripted):
                response = scripted
            case .failure(let error):
                throw error
            case nil:
                throw HTTPTransportError(
                    code: .unknown,
                    message: "RecordingHTTPTransport has no scripted reply left for \(location)"
                )
            }
        }
        guard response.body.count <= options.maxResponseBytes else {
            throw HTTPTransportError(
                code: .responseTooLarge,
                message: "\(location): response body longer than \(options.maxResponseBytes) bytes"
            )
        }
        logger.debug(
            "HTTP response (recording transport)",
            metadata: Logger.requestMetadata(request.method, target, bodyBytes: body.count).merging([
                "http.status": "\(response.head.status.code)",
                "http.response_body_bytes": "\(response.body.count)",
            ]) { $1 }
        )
        return response
    }
}
