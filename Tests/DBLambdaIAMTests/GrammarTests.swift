import DBLambdaCore
import DBLambdaIAM
import Foundation
import Testing

@Suite("Policy grammar")
struct GrammarTests {
    @Test("a single statement object and single strings round-trip in their written form")
    func singleForms() throws {
        let text =
            #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}}"#
        let document = try PolicyDocument(jsonString: text)
        #expect(document.statementIsArray == false)
        #expect(document.statements[0].action == PolicyStrings("lambda:InvokeFunction"))
        #expect(document.jsonString(pretty: false) == text)
    }

    @Test("arrays stay arrays, even with one element")
    func arrayForms() throws {
        let text =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["lambda:InvokeFunction"],"NotResource":["arn:aws:lambda:us-east-1:111122223333:function:f"]}]}"#
        let document = try PolicyDocument(jsonString: text)
        #expect(document.statementIsArray)
        #expect(document.statements[0].notAction?.isArray == true)
        #expect(document.jsonString(pretty: false) == text)
    }

    @Test("encoding uses the canonical key order whatever the input order")
    func canonicalOrder() throws {
        let text = #"""
            {"Statement":[{"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}},"Resource":"*",
            "Action":"sts:AssumeRole","Principal":{"Service":"rds.amazonaws.com"},"Effect":"Allow","Sid":"S1"}],
            "Id":"doc","Version":"2012-10-17"}
            """#
        let document = try PolicyDocument(jsonString: text)
        let expected =
            #"{"Version":"2012-10-17","Id":"doc","Statement":[{"Sid":"S1","Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}"#
        #expect(document.jsonString(pretty: false) == expected)
        #expect(try PolicyDocument(jsonString: expected).jsonString(pretty: false) == expected)
    }

    @Test("every principal form parses and round-trips")
    func principals() throws {
        let forms = [
            #""*""#,
            #"{"AWS":"*"}"#,
            #"{"AWS":"111122223333"}"#,
            #"{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::444455556666:role/r"]}"#,
            #"{"Service":"rds.amazonaws.com"}"#,
            #"{"Federated":"cognito-identity.amazonaws.com"}"#,
            #"{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}"#,
            #"{"AWS":"111122223333","Service":["lambda.amazonaws.com","rds.amazonaws.com"]}"#,
        ]
        for form in forms {
            let text =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":\#(form),"Action":"lambda:InvokeFunction","Resource":"*"}]}"#
            let document = try PolicyDocument(jsonString: text)
            #expect(document.jsonString(pretty: false) == text)
        }
        let notPrincipal =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}]}"#
        #expect(try PolicyDocument(jsonString: notPrincipal).jsonString(pretty: false) == notPrincipal)
    }

    @Test("condition values keep strings, numbers, booleans and lists")
    func conditionValues() throws {
        let text =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:max-keys":10},"StringLike":{"s3:prefix":["a/*","b/*"]}}}]}"#
        let document = try PolicyDocument(jsonString: text)
        let entries = try #require(document.statements[0].condition?.entries)
        #expect(entries.map(\.operatorName) == ["Bool", "NumericLessThan", "StringLike"])
        #expect(entries[0].values == [.bool(true)])
        #expect(entries[1].values == [.number("10")])
        #expect(entries[2].values == ["a/*", "b/*"])
        #expect(document.jsonString(pretty: false) == text)
    }

    @Test("Codable through JSONEncoder and JSONDecoder gives the same document")
    func codable() throws {
        let text =
            #"{"Version":"2012-10-17","Statement":{"Sid":"A","Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":"arn:aws:lambda:us-east-1:111122223333:function:f"}}"#
        let document = try PolicyDocument(jsonString: text)
        let encoded = try JSONEncoder().encode(document)
        let decoded = try JSONDecoder().decode(PolicyDocument.self, from: encoded)
        #expect(decoded == document)
        struct Wrapper: Codable { var policy: PolicyDocument }
        let wrapped = try JSONDecoder().decode(Wrapper.self, from: Data(#"{"policy":\#(text)}"#.utf8))
        #expect(wrapped.policy == document)
    }

    @Test("pretty output is stable and parses back")
    func pretty() throws {
        let document = try PolicyTemplates.invokePolicy(functions: [
            LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:111122223333:function:orders")
        ])
        let pretty = document.jsonString()
        #expect(pretty.hasPrefix("{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [\n"))
        #expect(try PolicyDocument(jsonString: pretty) == document)
        #expect(document.jsonData() == document.jsonData())
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        var json: String
        var code: PolicyError
        var path: String?
        var testDescription: String { json }
    }

    static let badCases: [BadCase] = [
        BadCase(json: "{", code: .invalidJSON, path: nil),
        BadCase(json: "[]", code: .invalidDocument, path: "$"),
        BadCase(json: #"{"Version":"2012-10-17"}"#, code: .invalidDocument, path: "$"),
        BadCase(json: #"{"Statement":5}"#, code: .invalidDocument, path: "$.Statement"),
        BadCase(json: #"{"Statement":[]}"#, code: .invalidDocument, path: "$.Statement"),
        BadCase(
            json: #"{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            code: .invalidDocument,
            path: "$.Version"
        ),
        BadCase(
            json: #"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Alow","Action":"*"}]}"#,
            code: .invalidDocument,
            path: "$.Statement[1].Effect"
        ),
        BadCase(
            json: #"{"Statement":[{"Action":"*","Resource":"*"}]}"#,
            code: .invalidDocument,
            path: "$.Statement[0]"
        ),
        BadCase(
            json: #"{"Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
            code: .invalidDocument,
            path: "$.Statement[0]"
        ),
        BadCase(
            json: #"{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"*"}]}"#,
            code: .invalidDocument,
            path: "$.Statement[0]"
        ),
        BadCase(
            json: #"{"Statement":[{"Effect":"Allow","Action":[1],"Resource":"*"}]}"#,
            code: .invalidDocument,
            path: "$.Statement[0].Action[0]"
        ),
        BadCase(
            json: #"{"Statement":[{"Effect":"Allow","Action":"invoke","Resource":"*"}]}"#,
            code: .invalidDocument,
            path: "$.Statement[0].Action"
        ),
        BadCase(
            json: #"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"me"}]}"#,
            code: .invalidDocument,
            path: "$.Statement[0].Principal"
        ),
        BadCase(
            json: #"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":{"Users":"x"}}]}"#,
            code: .invalidDocument,
            path: "$.Statement[0].Principal.Users"
        ),
        BadCase(
            json: #"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":"x"}}]}"#,
            code: .invalidDocument,
            path: "$.Statement[0].Condition.StringEquals"
        ),
        BadCase(
            json:
                #"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":{"a":1}}}}]}"#,
            code: .invalidDocument,
            path: "$.Statement[0].Condition.StringEquals.k"
        ),
        BadCase(
            json: #"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Extra":1}]}"#,
            code: .invalidDocument,
            path: "$.Statement[0].Extra"
        ),
    ]

    @Test("malformed documents throw a typed error naming the JSON path", arguments: badCases)
    func malformed(_ testCase: BadCase) {
        do {
            _ = try PolicyDocument(jsonString: testCase.json)
            Issue.record("expected an error")
        } catch {
            #expect(error == testCase.code)
            #expect(error.location?.jsonPath == testCase.path)
            #expect(!error.description.contains("\n"))
            if let path = testCase.path { #expect(error.description.contains(path)) }
        }
    }

    @Test("the error description carries the file when located")
    func locatedError() {
        do {
            _ = try PolicyDocument(jsonString: #"{"Statement":{"Effect":"allow","Action":"*"}}"#)
            Issue.record("expected an error")
        } catch {
            let located = error.located(at: InputLocation(file: "policy.json"))
            #expect(located.description.hasPrefix("policy.json at $.Statement.Effect: "))
            #expect(located.description.contains("\"allow\""))
        }
    }

    @Test("condition operator names parse into qualifier, base and IfExists")
    func operators() throws {
        let parsed = try #require(ConditionOperator(parsing: "ForAllValues:StringLikeIfExists"))
        #expect(parsed.qualifier == .forAllValues)
        #expect(parsed.base == .stringLike)
        #expect(parsed.ifExists)
        #expect(parsed.description == "ForAllValues:StringLikeIfExists")
        #expect(ConditionOperator(parsing: "NullIfExists") == nil)
        #expect(ConditionOperator(parsing: "stringequals") == nil)
        #expect(ConditionOperator.Base.allCases.count == 27)
        for base in ConditionOperator.Base.allCases {
            #expect(ConditionOperator(parsing: base.rawValue)?.base == base)
        }
    }
}
