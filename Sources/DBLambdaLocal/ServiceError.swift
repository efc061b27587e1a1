import Foundation

/// An error response in Lambda's JSON form: status, `x-amzn-ErrorType`, and a body `{"Type", "message"|"Message"}`
/// (the field's case differs per error type, as in the real service).
struct ServiceError: Error, Sendable, Hashable {
    var status: Int
    var code: String
    var message: String

    /// Lambda spells the message field in lower case for these error types and `Message` for the rest.
    static let lowerCaseMessageCodes: Set<String> = [
        "InvalidParameterValueException", "InvalidRequestContentException", "RequestTooLargeException",
        "UnsupportedMediaTypeException", "TooManyRequestsException", "UnrecognizedClientException",
        "InvalidSignatureException", "IncompleteSignatureException", "MissingAuthenticationTokenException",
        "UnknownOperationException",
    ]

    /// The JSON body.
    var body: [UInt8] {
        let key = Self.lowerCaseMessageCodes.contains(code) ? "message" : "Message"
        let kind = status >= 500 ? "Service" : "User"
        return Array(#"{"Type":"\#(kind)","\#(key)":\#(JSONText.quoted(message))}"#.utf8)
    }

    static func resourceNotFound(_ arn: String) -> ServiceError {
        ServiceError(status: 404, code: "ResourceNotFoundException", message: "Function not found: \(arn)")
    }

    static func invalidParameter(_ message: String) -> ServiceError {
        ServiceError(status: 400, code: "InvalidParameterValueException", message: message)
    }

    static func invalidContent(_ message: String) -> ServiceError {
        ServiceError(status: 400, code: "InvalidRequestContentException", message: message)
    }

    static func tooLarge(_ size: Int, limit: Int) -> ServiceError {
        ServiceError(
            status: 413,
            code: "RequestTooLargeException",
            message: "Request must be smaller than \(limit) bytes for the InvokeFunction operation (got \(size))"
        )
    }

    static func unknownOperation(_ method: String, _ path: String) -> ServiceError {
        ServiceError(
            status: 404,
            code: "UnknownOperationException",
            message: "the local Lambda endpoint serves only POST /2015-03-31/functions/{FunctionName}/invocations, "
                + "not \(method) \(path.prefix(200))"
        )
    }

    static let missingToken = ServiceError(
        status: 403,
        code: "MissingAuthenticationTokenException",
        message: "Missing Authentication Token"
    )

    static let unrecognizedClient = ServiceError(
        status: 403,
        code: "UnrecognizedClientException",
        message: "The security token included in the request is invalid."
    )

    static func incompleteSignature(_ detail: String) -> ServiceError {
        ServiceError(status: 403, code: "IncompleteSignatureException", message: detail)
    }

    static func invalidSignature(_ detail: String) -> ServiceError {
        ServiceError(status: 403, code: "InvalidSignatureException", message: detail)
    }

    static let signatureMismatch = ServiceError(
        status: 403,
        code: "InvalidSignatureException",
        message: "The request signature we calculated does not match the signature you provided. Check your AWS "
            + "Secret Access Key and signing method. Consult the service documentation for details."
    )

    static func accessDenied(principal: String, resource: String, decision: String) -> ServiceError {
        ServiceError(
            status: 403,
            code: "AccessDeniedException",
            message: "User: \(principal) is not authorized to perform: lambda:InvokeFunction on resource: "
                + "\(resource) because \(decision)"
        )
    }
}

/// JSON text for the error bodies, written by Foundation's `JSONEncoder` (minimal escapes, `/` as it is).
enum JSONText {
    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        String(decoding: encode(text), as: UTF8.self)
    }

    /// The function-error body `{"errorMessage","errorType","stackTrace"}`.
    static func functionError(_ error: LocalFunctionError) -> [UInt8] {
        encode(
            FunctionErrorBody(
                errorMessage: error.errorMessage,
                errorType: error.errorType,
                stackTrace: error.stackTrace
            )
        )
    }

    /// The members of a function-error body; sorted keys put them in the order Lambda writes them.
    private struct FunctionErrorBody: Encodable {
        var errorMessage: String
        var errorType: String
        var stackTrace: [String]
    }

    /// `value` as compact JSON with sorted keys. `JSONEncoder` throws only for non-finite floating-point numbers,
    /// which these bodies never hold; `null` stands in should it ever fail.
    private static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return Array("null".utf8) }
        return Array(data)
    }
}
