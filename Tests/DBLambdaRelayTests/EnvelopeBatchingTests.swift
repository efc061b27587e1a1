import DatabaseLambda
import Testing

@Suite("EnvelopeEncoder.payloads(forEncoded:limit:): grouping raw envelopes")
struct EnvelopeBatchingTests {
    static func envelope(_ index: Int, padding: Int = 0) -> [UInt8] {
        bytes(#"{"id":"e\#(index)","pad":"\#(String(repeating: "x", count: padding))"}"#)
    }

    @Test("one envelope is sent as itself; several become one batch envelope in order")
    func grouping() throws {
        let single = try EnvelopeEncoder.payloads(forEncoded: [Self.envelope(1)], limit: .event)
        #expect(single == [EnvelopeEncoder.Payload(bytes: Self.envelope(1), eventRange: 0..<1)])
        let three = try EnvelopeEncoder.payloads(forEncoded: (1...3).map { Self.envelope($0) }, limit: .event)
        #expect(three.count == 1)
        #expect(
            String(decoding: three[0].bytes, as: UTF8.self)
                == #"{"dblambda":1,"events":[{"id":"e1","pad":""},{"id":"e2","pad":""},{"id":"e3","pad":""}]}"#
        )
        #expect(three[0].eventRange == 0..<3)
        #expect(try EnvelopeEncoder.payloads(forEncoded: [], limit: .event).isEmpty)
    }

    @Test("greedy split: every payload fits the limit, order is kept, and the sizes match the batch formula")
    func split() throws {
        let envelopes = (0..<10).map { Self.envelope($0, padding: 20) }
        let limit = PayloadLimit(maximumBytes: 120)
        let payloads = try EnvelopeEncoder.payloads(forEncoded: envelopes, limit: limit)
        #expect(payloads.allSatisfy { limit.fits($0.bytes.count) })
        #expect(payloads.flatMap { Array($0.eventRange) } == Array(0..<10))
        for payload in payloads where payload.eventRange.count > 1 {
            let sizes = payload.eventRange.map { envelopes[$0].count }
            #expect(payload.bytes.count == EnvelopeEncoder.batchSize(eventSizes: sizes))
        }
        // Each payload is as full as it can be: the next envelope would not have fitted.
        for (payload, next) in zip(payloads, payloads.dropFirst()) {
            let sizes = (payload.eventRange.lowerBound...next.eventRange.lowerBound).map { envelopes[$0].count }
            #expect(!limit.fits(EnvelopeEncoder.batchSize(eventSizes: sizes)))
        }
    }

    @Test("an envelope larger than the limit on its own is an eventTooLarge error")
    func tooLarge() {
        #expect(throws: PayloadError.eventTooLarge) {
            try EnvelopeEncoder.payloads(
                forEncoded: [Self.envelope(1), Self.envelope(2, padding: 200)],
                limit: PayloadLimit(maximumBytes: 100)
            )
        }
    }
}
