import DBLambdaEvents
import DBLambdaPayload
import Testing

/// An event whose single envelope is exactly `size` bytes (padding a string column).
private func event(_ index: Int, size: Int) throws -> ChangeEvent {
    var event = ChangeEvent(
        id: "e\(index)",
        operation: .insert,
        source: .init(engine: "postgresql", database: "d", schema: "s", table: "t"),
        new: ["pad": ""]
    )
    let base = EnvelopeEncoder.encode(event).count
    try #require(size >= base)
    event.new = ["pad": .string(String(repeating: "x", count: size - base))]
    try #require(EnvelopeEncoder.encode(event).count == size)
    return event
}

@Suite("Payload limits")
struct PayloadLimitTests {
    @Test("the documented limits per invocation type")
    func limits() {
        #expect(PayloadLimit.requestResponse.maximumBytes == 6_291_456)
        #expect(PayloadLimit.event.maximumBytes == 1_048_576)
        #expect(PayloadLimit(invocationType: "RequestResponse") == .requestResponse)
        #expect(PayloadLimit(invocationType: "DryRun") == .requestResponse)
        #expect(PayloadLimit(invocationType: "Event") == .event)
        #expect(PayloadLimit(invocationType: "event") == nil)
        #expect(PayloadLimit.event.fits(1_048_576))
        #expect(!PayloadLimit.event.fits(1_048_577))
    }
}

@Suite("Encoding envelopes and splitting batches")
struct EnvelopeEncoderTests {
    @Test("a single event encodes as the event object and decodes back")
    func single() throws {
        let original = try event(1, size: 300)
        let bytes = EnvelopeEncoder.encode(original)
        #expect(bytes.first == UInt8(ascii: "{"))
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix(#"{"dblambda":1,"id":"e1","operation":"insert","#))
        #expect(try ChangeEvent.decode(from: bytes) == [original])
    }

    @Test("a batch encodes in order, its size is predictable, and it decodes back")
    func batch() throws {
        let events = try (0..<3).map { try event($0, size: 300 + $0) }
        let bytes = EnvelopeEncoder.encode(batch: events)
        #expect(bytes.count == EnvelopeEncoder.batchSize(eventSizes: [300, 301, 302]))
        #expect(bytes.count == 24 + 903 + 2 + 2)
        #expect(try ChangeEvent.decode(from: bytes) == events)
    }

    @Test("a batch that is exactly the limit fits in one payload; one byte less splits it")
    func exactBoundary() throws {
        let events = try (0..<4).map { try event($0, size: 250) }
        let size = EnvelopeEncoder.batchSize(eventSizes: [250, 250, 250, 250])
        let one = try EnvelopeEncoder.payloads(for: events, limit: PayloadLimit(maximumBytes: size))
        #expect(one.count == 1)
        #expect(one[0].bytes.count == size)
        #expect(one[0].eventRange == 0..<4)
        let two = try EnvelopeEncoder.payloads(for: events, limit: PayloadLimit(maximumBytes: size - 1))
        #expect(two.map(\.eventRange) == [0..<3, 3..<4])
        // The last payload holds one event: the event object itself, not a batch of one.
        #expect(two[1].bytes == EnvelopeEncoder.encode(events[3]))
        var decoded: [ChangeEvent] = []
        for payload in two {
            #expect(payload.bytes.count <= size - 1)
            decoded += try ChangeEvent.decode(from: payload.bytes)
        }
        #expect(decoded == events)
    }

    @Test("splitting is greedy, in order, and every payload fits")
    func greedy() throws {
        let sizes = [1500, 300, 1200, 900, 900, 2700, 250, 250]
        let events = try sizes.enumerated().map { try event($0.offset, size: $0.element) }
        let limit = PayloadLimit(maximumBytes: 3000)
        let payloads = try EnvelopeEncoder.payloads(for: events, limit: limit)
        #expect(payloads.map(\.eventRange) == [0..<2, 2..<4, 4..<5, 5..<7, 7..<8])
        for payload in payloads {
            #expect(limit.fits(payload.bytes.count))
        }
        #expect(try payloads.flatMap { try ChangeEvent.decode(from: $0.bytes) } == events)
        #expect(try EnvelopeEncoder.payloads(for: [], limit: limit).isEmpty)
    }

    @Test("an event exactly at the limit fits alone; one byte over is eventTooLarge with advice")
    func tooLarge() throws {
        let fits = try event(0, size: 1000)
        #expect(try EnvelopeEncoder.payloads(for: [fits], limit: PayloadLimit(maximumBytes: 1000)).count == 1)
        let big = try event(7, size: 1001)
        #expect(throws: PayloadError.eventTooLarge) {
            try EnvelopeEncoder.payloads(for: [fits, big], limit: PayloadLimit(maximumBytes: 1000))
        }
        do {
            _ = try EnvelopeEncoder.payloads(for: [big], limit: PayloadLimit(maximumBytes: 1000))
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("1001 bytes"))
            #expect(error.message.contains("id e7"))
            #expect(error.message.contains("fewer columns"))
            #expect(error.message.contains("outbox"))
            #expect(error.description.hasPrefix("eventTooLarge: "))
        }
    }

    @Test("real limits: 1 MB Event and 6 MB RequestResponse")
    func realLimits() throws {
        let events = try (0..<7).map { try event($0, size: 1_000_000) }
        #expect(try EnvelopeEncoder.payloads(for: events, limit: .event).count == 7)
        #expect(try EnvelopeEncoder.payloads(for: events, limit: .requestResponse).map(\.eventRange) == [0..<6, 6..<7])
    }
}
