import NIOCore
import NIOHTTP1

/// Aggregates one request at a time (keep-alive, pipelining handled by NIO's assistant) and answers it with the
/// ``InvokeProcessor``. Bodies over the synchronous payload limit are discarded as they arrive and answered with
/// `RequestTooLargeException`, then the connection is closed.
final class HTTPChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let processor: InvokeProcessor
    private let maxBodyBytes: Int
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var receivedBytes = 0

    init(processor: InvokeProcessor, maxBodyBytes: Int) {
        self.processor = processor
        self.maxBodyBytes = maxBodyBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
            receivedBytes = 0
        case .body(let buffer):
            receivedBytes += buffer.readableBytes
            if receivedBytes > maxBodyBytes {
                body = []
            } else {
                body.append(contentsOf: buffer.readableBytesView)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let tooLarge = receivedBytes > maxBodyBytes ? receivedBytes : nil
            let request = IncomingRequest(
                method: head.method.rawValue,
                uri: head.uri,
                headers: head.headers.map { (name: $0.name, value: $0.value) },
                body: tooLarge == nil ? body : []
            )
            body = []
            let keepAlive = head.isKeepAlive && tooLarge == nil
            let processor = self.processor
            let promise = context.eventLoop.makePromise(of: OutgoingResponse.self)
            promise.completeWithTaskOnEventLoop { await processor.process(request, bodyTooLarge: tooLarge) }
            let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            promise.futureResult.whenSuccess { response in
                Self.write(response, keepAlive: keepAlive, context: boundContext.value)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset or malformed connection: drop it; the client sees the connection close.
        context.close(promise: nil)
    }

    private static func write(_ response: OutgoingResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders(response.headers)
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(
            version: .http1_1,
            status: HTTPResponseStatus(statusCode: response.status),
            headers: headers
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !response.body.isEmpty {
            let buffer = context.channel.allocator.buffer(bytes: response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let done = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
        if !keepAlive {
            let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            done.futureResult.whenComplete { _ in boundContext.value.close(promise: nil) }
        }
    }
}
