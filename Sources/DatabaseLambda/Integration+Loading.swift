import DBLambdaCore
import DBLambdaIAM
import DBLambdaSQL
import Foundation
import Yams

extension Integration {
    /// The keys a config file may hold, by section (anything else is an error naming the key).
    static let configKeys: [String: [String]] = [
        "": ["version", "name", "database", "function", "role", "delivery", "outbox", "relay", "network", "tables"],
        "database": ["arn", "engine", "engineVersion", "instance", "parameterGroup", "requestTimeoutMs"],
        "function": ["arn", "qualifier", "timeoutSeconds"],
        "role": ["name"],
        "network": ["awsJSON"],
        "outbox": ["schema", "channel", "relayRole"],
        "relay": [
            "invocationType", "batchSize", "concurrency", "ordering", "maxAttempts", "retryBaseSeconds",
            "retryMaxSeconds", "pollIntervalMs", "retentionHours",
        ],
        "tables[]": [
            "table", "operations", "invocationType", "columns", "excludeColumns", "onError", "grantTo", "maxRowBytes",
        ],
    ]

    /// Loads a config file (`.json`, `.yaml` or `.yml`; JSON is read as the YAML it also is, so lines are exact).
    /// A relative `network.awsJSON` resolves against the file's folder.
    ///
    /// ```swift
    /// let plan = try Integration.load(contentsOf: "Examples/rds-postgresql/dblambda.yaml").plan()
    /// ```
    ///
    /// - Throws: ``IntegrationConfigError`` naming the file, the line and the key path.
    public static func load(contentsOf path: String) throws(IntegrationConfigError) -> Integration {
        let lowered = path.lowercased()
        guard lowered.hasSuffix(".json") || lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") else {
            throw IntegrationConfigError(
                code: .unsupportedFormat,
                message: "a config file must end in .json, .yaml or .yml",
                file: path
            )
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw IntegrationConfigError(code: .unreadable, message: "cannot read the file", file: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw IntegrationConfigError(code: .unreadable, message: "the file is not UTF-8 text", file: path)
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try decode(yaml: text, file: path, baseDirectory: folder.isEmpty ? "." : folder)
    }

    /// Decodes a YAML config (or a JSON one: JSON is YAML). `file` names it in errors; a relative
    /// `network.awsJSON` resolves against `baseDirectory`.
    ///
    /// - Throws: ``IntegrationConfigError`` naming the file, the line and the key path: `syntax`, `unknownKey`,
    ///   `missingKey`, `typeMismatch`, `invalidValue`, `unsupportedVersion`; the validation errors of
    ///   ``init(name:database:function:roleName:delivery:network:tables:outbox:relay:)`` are reported at the line of their key.
    public static func decode(
        yaml: String,
        file: String,
        baseDirectory: String
    ) throws(IntegrationConfigError) -> Integration {
        var reader = ConfigReader(file: file, baseDirectory: baseDirectory)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw IntegrationConfigError(code: .syntax, message: "the file is empty", file: file, line: 1)
            }
            root = node
        } catch let error as IntegrationConfigError {
            throw error
        } catch let error as YamlError {
            throw ConfigReader.syntaxError(error, file: file)
        } catch {
            throw IntegrationConfigError(code: .syntax, message: "\(error)", file: file)
        }
        return try reader.integration(root)
    }
}

/// Walks the YAML node tree, remembering the line of every key path for later errors.
struct ConfigReader {
    let file: String
    let baseDirectory: String
    var lines: [String: Int] = [:]

    init(file: String, baseDirectory: String) {
        self.file = file
        self.baseDirectory = baseDirectory
    }

    static func syntaxError(_ error: YamlError, file: String) -> IntegrationConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return IntegrationConfigError(
                code: .syntax,
                message: "not valid YAML or JSON: \(text) (column \(mark.column))",
                file: file,
                line: mark.line
            )
        case .duplicatedKeysInMapping(let duplicates, let context):
            return IntegrationConfigError(
                code: .syntax,
                message: "a key appears twice in one mapping: \(duplicates.joined(separator: ", "))",
                file: file,
                line: context.mark.line
            )
        case .reader(let problem, _, _, _):
            return IntegrationConfigError(code: .syntax, message: "cannot read the text: \(problem)", file: file)
        default:
            return IntegrationConfigError(code: .syntax, message: "not valid YAML or JSON", file: file)
        }
    }

    /// An ``IntegrationError`` from validation, placed at the line of its field (or the nearest parent).
    func located(_ error: IntegrationError) -> IntegrationConfigError {
        var path = error.field ?? ""
        var line = lines[path]
        while line == nil, !path.isEmpty {
            path = Self.parent(of: path)
            line = lines[path]
        }
        return IntegrationConfigError(
            code: .invalidValue,
            message: error.message,
            file: file,
            line: line,
            key: error.field
        )
    }

    static func parent(of path: String) -> String {
        if path.hasSuffix("]"), let open = path.lastIndex(of: "[") { return String(path[..<open]) }
        if let dot = path.lastIndex(of: ".") { return String(path[..<dot]) }
        return ""
    }

    // MARK: Errors

    func error(
        _ code: IntegrationConfigError.Code,
        _ message: String,
        at node: Node?,
        key: String
    )
        -> IntegrationConfigError
    {
        IntegrationConfigError(code: code, message: message, file: file, line: node?.mark?.line, key: key)
    }

    static func kind(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if Self.tag(scalar) == .null { return "null" }
            if Self.tag(scalar) == .int { return "a number" }
            if Self.tag(scalar) == .float { return "a number" }
            if Self.tag(scalar) == .bool { return "a boolean" }
            return "a string"
        }
    }

    /// The resolved tag of a scalar (`str` for quoted ones, `int`, `null`, … by the YAML 1.1 rules otherwise).
    static func tag(_ scalar: Node.Scalar) -> Tag.Name {
        Resolver.default.resolveTag(of: .scalar(scalar))
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    // MARK: Primitive readers

    /// The members of a mapping node, checking that every key is known.
    mutating func members(
        _ node: Node,
        path: String,
        section: String
    ) throws(IntegrationConfigError) -> [String: Node] {
        guard case .mapping(let mapping) = node else {
            throw error(.typeMismatch, "expected a mapping, got \(Self.kind(node))", at: node, key: path)
        }
        let allowed = Integration.configKeys[section] ?? []
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            let name = keyNode.string ?? ""
            let keyPath = path.isEmpty ? name : "\(path).\(name)"
            guard allowed.contains(name) else {
                var message = "unknown key \(Self.quoted(name))"
                if let suggestion = Self.closest(to: name, in: allowed) {
                    message += "; did you mean \(Self.quoted(suggestion))?"
                } else {
                    message += "; expected one of \(allowed.joined(separator: ", "))"
                }
                throw error(.unknownKey, message, at: keyNode, key: keyPath)
            }
            lines[keyPath] = keyNode.mark?.line
            result[name] = value
        }
        return result
    }

    func required(
        _ members: [String: Node],
        _ name: String,
        parent: Node,
        path: String
    ) throws(IntegrationConfigError)
        -> Node
    {
        let keyPath = path.isEmpty ? name : "\(path).\(name)"
        guard let node = members[name], !Self.isNull(node) else {
            throw error(.missingKey, "missing required key \(Self.quoted(name))", at: parent, key: keyPath)
        }
        return node
    }

    static func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node, Self.tag(scalar) == .null { return true }
        return false
    }

    func string(_ node: Node, key: String) throws(IntegrationConfigError) -> String {
        guard case .scalar(let scalar) = node, Self.tag(scalar) != .null else {
            throw error(.typeMismatch, "expected a string, got \(Self.kind(node))", at: node, key: key)
        }
        return scalar.string
    }

    func optionalString(
        _ members: [String: Node],
        _ name: String,
        path: String
    ) throws(IntegrationConfigError)
        -> String?
    {
        guard let node = members[name], !Self.isNull(node) else { return nil }
        return try string(node, key: "\(path).\(name)")
    }

    func integer(_ node: Node, key: String) throws(IntegrationConfigError) -> Int {
        guard case .scalar(let scalar) = node, Self.tag(scalar) == .int, let value = node.int else {
            throw error(.typeMismatch, "expected an integer, got \(Self.kind(node))", at: node, key: key)
        }
        return value
    }

    func optionalInteger(
        _ members: [String: Node],
        _ name: String,
        path: String
    ) throws(IntegrationConfigError)
        -> Int?
    {
        guard let node = members[name], !Self.isNull(node) else { return nil }
        return try integer(node, key: "\(path).\(name)")
    }

    func stringList(_ node: Node, key: String) throws(IntegrationConfigError) -> [(String, Node)] {
        guard case .sequence(let sequence) = node else {
            throw error(.typeMismatch, "expected a list, got \(Self.kind(node))", at: node, key: key)
        }
        var result: [(String, Node)] = []
        for (index, element) in sequence.enumerated() {
            result.append((try string(element, key: "\(key)[\(index)]"), element))
        }
        return result
    }

    func choice<T>(
        _ node: Node,
        key: String,
        options: [(String, T)]
    ) throws(IntegrationConfigError) -> T {
        let text = try string(node, key: key)
        guard let match = options.first(where: { $0.0 == text }) else {
            let names = options.map(\.0)
            let expected =
                names.count == 2
                ? "\(names[0]) or \(names[1])"
                : names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
            throw error(.invalidValue, "expected \(expected), got \(Self.quoted(text))", at: node, key: key)
        }
        return match.1
    }

    static func closest(to name: String, in candidates: [String]) -> String? {
        let lowered = Array(name.lowercased())
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, Array(candidate.lowercased()))
            if distance <= max(2, candidate.count / 4), distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
        }
        return best?.0
    }

    static func editDistance(_ lhs: [Character], _ rhs: [Character]) -> Int {
        guard !lhs.isEmpty else { return rhs.count }
        guard !rhs.isEmpty else { return lhs.count }
        var previous = Array(0...rhs.count)
        for (i, left) in lhs.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: rhs.count)
            for (j, right) in rhs.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
            }
            previous = current
        }
        return previous[rhs.count]
    }
}
