public import Foundation

/// What a successful Invoke call returned: HTTP 200 (`RequestResponse`), 202 (`Event`) or 204 (`DryRun`).
///
/// A function that threw still ends here, with ``functionError`` set: Lambda answers function errors with
/// HTTP 200 and the `X-Amz-Function-Error` header.
public struct LambdaInvokeResult: Sendable, Hashable {
    /// The HTTP status: 200, 202 or 204.
    public var statusCode: Int
    /// The version that ran (`X-Amz-Executed-Version`), for example `$LATEST` or `7`.
    public var executedVersion: String?
    /// The function's error, when it failed.
    public var functionError: FunctionError?
    /// The tail of the function's log, decoded from base64 (`X-Amz-Log-Result`), when requested with
    /// ``LogType/tail``.
    public var logResult: String?
    /// The response payload: the function's result, or its error object.
    public var payload: [UInt8]
    /// Lambda's request id (`x-amzn-RequestId`).
    public var requestID: String?
    /// How many attempts it took (1 when no retry was needed).
    public var attempts: Int

    /// Creates a result.
    public init(
        statusCode: Int,
        executedVersion: String? = nil,
        functionError: FunctionError? = nil,
        logResult: String? = nil,
        payload: [UInt8] = [],
        requestID: String? = nil,
        attempts: Int = 1
    ) {
        self.statusCode = statusCode
        self.executedVersion = executedVersion
        self.functionError = functionError
        self.logResult = logResult
        self.payload = payload
        self.requestID = requestID
        self.attempts = attempts
    }

    /// Decodes the payload as JSON into `type`.
    ///
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - decoder: The decoder; a plain `JSONDecoder` by default.
    /// - Throws: ``LambdaInvokeError/Code/payloadDecodingFailed`` naming the type and the decoding problem.
    public func decode<Value: Decodable>(_ type: Value.Type, decoder: JSONDecoder = JSONDecoder()) throws -> Value {
        do {
            return try decoder.decode(type, from: Data(payload))
        } catch {
            throw LambdaInvokeError(
                code: .payloadDecodingFailed,
                message: "cannot decode the response payload (\(payload.count) bytes) as \(Value.self): "
                    + ErrorResponseParser.oneLine(String(describing: error).prefix(300).description),
                requestID: requestID,
                attempts: attempts
            )
        }
    }
}

/// A function error: the function threw or crashed (`X-Amz-Function-Error`), and Lambda returned its error object.
public struct FunctionError: Sendable, Hashable, CustomStringConvertible {
    /// The header value: `Unhandled` (crash, timeout, runtime error) or `Handled`.
    public var kind: String
    /// The error object's `errorType`, for example `ValueError` or `Runtime.ExitError`.
    public var errorType: String?
    /// The error object's `errorMessage`.
    public var errorMessage: String?
    /// The error object's `stackTrace` lines, when present.
    public var stackTrace: [String]?

    /// Creates a function error.
    public init(kind: String, errorType: String? = nil, errorMessage: String? = nil, stackTrace: [String]? = nil) {
        self.kind = kind
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.stackTrace = stackTrace
    }

    /// Reads `errorType`, `errorMessage` and `stackTrace` from the payload when it is such a JSON object.
    init(kind: String, payload: [UInt8]) {
        self.init(kind: kind)
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] else { return }
        errorType = object["errorType"] as? String
        errorMessage = object["errorMessage"] as? String
        if let trace = object["stackTrace"] as? [Any] {
            stackTrace = trace.map { ($0 as? String) ?? String(describing: $0) }
        }
    }

    /// One line: `Unhandled: ValueError: boom`.
    public var description: String {
        ErrorResponseParser.oneLine([kind, errorType, errorMessage].compactMap { $0 }.joined(separator: ": "))
    }
}
