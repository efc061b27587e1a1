import DBLambdaEvents
import Foundation
import Testing

@Suite("JSONValue parsing and serialization")
struct JSONValueTests {
    @Test(
        "canonical documents re-serialize byte for byte",
        arguments: [
            #"{"id":-9223372036854775808,"max":9223372036854775807,"u":18446744073709551615}"#,
            #"{"n":12345678901234567890.12345678901234567890,"e":1e30,"E":1E+30,"neg":-0.0,"z":0,"f":-1.5e-7}"#,
            #"{"s":"tab\tnew\nline\"quote\\back/slash","u":"é😀 中文","c":"\u0001\u001f"}"#,
            #"[null,true,false,[],{},[[[]]],"",0.10]"#,
            #"{"z":1,"a":2,"m":{"y":1,"b":[1,2,3]}}"#,
            #"{"dup":1,"dup":2}"#,
            #""just a string""#,
            "123.4500",
        ]
    )
    func canonicalRoundTrip(_ text: String) throws {
        let value = try JSONValue(parsing: text)
        #expect(value.jsonString() == text)
    }

    @Test("numbers keep their exact text")
    func exactNumbers() throws {
        let value = try JSONValue.parse(
            #"[-9223372036854775808, 12345678901234567890.12345678901234567890, 1e30, -0.0, 1.0]"#
        )
        let texts = try #require(value.arrayValue).compactMap { $0.numberValue?.text }
        #expect(texts == ["-9223372036854775808", "12345678901234567890.12345678901234567890", "1e30", "-0.0", "1.0"])
        #expect(JSONNumber("1.0") != JSONNumber("1"))
    }

    @Test("escapes and surrogate pairs decode to the exact characters")
    func escapes() throws {
        let value = try JSONValue.parse(#""\u00e9\ud83d\ude00\/\b\f\n\r\t\"\\""#)
        #expect(value.stringValue == "é😀/\u{8}\u{c}\n\r\t\"\\")
        // Re-serialized minimally: `/` and non-ASCII unescaped.
        #expect(value.jsonString() == #""é😀/\b\f\n\r\t\"\\""#)
    }

    @Test("object member order is preserved and sortedKeys sorts")
    func memberOrder() throws {
        let value = try JSONValue.parse(#"{"b":1,"a":{"d":1,"c":2},"é":3,"A":4}"#)
        #expect(value.objectValue?.keys == ["b", "a", "é", "A"])
        #expect(value.jsonString(sortedKeys: true) == #"{"A":4,"a":{"c":2,"d":1},"b":1,"é":3}"#)
    }

    @Test("duplicate keys are kept in order and lookups return the last one")
    func duplicateKeys() throws {
        let value = try JSONValue.parse(#"{"k":1,"x":0,"k":2}"#)
        let object = try #require(value.objectValue)
        #expect(object.count == 3)
        #expect(object["k"] == .number(2))
    }

    @Test("whitespace around the document is allowed")
    func whitespace() throws {
        #expect(try JSONValue.parse(" \n\t{ \"a\" : [ 1 , 2 ] }\r\n ") == ["a": [1, 2]])
    }

    @Test(
        "invalid documents are typed errors with a location",
        arguments: [
            ("", "unexpected end of input"),
            ("{", "unexpected end of input"),
            (#"{"a":1,}"#, "expected a string key"),
            ("[1,]", "unexpected character"),
            ("[1 2]", "expected ',' or ']'"),
            ("01", "leading zeros"),
            ("1.", "after the decimal point"),
            ("1e", "exponent"),
            ("-", "unexpected end of input"),
            ("+1", "unexpected character"),
            ("NaN", "unexpected character"),
            ("tru", "literal"),
            ("nul", "literal"),
            (#""abc"#, "end of input in a string"),
            ("\"a\u{1}b\"", "control character"),
            (#""\x""#, "invalid escape"),
            (#""\u12G4""#, "hex digit"),
            (#""\ud800""#, "lone high surrogate"),
            (#""\udc00""#, "lone low surrogate"),
            (#""\ud800\u0041""#, "not followed by a low surrogate"),
            ("{} {}", "after the JSON value"),
        ]
    )
    func invalidDocuments(_ input: String, _ expected: String) throws {
        #expect(throws: EventsError.invalidJSON) { try JSONValue(parsing: input) }
        do {
            let error = try #require(caughtEventsError { _ = try JSONValue(parsing: input) })
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(error.location != nil)
        }
    }

    @Test("errors give byte offset, line, column and JSON path")
    func errorLocation() throws {
        let input = "{\n  \"events\": [\n    {\"new\": {\"price\": 1.}}\n  ]\n}"
        do {
            let error = try #require(caughtEventsError { _ = try JSONValue(parsing: input) })
            let location = try #require(error.location)
            #expect(location.line == 3)
            #expect(location.column == 25)
            #expect(location.path == "$.events[0].new.price")
            #expect(location.offset == 40)
        }
    }

    @Test("invalid UTF-8 is rejected with the offset of the bad byte")
    func invalidUTF8() throws {
        let bytes: [UInt8] = Array(#"{"a":"ok"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        do {
            let error = try #require(caughtEventsError { _ = try JSONValue(parsing: bytes) })
            #expect(error.code == .invalidJSON)
            #expect(error.location?.offset == 8)
        }
        for bad: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF0, 0x9F, 0x98, 0x22]] {
            #expect(throws: EventsError.invalidJSON) { try JSONValue(parsing: bad) }
        }
    }

    @Test("UTF-8 validation agrees with the standard library on random byte strings")
    func utf8AgreesWithStandardLibrary() throws {
        var generator = SplitMix64(seed: 7)
        let interesting: [UInt8] = [
            0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xA0, 0xED, 0x9F, 0xEF, 0xF0, 0x90, 0xF4, 0x8F, 0xF5,
            0xFF,
        ]
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 6)
            let body = (0..<length).map { _ in interesting[Int(generator.next() % UInt64(interesting.count))] }
            let parsed = try? JSONValue(parsing: [0x22] + body + [0x22])
            let expected = String(validating: body, as: UTF8.self)
            #expect(parsed?.stringValue == expected, "\(body)")
        }
        for bad: [UInt8] in [
            [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
        ] {
            #expect(throws: EventsError.invalidJSON) { try JSONValue(parsing: [0x22] + bad + [0x22]) }
        }
        #expect(try JSONValue(parsing: [0x22, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]).stringValue == "\u{10FFFF}")
    }

    @Test("nesting deeper than the limit is a typed error, not a crash")
    func deepNesting() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: EventsError.nestingTooDeep) { try JSONValue(parsing: deep) }
        let objects = String(repeating: #"{"a":"#, count: 600) + "1" + String(repeating: "}", count: 600)
        #expect(throws: EventsError.nestingTooDeep) { try JSONValue(parsing: objects) }
        let limitOK = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try JSONValue(parsing: limitOK) }
        let limitTooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(throws: EventsError.nestingTooDeep) { try JSONValue(parsing: limitTooDeep) }
        let custom = JSONParser(options: .init(maximumDepth: 2))
        #expect(throws: EventsError.nestingTooDeep) { try custom.parse("[[[1]]]") }
    }

    @Test("huge numbers are kept as text")
    func hugeNumbers() throws {
        let digits = String(repeating: "9", count: 100_000)
        let value = try JSONValue(parsing: "[\(digits).5e99999999999]")
        #expect(value[0]?.numberValue?.text == digits + ".5e99999999999")
    }

    @Test("every truncation of a valid document is rejected without crashing")
    func truncations() throws {
        let text = #"{"a":[1,-2.5e3,"x\u00e9\ud83d\ude00",true,false,null,{"b":{}}]}"#
        let bytes = Array(text.utf8)
        for length in 0..<bytes.count {
            #expect(throws: EventsError.self) { try JSONValue(parsing: bytes[0..<length]) }
        }
        #expect(try JSONValue(parsing: bytes).jsonString() == #"{"a":[1,-2.5e3,"xé😀",true,false,null,{"b":{}}]}"#)
    }

    @Test("random bytes never crash the parser")
    func randomBytes() {
        var generator = SplitMix64(seed: 42)
        let alphabet = Array(#"{}[]":,-+.0123456789eEtrufalsn\u "#.utf8) + [0x00, 0xFF, 0xC3, 0xE2, 0x0A]
        for _ in 0..<5_000 {
            let length = Int(generator.next() % 40)
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            if let value = try? JSONValue(parsing: bytes) {
                // Whatever parses must survive a round trip.
                #expect((try? JSONValue(parsing: value.serialized())) == value)
            }
        }
    }

    @Test("control characters are escaped on output and parse back")
    func controlCharacters() throws {
        let string = String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }) + "\u{7F}"
        let text = JSONValue.string(string).jsonString()
        #expect(text.hasPrefix(#""\u0000\u0001"#))
        #expect(try JSONValue(parsing: text) == .string(string))
    }

    @Test("our output parses with Foundation's JSONSerialization to the same strings")
    func foundationAgrees() throws {
        let value: JSONValue = ["s": "a/b\"c\\d\u{1}é😀", "n": 1, "a": [true, nil]]
        let object = try #require(try JSONSerialization.jsonObject(with: Data(value.serialized())) as? [String: Any])
        #expect(object["s"] as? String == "a/b\"c\\d\u{1}é😀")
    }

    @Test("JSONNumber validates its text")
    func numberValidation() {
        #expect(JSONNumber("1e30") != nil)
        #expect(JSONNumber("-0.0") != nil)
        #expect(JSONNumber("01") == nil)
        #expect(JSONNumber("1.") == nil)
        #expect(JSONNumber("NaN") == nil)
        #expect(JSONNumber("") == nil)
        #expect(JSONNumber(UInt64.max).text == "18446744073709551615")
        #expect(JSONNumber("1.0")?.isInteger == false)
    }

    @Test("JSONObject subscript setter replaces, appends and removes")
    func objectMutation() {
        var object: JSONObject = ["a": 1, "b": 2]
        object["a"] = "x"
        object["c"] = nil
        object["d"] = true
        #expect(JSONValue.object(object).jsonString() == #"{"a":"x","b":2,"d":true}"#)
        object["b"] = nil
        #expect(object.keys == ["a", "d"])
    }
}

/// A tiny deterministic generator for fuzz-style tests.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
