public import DBLambdaEvents

/// Encodes `ChangeEvent`s into version 1 envelopes (`Documentation/Envelope.md`) and splits
/// batches into as few invocation payloads as fit a ``PayloadLimit``.
///
/// ```swift
/// let payloads = try EnvelopeEncoder.payloads(for: events, limit: .event)
/// for payload in payloads { try await lambda.invoke(function, payload: payload.bytes, type: .event) }
/// ```
public enum EnvelopeEncoder: Sendable {
    /// The UTF-8 bytes of one event's envelope (the event object itself, not a batch of one).
    public static func encode(_ event: ChangeEvent) -> [UInt8] {
        JSONSerializer().serialize(.object(event.envelope))
    }

    /// The UTF-8 bytes of a batch envelope `{"dblambda":1,"events":[…]}` holding `events` in order.
    public static func encode(batch events: [ChangeEvent]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64 + events.count * 256)
        output.append(contentsOf: batchHead)
        let serializer = JSONSerializer()
        for (index, event) in events.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            serializer.write(event.envelope, into: &output)
        }
        output.append(contentsOf: batchTail)
        return output
    }

    static let batchHead: [UInt8] = Array(#"{"dblambda":1,"events":["#.utf8)
    static let batchTail: [UInt8] = Array("]}".utf8)

    /// The size in bytes of a batch envelope holding events whose single envelopes have these sizes.
    public static func batchSize(eventSizes: [Int]) -> Int {
        batchHead.count + batchTail.count + eventSizes.reduce(0, +) + max(0, eventSizes.count - 1)
    }

    /// Splits `events` into as few payloads as fit `limit`: greedy, in order (event order is preserved
    /// within and across payloads). A payload holding one event is that event's envelope; more than one
    /// make a batch envelope.
    ///
    /// - Throws: ``PayloadError/Code/eventTooLarge`` when one event's envelope alone exceeds `limit`.
    public static func payloads(for events: [ChangeEvent], limit: PayloadLimit) throws(PayloadError) -> [Payload] {
        let encoded = events.map(encode)
        // The same check `payloads(forEncoded:limit:)` makes, here with the event's id and table in the message.
        for (index, envelope) in encoded.enumerated() where !limit.fits(envelope.count) {
            throw PayloadError(
                code: .eventTooLarge,
                message: "event \(index)\(events[index].id.map { " (id \($0))" } ?? "") on "
                    + "\(events[index].source.schema).\(events[index].source.table) is \(envelope.count) bytes, over the "
                    + "\(limit.maximumBytes)-byte limit of one invocation; select fewer columns "
                    + "(leave large columns out of the trigger), use RequestResponse (6 MB) instead of Event (1 MB), "
                    + "or use the outbox mode to send a reference instead of the row"
            )
        }
        return try payloads(forEncoded: encoded, limit: limit)
    }

    /// One invocation payload: the envelope bytes and which of the input events it holds.
    public struct Payload: Sendable, Hashable {
        /// The envelope's UTF-8 bytes.
        public var bytes: [UInt8]
        /// The positions of the events it holds in the input array.
        public var eventRange: Range<Int>

        /// Creates a payload.
        public init(bytes: [UInt8], eventRange: Range<Int>) {
            self.bytes = bytes
            self.eventRange = eventRange
        }
    }
}
