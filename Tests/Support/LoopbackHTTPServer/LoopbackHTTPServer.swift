import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP/1.1 server on a loopback address and an ephemeral port, for tests.
///
/// Every request is recorded (``requests``) and answered by the `handler` given to
/// ``start(host:handler:)``, which returns a ``ServerAction``: a response, a delayed response, closing
/// the connection without an answer, or never answering. Connections are kept alive, so several
/// requests may arrive on one connection (``connectionCount`` tells how many TCP connections were
/// accepted). Request bodies up to ``maxRequestBodyBytes`` are aggregated; a larger body is answered
/// with `413` and the connection is closed.
///
/// The server runs on the process-wide NIO event loop group, so ``shutdown()`` only closes the
/// listening socket and every open connection: it never waits for a pending `hang` or a delayed answer.
///
/// ```swift
/// try await withLoopbackHTTPServer { request in
///     .respond(.json(#"{"ok":true}"#))
/// } _: { server in
///     // send requests to server.baseURL
/// }
/// ```
public final class LoopbackHTTPServer: Sendable {
    /// The largest request body the server aggregates (64 MiB).
    public static let maxRequestBodyBytes = 64 * 1024 * 1024

    private let serverChannel: any Channel
    private let state: ServerState
    /// The TCP port the server listens on.
    public let port: Int
    /// The host (address) the server listens on, as given to ``start(host:handler:)``.
    public let host: String

    private init(serverChannel: any Channel, state: ServerState, port: Int, host: String) {
        self.serverChannel = serverChannel
        self.state = state
        self.port = port
        self.host = host
    }

    /// Starts a server on `host` and an ephemeral port.
    ///
    /// - Parameters:
    ///   - host: The address to bind, `127.0.0.1` by default (`::1` for IPv6).
    ///   - handler: Decides how each request is answered. It is called once per request, after the
    ///     whole body arrived; it may suspend (a slow handler delays only its own connection). A handler
    ///     should return promptly: to model a server that never answers, return ``ServerAction/hang``
    ///     rather than suspending forever (a suspended handler outlives ``shutdown()``).
    /// - Returns: The running server. Call ``shutdown()`` when done, or use ``withLoopbackHTTPServer(host:handler:_:)``.
    public static func start(
        host: String = "127.0.0.1",
        handler: @escaping @Sendable (RecordedRequest) async -> ServerAction
    ) async throws -> LoopbackHTTPServer {
        let state = ServerState()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let connectionID = state.connectionOpened(channel)
                    channel.closeFuture.whenComplete { _ in state.connectionClosed(connectionID) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: true,
                        withErrorHandling: true
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        RequestHandler(connectionID: connectionID, state: state, handler: handler)
                    )
                }
            }
        let channel = try await bootstrap.bind(host: host, port: 0).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw LoopbackHTTPServerError(message: "the server socket has no local port")
        }
        return LoopbackHTTPServer(serverChannel: channel, state: state, port: port, host: host)
    }

    /// The base URL of the server, `http://127.0.0.1:PORT` (IPv6 hosts are bracketed).
    public var baseURL: String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }

    /// The host and port, `127.0.0.1:PORT` (IPv6 hosts are bracketed), as an HTTP authority.
    public var authority: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Every request received so far, in the order they were completely received.
    public var requests: [RecordedRequest] {
        state.requests
    }

    /// The number of TCP connections accepted so far (one per connection, however many requests it carried).
    public var connectionCount: Int {
        state.connectionCount
    }

    /// Stops listening and closes every open connection, including ones with a pending `hang` or a delayed
    /// answer. Safe to call more than once.
    public func shutdown() async throws {
        do {
            try await serverChannel.close()
        } catch ChannelError.alreadyClosed {
            // Already shut down.
        }
        for channel in state.takeOpenChannels() {
            try? await channel.close()
        }
    }
}

/// Starts a ``LoopbackHTTPServer``, runs `body` with it and always shuts the server down, even when
/// `body` throws.
///
/// - Parameters:
///   - host: The address to bind, `127.0.0.1` by default.
///   - handler: Decides how each request is answered.
///   - body: The test code; it receives the running server.
/// - Returns: What `body` returns.
public func withLoopbackHTTPServer<Result: Sendable>(
    host: String = "127.0.0.1",
    handler: @escaping @Sendable (RecordedRequest) async -> ServerAction,
    _ body: (LoopbackHTTPServer) async throws -> Result
) async throws -> Result {
    let server = try await LoopbackHTTPServer.start(host: host, handler: handler)
    let result: Result
    do {
        result = try await body(server)
    } catch {
        try? await server.shutdown()
        throw error
    }
    try await server.shutdown()
    return result
}

/// An error starting a ``LoopbackHTTPServer``.
public struct LoopbackHTTPServerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String

    /// A one-line description.
    public var description: String { "LoopbackHTTPServer: \(message)" }
}

/// One header field, in the order and spelling it was received or is to be sent.
public struct HeaderField: Sendable, Hashable {
    /// The field name, as spelled on the wire.
    public var name: String
    /// The field value.
    public var value: String

    /// Creates a header field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A request as the server received it.
public struct RecordedRequest: Sendable, Hashable {
    /// The method, e.g. `GET`.
    public var method: String
    /// The request target exactly as received: path and query, not decoded.
    public var uri: String
    /// The header fields in order, repeated names kept.
    public var headers: [HeaderField]
    /// The complete request body.
    public var body: [UInt8]
    /// Which TCP connection carried the request (1 for the first connection accepted, then 2, …).
    public var connectionID: Int

    /// Creates a recorded request.
    public init(method: String, uri: String, headers: [HeaderField], body: [UInt8], connectionID: Int) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
        self.connectionID = connectionID
    }

    /// The value of the first header field called `name` (compared case-insensitively), or `nil`.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The values of every header field called `name` (compared case-insensitively), in order.
    public func headers(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return headers.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// The path part of ``uri`` (before any `?`), not decoded.
    public var path: String {
        String(uri.prefix { $0 != "?" })
    }

    /// The query part of ``uri`` (after the first `?`, not decoded), or `nil` when there is none.
    public var query: String? {
        guard let index = uri.firstIndex(of: "?") else { return nil }
        return String(uri[uri.index(after: index)...])
    }

    /// The body decoded as UTF-8 (invalid bytes are replaced).
    public var bodyText: String {
        String(decoding: body, as: UTF8.self)
    }
}

/// A response the server sends.
public struct StubResponse: Sendable, Hashable {
    /// The status code.
    public var status: Int
    /// The header fields in order. `Content-Length` is added when absent.
    public var headers: [HeaderField]
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int = 200, headers: [HeaderField] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a `Content-Type: application/json` body.
    public static func json(_ text: String, status: Int = 200) -> StubResponse {
        StubResponse(
            status: status,
            headers: [HeaderField(name: "Content-Type", value: "application/json")],
            body: Array(text.utf8)
        )
    }

    /// A response with a `Content-Type: text/plain; charset=utf-8` body.
    public static func text(_ text: String, status: Int = 200) -> StubResponse {
        StubResponse(
            status: status,
            headers: [HeaderField(name: "Content-Type", value: "text/plain; charset=utf-8")],
            body: Array(text.utf8)
        )
    }
}

/// What the server does with a request.
public enum ServerAction: Sendable, Hashable {
    /// Answers at once.
    case respond(StubResponse)
    /// Answers after a delay (the connection stays open meanwhile).
    case respondAfter(Duration, StubResponse)
    /// Closes the connection without answering.
    case closeConnection
    /// Never answers; the connection stays open until the client closes it or the server shuts down.
    case hang
}

// MARK: - Internals

/// The server's shared, lock-protected state.
private final class ServerState: Sendable {
    private struct Values {
        var requests: [RecordedRequest] = []
        var connectionCount = 0
        var openChannels: [Int: any Channel] = [:]
        var shutDown = false
    }

    private let values = LockedValue(Values())

    var requests: [RecordedRequest] { values.withLock { $0.requests } }
    var connectionCount: Int { values.withLock { $0.connectionCount } }

    func connectionOpened(_ channel: any Channel) -> Int {
        let (id, shutDown) = values.withLock { values -> (Int, Bool) in
            values.connectionCount += 1
            if !values.shutDown {
                values.openChannels[values.connectionCount] = channel
            }
            return (values.connectionCount, values.shutDown)
        }
        if shutDown {
            channel.close(promise: nil)
        }
        return id
    }

    func connectionClosed(_ id: Int) {
        values.withLock { _ = $0.openChannels.removeValue(forKey: id) }
    }

    func record(_ request: RecordedRequest) {
        values.withLock { $0.requests.append(request) }
    }

    func takeOpenChannels() -> [any Channel] {
        values.withLock { values in
            values.shutDown = true
            let channels = Array(values.openChannels.values)
            values.openChannels = [:]
            return channels
        }
    }
}

/// Aggregates one request at a time and answers it as the handler decides.
private final class RequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let connectionID: Int
    private let state: ServerState
    private let handler: @Sendable (RecordedRequest) async -> ServerAction
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var bodyTooLarge = false

    init(connectionID: Int, state: ServerState, handler: @escaping @Sendable (RecordedRequest) async -> ServerAction) {
        self.connectionID = connectionID
        self.state = state
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
            bodyTooLarge = false
        case .body(let buffer):
            if bodyTooLarge || body.count + buffer.readableBytes > LoopbackHTTPServer.maxRequestBodyBytes {
                bodyTooLarge = true
                body = []
            } else {
                body.append(contentsOf: buffer.readableBytesView)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            if bodyTooLarge {
                let response = StubResponse.text("request body too large", status: 413)
                write(response, keepAlive: false, context: context)
                return
            }
            let request = RecordedRequest(
                method: head.method.rawValue,
                uri: head.uri,
                headers: head.headers.map { HeaderField(name: $0.name, value: $0.value) },
                body: body,
                connectionID: connectionID
            )
            body = []
            state.record(request)
            let keepAlive = head.isKeepAlive
            let handler = self.handler
            let promise = context.eventLoop.makePromise(of: ServerAction.self)
            promise.completeWithTaskOnEventLoop { await handler(request) }
            let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            let boundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
            promise.futureResult.whenSuccess { action in
                boundSelf.value.perform(action, keepAlive: keepAlive, context: boundContext.value)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset or malformed connection: drop it; the client sees the connection close.
        context.close(promise: nil)
    }

    private func perform(_ action: ServerAction, keepAlive: Bool, context: ChannelHandlerContext) {
        switch action {
        case .respond(let response):
            write(response, keepAlive: keepAlive, context: context)
        case .respondAfter(let delay, let response):
            let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            let boundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: TimeAmount(delay)) {
                boundSelf.value.write(response, keepAlive: keepAlive, context: boundContext.value)
            }
        case .closeConnection:
            context.close(promise: nil)
        case .hang:
            break
        }
    }

    private func write(_ response: StubResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        if !headers.contains(name: "content-length") && !headers.contains(name: "transfer-encoding") {
            headers.add(name: "Content-Length", value: String(response.body.count))
        }
        if !keepAlive && !headers.contains(name: "connection") {
            headers.add(name: "Connection", value: "close")
        }
        let head = HTTPResponseHead(
            version: .http1_1,
            status: HTTPResponseStatus(statusCode: response.status),
            headers: headers
        )
        context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
        if !response.body.isEmpty {
            let buffer = context.channel.allocator.buffer(bytes: response.body)
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let done = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: done)
        if !keepAlive {
            let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            done.futureResult.whenComplete { _ in boundContext.value.close(promise: nil) }
        }
    }
}
