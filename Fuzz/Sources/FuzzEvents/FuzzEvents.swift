// Fuzz target: the lossless JSON reader and change-event decoding (DBLambdaEvents).
//
// Each input is parsed as one JSON document; a document that parses must serialize and parse back to the same
// value. Then every envelope reader runs on it (the package's envelope and batch, Debezium, Supabase, Hasura,
// whatever `detectFormat` says), and every decoded event is written back as an envelope, which the package's
// own reader must accept, and in the normalized form `dblambda events decode` prints.
import CFuzzDriver
import DBLambdaEvents
import Foundation
import FuzzSupport

/// A row type for the `Decodable` path of ``JSONValueDecoder``.
private struct Row: Decodable {
    var id: Int64?
    var small: Int8?
    var count: UInt32?
    var name: String?
    var price: Double?
    var ratio: Float?
    var amount: Decimal?
    var active: Bool?
    var tags: [String]?
    var created: Date?
}

/// Every way of reading dates, with and without numbers as strings.
private let decoders: [JSONValueDecoder] = [
    JSONValueDecoder.Options.DateDecoding.databaseText, .secondsSince1970, .millisecondsSince1970,
    .microsecondsSince1970,
].flatMap { dates in
    [false, true].map { JSONValueDecoder(options: .init(dateDecoding: dates, numbersAsStrings: $0)) }
}

/// One fuzz input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEvents(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let value: JSONValue
    do {
        value = try JSONParser().parse(bytes)
    } catch {
        _ = error.description
        return 0
    }

    // One of the eight decoder settings per input (chosen by its length, so a crash replays).
    let decoder = decoders[bytes.count % decoders.count]
    for sortedKeys in [false, true] {
        let text = JSONSerializer(sortedKeys: sortedKeys).serialize(value)
        let again = try? JSONParser().parse(text)
        if !sortedKeys {
            fuzzCheck(again == value, "serialize then parse changed the document")
        } else {
            fuzzCheck(again != nil, "the sorted serialization does not parse")
        }
    }

    _ = ChangeEvent.detectFormat(value)
    _ = try? ChangeEvent.decode(from: value)
    for format in ChangeEvent.Format.allCases {
        let events: [ChangeEvent]
        do {
            events = try ChangeEvent.decode(from: value, format: format)
        } catch {
            _ = error.description
            continue
        }
        for event in events {
            let envelope = JSONValue.object(event.envelope)
            let reread = try? ChangeEvent.decode(from: envelope, format: .dblambda)
            fuzzCheck(reread?.count == 1, "an event's own envelope does not decode (\(format))")
            _ = JSONSerializer().serialize(.object(event.normalized))
            _ = ChangeEvent.changedColumns(old: event.old, new: event.new)
            for row in [event.old, event.new].compactMap({ $0 }) {
                _ = try? decoder.decode(Row.self, from: .object(row))
            }
        }
    }
    _ = try? decoder.decode(Row.self, from: value)
    _ = try? decoder.decode([Row].self, from: value)
    return 0
}

/// The executable's entry point (SwiftPM links `main` to `<Target>_main`): runs libFuzzer's driver.
@_cdecl("FuzzEvents_main")
public func fuzzEventsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzEvents)
}
