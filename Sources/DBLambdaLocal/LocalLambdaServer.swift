public import DBLambdaCore
public import DBLambdaIAM
public import Foundation
public import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A local AWS Lambda Invoke endpoint for development and tests — **not** a production Lambda.
///
/// It serves `POST /2015-03-31/functions/{FunctionName}/invocations` over HTTP/1.1 on a loopback address, verifies
/// SigV4 signatures against configured keys, optionally evaluates a resource-based policy with
/// `PolicyEvaluator`, and answers with a Swift closure or a shell command (``LocalLambdaHandler``). Responses follow
/// the real service: status 200/202/204 by invocation type, `X-Amz-Executed-Version`, `X-Amz-Function-Error`,
/// `X-Amz-Log-Result`, `x-amzn-RequestId`, and errors as JSON with `x-amzn-ErrorType`.
///
/// ```swift
/// var configuration = LocalLambdaServer.Configuration(
///     defaultHandler: .closure { invocation in LocalInvocationResponse(payload: invocation.payload) }
/// )
/// configuration.credentials = ["AKIDLOCAL": "local-secret"]
/// let server = try await LocalLambdaServer.start(configuration)
/// // point a LambdaClient at server.endpoint …
/// try await server.shutdown()
/// ```
public final class LocalLambdaServer: Sendable {
    /// The settings of a server.
    public struct Configuration: Sendable {
        /// The address to bind: `127.0.0.1` by default; `::1` or another loopback address. Any other address
        /// needs ``allowNonLoopback``.
        public var host: String
        /// The TCP port; 0 (the default) picks a free one (read it from ``LocalLambdaServer/port``).
        public var port: Int
        /// Allow binding a host that is not a loopback address. Off by default: this is a development tool
        /// without TLS.
        public var allowNonLoopback: Bool
        /// Handlers by function name (the name part of a name or ARN, never an ARN).
        public var functions: [String: LocalLambdaHandler]
        /// The handler for every function name without an entry in ``functions``; `nil` answers those with
        /// `ResourceNotFoundException`.
        public var defaultHandler: LocalLambdaHandler?
        /// Accepted keys, access key id → secret access key. `nil` (the default) accepts unsigned requests and
        /// ignores any signature; otherwise every request must carry a valid SigV4 signature by one of them.
        public var credentials: [String: String]?
        /// The caller's principal ARN per access key id, for the resource policy. A key without an entry is the
        /// IAM user `arn:<partition>:iam::<accountID>:user/<access key id>`.
        public var principals: [String: String]
        /// A resource-based (function) policy; when set, each request is evaluated for `lambda:InvokeFunction` on
        /// the function's ARN (with `:qualifier` when one is given) and denied with `AccessDeniedException` unless
        /// allowed. Statements must name the principal itself (or `*`): no identity policies are consulted.
        public var resourcePolicy: PolicyDocument?
        /// The account of the functions' ARNs (12 digits); `123456789012` by default.
        public var accountID: String
        /// The region of the functions' ARNs and of the signature scope; `us-east-1` by default.
        public var region: Region
        /// The largest difference allowed between `X-Amz-Date` and ``now``; 15 minutes by default, as AWS.
        public var maxClockSkew: Duration
        /// The current time for the clock-skew check; `Date()` by default.
        public var now: @Sendable () -> Date
        /// Where the server logs (never payloads or secrets).
        public var logger: Logger

        /// Creates a configuration; every parameter has the default described on its property.
        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            functions: [String: LocalLambdaHandler] = [:],
            defaultHandler: LocalLambdaHandler? = nil,
            credentials: [String: String]? = nil,
            principals: [String: String] = [:],
            resourcePolicy: PolicyDocument? = nil,
            accountID: String = "123456789012",
            region: Region = .usEast1,
            allowNonLoopback: Bool = false,
            logger: Logger = Logger(label: "DBLambdaLocal")
        ) {
            self.host = host
            self.port = port
            self.allowNonLoopback = allowNonLoopback
            self.functions = functions
            self.defaultHandler = defaultHandler
            self.credentials = credentials
            self.principals = principals
            self.resourcePolicy = resourcePolicy
            self.accountID = accountID
            self.region = region
            self.maxClockSkew = .seconds(900)
            self.now = { Date() }
            self.logger = logger
        }

        /// The function ARN of `name` in this configuration's account and region.
        public func functionARN(_ name: String) -> String {
            "arn:\(region.partition.id):lambda:\(region.name):\(accountID):function:\(name)"
        }
    }

    private let serverChannel: any Channel
    private let connections: ConnectionRegistry
    private let processor: InvokeProcessor
    /// The configuration the server runs with.
    public let configuration: Configuration
    /// The TCP port the server listens on (the real one when ``Configuration/port`` was 0).
    public let port: Int

    private init(
        serverChannel: any Channel,
        connections: ConnectionRegistry,
        processor: InvokeProcessor,
        configuration: Configuration,
        port: Int
    ) {
        self.serverChannel = serverChannel
        self.connections = connections
        self.processor = processor
        self.configuration = configuration
        self.port = port
    }

    /// Starts a server.
    ///
    /// - Parameter configuration: The handlers, keys, policy and address.
    /// - Returns: The running server; call ``shutdown()`` when done.
    /// - Throws: ``LocalLambdaError/nonLoopbackHost`` for a non-loopback host without ``Configuration/allowNonLoopback``,
    ///   ``LocalLambdaError/invalidConfiguration`` (no handler, a bad account id or port),
    ///   ``LocalLambdaError/bindFailed`` when the socket cannot be bound.
    public static func start(_ configuration: Configuration) async throws(LocalLambdaError) -> LocalLambdaServer {
        guard configuration.allowNonLoopback || isLoopback(configuration.host) else {
            throw LocalLambdaError(
                code: .nonLoopbackHost,
                message: "host '\(configuration.host)' is not a loopback address; the local Lambda endpoint is a "
                    + "development tool and binds 127.0.0.1 or ::1 unless allowNonLoopback is set"
            )
        }
        guard (0...65_535).contains(configuration.port) else {
            throw LocalLambdaError(
                code: .invalidConfiguration,
                message: "port must be 0…65535, got \(configuration.port)"
            )
        }
        guard configuration.accountID.count == 12, configuration.accountID.allSatisfy({ $0.isASCII && $0.isNumber })
        else {
            throw LocalLambdaError(
                code: .invalidConfiguration,
                message: "accountID must be 12 digits, got '\(configuration.accountID.prefix(40))'"
            )
        }
        guard configuration.defaultHandler != nil || !configuration.functions.isEmpty else {
            throw LocalLambdaError(
                code: .invalidConfiguration,
                message: "no handler: register functions or set a default handler"
            )
        }
        let processor = InvokeProcessor(configuration: configuration)
        let connections = ConnectionRegistry()
        let maxBody = LocalLambdaLimits.requestResponsePayload
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    connections.opened(channel)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: true,
                        withErrorHandling: true
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPChannelHandler(processor: processor, maxBodyBytes: maxBody)
                    )
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            throw LocalLambdaError(
                code: .bindFailed,
                message: "cannot listen on \(configuration.host):\(configuration.port): \(error)"
            )
        }
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw LocalLambdaError(code: .bindFailed, message: "the server socket has no local port")
        }
        configuration.logger.debug(
            "local Lambda endpoint listening",
            metadata: ["host": "\(configuration.host)", "port": "\(port)"]
        )
        return LocalLambdaServer(
            serverChannel: channel,
            connections: connections,
            processor: processor,
            configuration: configuration,
            port: port
        )
    }

    /// The host as given in the configuration.
    public var host: String { configuration.host }

    /// The endpoint URL for a Lambda client, `http://127.0.0.1:PORT` (IPv6 hosts bracketed).
    public var endpoint: String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }

    /// The number of TCP connections accepted so far (a keep-alive connection counts once, however many requests
    /// it carries).
    public var acceptedConnections: Int { connections.accepted }

    /// The number of `Event` invocations whose handler is still running.
    public var runningEventInvocations: Int { processor.events.count }

    /// Waits until every `Event` invocation accepted so far (and any accepted meanwhile) has finished.
    public func waitForEventInvocations() async {
        await processor.events.waitForAll()
    }

    /// Stops listening, closes every open connection, then waits for running `Event` invocations. Safe to call
    /// more than once.
    public func shutdown() async throws {
        do {
            try await serverChannel.close()
        } catch ChannelError.alreadyClosed {
            // Already shut down.
        }
        for channel in connections.closeAll() {
            try? await channel.close()
        }
        await processor.events.waitForAll()
    }

    /// Whether `host` is a loopback address or name (`127.0.0.0/8`, `::1`, `localhost`).
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" || bare == "0:0:0:0:0:0:0:1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}

/// The open connections, so ``LocalLambdaServer/shutdown()`` can close them.
private final class ConnectionRegistry: Sendable {
    private struct State {
        var next = 0
        var open: [Int: any Channel] = [:]
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    func opened(_ channel: any Channel) {
        let (id, closed) = state.withLockedValue { state -> (Int, Bool) in
            state.next += 1
            if !state.closed { state.open[state.next] = channel }
            return (state.next, state.closed)
        }
        if closed {
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.state.withLockedValue { _ = $0.open.removeValue(forKey: id) }
        }
    }

    var accepted: Int { state.withLockedValue { $0.next } }

    func closeAll() -> [any Channel] {
        state.withLockedValue { state in
            state.closed = true
            let channels = Array(state.open.values)
            state.open = [:]
            return channels
        }
    }
}
