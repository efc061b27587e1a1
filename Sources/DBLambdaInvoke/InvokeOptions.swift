import Foundation

/// How Lambda runs an invocation (`X-Amz-Invocation-Type`).
public enum InvocationType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Synchronous: wait for the function's result (HTTP 200). Payload limit 6 MB.
    case requestResponse = "RequestResponse"
    /// Asynchronous: Lambda queues the event and answers at once (HTTP 202). Payload limit 1 MB.
    case event = "Event"
    /// Checks parameters and permissions without running the function (HTTP 204).
    case dryRun = "DryRun"

    /// The header value, for example `RequestResponse`.
    public var description: String { rawValue }

    /// The largest request payload Lambda accepts for this type.
    public var payloadLimit: Int {
        switch self {
        case .event: LambdaPayloadLimits.event
        case .requestResponse, .dryRun: LambdaPayloadLimits.requestResponse
        }
    }
}

/// Whether Lambda returns the tail of the function's log (`X-Amz-Log-Type`).
public enum LogType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// No log (the default).
    case none = "None"
    /// The last 4 KB of the log, for synchronous invocations; see ``LambdaInvokeResult/logResult``.
    case tail = "Tail"

    /// The header value, for example `Tail`.
    public var description: String { rawValue }
}

/// The request size limits of Invoke, checked before anything is sent.
public enum LambdaPayloadLimits: Sendable {
    /// 6 MB (6 291 456 bytes): a synchronous (`RequestResponse`) request payload.
    public static let requestResponse = 6_291_456
    /// 1 MB (1 048 576 bytes): an asynchronous (`Event`) request payload (256 KB before October 2025).
    public static let event = 1_048_576
    /// 3 583 bytes: the base64-encoded client context.
    public static let clientContext = 3583
    /// 6 MB: the largest synchronous response Lambda returns.
    public static let response = 6_291_456
}

/// The per-call settings of ``LambdaClient/invoke(function:payload:options:)-(LambdaFunctionIdentifier,_,_)``.
public struct InvokeOptions: Sendable, Hashable {
    /// Synchronous, asynchronous or dry run. Default ``InvocationType/requestResponse``.
    public var invocationType: InvocationType
    /// Whether to return the log tail (synchronous only). Default ``LogType/none``.
    public var logType: LogType
    /// A version or alias sent as `?Qualifier=`; validated before sending. Default `nil`.
    public var qualifier: String?
    /// A JSON object passed to the function as its client context (synchronous only; Lambda drops it for
    /// `Event`). Sent base64-encoded in `X-Amz-Client-Context`, at most 3 583 bytes after encoding.
    public var clientContext: [UInt8]?
    /// The longest one attempt may take; `nil` uses ``LambdaClient/Configuration/timeout``. Make it longer than
    /// the function's own timeout for synchronous calls.
    public var timeout: Duration?
    /// Whether a synchronous invocation may be sent again after a failure that happened *after* the request may
    /// have reached Lambda (read timeout, connection reset). `false` by default, because the function may then
    /// run twice. `Event` and `DryRun` are retried either way.
    public var retryAfterPossibleDelivery: Bool

    /// Creates options.
    public init(
        invocationType: InvocationType = .requestResponse,
        logType: LogType = .none,
        qualifier: String? = nil,
        clientContext: [UInt8]? = nil,
        timeout: Duration? = nil,
        retryAfterPossibleDelivery: Bool = false
    ) {
        self.invocationType = invocationType
        self.logType = logType
        self.qualifier = qualifier
        self.clientContext = clientContext
        self.timeout = timeout
        self.retryAfterPossibleDelivery = retryAfterPossibleDelivery
    }
}
