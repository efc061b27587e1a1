import DBLambdaCore
import Foundation

/// A parsed JSON value; object members keep their order (sorted by key when decoded, see `JSONTree.parse`).
enum JSONTree: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONTree])
    case object([(key: String, value: JSONTree)])

    static func == (lhs: JSONTree, rhs: JSONTree) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .number(let value): hasher.combine(value)
        case .string(let value): hasher.combine(value)
        case .array(let values): hasher.combine(values)
        case .object(let members):
            for member in members {
                hasher.combine(member.key)
                hasher.combine(member.value)
            }
        }
    }

    /// A short name of the JSON type, for messages.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Parses JSON text; object members are sorted by key so the result does not depend on the decoder.
    ///
    /// Enforces ``PolicyLimits`` first: a document over ``PolicyLimits/maximumDocumentBytes`` or nested deeper than
    /// ``PolicyLimits/maximumDepth`` is refused by a linear scan before any decoding, and a `Statement` array longer
    /// than ``PolicyLimits/maximumStatements`` after it, all with ``PolicyError/Code/limitExceeded``.
    static func parse(_ data: Data) throws(PolicyError) -> JSONTree {
        try PolicyLimits.checkSizeAndDepth(data)
        let tree: JSONTree
        do {
            tree = try JSONDecoder().decode(DecodableTree.self, from: data).tree
        } catch {
            throw PolicyError(code: .invalidJSON, message: "the input is not valid JSON: \(describe(error))")
        }
        try PolicyLimits.checkStatementCount(tree)
        return tree
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "unreadable document"
    }

    // MARK: Rendering

    /// Renders compact (`pretty == false`) or indented JSON with two-space indentation, keys in stored order
    /// (or sorted when `sortKeys`), slashes unescaped.
    func render(pretty: Bool, sortKeys: Bool = false) -> String {
        var output = ""
        write(into: &output, pretty: pretty, sortKeys: sortKeys, indent: 0)
        return output
    }

    private func write(into output: inout String, pretty: Bool, sortKeys: Bool, indent: Int) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let text): output += text
        case .string(let text): JSONTree.writeString(text, into: &output)
        case .array(let values):
            if values.isEmpty {
                output += "[]"
                return
            }
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                if pretty { output += "\n" + String(repeating: " ", count: indent + 2) }
                value.write(into: &output, pretty: pretty, sortKeys: sortKeys, indent: indent + 2)
            }
            if pretty { output += "\n" + String(repeating: " ", count: indent) }
            output += "]"
        case .object(let members):
            if members.isEmpty {
                output += "{}"
                return
            }
            let ordered = sortKeys ? members.sorted { $0.key < $1.key } : members
            output += "{"
            for (index, member) in ordered.enumerated() {
                if index > 0 { output += "," }
                if pretty { output += "\n" + String(repeating: " ", count: indent + 2) }
                JSONTree.writeString(member.key, into: &output)
                output += pretty ? " : " : ":"
                member.value.write(into: &output, pretty: pretty, sortKeys: sortKeys, indent: indent + 2)
            }
            if pretty { output += "\n" + String(repeating: " ", count: indent) }
            output += "}"
        }
    }

    private static func writeString(_ text: String, into output: inout String) {
        output += "\""
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
        output += "\""
    }
}

/// Decodes any JSON value through `JSONDecoder`.
private struct DecodableTree: Decodable {
    var tree: JSONTree

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [(key: String, value: JSONTree)] = []
            for key in container.allKeys {
                members.append((key.stringValue, try container.decode(DecodableTree.self, forKey: key).tree))
            }
            members.sort { $0.key < $1.key }
            tree = .object(members)
            return
        }
        if var container = try? decoder.unkeyedContainer() {
            var values: [JSONTree] = []
            while !container.isAtEnd {
                values.append(try container.decode(DecodableTree.self).tree)
            }
            tree = .array(values)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            tree = .null
        } else if let value = try? container.decode(Bool.self) {
            tree = .bool(value)
        } else if let value = try? container.decode(String.self) {
            tree = .string(value)
        } else if let value = try? container.decode(Int64.self) {
            tree = .number(String(value))
        } else {
            let value = try container.decode(Double.self)
            tree = .number(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
        }
    }
}

/// The resource limits of policy parsing (see `Documentation/Reliability.md`).
///
/// AWS's own limits are far lower (6 144 characters for a managed policy, 10 240 for an inline role policy, 20 KB
/// for a Lambda resource-based policy), so no real policy comes near them; they bound the memory, stack and time
/// that hostile input can cost.
enum PolicyLimits {
    /// The largest policy document accepted: 128 KiB.
    static let maximumDocumentBytes = 128 * 1024
    /// The deepest nesting of arrays and objects accepted (a real policy nests at most 5 levels).
    static let maximumDepth = 64
    /// The most statements one policy may have.
    static let maximumStatements = 1_000

    /// Refuses documents over ``maximumDocumentBytes`` or nested deeper than ``maximumDepth`` (brackets inside
    /// strings do not count), without decoding anything.
    static func checkSizeAndDepth(_ data: Data) throws(PolicyError) {
        guard data.count <= maximumDocumentBytes else {
            throw PolicyError(
                code: .limitExceeded,
                message: "the policy document is \(data.count) bytes, over the limit of \(maximumDocumentBytes) bytes"
            )
        }
        var depth = 0
        var inString = false
        var escaped = false
        var offset = 0
        for byte in data {
            defer { offset += 1 }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                guard depth <= maximumDepth else {
                    throw PolicyError(
                        code: .limitExceeded,
                        message: "arrays and objects are nested deeper than \(maximumDepth) levels (at byte \(offset))"
                    )
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
    }

    /// Refuses a top-level `Statement` array with more than ``maximumStatements`` elements.
    static func checkStatementCount(_ tree: JSONTree) throws(PolicyError) {
        guard case .object(let members) = tree else { return }
        for member in members where member.key == "Statement" {
            if case .array(let statements) = member.value, statements.count > maximumStatements {
                throw PolicyError(
                    code: .limitExceeded,
                    message: "the policy has \(statements.count) statements, over the limit of \(maximumStatements)",
                    location: InputLocation(jsonPath: "$.Statement")
                )
            }
        }
    }
}
