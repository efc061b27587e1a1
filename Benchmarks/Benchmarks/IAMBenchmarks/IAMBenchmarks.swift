import Benchmark
import DBLambdaIAM

// A realistic role: 10 identity policies with 5 statements each (50 statements), a mix of Allow and Deny, actions
// and resources with wildcards, and conditions (string, ARN, IP, date, Null, IfExists, set operators); plus a
// function resource policy. The request is the DB role invoking an alias of its function from inside the VPC.
private let account = "111122223333"

private func policy(_ index: Int) -> PolicyDocument {
    let function = "arn:aws:lambda:us-east-1:\(account):function:svc-\(index)"
    let statements: [Statement] = [
        Statement(
            sid: "Invoke\(index)",
            effect: .allow,
            action: ["lambda:InvokeFunction", "lambda:InvokeAsync"],
            resource: [function, function + ":*"],
            condition: ConditionBlock([
                ConditionEntry(operatorName: "StringEquals", key: "aws:PrincipalAccount", values: [.string(account)]),
                ConditionEntry(
                    operatorName: "IpAddress",
                    key: "aws:SourceIp",
                    values: ["10.0.0.0/8", "2001:db8::/32"]
                ),
            ])
        ),
        Statement(
            sid: "Read\(index)",
            effect: .allow,
            action: ["lambda:Get*", "lambda:List*"],
            resource: PolicyStrings("arn:aws:lambda:*:\(account):function:svc-\(index)*"),
            condition: ConditionBlock([
                ConditionEntry(operatorName: "DateLessThan", key: "aws:CurrentTime", values: ["2030-01-01T00:00:00Z"])
            ])
        ),
        Statement(
            sid: "Tags\(index)",
            effect: .allow,
            action: "lambda:TagResource",
            resource: PolicyStrings(function),
            condition: ConditionBlock([
                ConditionEntry(operatorName: "ForAllValues:StringEquals", key: "aws:TagKeys", values: ["team", "env"]),
                ConditionEntry(operatorName: "Null", key: "aws:TagKeys", values: ["false"]),
            ])
        ),
        Statement(
            sid: "DenyOutside\(index)",
            effect: .deny,
            action: "lambda:*",
            resource: "*",
            condition: ConditionBlock([
                ConditionEntry(
                    operatorName: "NotIpAddress",
                    key: "aws:SourceIp",
                    values: ["10.0.0.0/8", "2001:db8::/32"]
                ),
                ConditionEntry(operatorName: "BoolIfExists", key: "aws:ViaAWSService", values: ["false"]),
            ])
        ),
        Statement(
            sid: "DenyOtherAccounts\(index)",
            effect: .deny,
            action: "lambda:InvokeFunction",
            notResource: PolicyStrings("arn:aws:lambda:*:\(account):function:*"),
            condition: ConditionBlock([
                ConditionEntry(
                    operatorName: "ArnNotLike",
                    key: "aws:PrincipalArn",
                    values: ["arn:aws:iam::*:role/admin-*"]
                )
            ])
        ),
    ]
    return PolicyDocument(statements: statements)
}

private let identityPolicies = (0..<10).map(policy)

private let resourcePolicy = PolicyDocument(
    id: "default",
    statements: [
        Statement(
            sid: "rds-invoke",
            effect: .allow,
            principal: .aws(PolicyStrings("arn:aws:iam::\(account):role/db-lambda")),
            action: "lambda:InvokeFunction",
            resource: PolicyStrings("arn:aws:lambda:us-east-1:\(account):function:svc-7"),
            condition: ConditionBlock([
                ConditionEntry(operatorName: "StringEquals", key: "AWS:SourceAccount", values: [.string(account)])
            ])
        )
    ]
)

private let request = EvaluationRequest(
    principal: "arn:aws:sts::\(account):assumed-role/db-lambda/rds-session",
    action: "lambda:InvokeFunction",
    resource: "arn:aws:lambda:us-east-1:\(account):function:svc-7:prod",
    context: [
        "aws:SourceIp": ["10.1.2.3"],
        "aws:SourceAccount": [account],
        "aws:CurrentTime": ["2026-11-27T05:00:00Z"],
    ]
)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000
    )

    Benchmark("IAM evaluate: 10 policies, 50 statements, conditions") { benchmark in
        let evaluator = PolicyEvaluator()
        for _ in benchmark.scaledIterations {
            blackHole(evaluator.evaluate(request, identityPolicies: identityPolicies, resourcePolicy: resourcePolicy))
        }
    }

    Benchmark("IAM parse: 10 policies") { benchmark in
        let texts = identityPolicies.map { $0.jsonString(pretty: false) }
        for _ in benchmark.scaledIterations {
            for text in texts { blackHole(try? PolicyDocument(jsonString: text)) }
        }
    }
}
