import DBLambdaCore
import DBLambdaIAM
import Foundation
import Testing

@Suite("Resource limits of policy parsing")
struct ResourceLimitTests {
    private static let statement = #"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}"#

    private static func policy(statements count: Int) -> String {
        let body = Array(repeating: statement, count: count).joined(separator: ",")
        return #"{"Version":"2012-10-17","Statement":["# + body + "]}"
    }

    @Test("a policy over 128 KiB is limitExceeded from both the parser and the linter")
    func documentSize() {
        // Valid JSON, a single statement with a long resource list, just over the limit.
        let padding = String(repeating: "a", count: 128 * 1024)
        let text =
            #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::"#
            + padding + #""}}"#
        #expect {
            try PolicyDocument(jsonString: text)
        } throws: { error in
            guard let error = error as? PolicyError, error.code == .limitExceeded else { return false }
            return error.description.contains("131072")
        }
        #expect(throws: PolicyError.limitExceeded) { try PolicyLinter().lint(json: Data(text.utf8)) }
    }

    @Test("a 100 MiB document is refused at once")
    func hugeDocument() {
        let data = Data(repeating: UInt8(ascii: "["), count: 100 * 1024 * 1024)
        #expect(throws: PolicyError.limitExceeded) { try PolicyDocument(json: data) }
    }

    @Test("real-world sizes pass: AWS's 10 240-character inline policy limit and a 20 KB resource policy")
    func realWorldSizes() throws {
        // About 20 KB: 300 statements of 66 bytes.
        let large = Self.policy(statements: 300)
        #expect(large.utf8.count > 20_000)
        let document = try PolicyDocument(jsonString: large)
        #expect(document.statements.count == 300)
        #expect(throws: Never.self) { try PolicyLinter().lint(json: Data(large.utf8)) }
    }

    @Test("nesting deeper than 64 levels is limitExceeded, brackets inside strings do not count")
    func depth() throws {
        let deep = String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000)
        #expect(throws: PolicyError.limitExceeded) { try PolicyDocument(jsonString: deep) }
        let condition = String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(throws: PolicyError.limitExceeded) { try PolicyDocument(jsonString: condition) }
        // 64 levels parse as JSON (and fail the grammar, not a limit).
        let atLimit = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: PolicyError.invalidDocument) { try PolicyDocument(jsonString: atLimit) }
        // Brackets and escaped quotes inside strings are not nesting.
        let brackets = String(repeating: "[{", count: 500) + #"\"[["#
        let text =
            #"{"Version":"2012-10-17","Statement":{"Sid":"x","Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::"#
            + brackets.replacingOccurrences(of: "{", with: "_") + #""}}"#
        let document = try PolicyDocument(jsonString: text)
        #expect(document.statements.count == 1)
    }

    @Test("more than 1 000 statements is limitExceeded with the Statement path; 1 000 parse")
    func statementCount() throws {
        let atLimit = try PolicyDocument(jsonString: Self.policy(statements: 1_000))
        #expect(atLimit.statements.count == 1_000)
        #expect {
            try PolicyDocument(jsonString: Self.policy(statements: 1_001))
        } throws: { error in
            guard let error = error as? PolicyError, error.code == .limitExceeded else { return false }
            return error.location?.jsonPath == "$.Statement" && error.description.contains("1001 statements")
        }
        // Short statements: 1 500 of them fit in the size limit and still hit the count limit.
        let short = #"{"Statement":["# + Array(repeating: "{}", count: 1_500).joined(separator: ",") + "]}"
        #expect(throws: PolicyError.limitExceeded) { try PolicyLinter().lint(json: Data(short.utf8)) }
    }
}
