/// A grammar problem found while reading a policy: an issue code, a message and a JSON path.
struct GrammarIssue: Sendable, Hashable {
    var code: String
    var message: String
    var path: String
}

/// Reads a ``JSONTree`` into a ``PolicyDocument``, collecting every grammar issue instead of stopping at the first.
struct PolicyParser {
    private(set) var issues: [GrammarIssue] = []
    /// The JSON path of each statement of the returned document, in order.
    private(set) var statementPaths: [String] = []

    static let statementKeys: Set<String> = [
        "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
    ]

    private mutating func issue(_ code: String, _ message: String, _ path: String) {
        issues.append(GrammarIssue(code: code, message: message, path: path))
    }

    mutating func parseDocument(_ tree: JSONTree) -> PolicyDocument? {
        guard case .object(let members) = tree else {
            issue("INVALID_DOCUMENT_TYPE", "a policy must be a JSON object, found \(tree.typeName)", "$")
            return nil
        }
        var version: String?
        var id: String?
        var statementTree: JSONTree?
        for member in members {
            let path = "$.\(member.key)"
            switch member.key {
            case "Version":
                guard case .string(let text) = member.value else {
                    issue("INVALID_VERSION", "Version must be a string, found \(member.value.typeName)", path)
                    continue
                }
                if text != PolicyDocument.currentVersion && text != PolicyDocument.legacyVersion {
                    issue(
                        "INVALID_VERSION",
                        "Version must be \"2012-10-17\" or \"2008-10-17\", found \"\(text)\"",
                        path
                    )
                }
                version = text
            case "Id":
                guard case .string(let text) = member.value else {
                    issue("INVALID_ID", "Id must be a string, found \(member.value.typeName)", path)
                    continue
                }
                id = text
            case "Statement":
                statementTree = member.value
            default:
                issue("UNKNOWN_ELEMENT", "unknown top-level element \"\(member.key)\"", path)
            }
        }
        guard let statementTree else {
            issue("MISSING_STATEMENT", "the policy has no Statement element", "$")
            return nil
        }
        var statements: [Statement] = []
        let isArray: Bool
        switch statementTree {
        case .array(let values):
            isArray = true
            if values.isEmpty { issue("EMPTY_STATEMENT", "Statement must not be an empty array", "$.Statement") }
            for (index, value) in values.enumerated() {
                if let statement = parseStatement(value, path: "$.Statement[\(index)]") {
                    statements.append(statement)
                    statementPaths.append("$.Statement[\(index)]")
                }
            }
        case .object:
            isArray = false
            if let statement = parseStatement(statementTree, path: "$.Statement") {
                statements.append(statement)
                statementPaths.append("$.Statement")
            }
        default:
            issue(
                "INVALID_STATEMENT_TYPE",
                "Statement must be an object or an array of objects, found \(statementTree.typeName)",
                "$.Statement"
            )
            return nil
        }
        return PolicyDocument(version: version, id: id, statements: statements, statementIsArray: isArray)
    }

    mutating func parseStatement(_ tree: JSONTree, path: String) -> Statement? {
        guard case .object(let members) = tree else {
            issue("INVALID_STATEMENT_TYPE", "a statement must be an object, found \(tree.typeName)", path)
            return nil
        }
        let issueCount = issues.count
        var sid: String?
        var effect: Effect?
        var sawEffect = false
        var principal: Principal?
        var notPrincipal: Principal?
        var action: PolicyStrings?
        var notAction: PolicyStrings?
        var resource: PolicyStrings?
        var notResource: PolicyStrings?
        var condition: ConditionBlock?
        for member in members {
            let memberPath = "\(path).\(member.key)"
            switch member.key {
            case "Sid":
                guard case .string(let text) = member.value else {
                    issue("INVALID_SID", "Sid must be a string, found \(member.value.typeName)", memberPath)
                    continue
                }
                sid = text
            case "Effect":
                sawEffect = true
                guard case .string(let text) = member.value else {
                    issue(
                        "INVALID_EFFECT",
                        "Effect must be \"Allow\" or \"Deny\", found \(member.value.typeName)",
                        memberPath
                    )
                    continue
                }
                guard let parsed = Effect(rawValue: text) else {
                    issue("INVALID_EFFECT", "Effect must be \"Allow\" or \"Deny\", found \"\(text)\"", memberPath)
                    continue
                }
                effect = parsed
            case "Principal": principal = parsePrincipal(member.value, path: memberPath)
            case "NotPrincipal": notPrincipal = parsePrincipal(member.value, path: memberPath)
            case "Action": action = parseStrings(member.value, path: memberPath, element: "Action")
            case "NotAction": notAction = parseStrings(member.value, path: memberPath, element: "NotAction")
            case "Resource": resource = parseStrings(member.value, path: memberPath, element: "Resource")
            case "NotResource": notResource = parseStrings(member.value, path: memberPath, element: "NotResource")
            case "Condition": condition = parseCondition(member.value, path: memberPath)
            default:
                issue("UNKNOWN_ELEMENT", "unknown statement element \"\(member.key)\"", memberPath)
            }
        }
        if !sawEffect { issue("MISSING_EFFECT", "the statement has no Effect", path) }
        let keys = Set(members.map(\.key))
        if keys.contains("Action") && keys.contains("NotAction") {
            issue("ACTION_AND_NOTACTION", "a statement cannot have both Action and NotAction", path)
        } else if !keys.contains("Action") && !keys.contains("NotAction") {
            issue("MISSING_ACTION", "the statement has neither Action nor NotAction", path)
        }
        if keys.contains("Resource") && keys.contains("NotResource") {
            issue("RESOURCE_AND_NOTRESOURCE", "a statement cannot have both Resource and NotResource", path)
        }
        if keys.contains("Principal") && keys.contains("NotPrincipal") {
            issue("PRINCIPAL_AND_NOTPRINCIPAL", "a statement cannot have both Principal and NotPrincipal", path)
        }
        for (name, list) in [("Action", action), ("NotAction", notAction)] {
            for (index, value) in (list?.values ?? []).enumerated() where value != "*" {
                let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count != 2 || parts[0].isEmpty || parts[1].isEmpty || parts[0].contains("*") {
                    let suffix = list?.isArray == true ? "[\(index)]" : ""
                    issue(
                        "INVALID_ACTION",
                        "action \"\(value)\" must be \"service:ActionName\" or \"*\"",
                        "\(path).\(name)\(suffix)"
                    )
                }
            }
        }
        guard issues.count == issueCount, let effect else { return nil }
        return Statement(
            sid: sid,
            effect: effect,
            principal: principal,
            notPrincipal: notPrincipal,
            action: action,
            notAction: notAction,
            resource: resource,
            notResource: notResource,
            condition: condition
        )
    }

    mutating func parseStrings(_ tree: JSONTree, path: String, element: String) -> PolicyStrings? {
        switch tree {
        case .string(let text):
            return PolicyStrings(text)
        case .array(let values):
            if values.isEmpty {
                issue("EMPTY_VALUE", "\(element) must not be an empty array", path)
                return nil
            }
            var strings: [String] = []
            for (index, value) in values.enumerated() {
                guard case .string(let text) = value else {
                    issue(
                        "INVALID_VALUE_TYPE",
                        "\(element) values must be strings, found \(value.typeName)",
                        "\(path)[\(index)]"
                    )
                    continue
                }
                strings.append(text)
            }
            return PolicyStrings(strings, isArray: true)
        default:
            issue(
                "INVALID_VALUE_TYPE",
                "\(element) must be a string or an array of strings, found \(tree.typeName)",
                path
            )
            return nil
        }
    }

    mutating func parsePrincipal(_ tree: JSONTree, path: String) -> Principal? {
        switch tree {
        case .string(let text):
            guard text == "*" else {
                issue("INVALID_PRINCIPAL", "a string principal must be \"*\", found \"\(text)\"", path)
                return nil
            }
            return .everyone
        case .object(let members):
            if members.isEmpty { issue("INVALID_PRINCIPAL", "the principal map is empty", path) }
            var entries: [Principal.Entry] = []
            for member in members {
                let type = PrincipalType(member.key)
                let memberPath = "\(path).\(member.key)"
                guard PrincipalType.known.contains(type) else {
                    issue(
                        "INVALID_PRINCIPAL",
                        "unknown principal type \"\(member.key)\" (expected AWS, Service, Federated or CanonicalUser)",
                        memberPath
                    )
                    continue
                }
                if let values = parseStrings(
                    member.value,
                    path: memberPath,
                    element: "\(path.split(separator: ".").last ?? "Principal").\(member.key)"
                ) {
                    entries.append(Principal.Entry(type: type, values: values))
                }
            }
            return Principal(entries: entries)
        default:
            issue("INVALID_PRINCIPAL", "a principal must be \"*\" or an object, found \(tree.typeName)", path)
            return nil
        }
    }

    mutating func parseCondition(_ tree: JSONTree, path: String) -> ConditionBlock? {
        guard case .object(let operators) = tree else {
            issue("INVALID_CONDITION", "Condition must be an object, found \(tree.typeName)", path)
            return nil
        }
        var entries: [ConditionEntry] = []
        for group in operators {
            let groupPath = "\(path).\(group.key)"
            guard case .object(let keys) = group.value else {
                issue(
                    "INVALID_CONDITION",
                    "the operator \(group.key) must map to an object of condition keys, found \(group.value.typeName)",
                    groupPath
                )
                continue
            }
            if keys.isEmpty { issue("INVALID_CONDITION", "the operator \(group.key) has no condition keys", groupPath) }
            for key in keys {
                let keyPath = "\(groupPath).\(key.key)"
                var values: [ConditionValue] = []
                var isArray = false
                switch key.value {
                case .array(let items):
                    isArray = true
                    if items.isEmpty { issue("INVALID_CONDITION", "the condition key has no values", keyPath) }
                    for (index, item) in items.enumerated() {
                        if let value = conditionValue(item) {
                            values.append(value)
                        } else {
                            issue(
                                "INVALID_CONDITION",
                                "condition values must be strings, numbers or booleans, found \(item.typeName)",
                                "\(keyPath)[\(index)]"
                            )
                        }
                    }
                default:
                    if let value = conditionValue(key.value) {
                        values.append(value)
                    } else {
                        issue(
                            "INVALID_CONDITION",
                            "condition values must be strings, numbers or booleans, found \(key.value.typeName)",
                            keyPath
                        )
                    }
                }
                entries.append(ConditionEntry(operatorName: group.key, key: key.key, values: values, isArray: isArray))
            }
        }
        return ConditionBlock(entries)
    }

    private func conditionValue(_ tree: JSONTree) -> ConditionValue? {
        switch tree {
        case .string(let text): return .string(text)
        case .number(let text): return .number(text)
        case .bool(let value): return .bool(value)
        default: return nil
        }
    }
}
