// Loads an integration config, plans it offline, prints the checklist, the network verdict and the warnings (or
// one full rendering), then unit-tests the generated IAM documents with the local policy evaluator: the role may
// invoke exactly the function ARN the triggers call, and RDS may assume the role only for this database.
//
//   swift run --package-path Examples PlanIntegration Examples/aurora-mysql/dblambda.yaml
//   swift run --package-path Examples PlanIntegration Examples/rds-postgresql/dblambda.yaml terraform
//
// Nothing is sent anywhere: no AWS account, credentials or database are needed.
import DatabaseLambda
import Foundation

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(status)
}

let arguments = Array(CommandLine.arguments.dropFirst())
let path = arguments.first ?? "Examples/rds-postgresql/dblambda.yaml"
var format: PlanFormat?
if arguments.count > 1 {
    guard let chosen = PlanFormat(rawValue: arguments[1]) else {
        let known = PlanFormat.allCases.map(\.rawValue).joined(separator: ", ")
        fail("unknown format \"\(arguments[1])\" (expected one of \(known))", status: 2)
    }
    format = chosen
}

// 1. Load and plan: offline and deterministic.
let integration: Integration
do {
    integration = try Integration.load(contentsOf: path)
} catch {
    fail(error.description, status: 2)
}
let plan: IntegrationPlan
do {
    plan = try integration.plan()
} catch {
    fail(error.description, status: 2)
}

if let format {
    print(plan.render(format), terminator: "")
    exit(0)
}

print("Integration \(plan.name): \(plan.database.arn) -> \(integration.invokedFunctionARN)")
print("Role: \(plan.roleARN)")
for item in plan.checklist {
    print("  [\(item.status.rawValue)] \(item.step.title)")
}
if let network = plan.network {
    print("Network: \(network.verdict.rawValue) via \(network.route?.rawValue ?? "no route")")
    for blocker in network.blockers {
        print("  blocker \(blocker.code) on \(blocker.component): \(blocker.fix)")
    }
}
for warning in plan.warnings {
    print("Warning \(warning.code): \(warning.message)")
}
for table in plan.tables {
    print("SQL for \(table.table) (\(table.dialect)): \(table.sql.split(separator: "\n").count) lines")
}

// 2. Unit-test the documents, as a test target would with #expect.
let evaluator = PolicyEvaluator()
let role = plan.roleARN.description
let invoked = integration.invokedFunctionARN
let mayInvoke = evaluator.evaluate(
    EvaluationRequest(principal: role, action: "lambda:InvokeFunction", resource: invoked.description),
    identityPolicies: [plan.invokePolicy]
)
let otherFunction =
    "arn:\(invoked.partition):lambda:\(invoked.region):\(invoked.accountID):function:some-other-function"
let mayInvokeOther = evaluator.evaluate(
    EvaluationRequest(principal: role, action: "lambda:InvokeFunction", resource: otherFunction),
    identityPolicies: [plan.invokePolicy]
)
let databaseARN = plan.database.arn.description
let account = plan.roleARN.accountID.description
let rdsForUs = evaluator.evaluate(
    EvaluationRequest(
        principal: "rds.amazonaws.com",
        action: "sts:AssumeRole",
        resource: role,
        context: ["aws:SourceArn": [databaseARN], "aws:SourceAccount": [account]]
    ),
    identityPolicies: [],
    resourcePolicy: plan.trustPolicy
)
let rdsForSomeoneElse = evaluator.evaluate(
    EvaluationRequest(
        principal: "rds.amazonaws.com",
        action: "sts:AssumeRole",
        resource: role,
        context: [
            "aws:SourceArn": ["arn:aws:rds:us-east-1:999999999999:db:not-ours"], "aws:SourceAccount": ["999999999999"],
        ]
    ),
    identityPolicies: [],
    resourcePolicy: plan.trustPolicy
)
var checks: [(String, Bool)] = [
    ("the role may invoke \(invoked)", mayInvoke.isAllowed),
    ("the role may not invoke another function", !mayInvokeOther.isAllowed),
]
if plan.trustPolicy != nil {
    // Direct delivery: RDS assumes the role. (Outbox delivery has no trust policy: the relay invokes with its
    // own role, and RDS must not be able to assume anything.)
    checks += [
        ("RDS may assume the role for \(databaseARN)", rdsForUs.isAllowed),
        ("RDS may not assume the role for another account's database", !rdsForSomeoneElse.isAllowed),
    ]
} else {
    checks.append(("RDS may not assume the relay's role", !rdsForUs.isAllowed))
}
for (name, passed) in checks {
    print("\(passed ? "ok  " : "FAIL") \(name)")
}
exit(checks.allSatisfy(\.1) ? 0 : 1)
