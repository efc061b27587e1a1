import DBLambdaCore
public import Foundation

/// An IAM policy document: `Version`, `Id` and one or more statements.
///
/// Parse one with ``init(json:)`` or ``init(jsonString:)``; a document that does not follow the grammar throws a
/// ``PolicyError`` whose location names the JSON path (`$.Statement[1].Effect`). Encoding is deterministic: keys
/// come in the order `Version`, `Id`, `Statement` (and `Sid`, `Effect`, `Principal`/`NotPrincipal`,
/// `Action`/`NotAction`, `Resource`/`NotResource`, `Condition` inside a statement), and every value keeps the form
/// it was read in (a single string stays a string, an array stays an array). Condition operators and keys, and
/// principal types, are written in sorted order.
public struct PolicyDocument: Sendable, Hashable {
    /// The current policy language version, `2012-10-17` (policy variables are resolved only under it).
    public static let currentVersion = "2012-10-17"
    /// The legacy policy language version, `2008-10-17` (policy variables are literal text).
    public static let legacyVersion = "2008-10-17"

    /// The `Version` element, or `nil` when absent (AWS then applies 2008-10-17).
    public var version: String?
    /// The `Id` element, if any.
    public var id: String?
    /// The statements, in document order.
    public var statements: [Statement]
    /// Whether `Statement` is written as an array (`true`) or as a single object (`false`, one statement only).
    public var statementIsArray: Bool

    /// Creates a document; `statementIsArray` is forced to `true` when there is not exactly one statement.
    public init(
        version: String? = PolicyDocument.currentVersion,
        id: String? = nil,
        statements: [Statement],
        statementIsArray: Bool = true
    ) {
        self.version = version
        self.id = id
        self.statements = statements
        self.statementIsArray = statementIsArray || statements.count != 1
    }

    /// Whether policy variables such as `${aws:username}` are resolved (only under Version 2012-10-17).
    public var resolvesPolicyVariables: Bool { version == PolicyDocument.currentVersion }

    /// Parses a policy document from JSON bytes.
    ///
    /// - Throws: ``PolicyError`` with code `invalidJSON` for unparsable JSON, or `invalidDocument` with the JSON path
    ///   of the first grammar error.
    public init(json: Data) throws(PolicyError) {
        let tree = try JSONTree.parse(json)
        var parser = PolicyParser()
        let document = parser.parseDocument(tree)
        if let first = parser.issues.first {
            throw PolicyError(
                code: .invalidDocument,
                message: first.message,
                location: InputLocation(jsonPath: first.path)
            )
        }
        guard let document else { throw PolicyError.invalidDocument }
        self = document
    }

    /// Parses a policy document from a JSON string (see ``init(json:)``).
    public init(jsonString: String) throws(PolicyError) {
        try self.init(json: Data(jsonString.utf8))
    }

    /// The document as JSON text, keys in the canonical order; `pretty` indents with two spaces.
    public func jsonString(pretty: Bool = true) -> String {
        tree.render(pretty: pretty)
    }

    /// The document as UTF-8 JSON bytes (see ``jsonString(pretty:)``).
    public func jsonData(pretty: Bool = true) -> Data {
        Data(jsonString(pretty: pretty).utf8)
    }

    var tree: JSONTree {
        var members: [(key: String, value: JSONTree)] = []
        if let version { members.append(("Version", .string(version))) }
        if let id { members.append(("Id", .string(id))) }
        if statementIsArray || statements.count != 1 {
            members.append(("Statement", .array(statements.map(\.tree))))
        } else if let only = statements.first {
            members.append(("Statement", only.tree))
        }
        return .object(members)
    }
}

extension PolicyDocument: Codable {
    /// Decodes a document from any `Decoder` (the same grammar as ``init(json:)``).
    public init(from decoder: any Decoder) throws {
        let tree = try decoder.singleValueContainer().decode(CodableTree.self).tree
        var parser = PolicyParser()
        let document = parser.parseDocument(tree)
        if let first = parser.issues.first {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: "\(first.path): \(first.message)"
                )
            )
        }
        guard let document else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "invalid policy document")
            )
        }
        self = document
    }

    /// Encodes the document with the canonical key order (see the type's documentation).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(CodableTree(tree: tree))
    }
}

/// The `Effect` of a statement.
public enum Effect: String, Sendable, Hashable, CaseIterable, Codable {
    /// `"Allow"`.
    case allow = "Allow"
    /// `"Deny"`.
    case deny = "Deny"
}

/// A string or a list of strings, as `Action`, `Resource` and principal values are written; remembers which form
/// it was written in.
public struct PolicyStrings: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByArrayLiteral {
    /// The values, in document order.
    public var values: [String]
    /// Whether the values are written as an array (always `true` when there is not exactly one value).
    public var isArray: Bool

    /// Creates a list; `isArray` is forced to `true` when there is not exactly one value.
    public init(_ values: [String], isArray: Bool = true) {
        self.values = values
        self.isArray = isArray || values.count != 1
    }

    /// One value written as a plain string.
    public init(_ value: String) {
        self.init([value], isArray: false)
    }

    /// One value written as a plain string.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// Values written as an array.
    public init(arrayLiteral elements: String...) {
        self.init(elements, isArray: true)
    }

    var tree: JSONTree {
        if !isArray, values.count == 1, let only = values.first { return .string(only) }
        return .array(values.map { .string($0) })
    }
}

/// The kind of a principal in a `Principal` or `NotPrincipal` map (`AWS`, `Service`, `Federated`, `CanonicalUser`).
public struct PrincipalType: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The key as written in the document.
    public let rawValue: String

    /// Creates a principal type from its key.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// `"AWS"`: accounts, account roots, IAM users and roles, role sessions.
    public static let aws = PrincipalType("AWS")
    /// `"Service"`: AWS service principals such as `rds.amazonaws.com`.
    public static let service = PrincipalType("Service")
    /// `"Federated"`: identity providers.
    public static let federated = PrincipalType("Federated")
    /// `"CanonicalUser"`: Amazon S3 canonical user ids.
    public static let canonicalUser = PrincipalType("CanonicalUser")

    static let known: [PrincipalType] = [.aws, .canonicalUser, .federated, .service]

    /// Orders by key.
    public static func < (lhs: PrincipalType, rhs: PrincipalType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The key.
    public var description: String { rawValue }
}

/// The value of `Principal` or `NotPrincipal`: `"*"` or a map from principal type to one or many values.
public struct Principal: Sendable, Hashable {
    /// One principal type with its values.
    public struct Entry: Sendable, Hashable {
        /// The principal type (`AWS`, `Service`, …).
        public var type: PrincipalType
        /// The values of this type.
        public var values: PolicyStrings

        /// Creates an entry.
        public init(type: PrincipalType, values: PolicyStrings) {
            self.type = type
            self.values = values
        }
    }

    /// Whether the element is the bare string `"*"` (everyone, including anonymous).
    public var isWildcardString: Bool
    /// The map entries, sorted by type (empty for `"*"`).
    public var entries: [Entry]

    /// The bare `"*"` principal.
    public static let everyone = Principal(isWildcardString: true, entries: [])

    /// A map principal; entries are sorted by type.
    public init(entries: [Entry]) {
        self.init(isWildcardString: false, entries: entries)
    }

    private init(isWildcardString: Bool, entries: [Entry]) {
        self.isWildcardString = isWildcardString
        self.entries = entries.sorted { $0.type < $1.type }
    }

    /// `{"AWS": value}`.
    public static func aws(_ values: PolicyStrings) -> Principal {
        Principal(entries: [Entry(type: .aws, values: values)])
    }

    /// `{"Service": value}`.
    public static func service(_ values: PolicyStrings) -> Principal {
        Principal(entries: [Entry(type: .service, values: values)])
    }

    /// The values of one principal type (empty when absent).
    public func values(of type: PrincipalType) -> [String] {
        entries.filter { $0.type == type }.flatMap(\.values.values)
    }

    var tree: JSONTree {
        if isWildcardString { return .string("*") }
        return .object(entries.map { ($0.type.rawValue, $0.values.tree) })
    }
}

/// One value of a condition: JSON allows strings, numbers and booleans.
public enum ConditionValue: Sendable, Hashable, ExpressibleByStringLiteral {
    /// A JSON string.
    case string(String)
    /// A JSON number, kept as its text.
    case number(String)
    /// A JSON boolean.
    case bool(Bool)

    /// A string value.
    public init(stringLiteral value: String) { self = .string(value) }

    /// The value as text (`true`/`false` for booleans), which is how AWS compares it.
    public var text: String {
        switch self {
        case .string(let value): return value
        case .number(let value): return value
        case .bool(let value): return value ? "true" : "false"
        }
    }

    var tree: JSONTree {
        switch self {
        case .string(let value): return .string(value)
        case .number(let value): return .number(value)
        case .bool(let value): return .bool(value)
        }
    }
}

/// One `operator → key → values` triple of a `Condition` block.
public struct ConditionEntry: Sendable, Hashable {
    /// The condition operator as written, for example `StringEquals` or `ForAnyValue:StringLikeIfExists`.
    public var operatorName: String
    /// The condition key as written (keys are compared case-insensitively).
    public var key: String
    /// The values (one or many; several values of one key are ORed).
    public var values: [ConditionValue]
    /// Whether the values are written as an array.
    public var isArray: Bool

    /// Creates an entry; `isArray` is forced to `true` when there is not exactly one value.
    public init(operatorName: String, key: String, values: [ConditionValue], isArray: Bool = false) {
        self.operatorName = operatorName
        self.key = key
        self.values = values
        self.isArray = isArray || values.count != 1
    }

    /// The parsed operator, or `nil` when the name is not a known condition operator.
    public var conditionOperator: ConditionOperator? { ConditionOperator(parsing: operatorName) }
}

/// A statement's `Condition` block: entries sorted by operator, then key. All entries must hold (AND).
public struct ConditionBlock: Sendable, Hashable {
    /// The entries, sorted by operator name then key.
    public var entries: [ConditionEntry]

    /// Creates a block; entries are sorted by operator name then key for deterministic encoding.
    public init(_ entries: [ConditionEntry]) {
        self.entries = entries.sorted { ($0.operatorName, $0.key) < ($1.operatorName, $1.key) }
    }

    var tree: JSONTree {
        var groups: [(key: String, value: JSONTree)] = []
        var index = 0
        while index < entries.count {
            let name = entries[index].operatorName
            var keys: [(key: String, value: JSONTree)] = []
            while index < entries.count, entries[index].operatorName == name {
                let entry = entries[index]
                let value: JSONTree =
                    entry.isArray || entry.values.count != 1
                    ? .array(entry.values.map(\.tree)) : (entry.values.first?.tree ?? .array([]))
                keys.append((entry.key, value))
                index += 1
            }
            groups.append((name, .object(keys)))
        }
        return .object(groups)
    }
}

/// One statement of a policy document.
public struct Statement: Sendable, Hashable {
    /// The optional statement id.
    public var sid: String?
    /// `Allow` or `Deny`.
    public var effect: Effect
    /// `Principal` (resource-based policies only).
    public var principal: Principal?
    /// `NotPrincipal` (resource-based policies only).
    public var notPrincipal: Principal?
    /// `Action`; exactly one of ``action`` and ``notAction`` is set in a valid statement.
    public var action: PolicyStrings?
    /// `NotAction`.
    public var notAction: PolicyStrings?
    /// `Resource`; at most one of ``resource`` and ``notResource`` is set.
    public var resource: PolicyStrings?
    /// `NotResource`.
    public var notResource: PolicyStrings?
    /// The `Condition` block, if any.
    public var condition: ConditionBlock?

    /// Creates a statement.
    public init(
        sid: String? = nil,
        effect: Effect,
        principal: Principal? = nil,
        notPrincipal: Principal? = nil,
        action: PolicyStrings? = nil,
        notAction: PolicyStrings? = nil,
        resource: PolicyStrings? = nil,
        notResource: PolicyStrings? = nil,
        condition: ConditionBlock? = nil
    ) {
        self.sid = sid
        self.effect = effect
        self.principal = principal
        self.notPrincipal = notPrincipal
        self.action = action
        self.notAction = notAction
        self.resource = resource
        self.notResource = notResource
        self.condition = condition
    }

    var tree: JSONTree {
        var members: [(key: String, value: JSONTree)] = []
        if let sid { members.append(("Sid", .string(sid))) }
        members.append(("Effect", .string(effect.rawValue)))
        if let principal { members.append(("Principal", principal.tree)) }
        if let notPrincipal { members.append(("NotPrincipal", notPrincipal.tree)) }
        if let action { members.append(("Action", action.tree)) }
        if let notAction { members.append(("NotAction", notAction.tree)) }
        if let resource { members.append(("Resource", resource.tree)) }
        if let notResource { members.append(("NotResource", notResource.tree)) }
        if let condition { members.append(("Condition", condition.tree)) }
        return .object(members)
    }
}

/// Bridges ``JSONTree`` to `Codable` for ``PolicyDocument``'s conformance.
private struct CodableTree: Codable {
    var tree: JSONTree

    init(tree: JSONTree) { self.tree = tree }

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
                members.append((key.stringValue, try container.decode(CodableTree.self, forKey: key).tree))
            }
            tree = .object(members.sorted { $0.key < $1.key })
        } else if var container = try? decoder.unkeyedContainer() {
            var values: [JSONTree] = []
            while !container.isAtEnd { values.append(try container.decode(CodableTree.self).tree) }
            tree = .array(values)
        } else {
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
                tree = .number(String(try container.decode(Double.self)))
            }
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch tree {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .number(let text):
            var container = encoder.singleValueContainer()
            if let integer = Int64(text) {
                try container.encode(integer)
            } else {
                try container.encode(Double(text) ?? 0)
            }
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .array(let values):
            var container = encoder.unkeyedContainer()
            for value in values { try container.encode(CodableTree(tree: value)) }
        case .object(let members):
            var container = encoder.container(keyedBy: AnyKey.self)
            for member in members {
                try container.encode(CodableTree(tree: member.value), forKey: AnyKey(stringValue: member.key))
            }
        }
    }
}
