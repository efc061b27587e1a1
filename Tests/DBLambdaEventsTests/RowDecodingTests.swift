import DBLambdaEvents
import Foundation
import Testing

@Suite("Decoding rows into Decodable types")
struct RowDecodingTests {
    enum Status: String, Decodable { case new, paid }

    struct Order: Decodable, Equatable {
        var id: Int64
        var big: UInt64
        var total: Decimal
        var ratio: Double
        var status: Status
        var note: String?
        var tags: [String]
        var matrix: [[Int]]
        var payload: JSONValue
        var created: Date
        var blob: Data
        var active: Bool
    }

    static let row = #"""
        {"id":-9223372036854775808,"big":18446744073709551615,"total":12345.678900,"ratio":0.1,"status":"paid","note":null,
        "tags":["a","b"],"matrix":[[1,2],[3]],"payload":{"z":1,"a":[1.50,{"k":null}]},
        "created":"2026-11-27 04:27:52.123456","blob":"\\x00ff10","active":true}
        """#

    @Test("a row with every supported conversion decodes exactly")
    func fullRow() throws {
        let order = try JSONValue(parsing: Self.row).decode(Order.self)
        #expect(order.id == Int64.min)
        #expect(order.big == UInt64.max)
        #expect(order.total == Decimal(string: "12345.6789"))
        #expect(order.ratio == 0.1)
        #expect(order.status == .paid)
        #expect(order.note == nil)
        #expect(order.tags == ["a", "b"])
        #expect(order.matrix == [[1, 2], [3]])
        #expect(order.payload.jsonString() == #"{"z":1,"a":[1.50,{"k":null}]}"#)
        #expect(abs(order.created.timeIntervalSince1970 - 1_795_753_672.123456) < 0.000_001)
        #expect(order.blob == Data([0x00, 0xFF, 0x10]))
        #expect(order.active)
    }

    struct Ints: Decodable {
        var value: Int64
    }

    struct UInts: Decodable {
        var value: UInt64
    }

    struct Small: Decodable {
        var value: Int8
    }

    @Test("integers are exact: overflow and fractions are errors naming the column, never rounding")
    func integerConversions() throws {
        #expect(try JSONValue.parse(#"{"value":9223372036854775807}"#).decode(Ints.self).value == Int64.max)
        #expect(try JSONValue.parse(#"{"value":"-42"}"#).decode(Ints.self).value == -42)
        #expect(try JSONValue.parse(#"{"value":5.00}"#).decode(Ints.self).value == 5)
        #expect(try JSONValue.parse(#"{"value":1e3}"#).decode(Ints.self).value == 1000)
        for bad in ["9223372036854775808", "1e30", "1.5", "-0.5", "\"x\"", "true", "[]"] {
            do {
                let error = try #require(
                    caughtEventsError { _ = try JSONValue.parse(#"{"value":\#(bad)}"#).decode(Ints.self) }
                )
                #expect(error.code == .rowDecodingFailed)
                #expect(error.message.contains("column \"value\""), "\(error.message)")
            }
        }
        #expect(throws: EventsError.rowDecodingFailed) { try JSONValue.parse(#"{"value":-1}"#).decode(UInts.self) }
        #expect(throws: EventsError.rowDecodingFailed) { try JSONValue.parse(#"{"value":128}"#).decode(Small.self) }
        #expect(try JSONValue.parse(#"{"value":-128}"#).decode(Small.self).value == -128)
    }

    struct Floats: Decodable {
        var values: [Double]
    }

    @Test("doubles accept PostgreSQL's NaN, Infinity and -Infinity strings")
    func floatSpecials() throws {
        let values = try JSONValue.parse(#"{"values":[1.5,"NaN","Infinity","-Infinity",-0.0,1e308,"2.5"]}"#)
            .decode(Floats.self).values
        #expect(values[0] == 1.5)
        #expect(values[1].isNaN)
        #expect(values[2] == .infinity)
        #expect(values[3] == -.infinity)
        #expect(values[4] == 0 && values[4].sign == .minus)
        #expect(values[5] == 1e308)
        #expect(values[6] == 2.5)
        #expect(throws: EventsError.rowDecodingFailed) {
            try JSONValue.parse(#"{"values":[1e999]}"#).decode(Floats.self)
        }
        #expect(throws: EventsError.rowDecodingFailed) {
            try JSONValue.parse(#"{"values":["inf"]}"#).decode(Floats.self)
        }
    }

    @Test("Double decoding is correctly rounded: same result as the standard library for random decimal texts")
    func doublesMatchStandardLibrary() throws {
        var generator = SplitMix64(seed: 11)
        for _ in 0..<5_000 {
            let integerDigits = Int(generator.next() % 12) + 1
            let fractionDigits = Int(generator.next() % 12)
            var text = generator.next() % 2 == 0 ? "-" : ""
            text += String(generator.next() % 9 + 1)
            for _ in 1..<integerDigits { text += String(generator.next() % 10) }
            if fractionDigits > 0 {
                text += "."
                for _ in 0..<fractionDigits { text += String(generator.next() % 10) }
            }
            let decoded = try JSONValue.parse("[\(text)]").decode([Double].self)
            #expect(decoded == [Double(text)], "\(text)")
        }
    }

    struct Money: Decodable {
        var amount: Decimal
    }

    struct Text: Decodable {
        var amount: String
    }

    @Test("Decimal comes from the exact text; over 38 digits is an error; numbers as String when asked")
    func decimals() throws {
        #expect(try JSONValue.parse(#"{"amount":0.1}"#).decode(Money.self).amount == Decimal(string: "0.1"))
        #expect(try JSONValue.parse(#"{"amount":"123.45"}"#).decode(Money.self).amount == Decimal(string: "123.45"))
        #expect(try JSONValue.parse(#"{"amount":"NaN"}"#).decode(Money.self).amount.isNaN)
        let huge = "12345678901234567890.12345678901234567890"
        do {
            let error = try #require(
                caughtEventsError { _ = try JSONValue.parse(#"{"amount":\#(huge)}"#).decode(Money.self) }
            )
            #expect(error.message.contains("38 significant digits"))
            #expect(error.message.contains("column \"amount\""))
        }
        #expect(throws: EventsError.rowDecodingFailed) {
            try JSONValue.parse(#"{"amount":\#(huge)}"#).decode(Text.self)
        }
        let text = try JSONValue.parse(#"{"amount":\#(huge)}"#).decode(
            Text.self,
            options: .init(numbersAsStrings: true)
        )
        #expect(text.amount == huge)
    }

    struct Stamp: Decodable {
        var at: Date
    }

    @Test(
        "PostgreSQL and MySQL timestamp texts decode to the right instant",
        arguments: [
            ("2026-11-27T04:27:52.123456+00:00", 1_795_753_672.123456),
            ("2026-11-27T04:27:52.123456Z", 1_795_753_672.123456),
            ("2026-11-27 04:27:52.123456", 1_795_753_672.123456),
            ("2026-11-27 04:27:52", 1_795_753_672),
            ("2026-11-27T06:27:52.5+02", 1_795_753_672.5),
            ("2026-11-26T23:27:52-05:00", 1_795_753_672),
            ("2026-11-27T10:00:52.123456+05:33", 1_795_753_672.123456),
            ("2026-11-27", 1_795_737_600),
            ("1969-12-31T23:59:59.999999Z", -0.000001),
        ]
    )
    func timestamps(_ text: String, _ expected: Double) throws {
        let stamp = try JSONValue.object(["at": .string(text)]).decode(Stamp.self)
        #expect(abs(stamp.at.timeIntervalSince1970 - expected) < 0.000_001)
    }

    @Test("bad timestamps are errors; infinity maps to distant dates; numeric strategies work")
    func timestampEdges() throws {
        for bad in ["2026-13-01", "yesterday", "2026-11-27T04", "2026-11-27T04:27:52+"] {
            #expect(throws: EventsError.rowDecodingFailed) {
                try JSONValue.object(["at": .string(bad)]).decode(Stamp.self)
            }
        }
        #expect(try JSONValue.object(["at": "infinity"]).decode(Stamp.self).at == .distantFuture)
        #expect(try JSONValue.object(["at": "-infinity"]).decode(Stamp.self).at == .distantPast)
        let micros = try JSONValue.parse(#"{"at":1795753672123456}"#)
            .decode(Stamp.self, options: .init(dateDecoding: .microsecondsSince1970))
        #expect(abs(micros.at.timeIntervalSince1970 - 1_795_753_672.123456) < 0.000_001)
        let millis = try JSONValue.parse(#"{"at":1795753672123}"#)
            .decode(Stamp.self, options: .init(dateDecoding: .millisecondsSince1970))
        #expect(abs(millis.at.timeIntervalSince1970 - 1_795_753_672.123) < 0.000_001)
    }

    struct Blob: Decodable {
        var data: Data
    }

    @Test("bytea hex, MySQL base64:typeNN: and plain base64 decode to Data")
    func binary() throws {
        #expect(
            try JSONValue.object(["data": #"\xdeadBEEF"#]).decode(Blob.self).data == Data([0xDE, 0xAD, 0xBE, 0xEF])
        )
        #expect(try JSONValue.object(["data": #"\x"#]).decode(Blob.self).data.isEmpty)
        #expect(try JSONValue.object(["data": "base64:type15:AAEC"]).decode(Blob.self).data == Data([0, 1, 2]))
        #expect(try JSONValue.object(["data": "3q2+7w=="]).decode(Blob.self).data == Data([0xDE, 0xAD, 0xBE, 0xEF]))
        for bad in [#"\xabc"#, #"\xzz"#, "not base64!"] {
            #expect(throws: EventsError.rowDecodingFailed) {
                try JSONValue.object(["data": .string(bad)]).decode(Blob.self)
            }
        }
    }

    struct Flags: Decodable {
        var flags: [Bool]
    }

    @Test("Bool accepts true/false and MySQL's 0/1")
    func bools() throws {
        #expect(
            try JSONValue.parse(#"{"flags":[true,false,1,0]}"#).decode(Flags.self).flags == [true, false, true, false]
        )
        #expect(throws: EventsError.rowDecodingFailed) { try JSONValue.parse(#"{"flags":[2]}"#).decode(Flags.self) }
    }

    struct Nested: Decodable {
        struct Address: Decodable {
            var city: String
            var zip: Int
        }
        var address: Address
        var history: [Address]
    }

    @Test("errors name the column path inside nested jsonb")
    func nestedErrors() throws {
        let value = try JSONValue.parse(
            #"{"address":{"city":"Paris","zip":75001},"history":[{"city":"Lyon","zip":"x"}]}"#
        )
        do {
            let error = try #require(caughtEventsError { _ = try value.decode(Nested.self) })
            #expect(error.message.contains("$.history[0].zip"), "\(error.message)")
        }
        do {
            let error = try #require(
                caughtEventsError {
                    _ = try JSONValue.parse(#"{"address":{"city":"Paris"},"history":[]}"#).decode(Nested.self)
                }
            )
            #expect(error.message.contains("$.address.zip"), "\(error.message)")
        }
        do {
            let error = try #require(
                caughtEventsError { _ = try JSONValue.parse(#"{"address":null,"history":[]}"#).decode(Nested.self) }
            )
            #expect(error.message.contains("column \"address\""), "\(error.message)")
        }
    }

    @Test("decodeNew and decodeOld read the event's rows; a missing row is an error")
    func eventRows() throws {
        let event = try #require(try ChangeEvent.decode(from: EnvelopeTests.update).first)
        struct Row: Decodable {
            var id: Int
            var total: Decimal
            var status: Status
        }
        #expect(try event.decodeNew(as: Row.self).status == .paid)
        #expect(try event.decodeOld(as: Row.self).status == .new)
        #expect(try event.decodeOld(as: Row.self).total == Decimal(string: "10.5"))
        var insert = event
        insert.old = nil
        #expect(throws: EventsError.rowDecodingFailed) { try insert.decodeOld(as: Row.self) }
    }
}
