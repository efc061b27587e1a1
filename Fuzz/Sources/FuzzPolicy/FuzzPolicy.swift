// Fuzz target: IAM policy documents (DBLambdaIAM): parsing, linting for every policy type, rendering (which must
// parse back to the same document) and evaluation of fixed requests with the document as identity and as
// resource policy.
import CFuzzDriver
import DBLambdaIAM
import Foundation
import FuzzSupport

private let account = "123456789012"
private let function = "arn:aws:lambda:us-east-1:123456789012:function:orders-sync"

/// Requests that touch every part of the evaluator: an IAM role, an assumed-role session, a user, a service
/// principal; string, ARN, IP, date, numeric, boolean and null condition keys; policy variables.
private let requests: [EvaluationRequest] = [
    EvaluationRequest(
        principal: "arn:aws:iam::\(account):role/db-role",
        action: "lambda:InvokeFunction",
        resource: function,
        context: [
            "aws:SourceArn": ["arn:aws:rds:us-east-1:\(account):db:orders"],
            "aws:SourceAccount": [account],
            "aws:SourceIp": ["10.0.1.17"],
            "aws:CurrentTime": ["2026-11-27T08:00:00Z"],
            "aws:EpochTime": ["1795766400"],
            "aws:SecureTransport": ["true"],
            "aws:MultiFactorAuthAge": ["300"],
            "aws:PrincipalTag/team": ["data"],
            "lambda:FunctionUrlAuthType": ["AWS_IAM"],
        ]
    ),
    EvaluationRequest(
        principal: "arn:aws:sts::\(account):assumed-role/db-role/session-1",
        action: "lambda:InvokeAsync",
        resource: function + ":live"
    ),
    EvaluationRequest(
        principal: "arn:aws:iam::\(account):user/alice",
        action: "lambda:GetFunction",
        resource: "arn:aws:lambda:us-east-1:\(account):function:${aws:username}",
        context: ["aws:username": ["alice"], "aws:userid": ["AIDAEXAMPLE"]]
    ),
    EvaluationRequest(
        principal: "rds.amazonaws.com",
        action: "sts:AssumeRole",
        resource: "arn:aws:iam::\(account):role/rds-lambda",
        context: ["aws:SourceAccount": [account], "aws:SourceArn": ["arn:aws:rds:us-east-1:\(account):cluster:c1"]]
    ),
    EvaluationRequest(principal: account, action: "*", resource: "*"),
]

/// One fuzz input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let json = Data(fuzzBytes(data, size))
    // One linter per input (inferred type, identity, resource, trust; chosen by the length, so a crash replays).
    let types = [nil] + PolicyLinter.PolicyType.allCases.map(Optional.some)
    let linter = PolicyLinter(policyType: types[json.count % types.count])
    if let findings = try? linter.lint(json: json) {
        for finding in findings { _ = finding.description }
    }
    let document: PolicyDocument
    do {
        document = try PolicyDocument(json: json)
    } catch {
        _ = error.description
        return 0
    }
    for finding in linter.lint(document) { _ = finding.description }
    for pretty in [false, true] {
        let rendered = document.jsonString(pretty: pretty)
        let reparsed = try? PolicyDocument(jsonString: rendered)
        fuzzCheck(reparsed == document, "a rendered policy does not parse back to the same document")
    }
    let evaluator = PolicyEvaluator()
    for request in requests {
        for result in [
            evaluator.evaluate(request, identityPolicies: [document]),
            evaluator.evaluate(request, identityPolicies: [document], resourcePolicy: document),
        ] {
            for construct in result.unsupported { _ = construct.description }
        }
    }
    return 0
}

/// The executable's entry point (SwiftPM links `main` to `<Target>_main`): runs libFuzzer's driver.
@_cdecl("FuzzPolicy_main")
public func fuzzPolicyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzPolicy)
}
