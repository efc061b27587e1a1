/// The request context: condition keys with one or many values; key lookup is case-insensitive.
public struct RequestContext: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    private var storage: [String: [String]]

    /// An empty context.
    public init() { storage = [:] }

    /// A context from a dictionary (key → values); keys differing only in case are merged.
    public init(_ values: [String: [String]]) {
        storage = [:]
        for key in values.keys.sorted() { storage[key.lowercased(), default: []] += values[key] ?? [] }
    }

    /// A context from a literal: `["aws:SourceAccount": ["123456789012"]]`.
    public init(dictionaryLiteral elements: (String, [String])...) {
        storage = [:]
        for (key, values) in elements { storage[key.lowercased(), default: []] += values }
    }

    /// The values of a key (case-insensitive), or `nil` when the key is absent.
    public func values(for key: String) -> [String]? { storage[key.lowercased()] }

    /// Adds one value to a key (a key given several times is multivalued).
    public mutating func add(_ value: String, for key: String) { storage[key.lowercased(), default: []].append(value) }

    /// Sets the values of a key, replacing any.
    public mutating func set(_ values: [String], for key: String) { storage[key.lowercased()] = values }

    /// Whether the key is present.
    public func contains(_ key: String) -> Bool { storage[key.lowercased()] != nil }

    /// The keys present, lower-cased and sorted.
    public var keys: [String] { storage.keys.sorted() }
}

/// What is asked: may `principal` perform `action` on `resource`, given the request context?
public struct EvaluationRequest: Sendable, Hashable {
    /// The calling principal: an IAM or STS ARN (`arn:aws:iam::111122223333:role/db-role`,
    /// `arn:aws:sts::111122223333:assumed-role/db-role/session`, `arn:aws:iam::111122223333:root`), or a service
    /// principal name such as `rds.amazonaws.com`.
    public var principal: String
    /// The action, `service:ActionName` (compared case-insensitively).
    public var action: String
    /// The resource ARN (compared case-sensitively).
    public var resource: String
    /// The condition keys of the request. `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:username` (IAM users)
    /// and `aws:PrincipalServiceName` (service principals) are derived from ``principal`` unless given.
    public var context: RequestContext

    /// Creates a request.
    public init(principal: String, action: String, resource: String, context: RequestContext = RequestContext()) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.context = context
    }

    /// The account of the principal (from its ARN, or the principal itself when it is 12 digits), if any.
    public var principalAccount: String? {
        if principal.count == 12, principal.allSatisfy({ $0.isASCII && $0.isNumber }) { return principal }
        guard let parts = ARNMatching.parts(principal), isAccountID(parts[4]) else { return nil }
        return String(parts[4])
    }

    /// The account of the resource (from its ARN), if the ARN carries one.
    public var resourceAccount: String? {
        guard let parts = ARNMatching.parts(resource), isAccountID(parts[4]) else { return nil }
        return String(parts[4])
    }

    /// Whether the principal and the resource belong to different accounts (both must be known).
    public var isCrossAccount: Bool {
        guard let principalAccount, let resourceAccount else { return false }
        return principalAccount != resourceAccount
    }

    /// Whether ``principal`` is a service principal name rather than an ARN or account.
    var isServicePrincipal: Bool { !principal.hasPrefix("arn:") && principal.contains(".") }

    /// The context with the keys derived from ``principal`` added where absent.
    var effectiveContext: RequestContext {
        var result = context
        if isServicePrincipal {
            if !result.contains("aws:PrincipalServiceName") { result.set([principal], for: "aws:PrincipalServiceName") }
            return result
        }
        if principal.hasPrefix("arn:"), !result.contains("aws:PrincipalArn") {
            result.set([principalARNForContext], for: "aws:PrincipalArn")
        }
        if let principalAccount, !result.contains("aws:PrincipalAccount") {
            result.set([principalAccount], for: "aws:PrincipalAccount")
        }
        if let parts = ARNMatching.parts(principal), parts[2] == "iam", parts[5].hasPrefix("user/"),
            !result.contains("aws:username"), let name = parts[5].split(separator: "/").last
        {
            result.set([String(name)], for: "aws:username")
        }
        return result
    }

    /// For a role session, `aws:PrincipalArn` is the role's ARN (AWS documents this for assumed roles).
    private var principalARNForContext: String {
        guard let parts = ARNMatching.parts(principal), parts[2] == "sts", parts[5].hasPrefix("assumed-role/") else {
            return principal
        }
        let pieces = parts[5].split(separator: "/")
        guard pieces.count >= 2 else { return principal }
        return "arn:\(parts[1]):iam::\(parts[4]):role/\(pieces[1])"
    }
}

func isAccountID(_ text: Substring) -> Bool {
    text.count == 12 && text.allSatisfy { $0.isASCII && $0.isNumber }
}
