import DBLambdaInvoke
import Foundation

/// Renders the result object of `dblambda invoke` with sorted keys. A payload that is valid JSON is embedded as
/// its own text (numbers stay exact, slashes stay unescaped); any other payload becomes a JSON string.
enum InvokeOutput {
    static func render(_ result: LambdaInvokeResult) -> String {
        var members: [(String, String)] = []
        if let version = result.executedVersion {
            members.append(("ExecutedVersion", jsonString(version)))
        }
        if let functionError = result.functionError {
            members.append(("FunctionError", jsonString(functionError.kind)))
        }
        if let log = result.logResult {
            members.append(("LogResult", jsonString(log)))
        }
        if !result.payload.isEmpty {
            members.append(("Payload", payloadJSON(result.payload)))
        }
        members.append(("StatusCode", String(result.statusCode)))
        let lines = members.map { "  \(jsonString($0.0)) : \($0.1)" }
        return "{\n" + lines.joined(separator: ",\n") + "\n}\n"
    }

    /// The payload's own text when it is one valid JSON value, else the payload as a JSON string.
    static func payloadJSON(_ payload: [UInt8]) -> String {
        let data = Data(payload)
        if let text = String(bytes: payload, encoding: .utf8),
            (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
        {
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return jsonString(String(decoding: payload, as: UTF8.self))
    }

    static func jsonString(_ text: String) -> String {
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: text,
                options: [.fragmentsAllowed, .withoutEscapingSlashes]
            )
        else { return "\"\"" }
        return String(decoding: data, as: UTF8.self)
    }
}
