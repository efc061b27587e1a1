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
///
/// Performance: the response is collected on the event loop and the waiting task runs on that loop while it
/// waits, so a request costs one hop onto the loop and one back. A transport that creates its client puts it on
/// one event loop of the shared group; to spread one transport's connections over several loops (heavy TLS
/// traffic on many cores), pass your own `HTTPClient`.
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
    /// Runs the sending task on an event loop of the client while it waits, so that the response resumes it
    /// without a thread hop (none at all when the client has one loop, as a transport-created client has).
    private let taskExecutor: EventLoopTaskExecutor
    /// The URL of the latest request, parsed once: a client sends most of its requests to one URL.
    private let latestURL = LockedValue<(target: RequestTarget, url: URL)?>(nil)

    /// Creates a transport over a client the caller owns; ``shutdown()`` does not shut it down.
    ///
    /// - Parameters:
    ///   - client: The client to send requests with. Prefer one that does not follow redirects.
    ///   - defaultTimeout: The timeout for requests without one of their own; 60 seconds by default.
    public init(client: HTTPClient, defaultTimeout: Duration = .seconds(60)) {
        self.client = client
        self.defaultTimeout = defaultTimeout
        self.ownsClient = false
        self.taskExecutor = EventLoopTaskExecutor(client.eventLoopGroup.next())
    }

    /// Creates a transport that owns a new client on one event loop of the shared event loop group (no new threads);
    /// call ``shutdown()`` when done.
    ///
    /// - Parameters:
    ///   - configuration: The client configuration; ``defaultConfiguration`` by default.
    ///   - defaultTimeout: The timeout for requests without one of their own; 60 seconds by default.
    public init(
        configuration: HTTPClient.Configuration = AsyncHTTPClientTransport.defaultConfiguration,
        defaultTimeout: Duration = .seconds(60)
    ) {
        // One event loop of the shared group (no new threads): every connection of the pool and every response
        // callback is on the loop that the waiting tasks run on, so a request costs no thread hop in the transport.
        var configuration = configuration
        // async-http-client captures the process's tracer when a configuration is created; when that is the no-op
        // tracer (no tracing system bootstrapped), it would still build a span and its attributes for every
        // request — an eighth of the allocations of a small request. `nil` means the same: no traces.
        if let tracer = configuration.tracing.tracer, String(describing: type(of: tracer)) == "NoOpTracer" {
            configuration.tracing.tracer = nil
        }
        // A request's head and body leave in one system call and one TCP segment (see FlushCoalescingHandler).
        configuration.http1_1ConnectionDebugInitializer = FlushCoalescingHandler.installer(
            then: configuration.http1_1ConnectionDebugInitializer
        )
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup.next(), configuration: configuration)
        self.defaultTimeout = defaultTimeout
        self.ownsClient = true
        self.taskExecutor = EventLoopTaskExecutor(client.eventLoopGroup.next())
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
        if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *) {
            try await withTaskExecutorPreference(taskExecutor) {
                try await sendOnEventLoop(request, body: body, options: options, logger: logger)
            }
        } else {
            try await sendOnEventLoop(request, body: body, options: options, logger: logger)
        }
    }

    private func sendOnEventLoop(
        _ request: HTTPRequest,
        body: [UInt8],
        options: HTTPRequestOptions,
        logger: Logger
    ) async throws -> HTTPTransportResponse {
        let target = try RequestTarget(request)
        var logger = logger
        // Request metadata and async-http-client's own lines only matter when debug lines are written; attaching
        // metadata re-renders it in some log handlers (swift-log's StreamLogHandler), so skip it otherwise.
        // async-http-client logs nothing above debug.
        let logsRequests = logger.logLevel <= .debug
        if logsRequests {
            for (key, value) in Logger.requestMetadata(request.method, target, bodyBytes: body.count) {
                logger[metadataKey: key] = value
            }
        }
        var headers = HTTPHeaders()
        headers.reserveCapacity(request.headerFields.count)
        for field in request.headerFields {
            headers.add(name: field.name.rawName, value: field.value)
        }
        let timeout = try options.effectiveTimeout(default: defaultTimeout, location: target.location(request.method))
        // ResponseAccumulator refuses limits above what one ByteBuffer holds (4 GiB).
        let maxResponseBytes = min(options.maxResponseBytes, Int(UInt32.max))
        let started = ContinuousClock.now
        logger.trace("sending HTTP request")
        do {
            let clientRequest = try HTTPClient.Request(
                url: url(of: target),
                method: HTTPMethod(rawValue: request.method.rawValue),
                headers: headers,
                body: !body.isEmpty || [.post, .put, .patch].contains(request.method) ? .bytes(body) : nil
            )
            // The future-based API collects the body on the event loop and its deadline covers the whole exchange
            // (connect, send, wait, read the body), so one event-loop timer bounds the request and the calling
            // task is resumed once, with the complete response.
            let task = client.execute(
                request: clientRequest,
                delegate: ResponseAccumulator(request: clientRequest, maxBodySize: maxResponseBytes),
                eventLoop: .indifferent,
                deadline: .now() + TimeAmount(timeout),
                logger: logsRequests ? logger : Self.silentLogger
            )
            let response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            let responseBody = response.body.map { Array($0.readableBytesView) } ?? []
            let head = try Self.responseHead(
                status: response.status,
                headers: response.headers,
                location: target.location(request.method)
            )
            logger.debug(
                "HTTP response",
                metadata: [
                    "http.status": "\(response.status.code)",
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
                maxResponseBytes: options.maxResponseBytes
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

    /// The parsed URL of `target`, from ``latestURL`` when it is the same target.
    private func url(of target: RequestTarget) throws -> URL {
        if let latest = latestURL.withLock({ $0 }), latest.target == target {
            return latest.url
        }
        guard let url = URL(string: target.url) else {
            throw HTTPClientError.invalidURL
        }
        latestURL.withLock { $0 = (target, url) }
        return url
    }

    /// Given to async-http-client when the caller's logger would drop its (trace and debug) lines anyway.
    private static let silentLogger = Logger(label: "DBLambdaHTTP.silent") { _ in SwiftLogNoOpLogHandler() }

    private static func responseHead(
        status: HTTPResponseStatus,
        headers: HTTPHeaders,
        location: @autoclosure () -> String
    ) throws(HTTPTransportError) -> HTTPResponse {
        let code = Int(status.code)
        guard (100...999).contains(code) else {
            throw HTTPTransportError(code: .unknown, message: "\(location()) answered with invalid status \(code)")
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
        if error is NIOTooManyBytesError || error is ResponseAccumulator.ResponseTooBigError {
            return make(.responseTooLarge, "\(location): response body longer than \(maxResponseBytes) bytes")
        }
        if error is CancellationError {
            return make(.cancelled, "\(location): cancelled")
        }
        // Patterns name their type: a bare `.cancelled` or `.connectTimeout` would match HTTPTransportError's static
        // members through its `~=` (which compares codes) and never match here.
        if let error = error as? HTTPClientError {
            switch error {
            case HTTPClientError.connectTimeout, HTTPClientError.getConnectionFromPoolTimeout:
                return make(.connectTimeout, "\(location): connecting timed out")
            case HTTPClientError.deadlineExceeded:
                return make(.timeout, "\(location) did not complete within \(timeout)")
            case HTTPClientError.readTimeout:
                return make(.readTimeout, "\(location): no data from the server within the read timeout")
            case HTTPClientError.remoteConnectionClosed:
                return make(.connectionClosed, "\(location): the server closed the connection before answering")
            case HTTPClientError.cancelled, HTTPClientError.requestStreamCancelled:
                return make(.cancelled, "\(location): cancelled")
            case HTTPClientError.tlsHandshakeTimeout:
                return make(.tls, "\(location): the TLS handshake timed out")
            case HTTPClientError.invalidURL, HTTPClientError.emptyHost, HTTPClientError.emptyScheme,
                HTTPClientError.traceRequestWithBody:
                return make(.invalidRequest, "\(location): async-http-client rejected the request")
            case HTTPClientError.alreadyShutdown:
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
            case ChannelError.connectTimeout:
                return make(.connectTimeout, "\(location): connecting timed out")
            case ChannelError.eof, ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed,
                ChannelError.outputClosed, ChannelError.inputClosed:
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

/// Runs tasks on a SwiftNIO event loop, so that a task waiting for a future of that loop resumes without a thread
/// hop.
final class EventLoopTaskExecutor: Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }
}

// Task executors need macOS 15; on macOS 14 the transport sends without one (one more thread hop per request).
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
extension EventLoopTaskExecutor: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}

/// Defers each flush of a connection to the end of the current event-loop tick, so that what async-http-client
/// flushes separately — a request's head, then its body and end — leaves in one `writev` and one TCP segment
/// instead of one `write` each. The bytes and their order are unchanged; only the number of system calls drops.
final class FlushCoalescingHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = NIOAny

    private var flushPending = false

    func flush(context: ChannelHandlerContext) {
        guard !flushPending else { return }
        flushPending = true
        context.eventLoop.assumeIsolated().execute {
            self.flushPending = false
            context.flush()
        }
    }

    /// A `http1_1ConnectionDebugInitializer` that puts the handler next to the socket, then runs `next`.
    static func installer(
        then next: (@Sendable (any Channel) -> EventLoopFuture<Void>)?
    ) -> @Sendable (any Channel) -> EventLoopFuture<Void> {
        { channel in
            let added: EventLoopFuture<Void>
            if channel.eventLoop.inEventLoop {
                added = channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FlushCoalescingHandler(), position: .first)
                }
            } else {
                added = channel.eventLoop.submit {
                    try channel.pipeline.syncOperations.addHandler(FlushCoalescingHandler(), position: .first)
                }
            }
            guard let next else { return added }
            return added.flatMap { next(channel) }
        }
    }
}
