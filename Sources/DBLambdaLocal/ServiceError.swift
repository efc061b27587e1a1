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

/// Minimal JSON text helpers (the module has no JSON dependency beyond Foundation's parser).
enum JSONText {
    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }

    /// The function-error body `{"errorMessage","errorType","stackTrace"}`.
    static func functionError(_ error: LocalFunctionError) -> [UInt8] {
        let trace = error.stackTrace.map(quoted).joined(separator: ",")
        return Array(
            ("{\"errorMessage\":\(quoted(error.errorMessage)),\"errorType\":\(quoted(error.errorType)),"
                + "\"stackTrace\":[\(trace)]}").utf8
        )
    }
}
