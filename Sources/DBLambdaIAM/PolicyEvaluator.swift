/// The outcome of an evaluation.
public enum Decision: String, Sendable, Hashable, CaseIterable {
    /// At least one applicable Allow (in the policies the request needs) and no applicable Deny.
    case allow
    /// An applicable Deny statement in any policy.
    case explicitDeny
    /// No applicable Deny, but not enough Allows (the default).
    case implicitDeny
}

/// Which kind of policy a statement came from.
public enum PolicyKind: String, Sendable, Hashable, CaseIterable {
    /// An identity-based policy of the calling principal.
    case identity
    /// The resource-based policy of the resource (for Lambda: the function policy).
    case resource
}

/// Points at one statement of the evaluated policies.
public struct StatementReference: Sendable, Hashable, CustomStringConvertible {
    /// The kind of policy.
    public var policyKind: PolicyKind
    /// The index of the policy in `identityPolicies` (always 0 for the resource policy).
    public var policyIndex: Int
    /// The index of the statement in its policy.
    public var statementIndex: Int
    /// The statement's `Sid`, if any.
    public var sid: String?
    /// The statement's effect.
    public var effect: Effect

    /// Creates a reference.
    public init(policyKind: PolicyKind, policyIndex: Int, statementIndex: Int, sid: String?, effect: Effect) {
        self.policyKind = policyKind
        self.policyIndex = policyIndex
        self.statementIndex = statementIndex
        self.sid = sid
        self.effect = effect
    }

    /// `identity[0].Statement[2] (Sid "AllowInvoke", Allow)`.
    public var description: String {
        let policy = policyKind == .identity ? "identity[\(policyIndex)]" : "resource"
        let sidText = sid.map { "Sid \"\($0)\", " } ?? ""
        return "\(policy).Statement[\(statementIndex)] (\(sidText)\(effect.rawValue))"
    }
}

/// A construct the evaluator cannot decide (an unknown condition operator, a principal in an identity policy, …).
/// An Allow statement holding one never allows; a Deny statement holding one is treated as applying.
public struct UnsupportedConstruct: Sendable, Hashable, CustomStringConvertible {
    /// The statement holding the construct.
    public var statement: StatementReference
    /// What is unsupported.
    public var message: String

    /// Creates a report.
    public init(statement: StatementReference, message: String) {
        self.statement = statement
        self.message = message
    }

    /// `<statement>: <message>`.
    public var description: String { "\(statement): \(message)" }
}

/// The decision, the statements that decided it, and anything the evaluator could not decide.
public struct EvaluationResult: Sendable, Hashable {
    /// The decision.
    public var decision: Decision
    /// The deciding statements: the applicable Denies for ``Decision/explicitDeny``, the applicable Allows for
    /// ``Decision/allow``, empty for ``Decision/implicitDeny``.
    public var matched: [StatementReference]
    /// Constructs that could not be evaluated (never silently treated as allow).
    public var unsupported: [UnsupportedConstruct]
    /// Whether the request crossed accounts (then identity and resource policy must both allow).
    public var isCrossAccount: Bool

    /// Whether the decision is ``Decision/allow``.
    public var isAllowed: Bool { decision == .allow }
}

/// A local evaluator of IAM identity and resource-based policies, following AWS's documented evaluation logic.
///
/// - An applicable explicit `Deny` in any policy wins.
/// - Same account: an `Allow` in an identity policy, or in the resource policy naming the principal itself (or
///   `"*"`), is enough. A resource policy that names only the principal's *account* delegates to the account, so
///   an identity-policy allow is still needed.
/// - Cross account: both an identity-policy `Allow` and a resource-policy `Allow` (naming the principal or its
///   account) are needed.
/// - Actions match case-insensitively, resources case-sensitively per ARN part, with `*` and `?`.
/// - Policy variables resolve only in documents whose `Version` is `2012-10-17`.
///
/// Not modelled: SCPs, RCPs, permission boundaries, session policies, `NotPrincipal` session subtleties.
public struct PolicyEvaluator: Sendable {
    /// Creates an evaluator.
    public init() {}

    /// Evaluates a request against identity policies and an optional resource-based policy.
    public func evaluate(
        _ request: EvaluationRequest,
        identityPolicies: [PolicyDocument],
        resourcePolicy: PolicyDocument? = nil
    ) -> EvaluationResult {
        let context = request.effectiveContext
        var denies: [StatementReference] = []
        var identityAllows: [StatementReference] = []
        var resourceDirectAllows: [StatementReference] = []
        var resourceAccountAllows: [StatementReference] = []
        var unsupported: [UnsupportedConstruct] = []

        for (policyIndex, policy) in identityPolicies.enumerated() {
            for (statementIndex, statement) in policy.statements.enumerated() {
                let reference = StatementReference(
                    policyKind: .identity,
                    policyIndex: policyIndex,
                    statementIndex: statementIndex,
                    sid: statement.sid,
                    effect: statement.effect
                )
                let outcome = applies(statement, in: policy, kind: .identity, request: request, context: context)
                record(outcome, reference, &unsupported) {
                    denies.append($0)
                } allow: {
                    identityAllows.append($0)
                }
            }
        }
        if let resourcePolicy {
            for (statementIndex, statement) in resourcePolicy.statements.enumerated() {
                let reference = StatementReference(
                    policyKind: .resource,
                    policyIndex: 0,
                    statementIndex: statementIndex,
                    sid: statement.sid,
                    effect: statement.effect
                )
                let outcome = applies(
                    statement,
                    in: resourcePolicy,
                    kind: .resource,
                    request: request,
                    context: context
                )
                record(outcome, reference, &unsupported) {
                    denies.append($0)
                } allow: {
                    if case .applies(.account) = outcome {
                        resourceAccountAllows.append($0)
                    } else {
                        resourceDirectAllows.append($0)
                    }
                }
            }
        }

        let crossAccount = request.isCrossAccount
        if !denies.isEmpty {
            return EvaluationResult(
                decision: .explicitDeny,
                matched: denies,
                unsupported: unsupported,
                isCrossAccount: crossAccount
            )
        }
        let resourceAllows = (resourceDirectAllows + resourceAccountAllows).sorted {
            $0.statementIndex < $1.statementIndex
        }
        let allowed: Bool
        let matched: [StatementReference]
        if crossAccount {
            allowed = !identityAllows.isEmpty && !resourceAllows.isEmpty
            matched = identityAllows + resourceAllows
        } else {
            allowed = !identityAllows.isEmpty || !resourceDirectAllows.isEmpty
            matched = identityAllows + (identityAllows.isEmpty ? resourceDirectAllows : resourceAllows)
        }
        return EvaluationResult(
            decision: allowed ? .allow : .implicitDeny,
            matched: allowed ? matched : [],
            unsupported: unsupported,
            isCrossAccount: crossAccount
        )
    }

    // MARK: Statement applicability

    enum PrincipalMatch: Equatable {
        case none
        case direct
        case account
    }

    enum Outcome: Equatable {
        case notApplicable
        case applies(PrincipalMatch)
        case unsupported(String, PrincipalMatch)
    }

    private func record(
        _ outcome: Outcome,
        _ reference: StatementReference,
        _ unsupported: inout [UnsupportedConstruct],
        deny: (StatementReference) -> Void,
        allow: (StatementReference) -> Void
    ) {
        switch outcome {
        case .notApplicable:
            return
        case .applies:
            if reference.effect == .deny { deny(reference) } else { allow(reference) }
        case .unsupported(let message, _):
            unsupported.append(UnsupportedConstruct(statement: reference, message: message))
            if reference.effect == .deny { deny(reference) }
        }
    }

    func applies(
        _ statement: Statement,
        in policy: PolicyDocument,
        kind: PolicyKind,
        request: EvaluationRequest,
        context: RequestContext
    ) -> Outcome {
        let resolver = PolicyVariableResolver(context: context)
        let variables = policy.resolvesPolicyVariables

        // Action / NotAction.
        if let action = statement.action {
            guard action.values.contains(where: { Self.actionMatches($0, request.action) }) else {
                return .notApplicable
            }
        } else if let notAction = statement.notAction {
            guard !notAction.values.contains(where: { Self.actionMatches($0, request.action) }) else {
                return .notApplicable
            }
        } else {
            return .notApplicable
        }

        // Resource / NotResource.
        var structural: String?
        if let resource = statement.resource {
            let hit = resource.values.contains {
                Self.resourceMatches($0, request.resource, resolver: resolver, variables: variables)
            }
            guard hit else { return .notApplicable }
        } else if let notResource = statement.notResource {
            let hit = notResource.values.contains {
                Self.resourceMatches($0, request.resource, resolver: resolver, variables: variables)
            }
            guard !hit else { return .notApplicable }
        } else if kind == .identity {
            structural = "an identity-policy statement needs Resource or NotResource"
        }

        // Principal / NotPrincipal.
        var principalMatch = PrincipalMatch.direct
        switch kind {
        case .identity:
            if statement.principal != nil || statement.notPrincipal != nil {
                structural = "Principal/NotPrincipal is not allowed in an identity-based policy"
            }
        case .resource:
            if let principal = statement.principal {
                principalMatch = Self.principalMatch(principal, request: request)
                guard principalMatch != .none else { return .notApplicable }
            } else if let notPrincipal = statement.notPrincipal {
                guard Self.principalMatch(notPrincipal, request: request) == .none else { return .notApplicable }
                principalMatch = .direct
            } else {
                structural = "a resource-based policy statement needs Principal or NotPrincipal"
            }
        }

        // Condition.
        var conditionMessage: String?
        if let condition = statement.condition {
            switch ConditionEvaluator(context: context, resolver: resolver, variables: variables).evaluate(condition) {
            case .holds: break
            case .fails: return .notApplicable
            case .unsupported(let message): conditionMessage = message
            }
        }
        if let message = structural ?? conditionMessage { return .unsupported(message, principalMatch) }
        return .applies(principalMatch)
    }

    static func actionMatches(_ pattern: String, _ action: String) -> Bool {
        if pattern == "*" { return true }
        return WildcardPattern(Substring(pattern)).matches(Substring(action), caseInsensitive: true)
    }

    static func resourceMatches(
        _ pattern: String,
        _ resource: String,
        resolver: PolicyVariableResolver,
        variables: Bool
    ) -> Bool {
        if pattern == "*" { return true }
        guard let resolved = resolver.resolve(pattern, resolveVariables: variables) else { return false }
        if resolved.isMatchAll { return true }
        if ARNMatching.parts(resource) != nil { return ARNMatching.matches(pattern: resolved, arn: resource) }
        return resolved.matches(Substring(resource))
    }

    static func principalMatch(_ principal: Principal, request: EvaluationRequest) -> PrincipalMatch {
        if principal.isWildcardString { return .direct }
        var best = PrincipalMatch.none
        for entry in principal.entries {
            for value in entry.values.values {
                let match = principalValueMatch(type: entry.type, value: value, request: request)
                if match == .direct { return .direct }
                if match == .account { best = .account }
            }
        }
        return best
    }

    private static func principalValueMatch(
        type: PrincipalType,
        value: String,
        request: EvaluationRequest
    )
        -> PrincipalMatch
    {
        let principal = request.principal
        switch type {
        case .aws:
            if value == "*" { return .direct }
            if value == principal { return .direct }
            let accountOfValue: String?
            if isAccountID(Substring(value)) {
                accountOfValue = value
            } else if let parts = ARNMatching.parts(value), parts[2] == "iam", parts[5] == "root", isAccountID(parts[4])
            {
                accountOfValue = String(parts[4])
            } else {
                accountOfValue = nil
            }
            if let accountOfValue {
                if let parts = ARNMatching.parts(principal), parts[2] == "iam", parts[5] == "root" {
                    return parts[4] == accountOfValue ? .direct : .none
                }
                return request.principalAccount == accountOfValue ? .account : .none
            }
            // A role ARN in the policy matches sessions of that role.
            if let valueParts = ARNMatching.parts(value), valueParts[2] == "iam", valueParts[5].hasPrefix("role/"),
                let requestParts = ARNMatching.parts(principal), requestParts[2] == "sts",
                requestParts[5].hasPrefix("assumed-role/"), valueParts[4] == requestParts[4],
                valueParts[1] == requestParts[1]
            {
                let roleName = valueParts[5].split(separator: "/").last
                let sessionRole = requestParts[5].split(separator: "/").dropFirst().first
                if let roleName, roleName == sessionRole { return .direct }
            }
            return .none
        case .service:
            return request.isServicePrincipal && value.lowercased() == principal.lowercased() ? .direct : .none
        default:
            return value == principal ? .direct : .none
        }
    }
}
