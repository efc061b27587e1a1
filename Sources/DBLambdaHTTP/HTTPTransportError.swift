/// An error from an ``HTTPTransport``: the request could not be sent or its response could not be read.
///
/// An HTTP response with any status code (4xx and 5xx included) is *not* an error at this level.
///
/// ## Retrying without duplicating a request
///
/// ``requestMayHaveBeenSent`` is `false` only when the transport *knows* that no byte of the request
/// left the machine: the request was invalid, or the connection could not be established
/// (refused, unreachable host, connect timeout). Retrying such a request can never execute it twice.
/// In every other case (a timeout while waiting for the answer, a connection closed by the server,
/// cancellation, an unknown error) the property is conservatively `true`: the server may have received
/// and executed the request. A caller that must not execute a request twice — the Lambda client with a
/// synchronous `Invoke` — retries only errors whose ``requestMayHaveBeenSent`` is `false`.
///
/// Compare errors by code: `==` ignores ``message``, ``underlying`` and ``requestMayHaveBeenSent``, so
/// `#expect(throws: HTTPTransportError.timeout)` and `catch HTTPTransportError.connectFailed` work.
///
/// No description of this error contains header values, bodies or the query string of the request,
/// which may carry credentials (`X-Amz-Security-Token`, `X-Amz-Signature`).
public struct HTTPTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. New codes may be added in minor releases.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let raw: String

        private init(_ raw: String) {
            self.raw = raw
        }

        /// The request cannot be sent: no or unsupported scheme, no authority, an invalid path or header.
        public static let invalidRequest = Code("invalidRequest")
        /// No connection could be established (refused, unknown or unreachable host). Not sent.
        public static let connectFailed = Code("connectFailed")
        /// Establishing the connection took too long. Not sent.
        public static let connectTimeout = Code("connectTimeout")
        /// The connection was idle longer than the transport's read timeout while waiting for the response.
        public static let readTimeout = Code("readTimeout")
        /// The request's deadline (``HTTPRequestOptions/timeout``) passed before the response was complete.
        public static let timeout = Code("timeout")
        /// The server closed the connection before the response was complete.
        public static let connectionClosed = Code("connectionClosed")
        /// The response body is longer than ``HTTPRequestOptions/maxResponseBytes``.
        public static let responseTooLarge = Code("responseTooLarge")
        /// The calling task was cancelled.
        public static let cancelled = Code("cancelled")
        /// The TLS handshake or the TLS session failed.
        public static let tls = Code("tls")
        /// Any other failure; ``HTTPTransportError/underlying`` says more.
        public static let unknown = Code("unknown")

        /// The code's name, e.g. `connectFailed`.
        public var description: String { raw }

        /// Whether an error with this code implies that the request never left the machine.
        var impliesNotSent: Bool {
            self == .invalidRequest || self == .connectFailed || self == .connectTimeout
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong and where (method, scheme, host and path — never the query, headers or body).
    public var message: String
    /// A one-line description of the underlying error from the HTTP library, if there was one.
    public var underlying: String?
    /// Whether the server may have received the request; `false` only when the transport knows it did not.
    ///
    /// See "Retrying without duplicating a request" in the discussion of ``HTTPTransportError``.
    public var requestMayHaveBeenSent: Bool

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What went wrong and where; must not contain secrets.
    ///   - underlying: A one-line description of the library error; must not contain secrets.
    ///   - requestMayHaveBeenSent: Whether the server may have received the request. By default `false` for
    ///     ``Code/invalidRequest``, ``Code/connectFailed`` and ``Code/connectTimeout``, `true` otherwise.
    public init(code: Code, message: String, underlying: String? = nil, requestMayHaveBeenSent: Bool? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.requestMayHaveBeenSent = requestMayHaveBeenSent ?? !code.impliesNotSent
    }

    /// An error with code ``Code/invalidRequest``, for matching.
    public static let invalidRequest = HTTPTransportError(code: .invalidRequest, message: "invalid request")
    /// An error with code ``Code/connectFailed``, for matching.
    public static let connectFailed = HTTPTransportError(code: .connectFailed, message: "connect failed")
    /// An error with code ``Code/connectTimeout``, for matching.
    public static let connectTimeout = HTTPTransportError(code: .connectTimeout, message: "connect timed out")
    /// An error with code ``Code/readTimeout``, for matching.
    public static let readTimeout = HTTPTransportError(code: .readTimeout, message: "read timed out")
    /// An error with code ``Code/timeout``, for matching.
    public static let timeout = HTTPTransportError(code: .timeout, message: "deadline exceeded")
    /// An error with code ``Code/connectionClosed``, for matching.
    public static let connectionClosed = HTTPTransportError(code: .connectionClosed, message: "connection closed")
    /// An error with code ``Code/responseTooLarge``, for matching.
    public static let responseTooLarge = HTTPTransportError(code: .responseTooLarge, message: "response too large")
    /// An error with code ``Code/cancelled``, for matching.
    public static let cancelled = HTTPTransportError(code: .cancelled, message: "cancelled")
    /// An error with code ``Code/tls``, for matching.
    public static let tls = HTTPTransportError(code: .tls, message: "TLS failure")
    /// An error with code ``Code/unknown``, for matching.
    public static let unknown = HTTPTransportError(code: .unknown, message: "unknown failure")

    /// One line: the code, the message, the underlying error and whether the request may have been sent.
    public var description: String {
        var text = "HTTPTransportError.\(code): \(message)"
        if let underlying {
            text += " (underlying: \(underlying))"
        }
        text += requestMayHaveBeenSent ? " [request may have been sent]" : " [request not sent]"
        return String(text.map { $0.isNewline ? " " : $0 })
    }

    /// Compares the codes only.
    public static func == (lhs: HTTPTransportError, rhs: HTTPTransportError) -> Bool {
        lhs.code == rhs.code
    }

    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }

    /// Whether `rhs` is an ``HTTPTransportError`` with the code of `lhs`, for `catch` patterns.
    public static func ~= (lhs: HTTPTransportError, rhs: any Error) -> Bool {
        guard let error = rhs as? HTTPTransportError else { return false }
        return error.code == lhs.code
    }
}
