extension EnvelopeEncoder {
    /// Splits envelopes that are already encoded (for example read back from an outbox table) into as few payloads
    /// as fit `limit`: greedy, in order, with the same rules as ``payloads(for:limit:)``. A payload holding one
    /// envelope is that envelope's bytes unchanged; more than one make a batch envelope `{"dblambda":1,"events":[…]}`.
    ///
    /// The envelopes are not parsed: each must already be one JSON object (the caller checks that).
    ///
    /// ```swift
    /// let payloads = try EnvelopeEncoder.payloads(forEncoded: rows.map(\.envelope), limit: .event)
    /// ```
    ///
    /// - Parameters:
    ///   - envelopes: The UTF-8 bytes of each event's envelope, in order.
    ///   - limit: The payload limit of the invocation type.
    /// - Returns: The payloads; ``Payload/eventRange`` gives the positions of the envelopes each holds.
    /// - Throws: ``PayloadError/Code/eventTooLarge`` when one envelope alone exceeds `limit`.
    public static func payloads(forEncoded envelopes: [[UInt8]], limit: PayloadLimit) throws(PayloadError) -> [Payload]
    {
        let overhead = batchHead.count + batchTail.count
        var result: [Payload] = []
        var start = 0
        // The size of a batch envelope holding envelopes[start..<index].
        var runningBytes = overhead
        func flush(until end: Int) {
            guard end > start else { return }
            if end - start == 1 {
                result.append(Payload(bytes: envelopes[start], eventRange: start..<end))
            } else {
                var output: [UInt8] = []
                output.reserveCapacity(runningBytes)
                output.append(contentsOf: batchHead)
                for position in start..<end {
                    if position > start { output.append(UInt8(ascii: ",")) }
                    output.append(contentsOf: envelopes[position])
                }
                output.append(contentsOf: batchTail)
                result.append(Payload(bytes: output, eventRange: start..<end))
            }
            start = end
            runningBytes = overhead
        }
        for (index, envelope) in envelopes.enumerated() {
            guard limit.fits(envelope.count) else {
                throw PayloadError(
                    code: .eventTooLarge,
                    message: "envelope \(index) is \(envelope.count) bytes, over the \(limit.maximumBytes)-byte limit "
                        + "of one invocation"
                )
            }
            let count = index - start
            let withEvent = runningBytes + (count == 0 ? 0 : 1) + envelope.count
            // A single envelope is sent as itself (no batch wrapper), so it fits whenever it fits alone.
            if count > 0 && !limit.fits(withEvent) {
                flush(until: index)
                runningBytes = overhead + envelope.count
            } else {
                runningBytes = withEvent
            }
        }
        flush(until: envelopes.count)
        return result
    }
}
