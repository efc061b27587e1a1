import DBLambdaEvents
import Testing

@Suite("Resource limits of the event reader")
struct ResourceLimitTests {
    @Test("a document one byte over 16 MiB is refused as documentTooLarge before parsing; 16 MiB exactly parses")
    func documentSize() throws {
        let limit = JSONParser.Options.defaultMaximumDocumentBytes
        #expect(limit == 16 * 1024 * 1024)
        // A JSON string of exactly `limit` bytes: quotes plus filler.
        var exact = [UInt8](repeating: UInt8(ascii: "a"), count: limit)
        exact[0] = UInt8(ascii: "\"")
        exact[limit - 1] = UInt8(ascii: "\"")
        let value = try JSONValue(parsing: exact)
        #expect(value.stringValue?.utf8.count == limit - 2)
        // One more byte (whitespace, which would otherwise be valid) is over the limit.
        let over = exact + [UInt8(ascii: " ")]
        #expect(throws: EventsError.documentTooLarge) { try JSONValue(parsing: over) }
        #expect(throws: EventsError.documentTooLarge) { try ChangeEvent.decode(from: over) }
    }

    @Test("a 100 MiB document of nested brackets is refused at once, without reading it")
    func hugeDocument() {
        // A lazy collection: 100 MiB of "[" that is never materialised, because the size check comes before
        // the copy the parser makes of non-contiguous input.
        let size = 100 * 1024 * 1024
        let lazy = repeatElement(UInt8(ascii: "["), count: size)
        #expect {
            try JSONValue(parsing: lazy)
        } throws: { error in
            guard let error = error as? EventsError, error.code == .documentTooLarge else { return false }
            return error.description.contains("\(size) bytes") && error.description.contains("16777216")
        }
        // The same size as contiguous bytes.
        let contiguous = [UInt8](repeating: UInt8(ascii: "["), count: size)
        #expect(throws: EventsError.documentTooLarge) { try ChangeEvent.decode(from: contiguous) }
    }

    @Test("a string as big as the limit allows is decoded into an envelope field without trouble")
    func bigStringField() throws {
        let filler = String(repeating: "x", count: 8 * 1024 * 1024)
        let json =
            #"{"dblambda":1,"operation":"insert","#
            + #""source":{"engine":"postgresql","schema":"s","table":"t"},"#
            + #""new":{"blob":""# + filler + #""}}"#
        let events = try ChangeEvent.decode(from: json)
        #expect(events.count == 1)
        #expect(events[0].new?["blob"]?.stringValue?.count == filler.count)
    }

    @Test("one million nested arrays or objects stop at depth 513 with nestingTooDeep and a JSON path")
    func deepNesting() {
        let arrays = String(repeating: "[", count: 1_000_000)
        #expect {
            try JSONValue(parsing: arrays)
        } throws: { error in
            guard let error = error as? EventsError, error.code == .nestingTooDeep else { return false }
            return error.location?.offset == 512
        }
        let objects = String(repeating: #"{"k":"#, count: 200_000)
        #expect(throws: EventsError.nestingTooDeep) { try ChangeEvent.decode(from: objects) }
    }

    @Test("a custom document limit applies to both entry points")
    func customLimit() {
        let parser = JSONParser(options: .init(maximumDocumentBytes: 4))
        #expect(throws: EventsError.documentTooLarge) { try parser.parse("12345") }
        #expect(throws: EventsError.documentTooLarge) { try parser.parse(Array("[1,2]".utf8)) }
        #expect(throws: Never.self) { try parser.parse("1234") }
    }
}
