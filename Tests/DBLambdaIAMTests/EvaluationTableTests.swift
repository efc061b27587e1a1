import DBLambdaCore
import DBLambdaIAM
import Testing

// Sources cited by each case (IAM User Guide pages, Lambda Developer Guide):
// EVAL       reference_policies_evaluation-logic.html (deny wins, default deny, same-account union)
// CROSS      reference_policies_evaluation-logic-cross-account.html (both sides must allow)
// PRINCIPAL  reference_policies_elements_principal.html (account, role, role session, service, "*")
// ACTION     reference_policies_elements_action.html (case-insensitive, wildcards)
// NOTACTION  reference_policies_elements_notaction.html
// RESOURCE   reference_policies_elements_resource.html (wildcards per ARN segment, case-sensitive)
// NOTRES     reference_policies_elements_notresource.html
// LQUAL      Lambda DG lambda-api-permissions-ref.html (unqualified vs qualified ARNs)
// COND       reference_policies_elements_condition_operators.html
// MULTI      reference_policies_condition-single-vs-multi-valued-context-keys.html / multi-value-conditions
// KEYS       reference_policies_elements_condition.html (key names are case-insensitive)
// VARS       reference_policies_variables.html (2012-10-17 only, defaults, ${*})
// VERSION    reference_policies_elements_version.html
// UNSUP      this package's rule: unsupported constructs never allow; a Deny holding one applies

let accountA = "111122223333"
let accountB = "444455556666"
let roleA = "arn:aws:iam::111122223333:role/db-role"
let roleB = "arn:aws:iam::444455556666:role/db-role"
let functionA = "arn:aws:lambda:us-east-1:111122223333:function:orders"
let otherFunctionA = "arn:aws:lambda:us-east-1:111122223333:function:billing"

func statementJSON(
    _ effect: String = "Allow",
    action: String = #""lambda:InvokeFunction""#,
    actionKey: String = "Action",
    resource: String? = nil,
    resourceKey: String = "Resource",
    principal: String? = nil,
    condition: String? = nil,
    sid: String? = nil
) -> String {
    var parts: [String] = []
    if let sid { parts.append(#""Sid":"\#(sid)""#) }
    parts.append(#""Effect":"\#(effect)""#)
    if let principal { parts.append(#""Principal":\#(principal)"#) }
    parts.append(#""\#(actionKey)":\#(action)"#)
    parts.append(#""\#(resourceKey)":\#(resource ?? "\"\(functionA)\"")"#)
    if let condition { parts.append(#""Condition":\#(condition)"#) }
    return "{" + parts.joined(separator: ",") + "}"
}

func policyJSON(_ statements: String..., version: String? = "2012-10-17") -> String {
    let versionPart = version.map { #""Version":"\#($0)","# } ?? ""
    return "{\(versionPart)\"Statement\":[\(statements.joined(separator: ","))]}"
}

func allowWhen(_ condition: String) -> String {
    policyJSON(statementJSON(condition: condition))
}

struct EvaluationCase: Sendable, CustomTestStringConvertible {
    var rule: String
    var name: String
    var identity: [String] = []
    var resourcePolicy: String?
    var principal: String = roleA
    var action: String = "lambda:InvokeFunction"
    var resource: String = functionA
    var context: [String: [String]] = [:]
    var expected: Decision
    var matchedSids: [String]?
    var expectUnsupported = false

    var testDescription: String { "\(name) [\(rule)]" }
}

let evaluationCases: [EvaluationCase] = [
    // MARK: Decision logic
    EvaluationCase(rule: "EVAL", name: "no policy at all is an implicit deny", expected: .implicitDeny),
    EvaluationCase(
        rule: "EVAL",
        name: "an identity Allow on the exact function allows",
        identity: [policyJSON(statementJSON(sid: "Invoke"))],
        expected: .allow,
        matchedSids: ["Invoke"]
    ),
    EvaluationCase(
        rule: "EVAL",
        name: "an explicit Deny beats an Allow in the same policy",
        identity: [policyJSON(statementJSON(sid: "A"), statementJSON("Deny", sid: "D"))],
        expected: .explicitDeny,
        matchedSids: ["D"]
    ),
    EvaluationCase(
        rule: "EVAL",
        name: "a Deny in another identity policy beats an Allow",
        identity: [policyJSON(statementJSON()), policyJSON(statementJSON("Deny", resource: "\"*\"", sid: "DenyAll"))],
        expected: .explicitDeny,
        matchedSids: ["DenyAll"]
    ),
    EvaluationCase(
        rule: "EVAL",
        name: "a Deny in the resource policy beats an identity Allow",
        identity: [policyJSON(statementJSON())],
        resourcePolicy: policyJSON(statementJSON("Deny", principal: #"{"AWS":"\#(roleA)"}"#, sid: "RD")),
        expected: .explicitDeny,
        matchedSids: ["RD"]
    ),
    EvaluationCase(
        rule: "EVAL",
        name: "same account: a resource policy naming the role is enough",
        resourcePolicy: policyJSON(statementJSON(principal: #"{"AWS":"\#(roleA)"}"#, sid: "R")),
        expected: .allow,
        matchedSids: ["R"]
    ),
    EvaluationCase(
        rule: "EVAL",
        name: "same account: a resource policy with Principal * is enough",
        resourcePolicy: policyJSON(statementJSON(principal: #""*""#)),
        expected: .allow
    ),
    EvaluationCase(
        rule: "EVAL",
        name: "same account: a resource policy naming only the account root needs an identity Allow",
        resourcePolicy: policyJSON(statementJSON(principal: #"{"AWS":"arn:aws:iam::111122223333:root"}"#)),
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "EVAL",
        name: "same account: account-root resource policy plus identity Allow allows",
        identity: [policyJSON(statementJSON(sid: "I"))],
        resourcePolicy: policyJSON(statementJSON(principal: #"{"AWS":"111122223333"}"#, sid: "R")),
        expected: .allow,
        matchedSids: ["I", "R"]
    ),
    EvaluationCase(
        rule: "EVAL",
        name: "same account: a resource policy naming another role does not allow",
        resourcePolicy: policyJSON(statementJSON(principal: #"{"AWS":"arn:aws:iam::111122223333:role/other"}"#)),
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "CROSS",
        name: "cross account: an identity Allow alone is not enough",
        identity: [policyJSON(statementJSON())],
        principal: roleB,
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "CROSS",
        name: "cross account: a resource Allow alone is not enough",
        resourcePolicy: policyJSON(statementJSON(principal: #"{"AWS":"\#(roleB)"}"#)),
        principal: roleB,
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "CROSS",
        name: "cross account: identity and resource Allow together allow",
        identity: [policyJSON(statementJSON(sid: "I"))],
        resourcePolicy: policyJSON(statementJSON(principal: #"{"AWS":"\#(roleB)"}"#, sid: "R")),
        principal: roleB,
        expected: .allow,
        matchedSids: ["I", "R"]
    ),
    EvaluationCase(
        rule: "CROSS",
        name: "cross account: a resource policy naming the caller's account id counts",
        identity: [policyJSON(statementJSON())],
        resourcePolicy: policyJSON(statementJSON(principal: #"{"AWS":"444455556666"}"#)),
        principal: roleB,
        expected: .allow
    ),
    EvaluationCase(
        rule: "CROSS",
        name: "cross account: a resource policy naming a third account does not count",
        identity: [policyJSON(statementJSON())],
        resourcePolicy: policyJSON(statementJSON(principal: #"{"AWS":"999988887777"}"#)),
        principal: roleB,
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "CROSS",
        name: "cross account: an identity Deny wins over both Allows",
        identity: [policyJSON(statementJSON(), statementJSON("Deny"))],
        resourcePolicy: policyJSON(statementJSON(principal: #"{"AWS":"\#(roleB)"}"#)),
        principal: roleB,
        expected: .explicitDeny
    ),
    EvaluationCase(
        rule: "PRINCIPAL",
        name: "a role ARN principal matches a session of that role",
        resourcePolicy: policyJSON(statementJSON(principal: #"{"AWS":"\#(roleA)"}"#)),
        principal: "arn:aws:sts::111122223333:assumed-role/db-role/session-1",
        expected: .allow
    ),
    EvaluationCase(
        rule: "PRINCIPAL",
        name: "a service principal matches the calling service",
        resourcePolicy: policyJSON(statementJSON(principal: #"{"Service":"rds.amazonaws.com"}"#)),
        principal: "rds.amazonaws.com",
        expected: .allow
    ),
    EvaluationCase(
        rule: "PRINCIPAL",
        name: "a service principal does not match another service",
        resourcePolicy: policyJSON(statementJSON(principal: #"{"Service":"rds.amazonaws.com"}"#)),
        principal: "s3.amazonaws.com",
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "PRINCIPAL",
        name: "{\"AWS\": \"*\"} matches everyone like \"*\"",
        resourcePolicy: policyJSON(statementJSON(principal: #"{"AWS":"*"}"#)),
        principal: roleA,
        expected: .allow
    ),

    // MARK: Action
    EvaluationCase(
        rule: "ACTION",
        name: "action names are case-insensitive",
        identity: [policyJSON(statementJSON(action: #""LAMBDA:invokefunction""#))],
        expected: .allow
    ),
    EvaluationCase(
        rule: "ACTION",
        name: "a trailing * matches the action",
        identity: [policyJSON(statementJSON(action: #""lambda:Invoke*""#))],
        expected: .allow
    ),
    EvaluationCase(
        rule: "ACTION",
        name: "lambda:* matches every Lambda action",
        identity: [policyJSON(statementJSON(action: #""lambda:*""#))],
        expected: .allow
    ),
    EvaluationCase(
        rule: "ACTION",
        name: "* matches every action",
        identity: [policyJSON(statementJSON(action: #""*""#))],
        expected: .allow
    ),
    EvaluationCase(
        rule: "ACTION",
        name: "lambda:Get* does not match InvokeFunction",
        identity: [policyJSON(statementJSON(action: #""lambda:Get*""#))],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "ACTION",
        name: "? matches exactly one character",
        identity: [policyJSON(statementJSON(action: #""lambda:InvokeFunctio?""#))],
        expected: .allow
    ),
    EvaluationCase(
        rule: "ACTION",
        name: "another service's wildcard does not match",
        identity: [policyJSON(statementJSON(action: #""s3:*""#))],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "ACTION",
        name: "one matching action in an array is enough",
        identity: [policyJSON(statementJSON(action: #"["lambda:GetFunction","lambda:InvokeFunction"]"#))],
        expected: .allow
    ),
    EvaluationCase(
        rule: "NOTACTION",
        name: "Allow NotAction iam:* allows Lambda actions",
        identity: [policyJSON(statementJSON(action: #""iam:*""#, actionKey: "NotAction", resource: #""*""#))],
        expected: .allow
    ),
    EvaluationCase(
        rule: "NOTACTION",
        name: "Allow NotAction lambda:* does not allow Lambda actions",
        identity: [policyJSON(statementJSON(action: #""lambda:*""#, actionKey: "NotAction", resource: #""*""#))],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "NOTACTION",
        name: "Deny NotAction InvokeFunction leaves InvokeFunction allowed",
        identity: [
            policyJSON(
                statementJSON(action: #""*""#, resource: #""*""#),
                statementJSON("Deny", action: #""lambda:InvokeFunction""#, actionKey: "NotAction", resource: #""*""#)
            )
        ],
        expected: .allow
    ),
    EvaluationCase(
        rule: "NOTACTION",
        name: "Deny NotAction GetFunction denies InvokeFunction",
        identity: [
            policyJSON(
                statementJSON(action: #""*""#, resource: #""*""#),
                statementJSON("Deny", action: #""lambda:GetFunction""#, actionKey: "NotAction", resource: #""*""#)
            )
        ],
        expected: .explicitDeny
    ),

    // MARK: Resource and Lambda qualifiers
    EvaluationCase(
        rule: "LQUAL",
        name: "the bare ARN allows the unqualified invoke",
        identity: [policyJSON(statementJSON())],
        expected: .allow
    ),
    EvaluationCase(
        rule: "LQUAL",
        name: "function:f does not cover function:f:prod",
        identity: [policyJSON(statementJSON())],
        resource: functionA + ":prod",
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "LQUAL",
        name: "function:f:* covers an alias",
        identity: [policyJSON(statementJSON(resource: "\"\(functionA):*\""))],
        resource: functionA + ":prod",
        expected: .allow
    ),
    EvaluationCase(
        rule: "LQUAL",
        name: "function:f:* does not cover the bare ARN",
        identity: [policyJSON(statementJSON(resource: "\"\(functionA):*\""))],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "LQUAL",
        name: "a version ARN allows only that version",
        identity: [policyJSON(statementJSON(resource: "\"\(functionA):2\""))],
        resource: functionA + ":3",
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "LQUAL",
        name: "a version ARN allows that version",
        identity: [policyJSON(statementJSON(resource: "\"\(functionA):2\""))],
        resource: functionA + ":2",
        expected: .allow
    ),
    EvaluationCase(
        rule: "LQUAL",
        name: "function:* covers qualified ARNs",
        identity: [policyJSON(statementJSON(resource: #""arn:aws:lambda:us-east-1:111122223333:function:*""#))],
        resource: functionA + ":prod",
        expected: .allow
    ),
    EvaluationCase(
        rule: "RESOURCE",
        name: "a prefix wildcard covers the function",
        identity: [policyJSON(statementJSON(resource: #""arn:aws:lambda:us-east-1:111122223333:function:ord*""#))],
        expected: .allow
    ),
    EvaluationCase(
        rule: "RESOURCE",
        name: "resource ARNs are case-sensitive",
        identity: [policyJSON(statementJSON(resource: #""arn:aws:lambda:us-east-1:111122223333:function:Orders""#))],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "RESOURCE",
        name: "a region wildcard matches",
        identity: [policyJSON(statementJSON(resource: #""arn:aws:lambda:*:111122223333:function:orders""#))],
        expected: .allow
    ),
    EvaluationCase(
        rule: "RESOURCE",
        name: "? matches one character of the name",
        identity: [policyJSON(statementJSON(resource: #""arn:aws:lambda:us-east-1:111122223333:function:order?""#))],
        expected: .allow
    ),
    EvaluationCase(
        rule: "RESOURCE",
        name: "another function is not covered",
        identity: [policyJSON(statementJSON())],
        resource: otherFunctionA,
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "RESOURCE",
        name: "Resource * covers everything",
        identity: [policyJSON(statementJSON(resource: #""*""#))],
        expected: .allow
    ),
    EvaluationCase(
        rule: "RESOURCE",
        name: "a wildcard does not stand for a missing ARN segment",
        identity: [policyJSON(statementJSON(resource: #""arn:aws:lambda:*:function:orders""#))],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "RESOURCE",
        name: "a wildcard in the region segment does not span into the account",
        identity: [policyJSON(statementJSON(resource: #""arn:aws:lambda:us-*:function:orders""#))],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "NOTRES",
        name: "Allow NotResource another function allows this one",
        identity: [policyJSON(statementJSON(resource: "\"\(otherFunctionA)\"", resourceKey: "NotResource"))],
        expected: .allow
    ),
    EvaluationCase(
        rule: "NOTRES",
        name: "Deny NotResource f leaves f allowed",
        identity: [
            policyJSON(
                statementJSON(resource: #""*""#),
                statementJSON("Deny", resource: "\"\(functionA)\"", resourceKey: "NotResource")
            )
        ],
        expected: .allow
    ),
    EvaluationCase(
        rule: "NOTRES",
        name: "Deny NotResource f denies other functions",
        identity: [
            policyJSON(
                statementJSON(resource: #""*""#),
                statementJSON("Deny", resource: "\"\(functionA)\"", resourceKey: "NotResource")
            )
        ],
        resource: otherFunctionA,
        expected: .explicitDeny
    ),

    // MARK: String and ARN operators
    EvaluationCase(
        rule: "COND",
        name: "StringEquals matches the exact value",
        identity: [allowWhen(#"{"StringEquals":{"aws:SourceAccount":"111122223333"}}"#)],
        context: ["aws:SourceAccount": [accountA]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "StringEquals is case-sensitive",
        identity: [allowWhen(#"{"StringEquals":{"aws:RequestTag/team":"Sales"}}"#)],
        context: ["aws:RequestTag/team": ["sales"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "StringEqualsIgnoreCase ignores case",
        identity: [allowWhen(#"{"StringEqualsIgnoreCase":{"aws:RequestTag/team":"Sales"}}"#)],
        context: ["aws:RequestTag/team": ["SALES"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "StringNotEquals is true when the key is absent",
        identity: [allowWhen(#"{"StringNotEquals":{"aws:RequestTag/team":"sales"}}"#)],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "StringNotEquals fails on an equal value",
        identity: [allowWhen(#"{"StringNotEquals":{"aws:RequestTag/team":"sales"}}"#)],
        context: ["aws:RequestTag/team": ["sales"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "StringNotEqualsIgnoreCase fails on a value equal ignoring case",
        identity: [allowWhen(#"{"StringNotEqualsIgnoreCase":{"aws:RequestTag/team":"sales"}}"#)],
        context: ["aws:RequestTag/team": ["SALES"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "StringLike matches * and ?",
        identity: [allowWhen(#"{"StringLike":{"aws:userid":"AROA*:db-?"}}"#)],
        context: ["aws:userid": ["AROAEXAMPLE:db-1"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "StringNotLike is true when the key is absent",
        identity: [allowWhen(#"{"StringNotLike":{"aws:userid":"AROA*"}}"#)],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "a positive operator is false when the key is absent",
        identity: [allowWhen(#"{"StringEquals":{"aws:SourceAccount":"111122223333"}}"#)],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "KEYS",
        name: "condition key names are case-insensitive",
        identity: [allowWhen(#"{"StringEquals":{"AWS:SOURCEACCOUNT":"111122223333"}}"#)],
        context: ["aws:SourceAccount": [accountA]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "MULTI",
        name: "several values of one key are ORed",
        identity: [allowWhen(#"{"StringEquals":{"aws:SourceAccount":["999988887777","111122223333"]}}"#)],
        context: ["aws:SourceAccount": [accountA]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "MULTI",
        name: "several keys under one operator are ANDed",
        identity: [
            allowWhen(#"{"StringEquals":{"aws:SourceAccount":"111122223333","aws:RequestTag/team":"sales"}}"#)
        ],
        context: ["aws:SourceAccount": [accountA], "aws:RequestTag/team": ["ops"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "MULTI",
        name: "several operators are ANDed",
        identity: [
            allowWhen(
                #"{"StringEquals":{"aws:SourceAccount":"111122223333"},"ArnLike":{"aws:SourceArn":"arn:aws:rds:*:111122223333:db:*"}}"#
            )
        ],
        context: ["aws:SourceAccount": [accountA], "aws:SourceArn": ["arn:aws:rds:us-east-1:111122223333:db:main"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "MULTI",
        name: "StringNotEquals with several values must match none",
        identity: [allowWhen(#"{"StringNotEquals":{"aws:RequestTag/team":["sales","ops"]}}"#)],
        context: ["aws:RequestTag/team": ["ops"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "ArnEquals accepts wildcards like ArnLike",
        identity: [allowWhen(#"{"ArnEquals":{"aws:SourceArn":"arn:aws:rds:us-east-1:111122223333:db:*"}}"#)],
        context: ["aws:SourceArn": ["arn:aws:rds:us-east-1:111122223333:db:main"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "ArnLike compares each ARN part",
        identity: [allowWhen(#"{"ArnLike":{"aws:SourceArn":"arn:aws:rds:*:*:cluster:*"}}"#)],
        context: ["aws:SourceArn": ["arn:aws:rds:us-east-1:111122223333:db:main"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "ArnLike is case-sensitive",
        identity: [allowWhen(#"{"ArnLike":{"aws:SourceArn":"arn:aws:rds:us-east-1:111122223333:db:Main"}}"#)],
        context: ["aws:SourceArn": ["arn:aws:rds:us-east-1:111122223333:db:main"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "ArnNotLike is true when the key is absent",
        identity: [allowWhen(#"{"ArnNotLike":{"aws:SourceArn":"arn:aws:rds:*:*:db:*"}}"#)],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "ArnNotEquals fails on a matching ARN",
        identity: [allowWhen(#"{"ArnNotEquals":{"aws:SourceArn":"arn:aws:rds:*:*:db:*"}}"#)],
        context: ["aws:SourceArn": ["arn:aws:rds:us-east-1:111122223333:db:main"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "ArnLike fails for a value that is not an ARN",
        identity: [allowWhen(#"{"ArnLike":{"aws:SourceArn":"arn:aws:rds:*:*:db:*"}}"#)],
        context: ["aws:SourceArn": ["main"]],
        expected: .implicitDeny
    ),

    // MARK: Numeric, Date, Bool, Binary, IP
    EvaluationCase(
        rule: "COND",
        name: "NumericLessThan compares numerically",
        identity: [allowWhen(#"{"NumericLessThan":{"s3:max-keys":"10"}}"#)],
        context: ["s3:max-keys": ["5"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "NumericLessThan fails on equal values",
        identity: [allowWhen(#"{"NumericLessThan":{"s3:max-keys":10}}"#)],
        context: ["s3:max-keys": ["10"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "NumericGreaterThanEquals holds on equal values",
        identity: [allowWhen(#"{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}"#)],
        context: ["s3:max-keys": ["10.0"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "NumericEquals fails on a non-number",
        identity: [allowWhen(#"{"NumericEquals":{"s3:max-keys":"10"}}"#)],
        context: ["s3:max-keys": ["ten"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "NumericNotEquals is true when the key is absent",
        identity: [allowWhen(#"{"NumericNotEquals":{"s3:max-keys":"10"}}"#)],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "DateLessThan compares ISO 8601 dates",
        identity: [allowWhen(#"{"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}"#)],
        context: ["aws:CurrentTime": ["2026-11-27T05:00:00Z"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "DateGreaterThan compares epoch seconds with an ISO date",
        identity: [allowWhen(#"{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}"#)],
        context: ["aws:CurrentTime": ["1795000000"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "DateEquals compares instants across offsets",
        identity: [allowWhen(#"{"DateEquals":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}"#)],
        context: ["aws:CurrentTime": ["2026-01-01T01:00:00+01:00"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "DateGreaterThanEquals fails for an earlier date-only value",
        identity: [allowWhen(#"{"DateGreaterThanEquals":{"aws:CurrentTime":"2026-06-01"}}"#)],
        context: ["aws:CurrentTime": ["2026-05-31T23:59:59Z"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "DateNotEquals is true when the key is absent",
        identity: [allowWhen(#"{"DateNotEquals":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}"#)],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "Bool matches true",
        identity: [allowWhen(#"{"Bool":{"aws:SecureTransport":"true"}}"#)],
        context: ["aws:SecureTransport": ["true"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "Bool fails on the other value",
        identity: [allowWhen(#"{"Bool":{"aws:SecureTransport":"true"}}"#)],
        context: ["aws:SecureTransport": ["false"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "Bool accepts a JSON boolean in the policy",
        identity: [allowWhen(#"{"Bool":{"aws:SecureTransport":true}}"#)],
        context: ["aws:SecureTransport": ["TRUE"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "BinaryEquals compares base64 values",
        identity: [allowWhen(#"{"BinaryEquals":{"custom:blob":"QmluYXJ5VmFsdWU="}}"#)],
        context: ["custom:blob": ["QmluYXJ5VmFsdWU="]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "BinaryEquals fails on other bytes",
        identity: [allowWhen(#"{"BinaryEquals":{"custom:blob":"QmluYXJ5VmFsdWU="}}"#)],
        context: ["custom:blob": ["b3RoZXI="]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "IpAddress matches an IPv4 CIDR",
        identity: [allowWhen(#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#)],
        context: ["aws:SourceIp": ["203.0.113.77"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "IpAddress fails outside the IPv4 CIDR",
        identity: [allowWhen(#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#)],
        context: ["aws:SourceIp": ["203.0.114.1"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "IpAddress matches an IPv6 CIDR",
        identity: [allowWhen(#"{"IpAddress":{"aws:SourceIp":"2001:db8:1234::/48"}}"#)],
        context: ["aws:SourceIp": ["2001:db8:1234:ffff::1"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "IpAddress fails outside the IPv6 CIDR",
        identity: [allowWhen(#"{"IpAddress":{"aws:SourceIp":"2001:db8:1234::/48"}}"#)],
        context: ["aws:SourceIp": ["2001:db8:1235::1"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "an IPv4 address never matches an IPv6 block",
        identity: [allowWhen(#"{"IpAddress":{"aws:SourceIp":"::/0"}}"#)],
        context: ["aws:SourceIp": ["10.0.0.1"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "a bare IP in the policy is a /32",
        identity: [allowWhen(#"{"IpAddress":{"aws:SourceIp":"10.0.0.1"}}"#)],
        context: ["aws:SourceIp": ["10.0.0.2"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "Deny NotIpAddress does not apply inside the range",
        identity: [
            policyJSON(
                statementJSON(),
                statementJSON("Deny", resource: #""*""#, condition: #"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#)
            )
        ],
        context: ["aws:SourceIp": ["10.1.2.3"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "Deny NotIpAddress applies outside the range",
        identity: [
            policyJSON(
                statementJSON(),
                statementJSON("Deny", resource: #""*""#, condition: #"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#)
            )
        ],
        context: ["aws:SourceIp": ["192.0.2.1"]],
        expected: .explicitDeny
    ),

    // MARK: Null, IfExists, set operators
    EvaluationCase(
        rule: "COND",
        name: "Null true holds when the key is absent",
        identity: [allowWhen(#"{"Null":{"aws:TokenIssueTime":"true"}}"#)],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "Null false fails when the key is absent",
        identity: [allowWhen(#"{"Null":{"aws:TokenIssueTime":"false"}}"#)],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "Null true fails when the key is present",
        identity: [allowWhen(#"{"Null":{"aws:TokenIssueTime":"true"}}"#)],
        context: ["aws:TokenIssueTime": ["2026-11-27T00:00:00Z"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "IfExists holds when the key is absent",
        identity: [allowWhen(#"{"StringEqualsIfExists":{"aws:RequestTag/team":"sales"}}"#)],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "IfExists checks the value when the key is present",
        identity: [allowWhen(#"{"StringEqualsIfExists":{"aws:RequestTag/team":"sales"}}"#)],
        context: ["aws:RequestTag/team": ["ops"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "COND",
        name: "NumericLessThanIfExists checks a present value",
        identity: [allowWhen(#"{"NumericLessThanIfExists":{"s3:max-keys":"10"}}"#)],
        context: ["s3:max-keys": ["3"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "MULTI",
        name: "ForAnyValue is false when the key is absent",
        identity: [allowWhen(#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["team","env"]}}"#)],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "MULTI",
        name: "ForAnyValue holds when one request value matches",
        identity: [allowWhen(#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["team","env"]}}"#)],
        context: ["aws:TagKeys": ["cost", "env"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "MULTI",
        name: "ForAllValues is true when the key is absent",
        identity: [allowWhen(#"{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}"#)],
        expected: .allow
    ),
    EvaluationCase(
        rule: "MULTI",
        name: "ForAllValues holds when every request value is in the set",
        identity: [allowWhen(#"{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}"#)],
        context: ["aws:TagKeys": ["env", "team"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "MULTI",
        name: "ForAllValues fails when one request value is outside the set",
        identity: [allowWhen(#"{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}"#)],
        context: ["aws:TagKeys": ["env", "cost"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "MULTI",
        name: "ForAnyValue:StringNotEquals holds when one value is outside the set",
        identity: [allowWhen(#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["team"]}}"#)],
        context: ["aws:TagKeys": ["team", "cost"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "MULTI",
        name: "ForAllValues:StringNotEquals fails when a value is in the set",
        identity: [allowWhen(#"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["team"]}}"#)],
        context: ["aws:TagKeys": ["team", "cost"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "MULTI",
        name: "ForAnyValue:StringLike matches a pattern",
        identity: [allowWhen(#"{"ForAnyValue:StringLike":{"aws:TagKeys":"cost-*"}}"#)],
        context: ["aws:TagKeys": ["cost-center"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "COND",
        name: "a Deny with StringNotEquals applies when the key is absent",
        identity: [
            policyJSON(
                statementJSON(),
                statementJSON("Deny", condition: #"{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc1234567"}}"#)
            )
        ],
        principal: "arn:aws:iam::111122223333:user/alice",
        context: [:],
        expected: .explicitDeny
    ),

    // MARK: Policy variables and versions
    EvaluationCase(
        rule: "VARS",
        name: "${aws:username} resolves in Resource under 2012-10-17",
        identity: [
            policyJSON(statementJSON(resource: #""arn:aws:lambda:us-east-1:111122223333:function:${aws:username}-*""#))
        ],
        principal: "arn:aws:iam::111122223333:user/alice",
        resource: "arn:aws:lambda:us-east-1:111122223333:function:alice-tools",
        expected: .allow
    ),
    EvaluationCase(
        rule: "VERSION",
        name: "${aws:username} is literal text under 2008-10-17",
        identity: [
            policyJSON(
                statementJSON(resource: #""arn:aws:lambda:us-east-1:111122223333:function:${aws:username}-*""#),
                version: "2008-10-17"
            )
        ],
        principal: "arn:aws:iam::111122223333:user/alice",
        resource: "arn:aws:lambda:us-east-1:111122223333:function:alice-tools",
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "VERSION",
        name: "without Version, policy variables are literal text",
        identity: [
            policyJSON(
                statementJSON(resource: #""arn:aws:lambda:us-east-1:111122223333:function:${aws:username}-*""#),
                version: nil
            )
        ],
        principal: "arn:aws:iam::111122223333:user/alice",
        resource: "arn:aws:lambda:us-east-1:111122223333:function:alice-tools",
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "VARS",
        name: "${aws:PrincipalAccount} resolves in a condition value",
        identity: [allowWhen(#"{"StringEquals":{"aws:SourceAccount":"${aws:PrincipalAccount}"}}"#)],
        context: ["aws:SourceAccount": [accountA]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "VARS",
        name: "an unresolvable variable does not match",
        identity: [allowWhen(#"{"StringEquals":{"aws:RequestTag/owner":"${aws:username}"}}"#)],
        context: ["aws:RequestTag/owner": ["${aws:username}"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "VARS",
        name: "a variable's default value applies when the key is absent",
        identity: [allowWhen(#"{"StringEquals":{"aws:RequestTag/owner":"${aws:username, 'nobody'}"}}"#)],
        context: ["aws:RequestTag/owner": ["nobody"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "VARS",
        name: "${*} is a literal asterisk, not a wildcard",
        identity: [allowWhen(#"{"StringLike":{"aws:RequestTag/name":"a${*}"}}"#)],
        context: ["aws:RequestTag/name": ["abc"]],
        expected: .implicitDeny
    ),
    EvaluationCase(
        rule: "VARS",
        name: "${*} matches a literal asterisk",
        identity: [allowWhen(#"{"StringLike":{"aws:RequestTag/name":"a${*}"}}"#)],
        context: ["aws:RequestTag/name": ["a*"]],
        expected: .allow
    ),
    EvaluationCase(
        rule: "VARS",
        name: "aws:PrincipalArn of a role session is the role ARN",
        identity: [allowWhen(#"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/db-role"}}"#)],
        principal: "arn:aws:sts::111122223333:assumed-role/db-role/s1",
        expected: .allow
    ),

    // MARK: Unsupported constructs
    EvaluationCase(
        rule: "UNSUP",
        name: "an unknown operator in an Allow never allows",
        identity: [allowWhen(#"{"StringSortOf":{"aws:SourceAccount":"111122223333"}}"#)],
        context: ["aws:SourceAccount": [accountA]],
        expected: .implicitDeny,
        expectUnsupported: true
    ),
    EvaluationCase(
        rule: "UNSUP",
        name: "an unknown operator in a Deny is treated as applying",
        identity: [
            policyJSON(
                statementJSON(),
                statementJSON("Deny", condition: #"{"StringSortOf":{"aws:SourceAccount":"1"}}"#)
            )
        ],
        expected: .explicitDeny,
        expectUnsupported: true
    ),
    EvaluationCase(
        rule: "UNSUP",
        name: "a Principal in an identity policy is reported and never allows",
        identity: [policyJSON(statementJSON(principal: #""*""#))],
        expected: .implicitDeny,
        expectUnsupported: true
    ),
    EvaluationCase(
        rule: "UNSUP",
        name: "a resource-policy statement without Principal is reported and never allows",
        resourcePolicy: policyJSON(statementJSON()),
        expected: .implicitDeny,
        expectUnsupported: true
    ),
]

@Suite("Evaluation table")
struct EvaluationTableTests {
    @Test("the table holds at least 80 cases, each citing a documented rule")
    func tableSize() {
        #expect(evaluationCases.count >= 80)
        let rules: Set<String> = [
            "EVAL", "CROSS", "PRINCIPAL", "ACTION", "NOTACTION", "RESOURCE", "NOTRES", "LQUAL", "COND", "MULTI", "KEYS",
            "VARS", "VERSION", "UNSUP",
        ]
        #expect(evaluationCases.allSatisfy { rules.contains($0.rule) })
    }

    @Test("each case gets the documented decision", arguments: evaluationCases)
    func evaluate(_ testCase: EvaluationCase) throws {
        let identity = try testCase.identity.map { try PolicyDocument(jsonString: $0) }
        let resource = try testCase.resourcePolicy.map { try PolicyDocument(jsonString: $0) }
        let request = EvaluationRequest(
            principal: testCase.principal,
            action: testCase.action,
            resource: testCase.resource,
            context: RequestContext(testCase.context)
        )
        let result = PolicyEvaluator().evaluate(request, identityPolicies: identity, resourcePolicy: resource)
        #expect(result.decision == testCase.expected)
        if result.decision == .implicitDeny {
            #expect(result.matched.isEmpty)
        } else {
            #expect(!result.matched.isEmpty)
        }
        if let sids = testCase.matchedSids {
            #expect(result.matched.map { $0.sid ?? "" } == sids)
        }
        #expect(result.unsupported.isEmpty == !testCase.expectUnsupported)
    }
}
