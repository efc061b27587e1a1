import DBLambdaEvents
import Foundation
import Testing

@Suite("The DatabaseLambda v1 envelope")
struct EnvelopeTests {
    static let update = #"""
        {"dblambda":1,"id":"0b6f5f0e-2f5a-4a8e-9a43-6a1f0f0c2a11","operation":"update","source":{"engine":"postgresql","database":"shop","schema":"public","table":"orders"},"transactionId":"7781","timestamp":"2026-11-27T04:27:52.123456+00:00","old":{"id":1,"total":10.50,"status":"new"},"new":{"id":1,"total":10.50,"status":"paid"},"changedColumns":["status"]}
        """#

    @Test("a single event decodes with every field")
    func singleEvent() throws {
        let events = try ChangeEvent.decode(from: Self.update)
        let event = try #require(events.first)
        #expect(events.count == 1)
        #expect(event.id == "0b6f5f0e-2f5a-4a8e-9a43-6a1f0f0c2a11")
        #expect(event.operation == .update)
        #expect(event.source == .init(engine: "postgresql", database: "shop", schema: "public", table: "orders"))
        #expect(event.transactionID == "7781")
        #expect(event.timestamp == "2026-11-27T04:27:52.123456+00:00")
        #expect(event.old?["total"] == .number(try #require(JSONNumber("10.50"))))
        #expect(event.new?["status"] == "paid")
        #expect(event.changedColumns == ["status"])
        #expect(event.format == .dblambda)
        let date = try #require(event.timestampDate)
        #expect(abs(date.timeIntervalSince1970 - 1_795_753_672.123456) < 0.000_001)
    }

    @Test("encoding an event gives the documented field order and decodes back to the same event")
    func roundTrip() throws {
        let event = try #require(try ChangeEvent.decode(from: Self.update).first)
        let text = JSONValue.object(event.envelope).jsonString()
        #expect(text == Self.update)
        #expect(try ChangeEvent.decode(from: text) == [event])
    }

    @Test("a batch decodes to its events in order; inner events may repeat the version")
    func batch() throws {
        let insert =
            #"{"id":"b","operation":"insert","source":{"engine":"mysql","database":"shop","schema":"shop","table":"t"},"transactionId":null,"timestamp":"2026-11-27T04:27:52.123456Z","old":null,"new":{"a":1},"changedColumns":[]}"#
        let truncate =
            #"{"dblambda":1,"id":"c","operation":"truncate","source":{"engine":"postgresql","database":"d","schema":"s","table":"t","server":"prod-1"},"transactionId":"9","timestamp":null,"old":null,"new":null,"changedColumns":[]}"#
        let events = try ChangeEvent.decode(
            from: #"{"dblambda":1,"events":["# + Self.update + "," + insert + "," + truncate + "]}"
        )
        #expect(events.map(\.id) == ["0b6f5f0e-2f5a-4a8e-9a43-6a1f0f0c2a11", "b", "c"])
        #expect(events.map(\.operation) == [.update, .insert, .truncate])
        #expect(events[1].transactionID == nil)
        #expect(events[1].source.engine == "mysql")
        #expect(events[2].source.server == "prod-1")
        #expect(try ChangeEvent.decode(from: #"{"dblambda":1,"events":[]}"#).isEmpty)
    }

    @Test("an unknown version is unsupportedVersion, a malformed envelope names the field")
    func badEnvelopes() throws {
        #expect(throws: EventsError.unsupportedVersion) { try ChangeEvent.decode(from: #"{"dblambda":2,"events":[]}"#) }
        #expect(throws: EventsError.invalidEnvelope) { try ChangeEvent.decode(from: #"{"dblambda":"1"}"#) }
        let cases: [(String, String)] = [
            (#"{"dblambda":1,"operation":"upsert","source":{}}"#, "$.operation"),
            (#"{"dblambda":1,"operation":"insert"}"#, "$.source"),
            (#"{"dblambda":1,"operation":"insert","source":{"engine":"postgresql","schema":"s"}}"#, "$.source.table"),
            (#"{"dblambda":1,"events":{}}"#, "$.events"),
            (#"{"dblambda":1,"events":[1]}"#, "$.events[0]"),
            (
                #"{"dblambda":1,"operation":"insert","source":{"engine":"e","schema":"s","table":"t"},"new":[1]}"#,
                "$.new"
            ),
            (
                #"{"dblambda":1,"operation":"insert","source":{"engine":"e","schema":"s","table":"t"},"changedColumns":[1]}"#,
                "$.changedColumns"
            ),
        ]
        for (input, path) in cases {
            do {
                let error = try #require(caughtEventsError { _ = try ChangeEvent.decode(from: input) })
                #expect(error.code == .invalidEnvelope)
                #expect(error.message.contains(path), "\(error.message)")
            }
        }
    }

    @Test("documents that are no envelope are unknownEnvelope; invalid JSON is invalidJSON")
    func unknown() {
        for input in [#"{"x":1}"#, "[]", "1", #"{"type":"INSERT"}"#, "null"] {
            #expect(throws: EventsError.unknownEnvelope) { try ChangeEvent.decode(from: input) }
        }
        #expect(throws: EventsError.invalidJSON) { try ChangeEvent.decode(from: #"{"dblambda":1"#) }
    }

    @Test("missing changedColumns on an update is computed from old and new")
    func computedChangedColumns() throws {
        let input =
            #"{"dblambda":1,"id":"x","operation":"update","source":{"engine":"postgresql","database":"d","schema":"s","table":"t"},"old":{"a":1,"b":2,"c":3},"new":{"a":1,"b":20,"d":4}}"#
        #expect(try ChangeEvent.decode(from: input).first?.changedColumns == ["b", "d", "c"])
    }

    @Test("every JSON example in Documentation/Envelope.md decodes")
    func documentationExamples() throws {
        let url = Fixture.repositoryRoot.appendingPathComponent("Documentation/Envelope.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let blocks = text.components(separatedBy: "```json\n").dropFirst().compactMap {
            $0.components(separatedBy: "\n```").first
        }
        #expect(blocks.count >= 2)
        for block in blocks {
            let events = try ChangeEvent.decode(from: block)
            #expect(!events.isEmpty)
            for event in events {
                #expect(event.format == .dblambda)
                #expect(event.id != nil)
            }
        }
    }

    @Test("the JSON schema file parses, is draft 2020-12 and requires the documented fields")
    func schemaFile() throws {
        let url = Fixture.repositoryRoot.appendingPathComponent("Documentation/envelope-v1.schema.json")
        let schema = try JSONValue(parsing: [UInt8](try Data(contentsOf: url)))
        #expect(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema")
        let event = try #require(schema["$defs"]?["event"])
        let required = try #require(event["required"]?.arrayValue).compactMap(\.stringValue)
        #expect(Set(required) == ["id", "operation", "source", "old", "new", "changedColumns"])
        let operations = try #require(event["properties"]?["operation"]?["enum"]?.arrayValue).compactMap(\.stringValue)
        #expect(operations == ChangeEvent.Operation.allCases.map(\.rawValue))
    }
}
