/// How a caller asked for a function to run: the `X-Amz-Invocation-Type` header.
public enum LocalInvocationType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Synchronous: the caller waits for the response (HTTP 200 and the function's payload).
    case requestResponse = "RequestResponse"
    /// Asynchronous: the server answers HTTP 202 at once and runs the handler afterwards.
    case event = "Event"
    /// Permission check only: the server answers HTTP 204 and never runs the handler.
    case dryRun = "DryRun"

    /// The header value, for example `Event`.
    public var description: String { rawValue }

    /// The largest request payload Lambda accepts for this type: 1 048 576 bytes for `Event`, 6 291 456 otherwise.
    public var payloadLimit: Int {
        self == .event ? LocalLambdaLimits.eventPayload : LocalLambdaLimits.requestResponsePayload
    }
}

/// The payload limits the local server enforces, the same as AWS Lambda's.
public enum LocalLambdaLimits: Sendable {
    /// The largest synchronous request payload (6 MB).
    public static let requestResponsePayload = 6_291_456
    /// The largest asynchronous (`Event`) request payload (1 MB).
    public static let eventPayload = 1_048_576
    /// The largest response payload (6 MB); a larger response becomes a function error.
    public static let responsePayload = 6_291_456
    /// How much of the end of the log goes into `X-Amz-Log-Result` (4 KB).
    public static let logTail = 4096
}

/// One invocation, as a ``LocalLambdaHandler`` receives it.
public struct LocalInvocation: Sendable, Hashable {
    /// The function name (never an ARN), for example `orders`.
    public var functionName: String
    /// The function's full ARN, without qualifier, in the server's account and region.
    public var functionARN: String
    /// The version or alias the caller asked for, if any (from the path or `?Qualifier=`).
    public var qualifier: String?
    /// The request body: the JSON payload bytes (empty when the caller sent none).
    public var payload: [UInt8]
    /// The invocation type. Handlers never see ``LocalInvocationType/dryRun``.
    public var invocationType: LocalInvocationType
    /// The decoded `X-Amz-Client-Context` (a JSON object), if the caller sent one.
    public var clientContext: [UInt8]?
    /// The request id, also sent back as `x-amzn-RequestId`.
    public var requestID: String
    /// The access key id that signed the request, when the server checks signatures.
    public var accessKeyID: String?

    /// Creates an invocation (the server creates them; tests of handlers may too).
    public init(
        functionName: String,
        functionARN: String,
        qualifier: String? = nil,
        payload: [UInt8],
        invocationType: LocalInvocationType = .requestResponse,
        clientContext: [UInt8]? = nil,
        requestID: String,
        accessKeyID: String? = nil
    ) {
        self.functionName = functionName
        self.functionARN = functionARN
        self.qualifier = qualifier
        self.payload = payload
        self.invocationType = invocationType
        self.clientContext = clientContext
        self.requestID = requestID
        self.accessKeyID = accessKeyID
    }

    /// The payload decoded as UTF-8 (invalid bytes replaced).
    public var payloadText: String { String(decoding: payload, as: UTF8.self) }
}

/// A function error: sent with `X-Amz-Function-Error` and a body `{"errorType","errorMessage","stackTrace"}`.
public struct LocalFunctionError: Sendable, Hashable {
    /// `Unhandled` (the handler threw or the command failed) or `Handled`.
    public var kind: Kind
    /// The error type, for example `Runtime.ExitError` or a Swift error's type name.
    public var errorType: String
    /// The error message.
    public var errorMessage: String
    /// Stack trace lines; often empty.
    public var stackTrace: [String]

    /// The value of `X-Amz-Function-Error`.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The runtime caught the failure (a thrown error, a crash, a non-zero exit, a timeout).
        case unhandled = "Unhandled"
        /// The function reported the error itself.
        case handled = "Handled"
    }

    /// Creates a function error.
    public init(kind: Kind = .unhandled, errorType: String, errorMessage: String, stackTrace: [String] = []) {
        self.kind = kind
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.stackTrace = stackTrace
    }
}

/// What a handler answers: a payload, log text for `X-Amz-Log-Result`, and optionally a function error.
public struct LocalInvocationResponse: Sendable, Hashable {
    /// The response payload (the function's return value as JSON). Ignored when ``functionError`` is set.
    public var payload: [UInt8]
    /// What the function logged; the server wraps it in `START`/`END`/`REPORT` lines as Lambda does.
    public var log: String
    /// A function error, sent with HTTP 200 and `X-Amz-Function-Error`, as Lambda does.
    public var functionError: LocalFunctionError?

    /// Creates a response.
    public init(payload: [UInt8] = [], log: String = "", functionError: LocalFunctionError? = nil) {
        self.payload = payload
        self.log = log
        self.functionError = functionError
    }

    /// A successful response with a JSON text payload.
    public static func json(_ text: String, log: String = "") -> LocalInvocationResponse {
        LocalInvocationResponse(payload: Array(text.utf8), log: log)
    }

    /// A function error the function reports itself (`X-Amz-Function-Error: Handled`).
    public static func handledError(type: String, message: String, log: String = "") -> LocalInvocationResponse {
        LocalInvocationResponse(
            log: log,
            functionError: LocalFunctionError(kind: .handled, errorType: type, errorMessage: message)
        )
    }
}
