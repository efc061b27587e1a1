import DBLambdaCore
import Foundation

/// One step of a JSON path, kept as a linked list so that the path text is only built for an error message.
final class JSONPathNode: Sendable {
    enum Step {
        case key(String)
        case index(Int)
    }

    let parent: JSONPathNode?
    let step: Step

    init(parent: JSONPathNode?, step: Step) {
        self.parent = parent
        self.step = step
    }

    static func text(_ node: JSONPathNode?) -> String {
        var steps: [String] = []
        var current = node
        while let node = current {
            switch node.step {
            case .key(let key): steps.append(".\(key)")
            case .index(let index): steps.append("[\(index)]")
            }
            current = node.parent
        }
        return "$" + steps.reversed().joined()
    }
}

/// The resource limits of the AWS CLI JSON importer (see `Documentation/Reliability.md`); each is far above what
/// `describe-*` prints for a real account.
enum NetworkLimits {
    /// The largest input file: 64 MiB.
    static let maximumDocumentBytes = 64 * 1024 * 1024
    /// The most items one array may hold (subnets, route tables, security groups, rules, …).
    static let maximumArrayItems = 100_000
    /// The deepest nesting of arrays and objects.
    static var maximumDepth: Int { JSONParser.maximumDepth }
}

/// A position in a parsed JSON document, with the file name and JSON path for error messages.
struct JSONCursor {
    let value: JSONValue
    let node: JSONPathNode?
    let file: String

    static func parse(_ data: Data, file: String) throws(NetworkError) -> JSONCursor {
        guard data.count <= NetworkLimits.maximumDocumentBytes else {
            throw NetworkError(
                code: .limitExceeded,
                message:
                    "the file is \(data.count) bytes, over the limit of \(NetworkLimits.maximumDocumentBytes) bytes",
                location: InputLocation(file: file)
            )
        }
        let bytes = [UInt8](data)
        do {
            let value = try JSONParser.parse(bytes)
            return JSONCursor(value: value, node: nil, file: file)
        } catch {
            let position = JSONParser.lineAndColumn(of: error.offset, in: bytes)
            throw NetworkError(
                code: error.isLimit ? .limitExceeded : .malformedJSON,
                message: error.isLimit ? error.message : "not valid JSON: \(error.message)",
                location: InputLocation(file: file, line: position.line, column: position.column)
            )
        }
    }

    var path: String { JSONPathNode.text(node) }

    var location: InputLocation { InputLocation(file: file, jsonPath: path) }

    func fail(_ code: NetworkError.Code, _ message: String) -> NetworkError {
        NetworkError(code: code, message: message, location: location)
    }

    private var typeName: String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    func object() throws(NetworkError) {
        guard case .object = value else { throw fail(.invalidValue, "expected an object, found \(typeName)") }
    }

    /// The member `key`, or `nil` when absent or `null`.
    func optional(_ key: String) throws(NetworkError) -> JSONCursor? {
        guard case .object(let members) = value else {
            throw fail(.invalidValue, "expected an object, found \(typeName)")
        }
        for member in members where member.key == key {
            if case .null = member.value { return nil }
            return JSONCursor(value: member.value, node: JSONPathNode(parent: node, step: .key(key)), file: file)
        }
        return nil
    }

    func required(_ key: String) throws(NetworkError) -> JSONCursor {
        guard let member = try optional(key) else {
            throw NetworkError(
                code: .missingField,
                message: "missing field \(key)",
                location: InputLocation(
                    file: file,
                    jsonPath: JSONPathNode.text(JSONPathNode(parent: node, step: .key(key)))
                )
            )
        }
        return member
    }

    func array() throws(NetworkError) -> [JSONCursor] {
        guard case .array(let items) = value else {
            throw fail(.invalidValue, "expected an array, found \(typeName)")
        }
        guard items.count <= NetworkLimits.maximumArrayItems else {
            throw fail(
                .limitExceeded,
                "the array has \(items.count) items, over the limit of \(NetworkLimits.maximumArrayItems)"
            )
        }
        var result: [JSONCursor] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            result.append(JSONCursor(value: item, node: JSONPathNode(parent: node, step: .index(index)), file: file))
        }
        return result
    }

    func string() throws(NetworkError) -> String {
        guard case .string(let text) = value else {
            throw fail(.invalidValue, "expected a string, found \(typeName)")
        }
        return text
    }

    func bool() throws(NetworkError) -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .string(let text) where text.lowercased() == "true": return true
        case .string(let text) where text.lowercased() == "false": return false
        default: throw fail(.invalidValue, "expected a boolean, found \(typeName)")
        }
    }

    func int() throws(NetworkError) -> Int {
        guard case .int(let number) = value else {
            throw fail(.invalidValue, "expected an integer, found \(typeName)")
        }
        return number
    }

    /// A string or an integer as text (`IpProtocol` is `"6"` or `"tcp"`; parameter values are strings).
    func scalarText() throws(NetworkError) -> String {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        default: throw fail(.invalidValue, "expected a string, found \(typeName)")
        }
    }

    func cidr() throws(NetworkError) -> IPv4CIDR {
        let text = try string()
        guard let cidr = IPv4CIDR(text) else {
            throw fail(.invalidValue, "\"\(text)\" is not an IPv4 CIDR block")
        }
        return cidr
    }

    // Conveniences for optional members.
    func optionalString(_ key: String) throws(NetworkError) -> String? { try optional(key)?.string() }
    func optionalBool(_ key: String) throws(NetworkError) -> Bool? { try optional(key)?.bool() }
    func optionalInt(_ key: String) throws(NetworkError) -> Int? { try optional(key)?.int() }
    func optionalArray(_ key: String) throws(NetworkError) -> [JSONCursor] { try optional(key)?.array() ?? [] }
    func requiredString(_ key: String) throws(NetworkError) -> String { try required(key).string() }
}
