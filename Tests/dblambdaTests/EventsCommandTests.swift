import Foundation
import Testing

/// Black-box tests of `dblambda events decode` against the contract in DESIGN.md: one normalized event
/// per output line, `{"operation","schema","table","old","new","changedColumns"}`, lossless values.
@Suite("dblambda events decode")
struct EventsCommandTests {
    static let fixtures = CLIRunner.repositoryRoot.appendingPathComponent("Tests/DBLambdaEventsTests/Fixtures")

    /// A fixture file as one line (the fixtures have no newlines inside strings).
    static func fixtureLine(_ name: String) throws -> String {
        let text = try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    static func decode(_ lines: [String]) async throws -> CLIRunner.Result {
        try await CLIRunner.run(["events", "decode", "--input", "-"], stdin: Data(lines.joined(separator: "\n").utf8))
    }

    static let update = #"""
        {"dblambda":1,"id":"u1","operation":"update","source":{"engine":"postgresql","database":"shop","schema":"public","table":"orders"},"transactionId":"7781","timestamp":"2026-11-27T04:27:52.123456+00:00","old":{"id":-9223372036854775808,"total":12345678901234567890.12345678901234567890,"status":"new"},"new":{"id":-9223372036854775808,"total":12345678901234567890.12345678901234567890,"status":"pa\u00efd \ud83d\ude00 a/b \"q\""},"changedColumns":["status"]}
        """#

    @Test("an envelope update prints exactly one line with the contract's fields, values digit for digit")
    func envelopeUpdate() async throws {
        let result = try await Self.decode([Self.update])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(
            result.stdoutText
                == #"{"operation":"update","schema":"public","table":"orders","old":{"id":-9223372036854775808,"total":12345678901234567890.12345678901234567890,"status":"new"},"new":{"id":-9223372036854775808,"total":12345678901234567890.12345678901234567890,"status":"païd 😀 a/b \"q\""},"changedColumns":["status"]}"#
                + "\n"
        )
    }

    @Test("a batch prints one line per event, in order; blank lines are skipped")
    func batch() async throws {
        let batch =
            #"{"dblambda":1,"events":[{"id":"a","operation":"insert","source":{"engine":"mysql","database":"shop","schema":"shop","table":"t"},"transactionId":null,"timestamp":"2026-11-27T04:27:52.123456Z","old":null,"new":{"x":1e30,"y":-0.0},"changedColumns":[]},{"id":"b","operation":"delete","source":{"engine":"mysql","database":"shop","schema":"shop","table":"t"},"transactionId":null,"timestamp":null,"old":{"x":1},"new":null,"changedColumns":[]},{"id":"c","operation":"truncate","source":{"engine":"postgresql","database":"d","schema":"s","table":"t"},"transactionId":"1","timestamp":null,"old":null,"new":null,"changedColumns":[]}]}"#
        let result = try await Self.decode(["", batch, "   ", Self.update, ""])
        #expect(result.status == 0)
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(
            lines[0]
                == #"{"operation":"insert","schema":"shop","table":"t","old":null,"new":{"x":1e30,"y":-0.0},"changedColumns":[]}"#
        )
        #expect(
            lines[1]
                == #"{"operation":"delete","schema":"shop","table":"t","old":{"x":1},"new":null,"changedColumns":[]}"#
        )
        #expect(
            lines[2] == #"{"operation":"truncate","schema":"s","table":"t","old":null,"new":null,"changedColumns":[]}"#
        )
        #expect(lines[3].hasPrefix(#"{"operation":"update","schema":"public""#))
    }

    @Test("Debezium: r is an insert, an update without before has old null, schemaless values pass through")
    func debezium() async throws {
        let result = try await Self.decode([
            try Self.fixtureLine("debezium-postgres-snapshot-read.json"),
            try Self.fixtureLine("debezium-postgres-update-no-before.json"),
            try Self.fixtureLine("debezium-postgres-update-schemaless.json"),
            try Self.fixtureLine("debezium-postgres-insert-with-schema.json"),
            try Self.fixtureLine("debezium-postgres-truncate.json"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(
            lines[0]
                == #"{"operation":"insert","schema":"inventory","table":"customers","old":null,"new":{"id":1004,"first_name":"Anne","last_name":"Kretchmar","email":"annek@noanswer.org"},"changedColumns":[]}"#
        )
        #expect(
            lines[1]
                == #"{"operation":"update","schema":"public","table":"customers","old":null,"new":{"id":1,"first_name":"Anne Marie"},"changedColumns":[]}"#
        )
        #expect(lines[2].contains(#""balance":12345678901234567890.12345678901234567890"#))
        #expect(lines[2].hasSuffix(#""changedColumns":["first_name"]}"#))
        #expect(lines[3].hasPrefix(#"{"operation":"insert","schema":"public","table":"customers","old":null,"#))
        #expect(
            lines[4]
                == #"{"operation":"truncate","schema":"public","table":"customers","old":null,"new":null,"changedColumns":[]}"#
        )
    }

    @Test("Supabase webhooks and Hasura events decode from a file given with --input")
    func supabaseAndHasura() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("payloads.jsonl")
        let names = [
            "supabase-insert.json", "supabase-update.json", "supabase-delete.json", "hasura-insert.json",
            "hasura-update.json", "hasura-delete-wrapped.json",
        ]
        try Data(try names.map(Self.fixtureLine).joined(separator: "\n").utf8).write(to: file)
        let result = try await CLIRunner.run(["events", "decode", "--input", file.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(
            lines[0].hasPrefix(#"{"operation":"insert","schema":"public","table":"profiles","old":null,"new":{"id":"#)
        )
        #expect(lines[0].contains(#""balance":9223372036854775807"#))
        #expect(lines[1].hasSuffix(#""changedColumns":["username","updated_at"]}"#))
        #expect(lines[2].contains(#""new":null"#))
        #expect(
            lines[3]
                == #"{"operation":"insert","schema":"public","table":"author","old":null,"new":{"id":1,"name":"Warren","price":10.50},"changedColumns":[]}"#
        )
        #expect(lines[4].hasSuffix(#""changedColumns":["price"]}"#))
        #expect(
            lines[5]
                == #"{"operation":"delete","schema":"public","table":"author","old":{"id":1,"name":"Warren","price":11.00},"new":null,"changedColumns":[]}"#
        )
    }

    @Test(
        "an unknown envelope or invalid JSON exits 2 with one error line and no output",
        arguments: [
            (#"{"hello":"world"}"#, "unknownEnvelope"),
            (#"{"dblambda":1,"operation":"insert""#, "invalidJSON"),
            ("not json", "invalidJSON"),
            (#"{"dblambda":2,"events":[]}"#, "unsupportedVersion"),
            (
                #"{"event":{"op":"MANUAL","data":{"old":null,"new":{}}},"table":{"schema":"s","name":"t"}}"#,
                "invalidEnvelope"
            ),
        ]
    )
    func badInput(_ line: String, _ code: String) async throws {
        let result = try await Self.decode([Self.update, line])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrLines.count == 1)
        let message = try #require(result.stderrLines.first)
        #expect(message.hasPrefix("error: input line 2: \(code)"), "\(message)")
    }

    @Test("a missing input file exits 2")
    func missingFile() async throws {
        let result = try await CLIRunner.run(["events", "decode", "--input", "/nonexistent/payloads.jsonl"])
        #expect(result.status == 2)
        #expect(result.stderrLines.first?.hasPrefix("error:") == true)
    }

    @Test("without --input the command reads standard input")
    func defaultInput() async throws {
        let result = try await CLIRunner.run(["events", "decode"], stdin: Data(Self.update.utf8))
        #expect(result.status == 0)
        #expect(result.stdoutText.hasPrefix(#"{"operation":"update""#))
    }
}
