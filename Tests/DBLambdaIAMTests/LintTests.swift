import DBLambdaIAM
import Foundation
import Testing

struct LintCase: Sendable, CustomTestStringConvertible {
    var name: String
    var json: String
    var type: PolicyLinter.PolicyType?
    var expected: [String]  // "severity ISSUE_CODE path"
    var testDescription: String { name }
}

let fn = "arn:aws:lambda:us-east-1:111122223333:function:orders"

let lintCases: [LintCase] = [
    LintCase(
        name: "a least-privilege invoke policy has no findings",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Sid":"Invoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["\#(fn)","\#(fn):*"]}]}"#,
        expected: []
    ),
    LintCase(
        name: "a misspelt Effect is an error with a suggestion",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Alow","Action":"lambda:InvokeFunction","Resource":"\#(fn)"}]}"#,
        expected: ["error INVALID_EFFECT $.Statement[0].Effect"]
    ),
    LintCase(
        name: "an unknown lambda action is an error",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunctions"],"Resource":"\#(fn)"}]}"#,
        expected: ["error UNKNOWN_ACTION $.Statement[0].Action[0]"]
    ),
    LintCase(
        name: "a lambda wildcard that matches nothing is an error",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:Frobnicate*","Resource":"\#(fn)"}]}"#,
        expected: ["error UNKNOWN_ACTION $.Statement[0].Action"]
    ),
    LintCase(
        name: "Action * with Allow is a security warning",
        json: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"\#(fn)"}]}"#,
        expected: ["securityWarning ALLOW_ALL_ACTIONS $.Statement[0].Action"]
    ),
    LintCase(
        name: "lambda:* and Resource * are warnings",
        json: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"}]}"#,
        expected: [
            "warning SERVICE_WILDCARD_ACTION $.Statement[0].Action",
            "warning WILDCARD_RESOURCE $.Statement[0].Resource",
        ]
    ),
    LintCase(
        name: "a list action on * needs no resource warning",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:ListFunctions","Resource":"*"}]}"#,
        expected: []
    ),
    LintCase(
        name: "InvokeFunction on a layer ARN is a resource-type mismatch",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:layer:shared:3"}]}"#,
        expected: ["warning RESOURCE_TYPE_MISMATCH $.Statement[0].Action"]
    ),
    LintCase(
        name: "ListFunctions on a function ARN is a mismatch (it supports only *)",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:ListFunctions","Resource":"\#(fn)"}]}"#,
        expected: ["warning RESOURCE_TYPE_MISMATCH $.Statement[0].Action"]
    ),
    LintCase(
        name: "a service principal without source conditions is a confused-deputy security warning",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        expected: ["securityWarning CONFUSED_DEPUTY $.Statement[0].Principal"]
    ),
    LintCase(
        name: "a service principal with aws:SourceArn is fine",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:rds:us-east-1:111122223333:db:main"}}}]}"#,
        expected: []
    ),
    LintCase(
        name: "duplicate Sids are an error on the second one",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"\#(fn)"},{"Sid":"A","Effect":"Deny","Action":"lambda:InvokeFunction","Resource":"\#(fn):1"}]}"#,
        expected: ["error DUPLICATE_SID $.Statement[1].Sid"]
    ),
    LintCase(
        name: "a Sid with punctuation is an error in an IAM policy",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Sid":"allow-invoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"\#(fn)"}]}"#,
        expected: ["error INVALID_SID $.Statement[0].Sid"]
    ),
    LintCase(
        name: "a Principal in a declared identity policy is an error",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"lambda:InvokeFunction","Resource":"\#(fn)"}]}"#,
        type: .identity,
        expected: ["error PRINCIPAL_IN_IDENTITY_POLICY $.Statement[0]"]
    ),
    LintCase(
        name: "mixing statements with and without Principal is an error",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"lambda:InvokeFunction","Resource":"\#(fn)"},{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"\#(fn)"}]}"#,
        expected: ["error MIXED_PRINCIPAL $.Statement[1]"]
    ),
    LintCase(
        name: "a missing Version is only a suggestion",
        json: #"{"Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"\#(fn)"}]}"#,
        expected: ["suggestion MISSING_VERSION $"]
    ),
    LintCase(
        name: "Version 2008-10-17 is a suggestion; its policy variables a warning",
        json:
            #"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:${aws:username}"}]}"#,
        expected: ["warning POLICY_VARIABLE_NOT_RESOLVED $.Version", "suggestion LEGACY_VERSION $.Version"]
    ),
    LintCase(
        name: "Principal * without a condition is a public-access security warning",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Sid":"p","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"\#(fn)"}]}"#,
        expected: ["securityWarning PUBLIC_ACCESS $.Statement[0].Principal"]
    ),
    LintCase(
        name: "an unknown condition operator is an error with a suggestion",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"\#(fn)","Condition":{"stringEquals":{"aws:SourceAccount":"111122223333"}}}]}"#,
        expected: ["error INVALID_CONDITION_OPERATOR $.Statement[0].Condition.stringEquals"]
    ),
    LintCase(
        name: "malformed typed condition values are errors",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"\#(fn)","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"},"Bool":{"aws:SecureTransport":"yes"},"DateLessThan":{"aws:CurrentTime":"soon"}}}]}"#,
        expected: [
            "error INVALID_CONDITION_VALUE $.Statement[0].Condition.Bool.aws:SecureTransport",
            "error INVALID_CONDITION_VALUE $.Statement[0].Condition.DateLessThan.aws:CurrentTime",
            "error INVALID_CONDITION_VALUE $.Statement[0].Condition.IpAddress.aws:SourceIp",
        ]
    ),
    LintCase(
        name: "a set operator on a single-valued key is a warning",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"lambda:InvokeFunction","Resource":"\#(fn)","Condition":{"ForAnyValue:StringEquals":{"aws:SourceAccount":"111122223333"}}}]}"#,
        expected: [
            "warning SET_OPERATOR_ON_SINGLE_VALUED_KEY $.Statement[0].Condition.ForAnyValue:StringEquals.aws:SourceAccount"
        ]
    ),
    LintCase(
        name: "ForAllValues with Allow is a security warning",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:TagResource","Resource":"\#(fn)","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}]}"#,
        expected: [
            "securityWarning FOR_ALL_VALUES_WITH_ALLOW $.Statement[0].Condition.ForAllValues:StringEquals.aws:TagKeys"
        ]
    ),
    LintCase(
        name: "Allow with NotAction and NotResource are warnings",
        json: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","NotResource":"\#(fn)"}]}"#,
        expected: [
            "warning ALLOW_WITH_NOT_ACTION $.Statement[0].NotAction",
            "warning ALLOW_WITH_NOT_RESOURCE $.Statement[0].NotResource",
        ]
    ),
    LintCase(
        name: "a partial wildcard in a principal ARN is an error",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/db-*"},"Action":"lambda:InvokeFunction","Resource":"\#(fn)"}]}"#,
        expected: ["error INVALID_PRINCIPAL_WILDCARD $.Statement[0].Principal.AWS"]
    ),
    LintCase(
        name: "SourceArn and SourceAccount naming different accounts is a warning",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:rds:us-east-1:999988887777:db:main"},"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}"#,
        expected: ["warning SOURCE_ACCOUNT_MISMATCH $.Statement[0].Condition"]
    ),
    LintCase(
        name: "an identity statement without Resource is an error",
        json: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction"}]}"#,
        expected: ["error MISSING_RESOURCE $.Statement[0]"]
    ),
    LintCase(
        name: "a resource that is not an ARN is an error",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"orders"}]}"#,
        expected: ["error INVALID_RESOURCE $.Statement[0].Resource"]
    ),
    LintCase(
        name: "a Lambda resource-policy Sid may use - and _",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Sid":"rds-invoke_1","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/r"},"Action":"lambda:InvokeFunction","Resource":"\#(fn)"}]}"#,
        expected: []
    ),
    LintCase(
        name: "grammar errors in valid JSON are findings",
        json:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"\#(fn)","Actions":"x"}]}"#,
        expected: ["error UNKNOWN_ELEMENT $.Statement[0].Actions"]
    ),
    LintCase(
        name: "a missing Statement is an error",
        json: #"{"Version":"2012-10-17"}"#,
        expected: ["error MISSING_STATEMENT $"]
    ),
]

@Suite("Linter")
struct LintTests {
    @Test("each lint case yields exactly the expected findings", arguments: lintCases)
    func lint(_ testCase: LintCase) throws {
        let findings = try PolicyLinter(policyType: testCase.type).lint(json: Data(testCase.json.utf8))
        let actual = findings.map { "\($0.severity.rawValue) \($0.issueCode) \($0.path)" }
        #expect(actual == testCase.expected, "\(findings)")
    }

    @Test("unparsable JSON throws instead of producing findings")
    func unparsable() {
        #expect(throws: PolicyError.invalidJSON) { try PolicyLinter().lint(json: Data("{".utf8)) }
    }

    @Test("size limits per policy type, whitespace not counted")
    func sizeLimits() throws {
        func policy(statements: Int, principal: Bool) -> String {
            let one =
                principal
                ? #"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/r"},"Action":"lambda:InvokeFunction","Resource":"\#(fn)"}"#
                : #"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"\#(fn)"}"#
            return
                #"{"Version":"2012-10-17","Statement":[\#(Array(repeating: one, count: statements).joined(separator: ","))]}"#
        }
        func codes(_ json: String, _ type: PolicyLinter.PolicyType? = nil) throws -> [String] {
            try PolicyLinter(policyType: type).lint(json: Data(json.utf8)).map(\.issueCode)
        }
        #expect(try codes(policy(statements: 50, principal: false)).isEmpty)
        #expect(try codes(policy(statements: 70, principal: false)) == ["POLICY_SIZE_EXCEEDS_MANAGED_LIMIT"])
        #expect(try codes(policy(statements: 100, principal: false)) == ["POLICY_SIZE_EXCEEDED"])
        #expect(try codes(policy(statements: 100, principal: true)).isEmpty)
        #expect(try codes(policy(statements: 150, principal: true)) == ["POLICY_SIZE_EXCEEDED"])
        let padded = policy(statements: 50, principal: false).replacingOccurrences(of: ",", with: " ,   ")
        #expect(try codes(padded).isEmpty)
    }

    @Test("the generated documents lint clean")
    func generatedClean() throws {
        let trust = try PolicyTemplates.rdsTrustPolicy(databases: [
            RDSDatabaseARN(parsing: "arn:aws:rds:us-east-1:111122223333:db:main")
        ])
        #expect(PolicyLinter().lint(trust).isEmpty)
        #expect(PolicyLinter(policyType: .trust).lint(trust).isEmpty)
    }

    @Test("the shipped Lambda action list holds the integration's actions and no duplicates")
    func actionList() {
        #expect(LambdaActions.all.count >= 80)
        #expect(Set(LambdaActions.all.map { $0.lowercased() }).count == LambdaActions.all.count)
        #expect(LambdaActions.canonicalName("invokefunction") == "InvokeFunction")
        #expect(LambdaActions.resourceTypes["InvokeFunction"] == [.function])
        #expect(LambdaActions.resourceTypes["ListFunctions"] == [])
        #expect(LambdaActions.canonicalName("Invoke") == nil)
    }
}
