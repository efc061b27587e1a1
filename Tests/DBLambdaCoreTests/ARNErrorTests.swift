import DBLambdaCore
import Testing

@Suite("ARNError and InputLocation")
struct ARNErrorTests {
    @Test("equality and hashing compare the code only")
    func equalityByCode() {
        let first = ARNError(code: .invalidRegion, message: "one")
        let second = ARNError(code: .invalidRegion, message: "two", location: InputLocation(line: 3))
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(first != ARNError.invalidAccountID)
        #expect(ARNError.Code.invalidRegion.description == "invalidRegion")
    }

    @Test("~= lets catch clauses match by code")
    func patternMatch() {
        var matched = false
        do {
            _ = try AccountID("1")
        } catch ARNError.invalidRegion {
            Issue.record("wrong code matched")
        } catch ARNError.invalidAccountID {
            matched = true
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(matched)
        struct Other: Error {}
        #expect(!(ARNError.invalidRegion ~= Other()))
    }

    @Test("every static error carries its own distinct code")
    func staticMembers() {
        let all: [ARNError] = [
            .invalidPrefix, .missingComponents, .invalidPartition, .invalidService, .wrongService, .invalidRegion,
            .invalidAccountID, .invalidResource, .wrongResourceType, .invalidFunctionName, .invalidQualifier,
            .invalidDBIdentifier, .invalidRoleName, .invalidRolePath,
        ]
        #expect(Set(all.map(\.code)).count == all.count)
        for error in all {
            #expect(!error.message.isEmpty)
        }
    }

    @Test(
        "locations print on one line in the documented forms",
        arguments: [
            (
                InputLocation(file: "file.json", line: 3, column: 7, jsonPath: "$.Statement[0].Effect"),
                "file.json:3:7 at $.Statement[0].Effect"
            ),
            (InputLocation(file: "file.json", line: 3), "file.json:3"),
            (InputLocation(file: "file.json"), "file.json"),
            (InputLocation(file: "f.json", column: 2), "f.json: column 2"),
            (InputLocation(line: 3, column: 7), "line 3, column 7"),
            (InputLocation(column: 7), "column 7"),
            (InputLocation(jsonPath: "$.Resource"), "$.Resource"),
            (InputLocation(), ""),
            (InputLocation(file: "bad\nname.json", line: 1), "bad\\nname.json:1"),
        ]
    )
    func locationDescription(location: InputLocation, expected: String) {
        #expect(location.description == expected)
        #expect(location.isEmpty == expected.isEmpty)
    }

    @Test("an error's description is prefixed by its location when one is set")
    func locatedDescription() throws {
        let error = try #require(throws: ARNError.self) { try Region("x") }
        let located = error.located(at: InputLocation(file: "p.json", line: 2, column: 5, jsonPath: "$.Region"))
        #expect(located.description == "p.json:2:5 at $.Region: " + error.message)
        #expect(located.description.hasPrefix("p.json:2:5 at $.Region: invalid region \"x\""))
        #expect(located.location?.line == 2)
        #expect(error.located(at: InputLocation()).description == error.description)
    }

    @Test("quotes, backslashes and control characters in the input never break the one-line description")
    func escaping() throws {
        let input = "arn:aws:lambda:us-east-1:123456789012:function:a\"b\\c\u{2028}"
        let error = try #require(throws: ARNError.self) { try LambdaFunctionARN(parsing: input) }
        #expect(error.code == .invalidFunctionName)
        #expect(error.description.contains("a\\\"b\\\\c\\u{2028}"))
        let control = try #require(throws: ARNError.self) { try ARN(parsing: "arn:aws:s3:::a\nb\r\t\u{1B}") }
        #expect(!control.description.contains("\n"))
        #expect(!control.description.contains("\r"))
        #expect(!control.description.contains("\u{1B}"))
        #expect(control.description.contains("\\n"))
        let custom = ARNError(code: .invalidResource, message: "two\nlines")
        #expect(custom.description == "two\\nlines")
    }

    @Test("very long inputs are cut in messages")
    func truncation() throws {
        let longName = String(repeating: "x", count: 5_000)
        let error = try #require(throws: ARNError.self) {
            try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:123456789012:function:" + longName)
        }
        #expect(error.message.contains("..."))
        #expect(error.message.count < 700)
        #expect(error.message.contains("5000 characters"))
    }
}
