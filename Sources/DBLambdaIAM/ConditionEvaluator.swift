/// Decides a `Condition` block against a request context, following the IAM condition-operator reference.
struct ConditionEvaluator {
    enum Verdict: Equatable {
        case holds
        case fails
        case unsupported(String)
    }

    var context: RequestContext
    var resolver: PolicyVariableResolver
    var variables: Bool

    /// All entries must hold (AND). A failing entry decides; otherwise an unsupported one makes the block undecided.
    func evaluate(_ block: ConditionBlock) -> Verdict {
        var undecided: String?
        for entry in block.entries {
            switch evaluate(entry) {
            case .holds: continue
            case .fails: return .fails
            case .unsupported(let message): undecided = undecided ?? message
            }
        }
        if let undecided { return .unsupported(undecided) }
        return .holds
    }

    func evaluate(_ entry: ConditionEntry) -> Verdict {
        guard let op = ConditionOperator(parsing: entry.operatorName) else {
            return .unsupported("unsupported condition operator \"\(entry.operatorName)\"")
        }
        let requestValues = context.values(for: entry.key)
        if op.base == .null {
            var result = false
            for value in entry.values {
                switch value.text.lowercased() {
                case "true": result = result || requestValues == nil
                case "false": result = result || requestValues != nil
                default: return .unsupported("Null takes \"true\" or \"false\", found \"\(value.text)\"")
                }
            }
            return result ? .holds : .fails
        }
        let present: [String]? = {
            guard let requestValues else { return nil }
            if op.qualifier != .none && requestValues.isEmpty { return nil }
            return requestValues
        }()
        guard let values = present else {
            if op.ifExists { return .holds }
            switch op.qualifier {
            case .forAllValues: return .holds
            case .forAnyValue: return .fails
            case .none: return op.base.isNegated ? .holds : .fails
            }
        }
        let negated = op.base.isNegated
        let positive = ConditionEvaluator.positive(op.base)
        let policyValues = entry.values.map(\.text)
        let matchesAny: (String) -> Bool = { requestValue in
            policyValues.contains { self.compare(positive, policy: $0, request: requestValue) }
        }
        let result: Bool
        switch op.qualifier {
        case .none:
            result = negated ? !values.contains(where: matchesAny) : values.contains(where: matchesAny)
        case .forAnyValue:
            result = negated ? values.contains { !matchesAny($0) } : values.contains(where: matchesAny)
        case .forAllValues:
            result = negated ? values.allSatisfy { !matchesAny($0) } : values.allSatisfy(matchesAny)
        }
        return result ? .holds : .fails
    }

    static func positive(_ base: ConditionOperator.Base) -> ConditionOperator.Base {
        switch base {
        case .stringNotEquals: return .stringEquals
        case .stringNotEqualsIgnoreCase: return .stringEqualsIgnoreCase
        case .stringNotLike: return .stringLike
        case .numericNotEquals: return .numericEquals
        case .dateNotEquals: return .dateEquals
        case .notIpAddress: return .ipAddress
        case .arnNotEquals: return .arnEquals
        case .arnNotLike: return .arnLike
        default: return base
        }
    }

    /// Whether one request value satisfies one policy value under a non-negated operator.
    func compare(_ base: ConditionOperator.Base, policy: String, request: String) -> Bool {
        switch base {
        case .stringEquals:
            guard let resolved = resolver.resolveText(policy, resolveVariables: variables) else { return false }
            return resolved == request
        case .stringEqualsIgnoreCase:
            guard let resolved = resolver.resolveText(policy, resolveVariables: variables) else { return false }
            return resolved.lowercased() == request.lowercased()
        case .stringLike:
            guard let pattern = resolver.resolve(policy, resolveVariables: variables) else { return false }
            return pattern.matches(Substring(request))
        case .arnEquals, .arnLike:
            guard let pattern = resolver.resolve(policy, resolveVariables: variables) else { return false }
            return ARNMatching.matches(pattern: pattern, arn: request)
        case .numericEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals:
            guard let p = ValueParsing.number(policy), let r = ValueParsing.number(request) else { return false }
            return ConditionEvaluator.ordered(base, request: r, policy: p)
        case .dateEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            guard let p = ValueParsing.date(policy), let r = ValueParsing.date(request) else { return false }
            return ConditionEvaluator.ordered(base, request: r, policy: p)
        case .bool:
            let p = policy.lowercased()
            guard p == "true" || p == "false" else { return false }
            return p == request.lowercased()
        case .binaryEquals:
            guard let p = ValueParsing.base64(policy) else { return false }
            if let r = ValueParsing.base64(request) { return p == r }
            return p == Array(request.utf8)
        case .ipAddress:
            guard let block = ValueParsing.cidr(policy), let address = ValueParsing.ipAddress(request.trimmingSpaces())
            else { return false }
            return ValueParsing.contains(block: block, address: address)
        default:
            return false
        }
    }

    static func ordered(_ base: ConditionOperator.Base, request: Double, policy: Double) -> Bool {
        switch base {
        case .numericEquals, .dateEquals: return request == policy
        case .numericLessThan, .dateLessThan: return request < policy
        case .numericLessThanEquals, .dateLessThanEquals: return request <= policy
        case .numericGreaterThan, .dateGreaterThan: return request > policy
        case .numericGreaterThanEquals, .dateGreaterThanEquals: return request >= policy
        default: return false
        }
    }
}
