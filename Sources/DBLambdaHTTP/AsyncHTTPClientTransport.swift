public import AsyncHTTPClient
import Foundation
public import HTTPTypes
public import Logging
import NIOCore
import NIOHTTP1

/// An ``HTTPTransport`` over async-http-client: pooled keep-alive connections shared by all requests.
///
/// Create it around your application's `HTTPClient` (the transport never shuts that client down), or let
/// it own a client with ``init(configuration:defaultTimeout:)`` and call ``shutdown()`` when done — or use
/// ``withTransport(configuration:defaultTimeout:_:)``, which always shuts down.
///
/// The request's path and query are sent byte for byte as given in `HTTPRequest.path`, so a SigV4 signature
/// computed over them stays valid. The path must already be percent-encoded: a path with a byte that would
/// need encoding (a space, non-ASCII, …) is rejected with ``HTTPTransportError/Code/invalidRequest``.
/// Header fields are sent in order, repeated names kept; async-http-client adds `Host` (from the authority)
/// and `Content-Length` (from the body).
///
/// The transport logs each request at `debug` level with method, host, path, status, byte counts and
/// duration; it never logs header values, the query string or bodies.
public final class AsyncHTTPClientTransport: HTTPTransport {
    /// The configuration of a client the transport creates: redirects are not followed (a signed request
    /// must not be replayed elsewhere), connect timeout 10 seconds, no response decompression, and no
    /// automatic retry of a failed connection attempt — a refused connection fails at once with
    /// ``HTTPTransportError/Code/connectFailed`` (request not sent), so the caller's own retry policy decides.
    ///
    /// With async-http-client's default (`retryConnectionEstablishment = true`), a refused connection is
    /// retried until the connect timeout and then fails with ``HTTPTransportError/Code/connectTimeout`` or,
    /// when the request's own timeout is shorter, with ``HTTPTransportError/Code/timeout``.
    public static var defaultConfiguration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: .seconds(10)),
            decompression: .disabled
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }

    /// The underlying client.
    public let client: HTTPClient
    /// The whole-exchange timeout for requests whose ``HTTPRequestOptions/timeout`` is `nil`.
    public let defaultTimeout: Duration
    private let ownsClient: Bool

    /// Creates a transport over a client the caller owns; ``shutdown()`` does not shut it down.
    ///
    /// - Parameters:
    ///   - client: The client to send requests with. Prefer one that does not follow redirects.
    ///   - defaultTimeout: The timeout for requests without one of their own; 60 seconds by default.
    public init(client: HTTPClient, defaultTimeout: Duration = .seconds(60)) {
        self.client = client
        self.defaultTimeout = defaultTimeout
        self.ownsClient = false
    }

    /// Creates a transport that owns a new client on the shared event loop group; call ``shutdown()`` when done.
    ///
    /// - Parameters:
    ///   - configuration: The client configuration; ``defaultConfiguration`` by default.
    ///   - defaultTimeout: The timeout for requests without one of their own; 60 seconds by default.
    public init(
        configuration: HTTPClient.Configuration = AsyncHTTPClientTransport.defaultConfiguration,
        defaultTimeout: Duration = .seconds(60)
    ) {
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        self.defaultTimeout = defaultTimeout
        self.ownsClient = true
    }

    /// Shuts the client down if the transport created it; does nothing for a caller's client.
    ///
    /// Call it once, after the last request.
    public func shutdown() async throws {
        guard ownsClient else { return }
        try await client.shutdown()
    }

    /// Creates a transport that owns its client, runs `body` with it and always shuts it down.
    ///
    /// - Parameters:
    ///   - configuration: The client configuration; ``defaultConfiguration`` by default.
    ///   - defaultTimeout: The timeout for requests without one of their own; 60 seconds by default.
    ///   - body: The code that uses the transport.
    /// - Returns: What `body` returns.
    public static func withTransport<Result: Sendable>(
        configuration: HTTPClient.Configuration = AsyncHTTPClientTransport.defaultConfiguration,
        defaultTimeout: Duration = .seconds(60),
        _ body: (AsyncHTTPClientTransport) async throws -> Result
    ) async throws -> Result {
        let transport = AsyncHTTPClientTransport(configuration: configuration, defaultTimeout: defaultTimeout)
        let result: Result
        do {
            result = try await body(transport)
        } catch {
            try? await transport.shutdown()
            throw error
        }
        try await transport.shutdown()
        return result
    }

    /// Sends `request` and collects the complete response.
    ///
    /// - Parameters:
    ///   - request: Method, scheme (`http` or `https`), authority, percent-encoded path with query, header fields.
    ///   - body: The request body; empty for none.
    ///   - options: The whole-exchange timeout (connect, send, wait, read the body) and the response size limit.
    ///   - logger: Receives a `debug` line per request, and async-http-client's own `trace` lines.
    /// - Returns: The response head and body, whatever the status code.
    /// - Throws: ``HTTPTransportError``.
    public func send(
        _ request: HTTPRequest,
        body: [UInt8],
        options: HTTPRequestOptions,
        logger: Logger
    ) async throws -> HTTPTransportResponse {
        let target = try RequestTarget(request)
        var logger = logger
        for (key, value) in Logger.requestMetadata(request.method, target, bodyBytes: body.count) {
            logger[metadataKey: key] = value
        }
        var clientRequest = HTTPClientRequest(url: target.url)
        clientRequest.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headerFields {
            clientRequest.headers.add(name: field.name.rawName, value: field.value)
        }
        if !body.isEmpty || [.post, .put, .patch].contains(request.method) {
            clientRequest.body = .bytes(body)
        }
        let timeout = try options.effectiveTimeout(default: defaultTimeout, location: target.location(request.method))
        let maxResponseBytes = options.maxResponseBytes
        let client = self.client
        let preparedRequest = clientRequest
        let requestLogger = logger
        let started = ContinuousClock.now
        logger.trace("sending HTTP request")
        do {
            // async-http-client's own deadline covers the exchange up to the response head and reports the
            // more precise error; the outer timer (a little later) also bounds reading the body.
            let outcome = try await withTimeout(timeout + .milliseconds(50)) {
                let response = try await client.execute(
                    preparedRequest,
                    deadline: .now() + TimeAmount(timeout),
                    logger: requestLogger
                )
                let collected = try await response.body.collect(upTo: maxResponseBytes)
                return (response.status, response.headers, Array(collected.readableBytesView))
            }
            guard case .finished(let (status, headers, responseBody)) = outcome else {
                throw HTTPTransportError(
                    code: .timeout,
                    message: "\(target.location(request.method)) did not complete within \(timeout)"
                )
            }
            let head = try Self.responseHead(
                status: status,
                headers: headers,
                location: target.location(request.method)
            )
            logger.debug(
                "HTTP response",
                metadata: [
                    "http.status": "\(status.code)",
                    "http.response_body_bytes": "\(responseBody.count)",
                    "http.duration_ms": "\(milliseconds(ContinuousClock.now - started))",
                ]
            )
            return HTTPTransportResponse(head: head, body: responseBody)
        } catch {
            let transportError = Self.transportError(
                error,
                location: target.location(request.method),
                timeout: timeout,
                maxResponseBytes: maxResponseBytes
            )
            logger.debug(
                "HTTP request failed",
                metadata: [
                    "http.error": "\(transportError.code)",
                    "http.request_may_have_been_sent": "\(transportError.requestMayHaveBeenSent)",
                    "http.duration_ms": "\(milliseconds(ContinuousClock.now - started))",
                ]
            )
            throw transportError
        }
    }

    private static func responseHead(
        status: HTTPResponseStatus,
        headers: HTTPHeaders,
        location: String
    ) throws(HTTPTransportError) -> HTTPResponse {
        let code = Int(status.code)
        guard (100...999).contains(code) else {
            throw HTTPTransportError(code: .unknown, message: "\(location) answered with invalid status \(code)")
        }
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count)
        for (name, value) in headers {
            guard let fieldName = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return HTTPResponse(status: HTTPResponse.Status(code: code), headerFields: fields)
    }

    /// Maps an error from async-http-client or SwiftNIO to an ``HTTPTransportError``.
    static func transportError(
        _ error: any Error,
        location: String,
        timeout: Duration,
        maxResponseBytes: Int
    ) -> HTTPTransportError {
        if let error = error as? HTTPTransportError {
            return error
        }
        let underlying = underlyingDescription(error)
        func make(_ code: HTTPTransportError.Code, _ message: String) -> HTTPTransportError {
            HTTPTransportError(code: code, message: message, underlying: underlying)
        }
        if error is NIOTooManyBytesError {
            return make(.responseTooLarge, "\(location): response body longer than \(maxResponseBytes) bytes")
        }
        if error is CancellationError {
            return make(.cancelled, "\(location): cancelled")
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .getConnectionFromPoolTimeout:
                return make(.connectTimeout, "\(location): connecting timed out")
            case .deadlineExceeded:
                return make(.timeout, "\(location) did not complete within \(timeout)")
            case .readTimeout:
                return make(.readTimeout, "\(location): no data from the server within the read timeout")
            case .remoteConnectionClosed:
                return make(.connectionClosed, "\(location): the server closed the connection before answering")
            case .cancelled, .requestStreamCancelled:
                return make(.cancelled, "\(location): cancelled")
            case .tlsHandshakeTimeout:
                return make(.tls, "\(location): the TLS handshake timed out")
            case .invalidURL, .emptyHost, .emptyScheme, .traceRequestWithBody:
                return make(.invalidRequest, "\(location): async-http-client rejected the request")
            case .alreadyShutdown:
                return HTTPTransportError(
                    code: .invalidRequest,
                    message: "\(location): the HTTP client is already shut down",
                    underlying: underlying
                )
            default:
                if underlying.contains("invalidHeaderField") || underlying.contains("unsupportedScheme") {
                    return make(.invalidRequest, "\(location): async-http-client rejected the request")
                }
                return make(.unknown, "\(location) failed")
            }
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout:
                return make(.connectTimeout, "\(location): connecting timed out")
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed:
                return make(.connectionClosed, "\(location): the connection closed before the response was complete")
            default:
                return make(.unknown, "\(location) failed")
            }
        }
        let typeName = String(reflecting: type(of: error))
        if typeName.hasSuffix("NIOConnectionError") || typeName.hasSuffix("SingleConnectionFailure") {
            // Every connection attempt failed (refused, unreachable): nothing was written.
            return make(.connectFailed, "\(location): could not connect")
        }
        if typeName.contains("NIOSSL") || typeName.contains("TLS") {
            return make(.tls, "\(location): TLS failure")
        }
        if let error = error as? IOError, [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(error.errnoCode) {
            // async-http-client reports a refused connect as a bare `IOError` from `connect(2)`.
            return make(.connectFailed, "\(location): could not connect")
        }
        if let error = error as? IOError, [ECONNRESET, EPIPE].contains(error.errnoCode) {
            return make(.connectionClosed, "\(location): the connection was reset")
        }
        return make(.unknown, "\(location) failed")
    }

    /// A one-line description of a library error: its type and its description, which for async-http-client
    /// and SwiftNIO errors never contain the URL's query, headers or bodies.
    static func underlyingDescription(_ error: any Error) -> String {
        let text = "\(String(reflecting: type(of: error))): \(error)"
        return String(text.prefix(300).map { $0.isNewline ? " " : $0 })
    }
}
