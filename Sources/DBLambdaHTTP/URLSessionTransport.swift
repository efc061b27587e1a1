import Foundation
public import HTTPTypes
public import Logging

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An ``HTTPTransport`` over Foundation's `URLSession` (libcurl on Linux), for hosts that avoid SwiftNIO.
///
/// The session is ephemeral: no cache, no cookies, no credential storage, and redirects are not followed
/// (a signed request must not be replayed elsewhere). Call ``shutdown()`` when done (or let the transport
/// be released): it invalidates the session.
///
/// Differences from ``AsyncHTTPClientTransport`` that a caller may notice:
/// - **Repeated header names** are combined into one field with `,` separators (`URLRequest` stores one value
///   per name), and response header fields come back in name order, one per name. A signature over a repeated
///   request header therefore may not verify; send such requests with ``AsyncHTTPClientTransport``.
/// - **`Content-Type`**: the caller's value is sent as is. When the caller gives none, a `POST` is sent with
///   `Content-Type: application/octet-stream`: Foundation would otherwise send `application/x-www-form-urlencoded`
///   and offers no way to omit the header. Other methods without a caller's value carry no `Content-Type`.
/// - **Added headers**: Foundation adds `Accept`, `Accept-Encoding`, `Connection` and `User-Agent` unless given,
///   and may decompress a `gzip` or `deflate` response body. It never sends `Expect: 100-continue` on its own.
/// - **Response size**: the body is received completely before ``HTTPRequestOptions/maxResponseBytes`` is
///   checked, unless the server announced a longer `Content-Length`.
/// - **Path**: the path and query are sent byte for byte (the URL is built from the exact string and
///   checked not to have been re-encoded); a path with dot segments (`/./`, `/../`) may be normalised by
///   libcurl, so it is rejected.
///
/// Timeouts: ``HTTPRequestOptions/timeout`` (or ``defaultTimeout``) bounds the whole exchange and also sets
/// `timeoutIntervalForRequest`/`timeoutIntervalForResource`.
///
/// URL errors map to ``HTTPTransportError`` codes: `cannotConnectToHost`, `cannotFindHost`,
/// `dnsLookupFailed`, `notConnectedToInternet` → ``HTTPTransportError/Code/connectFailed`` (not sent);
/// `timedOut` → ``HTTPTransportError/Code/timeout`` (may have been sent); `networkConnectionLost`,
/// `badServerResponse`, `zeroByteResource` → ``HTTPTransportError/Code/connectionClosed``; `cancelled` →
/// ``HTTPTransportError/Code/cancelled``; certificate and secure-connection errors →
/// ``HTTPTransportError/Code/tls``; `dataLengthExceedsMaximum` → ``HTTPTransportError/Code/responseTooLarge``.
public final class URLSessionTransport: HTTPTransport {
    /// The whole-exchange timeout for requests whose ``HTTPRequestOptions/timeout`` is `nil`.
    public let defaultTimeout: Duration
    private let session: URLSession

    /// Creates a transport with its own ephemeral session.
    ///
    /// - Parameter defaultTimeout: The timeout for requests without one of their own; 60 seconds by default.
    public init(defaultTimeout: Duration = .seconds(60)) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCredentialStorage = nil
        configuration.timeoutIntervalForRequest = Self.seconds(defaultTimeout)
        configuration.timeoutIntervalForResource = Self.seconds(defaultTimeout)
        self.defaultTimeout = defaultTimeout
        self.session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// Invalidates the session after its running requests finish; the transport cannot be used afterwards.
    public func shutdown() {
        session.finishTasksAndInvalidate()
    }

    /// Sends `request` and collects the complete response.
    ///
    /// - Parameters:
    ///   - request: Method, scheme (`http` or `https`), authority, percent-encoded path with query, header fields.
    ///   - body: The request body; empty for none.
    ///   - options: The whole-exchange timeout and the response size limit.
    ///   - logger: Receives a `debug` line per request (method, host, path, status, byte counts, duration).
    /// - Returns: The response head and body, whatever the status code.
    /// - Throws: ``HTTPTransportError``.
    public func send(
        _ request: HTTPRequest,
        body: [UInt8],
        options: HTTPRequestOptions,
        logger: Logger
    ) async throws -> HTTPTransportResponse {
        let target = try RequestTarget(request)
        let location = target.location(request.method)
        var logger = logger
        for (key, value) in Logger.requestMetadata(request.method, target, bodyBytes: body.count) {
            logger[metadataKey: key] = value
        }
        if target.path.split(separator: "/", omittingEmptySubsequences: false).contains(where: {
            $0 == "." || $0 == ".."
        }) {
            throw HTTPTransportError(
                code: .invalidRequest,
                message: "\(location): URLSessionTransport cannot send a path with '.' or '..' segments unchanged"
            )
        }
        guard let url = URL(string: target.url), url.absoluteString == target.url else {
            throw HTTPTransportError(code: .invalidRequest, message: "\(location): Foundation cannot represent the URL")
        }
        let timeout = try options.effectiveTimeout(default: defaultTimeout, location: target.location(request.method))
        var urlRequest = URLRequest(
            url: url,
            cachePolicy: .reloadIgnoringLocalAndRemoteCacheData,
            timeoutInterval: Self.seconds(timeout)
        )
        urlRequest.httpMethod = request.method.rawValue
        urlRequest.httpShouldHandleCookies = false
        for field in request.headerFields {
            urlRequest.addValue(field.value, forHTTPHeaderField: field.name.rawName)
        }
        if request.headerFields[.contentType] == nil && request.method == .post {
            // Foundation would default a POST to `application/x-www-form-urlencoded` and cannot be told to omit
            // the header; say "bytes" instead, which is what a missing Content-Type means (RFC 9110 §8.3).
            urlRequest.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        }
        if !body.isEmpty || [.post, .put, .patch].contains(request.method) {
            urlRequest.httpBody = Data(body)
        }
        let preparedRequest = urlRequest
        let session = self.session
        let started = ContinuousClock.now
        logger.trace("sending HTTP request")
        do {
            let outcome = try await withTimeout(timeout) {
                try await Self.perform(preparedRequest, session: session)
            }
            guard case .finished(let (response, data)) = outcome else {
                throw HTTPTransportError(code: .timeout, message: "\(location) did not complete within \(timeout)")
            }
            guard data.count <= options.maxResponseBytes else {
                throw HTTPTransportError(
                    code: .responseTooLarge,
                    message: "\(location): response body longer than \(options.maxResponseBytes) bytes"
                )
            }
            let head = try Self.responseHead(response, location: location)
            logger.debug(
                "HTTP response",
                metadata: [
                    "http.status": "\(response.statusCode)",
                    "http.response_body_bytes": "\(data.count)",
                    "http.duration_ms": "\(milliseconds(ContinuousClock.now - started))",
                ]
            )
            return HTTPTransportResponse(head: head, body: Array(data))
        } catch {
            let transportError = Self.transportError(error, location: location, timeout: timeout)
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

    /// Runs one data task, cancelling it when the calling task is cancelled.
    private static func perform(_ request: URLRequest, session: URLSession) async throws -> (HTTPURLResponse, Data) {
        let running = LockedValue<URLSessionDataTask?>(nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let task = session.dataTask(with: request) { data, response, error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else if let response = response as? HTTPURLResponse {
                        continuation.resume(returning: (response, data ?? Data()))
                    } else {
                        continuation.resume(throwing: URLError(.badServerResponse))
                    }
                }
                running.withLock { $0 = task }
                task.resume()
                if Task.isCancelled {
                    task.cancel()
                }
            }
        } onCancel: {
            running.withLock { $0 }?.cancel()
        }
    }

    private static func responseHead(
        _ response: HTTPURLResponse,
        location: String
    ) throws(HTTPTransportError) -> HTTPResponse {
        guard (100...999).contains(response.statusCode) else {
            throw HTTPTransportError(
                code: .unknown,
                message: "\(location) answered with invalid status \(response.statusCode)"
            )
        }
        var pairs: [(String, String)] = []
        for (name, value) in response.allHeaderFields {
            guard let name = name as? String, let value = value as? String else { continue }
            pairs.append((name, value))
        }
        pairs.sort { $0.0.lowercased() < $1.0.lowercased() }
        var fields = HTTPFields()
        for (name, value) in pairs {
            guard let fieldName = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return HTTPResponse(status: HTTPResponse.Status(code: response.statusCode), headerFields: fields)
    }

    /// Maps a `URLError` (or another error) to an ``HTTPTransportError``.
    static func transportError(_ error: any Error, location: String, timeout: Duration) -> HTTPTransportError {
        if let error = error as? HTTPTransportError {
            return error
        }
        if error is CancellationError {
            return HTTPTransportError(code: .cancelled, message: "\(location): cancelled")
        }
        guard let urlError = error as? URLError else {
            return HTTPTransportError(
                code: .unknown,
                message: "\(location) failed",
                underlying: String(reflecting: type(of: error))
            )
        }
        // The URLError's description and user info contain the URL (and so the query): never use them.
        let underlying = "URLError code \(urlError.code.rawValue)"
        func make(_ code: HTTPTransportError.Code, _ message: String) -> HTTPTransportError {
            HTTPTransportError(code: code, message: "\(location): \(message)", underlying: underlying)
        }
        switch urlError.code {
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
            return make(.connectFailed, "could not connect")
        case .timedOut:
            return make(.timeout, "did not complete within \(timeout)")
        case .networkConnectionLost, .badServerResponse, .zeroByteResource:
            return make(.connectionClosed, "the connection closed before the response was complete")
        case .cancelled, .userCancelledAuthentication:
            return make(.cancelled, "cancelled")
        case .secureConnectionFailed, .serverCertificateHasBadDate, .serverCertificateUntrusted,
            .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid, .clientCertificateRejected,
            .clientCertificateRequired:
            return make(.tls, "TLS failure")
        case .badURL, .unsupportedURL:
            return make(.invalidRequest, "Foundation rejected the URL")
        case .dataLengthExceedsMaximum:
            return make(.responseTooLarge, "response body too large")
        default:
            return make(.unknown, "failed")
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

/// Refuses every redirect, so the redirect response itself is returned to the caller.
private final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession,
        task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
