public import DBLambdaHTTP
public import DBLambdaInvoke
import Foundation
public import HTTPTypes
public import Logging

/// An `HTTPTransport` that answers Lambda Invoke requests the way Lambda does, from a script, and records every
/// invocation: test code that uses `LambdaClient` without AWS.
///
/// Replies become real Lambda responses: HTTP 200 / 202 / 204 by invocation type, `X-Amz-Executed-Version`,
/// `X-Amz-Function-Error` with the function's error object, `X-Amz-Log-Result` (base64) when the caller asked for
/// the log tail, `x-amzn-RequestId`, and for service errors the `x-amzn-ErrorType` header and JSON body Lambda sends.
///
/// ```swift
/// let transport = ScriptedLambdaTransport(replies: [
///     .serviceError(status: 429, code: "TooManyRequestsException", message: "Rate exceeded"),
///     .success(payload: Array(#"{"ok":true}"#.utf8)),
/// ])
/// let client = LambdaClient(configuration: configuration, credentialProvider: credentials, transport: transport)
/// let result = try await client.invoke(function: "orders", payload: Array("{}".utf8))
/// #expect(transport.invocations.count == 2)
/// ```
public final class ScriptedLambdaTransport: HTTPTransport {
    /// An Invoke request as the transport received it, decoded.
    public struct Invocation: Sendable, Hashable {
        /// The function identifier from the path, percent-decoded (`orders`, `arn:aws:lambda:…:function:orders`).
        public var function: String
        /// The `Qualifier` query parameter, decoded.
        public var qualifier: String?
        /// `X-Amz-Invocation-Type` (`InvocationType.requestResponse` when absent).
        public var invocationType: InvocationType
        /// `X-Amz-Log-Type` (`LogType.none` when absent).
        public var logType: LogType
        /// The decoded `X-Amz-Client-Context`, when present.
        public var clientContext: [UInt8]?
        /// The request payload.
        public var payload: [UInt8]
        /// The complete request head (method, path, header fields including the signature).
        public var request: HTTPRequest
    }

    /// One scripted answer.
    public enum Reply: Sendable, Hashable {
        /// The function returned `payload`; `log` is returned as the log tail when requested.
        case success(payload: [UInt8], executedVersion: String = "$LATEST", log: String? = nil)
        /// The function failed: HTTP 200 with `X-Amz-Function-Error: <kind>` and Lambda's error object.
        case functionError(errorType: String, errorMessage: String, kind: String = "Unhandled", log: String? = nil)
        /// Lambda answered with an error response, e.g. 429 `TooManyRequestsException` (`reason` goes to `Reason`).
        case serviceError(status: Int, code: String, message: String, reason: String? = nil)
        /// No response: the transport fails with this error (a timeout, a reset connection…).
        case transportFailure(HTTPTransportError)
        /// Echo the request payload, like a function that returns its input.
        case echo
    }

    /// Computes the reply to an invocation.
    public typealias Handler = @Sendable (Invocation) async throws -> Reply

    private struct State {
        var invocations: [Invocation] = []
        var replies: [Reply] = []
    }

    private let state = Mutex(State())
    private let handler: Handler?

    /// Creates a transport that answers with `replies`, one per invocation, in order; when they run out, it echoes.
    ///
    /// - Parameter replies: The scripted answers.
    public init(replies: [Reply] = []) {
        self.handler = nil
        state.withLock { $0.replies = replies }
    }

    /// Creates a transport that asks `handler` for each reply.
    ///
    /// - Parameter handler: Computes each reply from the decoded invocation.
    public init(handler: @escaping Handler) {
        self.handler = handler
    }

    /// Appends replies to the queue.
    ///
    /// - Parameter replies: Answers for later invocations.
    public func enqueue(_ replies: Reply...) {
        state.withLock { $0.replies.append(contentsOf: replies) }
    }

    /// Every invocation received so far, in order (retries included).
    public var invocations: [Invocation] {
        state.withLock { $0.invocations }
    }

    /// Records the invocation and answers from the script.
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The payload.
    ///   - options: Ignored.
    ///   - logger: Ignored.
    /// - Returns: A response shaped like Lambda's.
    /// - Throws: The scripted ``Reply/transportFailure(_:)`` error, or `HTTPTransportError.invalidRequest` for a
    ///   request that is not an Invoke request.
    public func send(
        _ request: HTTPRequest,
        body: [UInt8],
        options: HTTPRequestOptions,
        logger: Logger
    ) async throws -> HTTPTransportResponse {
        guard let invocation = Self.decode(request, body: body) else {
            throw HTTPTransportError(
                code: .invalidRequest,
                message: "ScriptedLambdaTransport: not a Lambda Invoke request: \(request.method.rawValue) "
                    + "\(request.path?.prefix { $0 != "?" } ?? "")"
            )
        }
        let (number, queued) = state.withLock { state -> (Int, Reply?) in
            state.invocations.append(invocation)
            let reply = state.replies.isEmpty ? nil : state.replies.removeFirst()
            return (state.invocations.count, reply)
        }
        let reply: Reply
        if let handler {
            reply = try await handler(invocation)
        } else {
            reply = queued ?? .echo
        }
        return try Self.response(to: invocation, reply: reply, requestID: "scripted-\(number)")
    }

    static func response(to invocation: Invocation, reply: Reply, requestID: String) throws -> HTTPTransportResponse {
        var fields = HTTPFields()
        fields[Self.field("x-amzn-RequestId")] = requestID
        fields[.contentType] = "application/json"
        let status: Int
        var body: [UInt8] = []
        switch reply {
        case .transportFailure(let error):
            throw error
        case .serviceError(let code, let name, let message, let reason):
            fields[Self.field("x-amzn-ErrorType")] = "\(name):http://internal.amazon.com/coral/com.amazonaws.lambda/"
            var object: [String: String] = ["Type": code >= 500 ? "Service" : "User", "message": message]
            if let reason { object["Reason"] = reason }
            body = Self.json(object)
            return HTTPTransportResponse(status: HTTPResponse.Status(code: code), headerFields: fields, body: body)
        case .success(let payload, let version, let log):
            status = Self.status(invocation.invocationType)
            if invocation.invocationType == .requestResponse {
                body = payload
                fields[Self.field("X-Amz-Executed-Version")] = version
                Self.addLog(log, to: &fields, invocation: invocation)
            }
        case .echo:
            status = Self.status(invocation.invocationType)
            if invocation.invocationType == .requestResponse {
                body = invocation.payload
                fields[Self.field("X-Amz-Executed-Version")] = "$LATEST"
            }
        case .functionError(let errorType, let errorMessage, let kind, let log):
            status = Self.status(invocation.invocationType)
            if invocation.invocationType == .requestResponse {
                fields[Self.field("X-Amz-Function-Error")] = kind
                fields[Self.field("X-Amz-Executed-Version")] = "$LATEST"
                body = Array(
                    (try? JSONSerialization.data(
                        withJSONObject: ["errorType": errorType, "errorMessage": errorMessage, "stackTrace": []],
                        options: [.sortedKeys]
                    )) ?? Data()
                )
                Self.addLog(log, to: &fields, invocation: invocation)
            }
        }
        return HTTPTransportResponse(status: HTTPResponse.Status(code: status), headerFields: fields, body: body)
    }

    private static func status(_ type: InvocationType) -> Int {
        switch type {
        case .requestResponse: 200
        case .event: 202
        case .dryRun: 204
        }
    }

    private static func addLog(_ log: String?, to fields: inout HTTPFields, invocation: Invocation) {
        guard invocation.logType == .tail, let log else { return }
        fields[Self.field("X-Amz-Log-Result")] = Data(log.utf8).base64EncodedString()
    }

    private static func json(_ object: [String: String]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    static func field(_ name: String) -> HTTPField.Name {
        HTTPField.Name(name) ?? .contentType
    }

    /// Decodes an Invoke request, or `nil` when it is not one.
    static func decode(_ request: HTTPRequest, body: [UInt8]) -> Invocation? {
        guard request.method == .post, let target = request.path else { return nil }
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0])
        let prefix = "/2015-03-31/functions/"
        let suffix = "/invocations"
        guard let start = path.range(of: prefix), path.hasSuffix(suffix),
            start.upperBound <= path.index(path.endIndex, offsetBy: -suffix.count)
        else { return nil }
        let encoded = path[start.upperBound..<path.index(path.endIndex, offsetBy: -suffix.count)]
        guard let function = encoded.removingPercentEncoding, !function.isEmpty else { return nil }
        var qualifier: String?
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") where pair.hasPrefix("Qualifier=") {
                qualifier = pair.dropFirst("Qualifier=".count).removingPercentEncoding
            }
        }
        let fields = request.headerFields
        let type = fields[field("X-Amz-Invocation-Type")].flatMap(InvocationType.init(rawValue:)) ?? .requestResponse
        let logType = fields[field("X-Amz-Log-Type")].flatMap(LogType.init(rawValue:)) ?? LogType.none
        let context = fields[field("X-Amz-Client-Context")].flatMap { Data(base64Encoded: $0) }.map { Array($0) }
        return Invocation(
            function: function,
            qualifier: qualifier,
            invocationType: type,
            logType: logType,
            clientContext: context,
            payload: body,
            request: request
        )
    }
}

/// A value protected by a lock.
final class Mutex<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
