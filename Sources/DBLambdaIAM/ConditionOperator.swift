/// A parsed condition operator: an optional set qualifier (`ForAnyValue:`/`ForAllValues:`), a base operator and
/// an optional `IfExists` suffix.
public struct ConditionOperator: Sendable, Hashable, CustomStringConvertible {
    /// The set qualifier for multivalued keys.
    public enum SetQualifier: String, Sendable, Hashable, CaseIterable {
        /// No qualifier: the key is treated as single-valued (any request value may match).
        case none = ""
        /// `ForAnyValue:`: at least one request value matches; false when the key is absent or empty.
        case forAnyValue = "ForAnyValue:"
        /// `ForAllValues:`: every request value matches; true when the key is absent or empty.
        case forAllValues = "ForAllValues:"
    }

    /// The operator families AWS documents, without qualifier or suffix.
    public enum Base: String, Sendable, Hashable, CaseIterable {
        /// Exact, case-sensitive string match.
        case stringEquals = "StringEquals"
        /// Negated ``stringEquals``.
        case stringNotEquals = "StringNotEquals"
        /// Case-insensitive string match.
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
        /// Negated ``stringEqualsIgnoreCase``.
        case stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        /// Case-sensitive match with `*` and `?` wildcards.
        case stringLike = "StringLike"
        /// Negated ``stringLike``.
        case stringNotLike = "StringNotLike"
        /// Numbers equal.
        case numericEquals = "NumericEquals"
        /// Numbers differ.
        case numericNotEquals = "NumericNotEquals"
        /// Request value less than the policy value.
        case numericLessThan = "NumericLessThan"
        /// Request value less than or equal to the policy value.
        case numericLessThanEquals = "NumericLessThanEquals"
        /// Request value greater than the policy value.
        case numericGreaterThan = "NumericGreaterThan"
        /// Request value greater than or equal to the policy value.
        case numericGreaterThanEquals = "NumericGreaterThanEquals"
        /// Same instant.
        case dateEquals = "DateEquals"
        /// Different instant.
        case dateNotEquals = "DateNotEquals"
        /// Request date before the policy date.
        case dateLessThan = "DateLessThan"
        /// Request date at or before the policy date.
        case dateLessThanEquals = "DateLessThanEquals"
        /// Request date after the policy date.
        case dateGreaterThan = "DateGreaterThan"
        /// Request date at or after the policy date.
        case dateGreaterThanEquals = "DateGreaterThanEquals"
        /// Boolean match (`true`/`false`, case-insensitive).
        case bool = "Bool"
        /// Base64-encoded binary values equal.
        case binaryEquals = "BinaryEquals"
        /// Request IP address inside a policy CIDR block (IPv4 or IPv6).
        case ipAddress = "IpAddress"
        /// Request IP address outside every policy CIDR block.
        case notIpAddress = "NotIpAddress"
        /// ARN match per colon-delimited part, `*`/`?` allowed (identical to ``arnLike``).
        case arnEquals = "ArnEquals"
        /// ARN match per colon-delimited part, `*`/`?` allowed.
        case arnLike = "ArnLike"
        /// Negated ``arnEquals``.
        case arnNotEquals = "ArnNotEquals"
        /// Negated ``arnLike``.
        case arnNotLike = "ArnNotLike"
        /// Key presence test: `"true"` means absent, `"false"` present.
        case null = "Null"

        /// Whether the operator is a negation (true when the key is absent).
        public var isNegated: Bool {
            switch self {
            case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals,
                .notIpAddress, .arnNotEquals, .arnNotLike:
                return true
            default:
                return false
            }
        }

        /// Whether policy variables may appear in values of this operator (string and ARN operators).
        public var acceptsPolicyVariables: Bool {
            switch self {
            case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase, .stringLike,
                .stringNotLike, .arnEquals, .arnLike, .arnNotEquals, .arnNotLike:
                return true
            default:
                return false
            }
        }
    }

    /// The set qualifier.
    public var qualifier: SetQualifier
    /// The base operator.
    public var base: Base
    /// Whether the `IfExists` suffix is present (true when the key is absent).
    public var ifExists: Bool

    /// Creates an operator from its parts.
    public init(qualifier: SetQualifier = .none, base: Base, ifExists: Bool = false) {
        self.qualifier = qualifier
        self.base = base
        self.ifExists = ifExists
    }

    /// Parses an operator name such as `ForAllValues:StringLikeIfExists`; `nil` when it is not one AWS documents
    /// (names are case-sensitive; `Null` takes no `IfExists`).
    public init?(parsing name: String) {
        var rest = Substring(name)
        var qualifier = SetQualifier.none
        for candidate in [SetQualifier.forAnyValue, .forAllValues] where rest.hasPrefix(candidate.rawValue) {
            qualifier = candidate
            rest = rest.dropFirst(candidate.rawValue.count)
        }
        var ifExists = false
        if rest.hasSuffix("IfExists") {
            ifExists = true
            rest = rest.dropLast("IfExists".count)
        }
        guard let base = Base(rawValue: String(rest)), !(ifExists && base == .null) else { return nil }
        self.init(qualifier: qualifier, base: base, ifExists: ifExists)
    }

    /// The operator's name as written in a policy.
    public var description: String {
        qualifier.rawValue + base.rawValue + (ifExists ? "IfExists" : "")
    }
}
