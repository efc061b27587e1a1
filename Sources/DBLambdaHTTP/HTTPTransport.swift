public import HTTPTypes
public import Logging

/// The seam between this package and the network: send one HTTP request, get one complete response.
///
/// The package ships two implementations (`AsyncHTTPClientTransport` over async-http-client and
/// `URLSessionTransport` over FoundationNetworking) and a test double (`RecordingHTTPTransport`).
/// Credential providers and the Lambda client take any `HTTPTransport`, so tests can replace every
/// AWS endpoint, the instance metadata service included.
public protocol HTTPTransport: Sendable {
    /// Sends `request` with `body` and returns the response head and its complete body.
    ///
    /// - Parameters:
    ///   - request: Method, scheme, authority, path (with query) and header fields.
    ///   - body: The request body; empty for none. Sent with a `Content-Length`.
    ///   - options: Per-request timeout and response size limit.
    ///   - logger: Where the transport logs; it never logs header values or bodies.
    /// - Throws: ``HTTPTransportError``; its ``HTTPTransportError/requestMayHaveBeenSent`` tells a caller
    ///   whether retrying could execute the request twice.
    func send(
        _ request: HTTPRequest,
        body: [UInt8],
        options: HTTPRequestOptions,
        logger: Logger
    ) async throws -> HTTPTransportResponse
}

/// Per-request settings for ``HTTPTransport/send(_:body:options:logger:)``.
public struct HTTPRequestOptions: Sendable, Hashable {
    /// The longest the whole exchange (connect, send, wait, read) may take; `nil` means the transport's default.
    public var timeout: Duration?
    /// The largest response body accepted; a longer body fails with ``HTTPTransportError/responseTooLarge``.
    public var maxResponseBytes: Int

    /// Creates options.
    public init(timeout: Duration? = nil, maxResponseBytes: Int = 32 * 1024 * 1024) {
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }
}

/// A complete HTTP response: the head (status and header fields) and the body bytes.
public struct HTTPTransportResponse: Sendable, Hashable {
    /// Status and header fields.
    public var head: HTTPResponse
    /// The complete response body.
    public var body: [UInt8]

    /// Creates a response.
    public init(head: HTTPResponse, body: [UInt8] = []) {
        self.head = head
        self.body = body
    }

    /// The status code, for convenience.
    public var status: HTTPResponse.Status { head.status }
}
