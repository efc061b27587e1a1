#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Decodes a ``JSONValue`` (a row, or any value in it) into your own `Decodable` type, with the
/// conversions PostgreSQL's `to_jsonb` and MySQL's `JSON_OBJECT` output needs.
///
/// - Integers (`Int`, `Int64`, `UInt64`, …) are parsed from the exact number text: out of range, or a
///   fraction that is not zero, is an error, never rounding. `5.00` and `1e3` decode as `5` and `1000`.
///   A string holding an integer (`"9223372036854775807"`) decodes too.
/// - `Double`/`Float`: the correctly rounded value; the strings `NaN`, `Infinity` and `-Infinity`
///   (PostgreSQL's rendering of float specials) too. A finite text that overflows is an error.
/// - `Decimal`: from the exact text (number or string, and `"NaN"`); more than 38 significant digits is an
///   error (decode such columns as `String` with ``Options/numbersAsStrings``).
/// - `String`: strings; numbers as their exact text only when ``Options/numbersAsStrings`` is set.
/// - `Bool`: `true`/`false`, and the numbers `0`/`1` (MySQL `BOOLEAN` is `tinyint(1)`).
/// - `Date`: see ``Options/DateDecoding``.
/// - `Data`: PostgreSQL `bytea` hex text `\x0a0b…`; MySQL's `base64:type15:…` form; otherwise standard
///   base64.
/// - ``JSONValue`` and ``JSONObject`` receive the value as it is (nested `jsonb`, lossless).
/// - Arrays, nested objects, optionals and `RawRepresentable` enums work as usual.
///
/// Errors are ``EventsError/Code/rowDecodingFailed`` and name the column (coding path).
public struct JSONValueDecoder: Sendable {
    /// Decoding options.
    public struct Options: Sendable, Hashable {
        /// How `Date` values are read.
        public enum DateDecoding: Sendable, Hashable {
            /// Strings are PostgreSQL/MySQL timestamp or date texts (`2026-11-27T04:27:52.123456+00:00`,
            /// `2026-11-27 04:27:52.123456`, `2026-11-27`; no zone means UTC; `infinity`/`-infinity` become
            /// `Date.distantFuture`/`distantPast`); numbers are seconds since 1970.
            case databaseText
            /// Numbers (or numeric strings) are seconds since 1970.
            case secondsSince1970
            /// Numbers (or numeric strings) are milliseconds since 1970 (Debezium `io.debezium.time.Timestamp`).
            case millisecondsSince1970
            /// Numbers (or numeric strings) are microseconds since 1970 (Debezium `MicroTimestamp`).
            case microsecondsSince1970
        }

        /// How `Date` values are read (default ``DateDecoding/databaseText``).
        public var dateDecoding: DateDecoding
        /// Whether a JSON number may decode into a `String` (its exact text). Default `false`.
        public var numbersAsStrings: Bool

        /// Creates options.
        public init(dateDecoding: DateDecoding = .databaseText, numbersAsStrings: Bool = false) {
            self.dateDecoding = dateDecoding
            self.numbersAsStrings = numbersAsStrings
        }
    }

    /// The options.
    public var options: Options

    /// Creates a decoder.
    public init(options: Options = Options()) {
        self.options = options
    }

    /// Decodes `type` from `value`.
    ///
    /// - Throws: ``EventsError`` with code ``EventsError/Code/rowDecodingFailed`` naming the column.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(EventsError) -> T {
        let decoder = RowDecoder(value: value, codingPath: [], options: options)
        do {
            return try decoder.unbox(type, from: value, codingPath: [])
        } catch let error as DecodingError {
            throw EventsError(code: .rowDecodingFailed, message: Self.describe(error))
        } catch let error as EventsError {
            throw error
        } catch {
            throw EventsError(code: .rowDecodingFailed, message: "\(error)")
        }
    }

    static func pathText(_ codingPath: [any CodingKey]) -> String {
        var text = "$"
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text += JSONPathText.component(key.stringValue)
            }
        }
        return text
    }

    static func describe(_ error: DecodingError) -> String {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let value), .valueNotFound(_, let value), .dataCorrupted(let value): context = value
        case .keyNotFound(let key, let value):
            let column = key.stringValue
            return "column \"\(column)\" (\(pathText(value.codingPath + [key]))): \(value.debugDescription)"
        @unknown default: return "\(error)"
        }
        let column = context.codingPath.last(where: { $0.intValue == nil })?.stringValue
        let where_ = pathText(context.codingPath)
        if let column { return "column \"\(column)\" (\(where_)): \(context.debugDescription)" }
        return "\(where_): \(context.debugDescription)"
    }
}

extension JSONValue {
    /// Decodes this value into `type` (see ``JSONValueDecoder``).
    public func decode<T: Decodable>(
        _ type: T.Type,
        options: JSONValueDecoder.Options = JSONValueDecoder.Options()
    ) throws(EventsError) -> T {
        try JSONValueDecoder(options: options).decode(type, from: self)
    }
}

extension ChangeEvent {
    /// Decodes the row after the change (``new``) into `type`.
    ///
    /// - Throws: ``EventsError/Code/rowDecodingFailed`` when there is no new row or a column does not decode.
    public func decodeNew<T: Decodable>(
        as type: T.Type,
        options: JSONValueDecoder.Options = JSONValueDecoder.Options()
    ) throws(EventsError) -> T {
        guard let new else {
            throw EventsError(code: .rowDecodingFailed, message: "the \(operation.rawValue) event has no new row")
        }
        return try JSONValueDecoder(options: options).decode(type, from: .object(new))
    }

    /// Decodes the row before the change (``old``) into `type`.
    ///
    /// - Throws: ``EventsError/Code/rowDecodingFailed`` when there is no old row or a column does not decode.
    public func decodeOld<T: Decodable>(
        as type: T.Type,
        options: JSONValueDecoder.Options = JSONValueDecoder.Options()
    ) throws(EventsError) -> T {
        guard let old else {
            throw EventsError(code: .rowDecodingFailed, message: "the \(operation.rawValue) event has no old row")
        }
        return try JSONValueDecoder(options: options).decode(type, from: .object(old))
    }
}

private struct IndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ index: Int) {
        self.stringValue = "Index \(index)"
        self.intValue = index
    }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.init(intValue) }
}

private struct RowDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let options: JSONValueDecoder.Options
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else {
            throw mismatch([String: JSONValue].self, value, codingPath, "expected an object")
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(object: object, decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            throw mismatch([JSONValue].self, value, codingPath, "expected an array")
        }
        return UnkeyedContainer(elements: elements, decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleContainer(decoder: self)
    }

    func mismatch(
        _ type: Any.Type,
        _ value: JSONValue,
        _ path: @autoclosure () -> [any CodingKey],
        _ text: String
    ) -> DecodingError {
        .typeMismatch(type, .init(codingPath: path(), debugDescription: "\(text), found \(Self.show(value))"))
    }

    func corrupted(_ path: @autoclosure () -> [any CodingKey], _ text: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: path(), debugDescription: text))
    }

    static func show(_ value: JSONValue) -> String {
        switch value {
        case .number(let number): return "number \(number.text)"
        case .string(let string):
            let shown = string.count > 40 ? String(string.prefix(40)) + "…" : string
            return "string \"\(shown)\""
        default: return value.typeName
        }
    }

    func unbox<T: Decodable>(_ type: T.Type, from value: JSONValue, codingPath: [any CodingKey]) throws -> T {
        if type == JSONValue.self, let result = value as? T { return result }
        if type == JSONObject.self {
            guard case .object(let object) = value, let result = object as? T else {
                throw mismatch(JSONObject.self, value, codingPath, "expected an object")
            }
            return result
        }
        if type == Date.self, let result = try unboxDate(value, codingPath) as? T { return result }
        if type == Data.self, let result = try unboxData(value, codingPath) as? T { return result }
        if type == Decimal.self, let result = try unboxDecimal(value, codingPath) as? T { return result }
        if type == URL.self {
            guard case .string(let string) = value, let url = URL(string: string), let result = url as? T else {
                throw mismatch(URL.self, value, codingPath, "expected a URL string")
            }
            return result
        }
        return try T(from: RowDecoder(value: value, codingPath: codingPath, options: options))
    }

    func unboxDate(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Date {
        var numberText: String?
        switch value {
        case .string(let string):
            if options.dateDecoding == .databaseText {
                if string == "infinity" { return Date.distantFuture }
                if string == "-infinity" { return Date.distantPast }
                guard let date = TimestampText.parse(string) else {
                    throw corrupted(path(), "expected a timestamp or date text, found \(Self.show(value))")
                }
                return date
            }
            numberText = string
        case .number(let number): numberText = number.text
        default: break
        }
        guard let numberText, let number = Double(numberText), number.isFinite else {
            throw mismatch(Date.self, value, path(), "expected a timestamp")
        }
        switch options.dateDecoding {
        case .databaseText, .secondsSince1970: return Date(timeIntervalSince1970: number)
        case .millisecondsSince1970: return Date(timeIntervalSince1970: number / 1000)
        case .microsecondsSince1970: return Date(timeIntervalSince1970: number / 1_000_000)
        }
    }

    func unboxData(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Data {
        guard case .string(let string) = value else {
            throw mismatch(Data.self, value, path(), "expected bytea hex (\\x…) or base64 text")
        }
        if string.hasPrefix("\\x") {
            let hex = Array(string.utf8.dropFirst(2))
            guard hex.count % 2 == 0 else {
                throw corrupted(path(), "bytea hex text has an odd number of digits")
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(hex.count / 2)
            var index = 0
            while index < hex.count {
                guard let high = Self.hexValue(hex[index]), let low = Self.hexValue(hex[index + 1]) else {
                    throw corrupted(path(), "bytea hex text has a non-hex character")
                }
                bytes.append(high << 4 | low)
                index += 2
            }
            return Data(bytes)
        }
        var base64 = Substring(string)
        if base64.hasPrefix("base64:type"), let colon = base64.dropFirst(11).firstIndex(of: ":") {
            base64 = base64[base64.index(after: colon)...]
        }
        guard let data = Data(base64Encoded: String(base64)) else {
            throw corrupted(path(), "expected bytea hex (\\x…) or base64 text, found \(Self.show(value))")
        }
        return data
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    func unboxDecimal(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Decimal {
        let text: String
        switch value {
        case .number(let number): text = number.text
        case .string(let string):
            if string == "NaN" { return Decimal.nan }
            guard JSONNumber(string) != nil else {
                throw mismatch(Decimal.self, value, path(), "expected a number")
            }
            text = string
        default: throw mismatch(Decimal.self, value, path(), "expected a number")
        }
        guard let digits = NumberText.significantDigits(text), digits <= 38 else {
            throw corrupted(
                path(),
                "number \(text) has more than 38 significant digits and does not fit Decimal exactly; decode it as String (numbersAsStrings)"
            )
        }
        guard let decimal = Decimal(string: text), decimal.isFinite else {
            throw corrupted(path(), "number \(text) is out of Decimal's range")
        }
        return decimal
    }

    func unboxInteger<T: FixedWidthInteger>(
        _ type: T.Type,
        _ value: JSONValue,
        _ path: @autoclosure () -> [any CodingKey]
    ) throws -> T {
        let text: String
        switch value {
        case .number(let number): text = number.text
        case .string(let string): text = string
        default: throw mismatch(type, value, path(), "expected an integer")
        }
        if let result = T(text) { return result }
        guard JSONNumber(text) != nil else {
            throw mismatch(type, value, path(), "expected an integer")
        }
        guard let integral = NumberText.integralText(text) else {
            throw corrupted(path(), "number \(text) is not an integer; it does not fit \(type) without rounding")
        }
        guard let result = T(integral) else {
            throw corrupted(path(), "number \(text) is out of range for \(type)")
        }
        return result
    }

    func unboxFloat<T: BinaryFloatingPoint & LosslessStringConvertible>(
        _ type: T.Type,
        _ value: JSONValue,
        _ path: @autoclosure () -> [any CodingKey]
    ) throws -> T {
        switch value {
        case .number(let number):
            if T.self == Double.self, let fast = NumberText.fastDouble(number.text) as? T { return fast }
            guard let result = T(number.text), result.isFinite else {
                throw corrupted(path(), "number \(number.text) is out of range for \(type)")
            }
            return result
        case .string(let string):
            switch string {
            case "NaN": return T.nan
            case "Infinity": return T.infinity
            case "-Infinity": return -T.infinity
            default:
                guard JSONNumber(string) != nil, let result = T(string), result.isFinite else {
                    throw mismatch(type, value, path(), "expected a number or NaN/Infinity/-Infinity")
                }
                return result
            }
        default: throw mismatch(type, value, path(), "expected a number")
        }
    }

    func unboxString(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> String {
        switch value {
        case .string(let string): return string
        case .number(let number) where options.numbersAsStrings: return number.text
        default: throw mismatch(String.self, value, path(), "expected a string")
        }
    }

    func unboxBool(_ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Bool {
        switch value {
        case .bool(let bool): return bool
        case .number(let number) where number.text == "0": return false
        case .number(let number) where number.text == "1": return true
        default: throw mismatch(Bool.self, value, path(), "expected a boolean")
        }
    }
}

enum NumberText {
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    /// The exactly rounded `Double` of plain decimal text (`-123.4567`) whose digits fit 2^53 with at most
    /// 22 fraction digits (Clinger's fast path: one exact division), else `nil` (use the full parser).
    static func fastDouble(_ text: String) -> Double? {
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var negative = false
        var seenPoint = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): seenPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                mantissa = mantissa &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
                digits += 1
                if seenPoint { fractionDigits += 1 }
                if digits > 15 { return nil }
            default: return nil
            }
        }
        guard fractionDigits <= 22 else { return nil }
        let magnitude = Double(mantissa) / powersOfTen[fractionDigits]
        return negative ? -magnitude : magnitude
    }

    /// The number of significant digits of valid JSON number text (leading and trailing zeros excluded).
    static func significantDigits(_ text: String) -> Int? {
        var mantissa = text.utf8.prefix { $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }.filter {
            $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")
        }
        while mantissa.first == UInt8(ascii: "0") { mantissa.removeFirst() }
        while mantissa.last == UInt8(ascii: "0") { mantissa.removeLast() }
        return mantissa.count
    }

    /// The integer text of a number whose value is integral (`5.00` → `5`, `1e3` → `1000`), else `nil`.
    static func integralText(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var digits: [UInt8] = []
        var pointPosition: Int?
        while index < bytes.count, bytes[index] != UInt8(ascii: "e"), bytes[index] != UInt8(ascii: "E") {
            if bytes[index] == UInt8(ascii: ".") { pointPosition = digits.count } else { digits.append(bytes[index]) }
            index += 1
        }
        var exponent = 0
        if index < bytes.count {
            guard let parsed = Int(String(decoding: bytes[(index + 1)...], as: UTF8.self)), abs(parsed) < 400 else {
                return nil
            }
            exponent = parsed
        }
        let integerDigits = (pointPosition ?? digits.count) + exponent
        if integerDigits < digits.count {
            let fraction = digits[max(0, integerDigits)...]
            guard fraction.allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
            digits = Array(digits[..<max(0, integerDigits)])
        } else {
            digits += [UInt8](repeating: UInt8(ascii: "0"), count: integerDigits - digits.count)
        }
        while digits.count > 1, digits.first == UInt8(ascii: "0") { digits.removeFirst() }
        if digits.isEmpty { digits = [UInt8(ascii: "0")] }
        return (negative ? "-" : "") + String(decoding: digits, as: UTF8.self)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let decoder: RowDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { object.members.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    func value(_ key: Key) throws -> JSONValue {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key,
                .init(codingPath: codingPath, debugDescription: "the row has no column \"\(key.stringValue)\"")
            )
        }
        return value
    }

    func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    func notNull(_ key: Key, _ type: Any.Type) throws -> JSONValue {
        let found = try value(key)
        if found.isNull {
            throw DecodingError.valueNotFound(
                type,
                .init(codingPath: path(key), debugDescription: "expected \(type), found null (use an optional)")
            )
        }
        return found
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(key).isNull }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try decoder.unboxBool(try notNull(key, type), path(key))
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try decoder.unboxString(try notNull(key, type), path(key))
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try decoder.unboxFloat(type, try notNull(key, type), path(key))
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try decoder.unboxFloat(type, try notNull(key, type), path(key))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try decoder.unboxInteger(type, try notNull(key, type), path(key))
    }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
        try decoder.unboxInteger(type, try notNull(key, type), path(key))
    }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        try decoder.unboxInteger(type, try notNull(key, type), path(key))
    }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        try decoder.unboxInteger(type, try notNull(key, type), path(key))
    }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try decoder.unboxInteger(type, try notNull(key, type), path(key))
    }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
        try decoder.unboxInteger(type, try notNull(key, type), path(key))
    }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        try decoder.unboxInteger(type, try notNull(key, type), path(key))
    }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        try decoder.unboxInteger(type, try notNull(key, type), path(key))
    }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        try decoder.unboxInteger(type, try notNull(key, type), path(key))
    }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try decoder.unboxInteger(type, try notNull(key, type), path(key))
    }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let found = try value(key)
        if found.isNull, type != JSONValue.self {
            // Let Optional-like types (and types that accept null themselves) try; report a clear error otherwise.
            do {
                return try decoder.unbox(type, from: found, codingPath: path(key))
            } catch {
                throw DecodingError.valueNotFound(
                    type,
                    .init(codingPath: path(key), debugDescription: "expected \(type), found null (use an optional)")
                )
            }
        }
        return try decoder.unbox(type, from: found, codingPath: path(key))
    }
    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try RowDecoder(value: try value(key), codingPath: path(key), options: decoder.options)
            .container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try RowDecoder(value: try value(key), codingPath: path(key), options: decoder.options).unkeyedContainer()
    }
    func superDecoder() throws -> any Decoder {
        RowDecoder(value: .object(object), codingPath: codingPath, options: decoder.options)
    }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        RowDecoder(value: object[key.stringValue] ?? .null, codingPath: path(key), options: decoder.options)
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let decoder: RowDecoder
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    init(elements: [JSONValue], decoder: RowDecoder) {
        self.elements = elements
        self.decoder = decoder
    }

    func path(_ index: Int) -> [any CodingKey] { codingPath + [IndexKey(index)] }

    mutating func next(_ type: Any.Type) throws -> (JSONValue, Int) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                .init(codingPath: path(currentIndex), debugDescription: "the array has only \(elements.count) elements")
            )
        }
        let value = elements[currentIndex]
        currentIndex += 1
        return (value, currentIndex - 1)
    }

    mutating func nonNull(_ type: Any.Type) throws -> (JSONValue, Int) {
        let (value, index) = try next(type)
        if value.isNull {
            currentIndex -= 1
            throw DecodingError.valueNotFound(type, .init(codingPath: path(index), debugDescription: "found null"))
        }
        return (value, index)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool {
        let (value, index) = try nonNull(type)
        return try decoder.unboxBool(value, path(index))
    }
    mutating func decode(_ type: String.Type) throws -> String {
        let (value, index) = try nonNull(type)
        return try decoder.unboxString(value, path(index))
    }
    mutating func decode(_ type: Double.Type) throws -> Double {
        let (value, index) = try nonNull(type)
        return try decoder.unboxFloat(type, value, path(index))
    }
    mutating func decode(_ type: Float.Type) throws -> Float {
        let (value, index) = try nonNull(type)
        return try decoder.unboxFloat(type, value, path(index))
    }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
    mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let (value, index) = try nonNull(type)
        return try decoder.unboxInteger(type, value, path(index))
    }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, index) = try next(type)
        return try decoder.unbox(type, from: value, codingPath: path(index))
    }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, index) = try next(JSONObject.self)
        return try RowDecoder(value: value, codingPath: path(index), options: decoder.options).container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, index) = try next([JSONValue].self)
        return try RowDecoder(value: value, codingPath: path(index), options: decoder.options).unkeyedContainer()
    }
    mutating func superDecoder() throws -> any Decoder {
        let (value, index) = try next(JSONValue.self)
        return RowDecoder(value: value, codingPath: path(index), options: decoder.options)
    }
}

private struct SingleContainer: SingleValueDecodingContainer {
    let decoder: RowDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var value: JSONValue { decoder.value }

    func nonNull(_ type: Any.Type) throws -> JSONValue {
        if value.isNull {
            throw DecodingError.valueNotFound(
                type,
                .init(codingPath: codingPath, debugDescription: "expected \(type), found null (use an optional)")
            )
        }
        return value
    }

    func decodeNil() -> Bool { value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.unboxBool(try nonNull(type), codingPath) }
    func decode(_ type: String.Type) throws -> String { try decoder.unboxString(try nonNull(type), codingPath) }
    func decode(_ type: Double.Type) throws -> Double {
        try decoder.unboxFloat(type, try nonNull(type), codingPath)
    }
    func decode(_ type: Float.Type) throws -> Float { try decoder.unboxFloat(type, try nonNull(type), codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.unboxInteger(type, try nonNull(type), codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.unboxInteger(type, try nonNull(type), codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 {
        try decoder.unboxInteger(type, try nonNull(type), codingPath)
    }
    func decode(_ type: Int32.Type) throws -> Int32 {
        try decoder.unboxInteger(type, try nonNull(type), codingPath)
    }
    func decode(_ type: Int64.Type) throws -> Int64 {
        try decoder.unboxInteger(type, try nonNull(type), codingPath)
    }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.unboxInteger(type, try nonNull(type), codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 {
        try decoder.unboxInteger(type, try nonNull(type), codingPath)
    }
    func decode(_ type: UInt16.Type) throws -> UInt16 {
        try decoder.unboxInteger(type, try nonNull(type), codingPath)
    }
    func decode(_ type: UInt32.Type) throws -> UInt32 {
        try decoder.unboxInteger(type, try nonNull(type), codingPath)
    }
    func decode(_ type: UInt64.Type) throws -> UInt64 {
        try decoder.unboxInteger(type, try nonNull(type), codingPath)
    }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.unbox(type, from: value, codingPath: codingPath)
    }
}
