import DBLambdaHTTP
import Foundation
import HTTPTypes

/// Turns Lambda's error responses (JSON with `x-amzn-ErrorType`, JSON bodies with `__type`/`code`/`Type`, and the
/// XML `<ErrorResponse>` bodies of the authentication layer and of moto) into ``LambdaInvokeError``.
enum ErrorResponseParser {
    static let requestIDField = HTTPField.Name("x-amzn-RequestId")
    static let errorTypeField = HTTPField.Name("x-amzn-ErrorType")
    static let retryAfterField = HTTPField.Name("Retry-After")

    /// The error for a response whose status is not 2xx.
    static func error(for response: HTTPTransportResponse, attempts: Int) -> LambdaInvokeError {
        let status = response.head.status.code
        let headers = response.head.headerFields
        var requestID = requestIDField.flatMap { headers[$0] }.flatMap(nonEmpty)
        var codeText = errorTypeField.flatMap { headers[$0] }.flatMap { normalizeCode($0) }
        var message: String?
        var kind: String?
        var reason: String?
        if let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] {
            if codeText == nil {
                codeText =
                    ["__type", "code", "Code"].lazy.compactMap { (object[$0] as? String).flatMap(normalizeCode) }
                    .first
            }
            message =
                (object["message"] as? String) ?? (object["Message"] as? String)
                ?? (object["errorMessage"] as? String)
            kind = object["Type"] as? String
            reason = object["Reason"] as? String
        } else if let xml = String(bytes: response.body, encoding: .utf8), xml.contains("<Code>") {
            if codeText == nil {
                codeText = element("Code", in: xml).flatMap(normalizeCode)
            }
            message = element("Message", in: xml)
            requestID = requestID ?? element("RequestId", in: xml) ?? element("RequestID", in: xml)
            kind = element("Type", in: xml)
        }
        let code =
            codeText.map { LambdaInvokeError.Code(rawValue: $0) } ?? LambdaInvokeError.Code(rawValue: "HTTP\(status)")
        var error = LambdaInvokeError(
            code: code,
            message: oneLine(message ?? defaultMessage(status: status, body: response.body)),
            statusCode: status,
            requestID: requestID,
            attempts: attempts
        )
        error.errorKind = kind
        error.throttleReason = reason
        if let retryAfter = retryAfterField.flatMap({ headers[$0] }) {
            error.retryAfterSeconds = Int(retryAfter.trimmingCharacters(in: .whitespaces))
        }
        return error
    }

    /// `ResourceNotFoundException:http://internal.amazon.com/coral/...` → `ResourceNotFoundException`;
    /// `com.amazonaws#Throttling` → `Throttling`.
    static func normalizeCode(_ text: String) -> String? {
        var code = Substring(text.trimmingCharacters(in: .whitespaces))
        if let colon = code.firstIndex(of: ":") {
            code = code[..<colon]
        }
        if let hash = code.lastIndex(of: "#") {
            code = code[code.index(after: hash)...]
        }
        return code.isEmpty ? nil : String(code)
    }

    private static func element(_ name: String, in xml: String) -> String? {
        guard let start = xml.range(of: "<\(name)>"),
            let end = xml.range(of: "</\(name)>", range: start.upperBound..<xml.endIndex)
        else { return nil }
        let value = xml[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : unescapeXML(value)
    }

    private static func unescapeXML(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    private static func defaultMessage(status: Int, body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return text.isEmpty ? "HTTP \(status) with an empty body" : "HTTP \(status): \(text)"
    }

    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    private static func nonEmpty(_ text: String) -> String? {
        text.isEmpty ? nil : text
    }
}
