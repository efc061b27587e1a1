public import Foundation

/// One finding of the ``PolicyLinter``, in the spirit of IAM Access Analyzer's policy validation.
public struct LintFinding: Sendable, Hashable, CustomStringConvertible {
    /// How serious a finding is (Access Analyzer's finding types).
    public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable {
        /// The policy is invalid or will not work as written (`ERROR`).
        case error
        /// The policy grants access AWS considers a security risk (`SECURITY_WARNING`).
        case securityWarning
        /// The policy does not follow best practice (`WARNING`).
        case warning
        /// The policy could be clearer or more future-proof (`SUGGESTION`).
        case suggestion

        /// Access Analyzer's name: `ERROR`, `SECURITY_WARNING`, `WARNING`, `SUGGESTION`.
        public var findingType: String {
            switch self {
            case .error: return "ERROR"
            case .securityWarning: return "SECURITY_WARNING"
            case .warning: return "WARNING"
            case .suggestion: return "SUGGESTION"
            }
        }

        private var rank: Int { Severity.allCases.firstIndex(of: self) ?? 0 }

        /// Most serious first.
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// The severity.
    public var severity: Severity
    /// A stable upper-snake-case code, for example `UNKNOWN_ACTION`.
    public var issueCode: String
    /// One line saying what is wrong and how to fix it.
    public var message: String
    /// The JSON path the finding is about (`$` for the whole document).
    public var path: String

    /// Creates a finding.
    public init(severity: Severity, issueCode: String, message: String, path: String) {
        self.severity = severity
        self.issueCode = issueCode
        self.message = message
        self.path = path
    }

    /// `error UNKNOWN_ACTION at $.Statement[0].Action: …`.
    public var description: String { "\(severity.rawValue) \(issueCode) at \(path): \(message)" }
}

/// Checks a policy document and reports findings with Access Analyzer-style severities.
///
/// Checks: grammar errors (with JSON paths), `Effect` misspelt, unknown `lambda:` actions (see ``LambdaActions``),
/// actions whose resource type does not match the resource, wildcards in `Action`/`Resource`, `NotAction`/
/// `NotResource` with `Allow`, a service principal without `aws:SourceArn`/`aws:SourceAccount` (confused deputy),
/// public principals without conditions, duplicate and malformed Sids, unknown condition operators and malformed
/// condition values, set operators on single-valued keys, a `Principal` in an identity policy or a policy mixing
/// statements with and without one, missing or legacy `Version`, and size limits (managed policy 6 144, inline role
/// policy 10 240, trust policy 2 048 (raisable to 4 096), Lambda resource policy 20 480 characters, whitespace not
/// counted).
public struct PolicyLinter: Sendable {
    /// The kind of policy being checked.
    public enum PolicyType: String, Sendable, Hashable, CaseIterable {
        /// An identity-based policy (no `Principal`).
        case identity
        /// A resource-based policy, such as a Lambda function policy.
        case resource
        /// A role trust policy.
        case trust
    }

    /// The policy type, or `nil` to infer it from the statements (all with `Principal`: resource or trust; none:
    /// identity; a mix is an error).
    public var policyType: PolicyType?

    /// Creates a linter.
    public init(policyType: PolicyType? = nil) {
        self.policyType = policyType
    }

    /// Size limits in characters, whitespace not counted.
    public enum SizeLimit: Sendable {
        /// A customer managed policy.
        public static let managedPolicy = 6_144
        /// All inline policies of a role together.
        public static let inlineRolePolicy = 10_240
        /// A role trust policy by default (raisable to ``trustPolicyMaximum``).
        public static let trustPolicy = 2_048
        /// A role trust policy with the quota raised.
        public static let trustPolicyMaximum = 4_096
        /// A Lambda function's resource-based policy (20 KB).
        public static let lambdaResourcePolicy = 20_480
    }

    /// Lints JSON bytes. Grammar errors in valid JSON are findings.
    ///
    /// - Throws: ``PolicyError`` (`invalidJSON`) when the bytes are not JSON, or (`limitExceeded`) when the
    ///   document is over 128 KiB, nested deeper than 64 levels or holds more than 1 000 statements.
    public func lint(json: Data) throws(PolicyError) -> [LintFinding] {
        let tree = try JSONTree.parse(json)
        let text = String(decoding: json, as: UTF8.self)
        return lint(tree: tree, size: text.unicodeScalars.filter { !$0.properties.isWhitespace }.count)
    }

    /// Lints a parsed document (its compact JSON is measured for the size checks).
    public func lint(_ document: PolicyDocument) -> [LintFinding] {
        let text = document.jsonString(pretty: false)
        return lint(tree: document.tree, size: text.unicodeScalars.filter { !$0.properties.isWhitespace }.count)
    }

    func lint(tree: JSONTree, size: Int) -> [LintFinding] {
        var findings: [LintFinding] = []
        var parser = PolicyParser()
        let document = parser.parseDocument(tree)
        for issue in parser.issues {
            let code = issue.code == "INVALID_EFFECT" ? "INVALID_EFFECT" : issue.code
            var message = issue.message
            if code == "INVALID_EFFECT", let suggestion = effectSuggestion(issue.message) {
                message += "; did you mean \"\(suggestion)\"?"
            }
            findings.append(LintFinding(severity: .error, issueCode: code, message: message, path: issue.path))
        }
        let rawStatements = statementObjects(tree)
        let type = resolvedType(rawStatements, findings: &findings)
        if let document {
            checkVersion(document, findings: &findings)
            checkSids(rawStatements, type: type, findings: &findings)
            for (statement, path) in zip(document.statements, parser.statementPaths) {
                checkStatement(statement, path: path, type: type, findings: &findings)
            }
        }
        checkSize(size, type: type, findings: &findings)
        return findings.enumerated().sorted {
            ($0.element.severity, $0.offset) < ($1.element.severity, $1.offset)
        }.map(\.element)
    }

    // MARK: Policy type

    private func statementObjects(_ tree: JSONTree) -> [(path: String, members: [(key: String, value: JSONTree)])] {
        guard case .object(let members) = tree, let statement = members.first(where: { $0.key == "Statement" }) else {
            return []
        }
        switch statement.value {
        case .object(let inner): return [("$.Statement", inner)]
        case .array(let values):
            return values.enumerated().compactMap { index, value in
                if case .object(let inner) = value { return ("$.Statement[\(index)]", inner) }
                return nil
            }
        default: return []
        }
    }

    private func resolvedType(
        _ statements: [(path: String, members: [(key: String, value: JSONTree)])],
        findings: inout [LintFinding]
    ) -> PolicyType {
        let withPrincipal = statements.filter { statement in
            statement.members.contains { $0.key == "Principal" || $0.key == "NotPrincipal" }
        }
        if let policyType {
            for statement in statements {
                let has = statement.members.contains { $0.key == "Principal" || $0.key == "NotPrincipal" }
                if policyType == .identity, has {
                    findings.append(
                        LintFinding(
                            severity: .error,
                            issueCode: "PRINCIPAL_IN_IDENTITY_POLICY",
                            message: "an identity-based policy cannot contain Principal or NotPrincipal",
                            path: statement.path
                        )
                    )
                } else if policyType != .identity, !has {
                    findings.append(
                        LintFinding(
                            severity: .error,
                            issueCode: "MISSING_PRINCIPAL",
                            message: "a \(policyType.rawValue) policy statement needs Principal or NotPrincipal",
                            path: statement.path
                        )
                    )
                }
            }
            return policyType
        }
        if !withPrincipal.isEmpty, withPrincipal.count < statements.count {
            for statement in statements where !withPrincipal.contains(where: { $0.path == statement.path }) {
                findings.append(
                    LintFinding(
                        severity: .error,
                        issueCode: "MIXED_PRINCIPAL",
                        message: "the policy mixes statements with and without Principal: a resource-based policy "
                            + "needs Principal in every statement, an identity-based policy in none",
                        path: statement.path
                    )
                )
            }
            return .resource
        }
        if withPrincipal.isEmpty { return .identity }
        let assumeOnly = statements.allSatisfy { statement in
            guard let action = statement.members.first(where: { $0.key == "Action" })?.value else { return false }
            let values: [JSONTree]
            if case .array(let items) = action { values = items } else { values = [action] }
            return values.allSatisfy {
                if case .string(let text) = $0 { return text.lowercased().hasPrefix("sts:assumerole") }
                return false
            }
        }
        return assumeOnly ? .trust : .resource
    }

    // MARK: Document-level checks

    private func checkVersion(_ document: PolicyDocument, findings: inout [LintFinding]) {
        switch document.version {
        case nil:
            findings.append(
                LintFinding(
                    severity: .suggestion,
                    issueCode: "MISSING_VERSION",
                    message: "add \"Version\": \"2012-10-17\"; without it AWS applies 2008-10-17 and policy variables "
                        + "are literal text",
                    path: "$"
                )
            )
        case PolicyDocument.legacyVersion?:
            findings.append(
                LintFinding(
                    severity: .suggestion,
                    issueCode: "LEGACY_VERSION",
                    message: "use Version 2012-10-17; 2008-10-17 treats policy variables as literal text",
                    path: "$.Version"
                )
            )
        default:
            break
        }
        if !document.resolvesPolicyVariables, document.jsonString(pretty: false).contains("${") {
            findings.append(
                LintFinding(
                    severity: .warning,
                    issueCode: "POLICY_VARIABLE_NOT_RESOLVED",
                    message: "policy variables such as ${aws:username} resolve only under Version 2012-10-17; here "
                        + "they are matched as literal text",
                    path: document.version == nil ? "$" : "$.Version"
                )
            )
        }
    }

    private func checkSids(
        _ statements: [(path: String, members: [(key: String, value: JSONTree)])],
        type: PolicyType,
        findings: inout [LintFinding]
    ) {
        var seen: [String: String] = [:]
        for statement in statements {
            guard case .string(let sid)? = statement.members.first(where: { $0.key == "Sid" })?.value else { continue }
            let path = "\(statement.path).Sid"
            if let first = seen[sid] {
                findings.append(
                    LintFinding(
                        severity: .error,
                        issueCode: "DUPLICATE_SID",
                        message: "Sid \"\(sid)\" is already used at \(first); statement ids must be unique",
                        path: path
                    )
                )
            } else {
                seen[sid] = statement.path
            }
            switch type {
            case .resource:
                if (try? LambdaPermission.validateStatementID(sid)) == nil {
                    findings.append(
                        LintFinding(
                            severity: .error,
                            issueCode: "INVALID_SID",
                            message: "Sid \"\(sid)\" must be 1-100 characters of A-Z, a-z, 0-9, - and _ in a Lambda "
                                + "resource policy",
                            path: path
                        )
                    )
                }
            case .identity, .trust:
                if !sid.unicodeScalars.allSatisfy({
                    ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0)
                }) {
                    findings.append(
                        LintFinding(
                            severity: .error,
                            issueCode: "INVALID_SID",
                            message: "Sid \"\(sid)\" may contain only ASCII letters and digits in an IAM policy",
                            path: path
                        )
                    )
                }
            }
        }
    }

    private func checkSize(_ size: Int, type: PolicyType, findings: inout [LintFinding]) {
        func add(_ severity: LintFinding.Severity, _ code: String, _ message: String) {
            findings.append(LintFinding(severity: severity, issueCode: code, message: message, path: "$"))
        }
        switch type {
        case .identity:
            if size > SizeLimit.inlineRolePolicy {
                add(
                    .error,
                    "POLICY_SIZE_EXCEEDED",
                    "the policy has \(size) characters (whitespace excluded), over the \(SizeLimit.inlineRolePolicy) "
                        + "limit of a role's inline policies and the \(SizeLimit.managedPolicy) of a managed policy"
                )
            } else if size > SizeLimit.managedPolicy {
                add(
                    .warning,
                    "POLICY_SIZE_EXCEEDS_MANAGED_LIMIT",
                    "the policy has \(size) characters (whitespace excluded), over the \(SizeLimit.managedPolicy) limit "
                        + "of a managed policy; it fits only inline on a role (\(SizeLimit.inlineRolePolicy))"
                )
            }
        case .trust:
            if size > SizeLimit.trustPolicyMaximum {
                add(
                    .error,
                    "POLICY_SIZE_EXCEEDED",
                    "the trust policy has \(size) characters, over the \(SizeLimit.trustPolicyMaximum) maximum"
                )
            } else if size > SizeLimit.trustPolicy {
                add(
                    .warning,
                    "POLICY_SIZE_EXCEEDS_DEFAULT_QUOTA",
                    "the trust policy has \(size) characters, over the default \(SizeLimit.trustPolicy) quota "
                        + "(raisable to \(SizeLimit.trustPolicyMaximum))"
                )
            }
        case .resource:
            if size > SizeLimit.lambdaResourcePolicy {
                add(
                    .error,
                    "POLICY_SIZE_EXCEEDED",
                    "the resource policy has \(size) characters, over Lambda's \(SizeLimit.lambdaResourcePolicy) "
                        + "(20 KB) function policy limit"
                )
            }
        }
    }

    private func effectSuggestion(_ message: String) -> String? {
        let lowered = message.lowercased()
        guard let open = lowered.range(of: "found \"") else { return nil }
        let found = lowered[open.upperBound...].dropLast()
        for candidate in ["Allow", "Deny"] {
            let target = candidate.lowercased()
            if found == target || editDistance(Array(found), Array(target)) <= 2 { return candidate }
        }
        return nil
    }

    // MARK: Statement checks

    private static let singleValuedKeys: Set<String> = [
        "aws:sourcearn", "aws:sourceaccount", "aws:principalarn", "aws:principalaccount", "aws:sourceip",
        "aws:username", "aws:currenttime", "aws:securetransport", "aws:principalorgid", "aws:userid",
        "aws:sourcevpc", "aws:sourcevpce", "aws:requestedregion", "aws:epochtime", "aws:principaltype",
    ]

    private func checkStatement(_ statement: Statement, path: String, type: PolicyType, findings: inout [LintFinding]) {
        func add(_ severity: LintFinding.Severity, _ code: String, _ message: String, _ at: String) {
            findings.append(LintFinding(severity: severity, issueCode: code, message: message, path: at))
        }
        let isAllow = statement.effect == .allow
        let actionElement = statement.action != nil ? "Action" : "NotAction"
        let actions = statement.action ?? statement.notAction ?? PolicyStrings([])
        for (index, action) in actions.values.enumerated() {
            let at = "\(path).\(actionElement)" + (actions.isArray ? "[\(index)]" : "")
            let parts = action.split(separator: ":", maxSplits: 1)
            if action == "*" {
                if isAllow, statement.action != nil {
                    add(
                        .securityWarning,
                        "ALLOW_ALL_ACTIONS",
                        "\"Action\": \"*\" allows every action of every service; list the actions needed",
                        at
                    )
                }
                continue
            }
            guard parts.count == 2 else { continue }
            if parts[1] == "*", isAllow, statement.action != nil {
                add(
                    .warning,
                    "SERVICE_WILDCARD_ACTION",
                    "\"\(action)\" allows every action of the service, including future ones; list the actions needed",
                    at
                )
            }
            guard parts[0].lowercased() == "lambda" else { continue }
            let name = String(parts[1])
            if name.contains("*") || name.contains("?") {
                let pattern = WildcardPattern(Substring(name))
                if !LambdaActions.all.contains(where: { pattern.matches(Substring($0), caseInsensitive: true) }) {
                    add(.error, "UNKNOWN_ACTION", "\"\(action)\" matches no Lambda action", at)
                }
            } else if LambdaActions.canonicalName(name) == nil {
                let hint = closestAction(name).map { "; did you mean \"lambda:\($0)\"?" } ?? ""
                add(.error, "UNKNOWN_ACTION", "\"\(action)\" is not a Lambda action\(hint)", at)
            }
        }
        if isAllow, statement.notAction != nil {
            add(
                .warning,
                "ALLOW_WITH_NOT_ACTION",
                "Allow with NotAction grants every action not listed, including future ones; use Action",
                "\(path).NotAction"
            )
        }
        if isAllow, statement.notResource != nil {
            add(
                .warning,
                "ALLOW_WITH_NOT_RESOURCE",
                "Allow with NotResource grants every resource not listed; use Resource",
                "\(path).NotResource"
            )
        }
        if let resources = statement.resource {
            for (index, resource) in resources.values.enumerated() {
                let at = "\(path).Resource" + (resources.isArray ? "[\(index)]" : "")
                if resource != "*", !resource.hasPrefix("arn:") {
                    add(.error, "INVALID_RESOURCE", "resource \"\(resource)\" must be an ARN or \"*\"", at)
                } else if resource.hasPrefix("arn:"), ARNMatching.parts(resource) == nil {
                    add(.error, "INVALID_RESOURCE", "resource \"\(resource)\" has fewer than six ARN parts", at)
                }
            }
            if isAllow, type == .identity, resources.values.contains("*"), needsResourceScope(statement) {
                add(
                    .warning,
                    "WILDCARD_RESOURCE",
                    "\"Resource\": \"*\" applies the actions to every resource; name the function ARNs (bare and :*)",
                    "\(path).Resource"
                )
            }
            checkResourceTypes(statement, path: path, findings: &findings)
        } else if type == .identity, statement.notResource == nil {
            add(.error, "MISSING_RESOURCE", "an identity-based policy statement needs Resource or NotResource", path)
        }
        checkPrincipal(statement, path: path, findings: &findings)
        if let condition = statement.condition {
            checkCondition(condition, statement: statement, path: path, findings: &findings)
        }
    }

    private func needsResourceScope(_ statement: Statement) -> Bool {
        guard let actions = statement.action?.values else { return false }
        return actions.contains { action in
            let parts = action.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "lambda" else { return action != "*" }
            if let name = LambdaActions.canonicalName(String(parts[1])) {
                return !(LambdaActions.resourceTypes[name] ?? []).isEmpty
            }
            return true
        }
    }

    private func checkResourceTypes(_ statement: Statement, path: String, findings: inout [LintFinding]) {
        guard let actions = statement.action, let resources = statement.resource else { return }
        let concrete = resources.values.filter { $0 != "*" && !$0.contains("${") }
        guard concrete.count == resources.values.count, !concrete.isEmpty else { return }
        var resourceTypes: [LambdaActions.ResourceType?] = []
        for resource in concrete {
            guard let parts = ARNMatching.parts(resource) else { return }
            resourceTypes.append(parts[2] == "lambda" ? LambdaActions.ResourceType.of(resource: parts[5]) : nil)
        }
        for (index, action) in actions.values.enumerated() {
            let parts = action.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "lambda",
                let name = LambdaActions.canonicalName(String(parts[1])),
                let accepted = LambdaActions.resourceTypes[name]
            else { continue }
            let at = "\(path).Action" + (actions.isArray ? "[\(index)]" : "")
            if accepted.isEmpty {
                findings.append(
                    LintFinding(
                        severity: .warning,
                        issueCode: "RESOURCE_TYPE_MISMATCH",
                        message:
                            "lambda:\(name) supports only \"Resource\": \"*\"; the listed resources never match it",
                        path: at
                    )
                )
            } else if !resourceTypes.contains(where: { $0.map(accepted.contains) ?? false }) {
                let expected = accepted.map(\.rawValue).sorted().joined(separator: ", ")
                findings.append(
                    LintFinding(
                        severity: .warning,
                        issueCode: "RESOURCE_TYPE_MISMATCH",
                        message: "lambda:\(name) applies to \(expected) resources, but no listed resource is one",
                        path: at
                    )
                )
            }
        }
    }

    private func checkPrincipal(_ statement: Statement, path: String, findings: inout [LintFinding]) {
        guard let principal = statement.principal ?? statement.notPrincipal else { return }
        let element = statement.principal != nil ? "Principal" : "NotPrincipal"
        let keys = Set((statement.condition?.entries ?? []).map { $0.key.lowercased() })
        for entry in principal.entries where entry.type == .aws {
            for value in entry.values.values where value != "*" && value.contains("*") {
                findings.append(
                    LintFinding(
                        severity: .error,
                        issueCode: "INVALID_PRINCIPAL_WILDCARD",
                        message: "principal \"\(value)\": partial wildcards are not allowed in principal ARNs; use "
                            + "\"*\" with a condition such as aws:PrincipalArn",
                        path: "\(path).\(element).AWS"
                    )
                )
            }
        }
        guard statement.effect == .allow, statement.principal != nil else { return }
        let isPublic = principal.isWildcardString || principal.values(of: .aws).contains("*")
        if isPublic, statement.condition == nil {
            findings.append(
                LintFinding(
                    severity: .securityWarning,
                    issueCode: "PUBLIC_ACCESS",
                    message: "\"Principal\": \"*\" without a condition grants access to everyone, including anonymous "
                        + "callers",
                    path: "\(path).Principal"
                )
            )
        }
        if !principal.values(of: .service).isEmpty, !keys.contains("aws:sourcearn"), !keys.contains("aws:sourceaccount")
        {
            findings.append(
                LintFinding(
                    severity: .securityWarning,
                    issueCode: "CONFUSED_DEPUTY",
                    message: "a service principal without aws:SourceArn or aws:SourceAccount lets the service act for "
                        + "any account's resources; add both conditions",
                    path: "\(path).Principal"
                )
            )
        }
    }

    private func checkCondition(
        _ condition: ConditionBlock,
        statement: Statement,
        path: String,
        findings: inout [LintFinding]
    ) {
        var sourceArnAccounts: [String] = []
        var sourceAccounts: [String] = []
        for entry in condition.entries {
            let at = "\(path).Condition.\(entry.operatorName).\(entry.key)"
            guard let op = ConditionOperator(parsing: entry.operatorName) else {
                let hint =
                    ConditionOperator.Base.allCases.first {
                        $0.rawValue.lowercased() == entry.operatorName.lowercased()
                    }
                    .map { "; did you mean \"\($0.rawValue)\"?" } ?? ""
                findings.append(
                    LintFinding(
                        severity: .error,
                        issueCode: "INVALID_CONDITION_OPERATOR",
                        message: "\"\(entry.operatorName)\" is not a condition operator\(hint)",
                        path: "\(path).Condition.\(entry.operatorName)"
                    )
                )
                continue
            }
            for value in entry.values where !valueIsValid(op.base, value.text) {
                findings.append(
                    LintFinding(
                        severity: .error,
                        issueCode: "INVALID_CONDITION_VALUE",
                        message: "\"\(value.text)\" is not a valid value for \(op.base.rawValue)",
                        path: at
                    )
                )
            }
            let key = entry.key.lowercased()
            if op.qualifier != .none, ConditionOperator.SetQualifier.allCases.contains(op.qualifier),
                PolicyLinter.singleValuedKeys.contains(key)
            {
                findings.append(
                    LintFinding(
                        severity: .warning,
                        issueCode: "SET_OPERATOR_ON_SINGLE_VALUED_KEY",
                        message:
                            "\(op.qualifier.rawValue) is meant for multivalued keys; \(entry.key) is single-valued",
                        path: at
                    )
                )
            }
            if op.qualifier == .forAllValues, statement.effect == .allow, !op.base.isNegated {
                findings.append(
                    LintFinding(
                        severity: .securityWarning,
                        issueCode: "FOR_ALL_VALUES_WITH_ALLOW",
                        message: "ForAllValues is true when \(entry.key) is absent, so this Allow also applies to "
                            + "requests without the key; add a Null check",
                        path: at
                    )
                )
            }
            if key == "aws:sourcearn", !op.base.isNegated {
                for value in entry.values {
                    if let parts = ARNMatching.parts(value.text), isAccountID(parts[4]) {
                        sourceArnAccounts.append(String(parts[4]))
                    }
                }
            }
            if key == "aws:sourceaccount", !op.base.isNegated { sourceAccounts += entry.values.map(\.text) }
        }
        if !sourceAccounts.isEmpty, let mismatch = sourceArnAccounts.first(where: { !sourceAccounts.contains($0) }) {
            findings.append(
                LintFinding(
                    severity: .warning,
                    issueCode: "SOURCE_ACCOUNT_MISMATCH",
                    message: "aws:SourceArn names account \(mismatch) but aws:SourceAccount allows "
                        + "\(sourceAccounts.joined(separator: ", ")); the statement can never apply to that ARN",
                    path: "\(path).Condition"
                )
            )
        }
    }

    private func valueIsValid(_ base: ConditionOperator.Base, _ text: String) -> Bool {
        switch base {
        case .null, .bool:
            return text.lowercased() == "true" || text.lowercased() == "false"
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
            .numericGreaterThanEquals:
            return ValueParsing.number(text) != nil
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            return ValueParsing.date(text) != nil || text.contains("${")
        case .ipAddress, .notIpAddress:
            return ValueParsing.cidr(text) != nil
        case .binaryEquals:
            return ValueParsing.base64(text) != nil
        default:
            return true
        }
    }

    private func closestAction(_ name: String) -> String? {
        let lowered = Array(name.lowercased())
        var best: (String, Int)?
        for candidate in LambdaActions.all {
            let distance = editDistance(lowered, Array(candidate.lowercased()))
            if distance <= 3, distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
        }
        return best?.0
    }
}

func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
        var current = [i + 1] + [Int](repeating: 0, count: b.count)
        for (j, y) in b.enumerated() {
            current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
