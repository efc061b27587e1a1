/// A strict RFC 8259 JSON parser over UTF-8 bytes that produces lossless ``JSONValue``s.
///
/// Rejects: invalid UTF-8, unescaped control characters, lone UTF-16 surrogates in `\u` escapes (a Swift
/// `String` cannot hold them), leading zeros, trailing commas, trailing content, and nesting deeper than
/// ``Options/maximumDepth``. Errors are ``EventsError`` with a ``JSONLocation``.
///
/// Documents larger than ``Options/maximumDocumentBytes`` (16 MiB by default) are refused with
/// ``EventsError/Code/documentTooLarge`` before any parsing, and nesting deeper than ``Options/maximumDepth``
/// (512 by default) with ``EventsError/Code/nestingTooDeep``, so hostile input can exhaust neither memory nor
/// the stack.
public struct JSONParser: Sendable {
    /// Parser options.
    public struct Options: Sendable, Hashable {
        /// The default ``maximumDocumentBytes``: 16 MiB, well above Lambda's 6 MB synchronous payload limit.
        public static let defaultMaximumDocumentBytes = 16 * 1024 * 1024

        /// The deepest nesting of arrays and objects accepted (default 512).
        public var maximumDepth: Int
        /// The largest document accepted, in bytes (default ``defaultMaximumDocumentBytes``, 16 MiB).
        public var maximumDocumentBytes: Int

        /// Creates options.
        public init(maximumDepth: Int = 512, maximumDocumentBytes: Int = Options.defaultMaximumDocumentBytes) {
            self.maximumDepth = maximumDepth
            self.maximumDocumentBytes = maximumDocumentBytes
        }
    }

    /// The options.
    public var options: Options

    /// Creates a parser.
    public init(options: Options = Options()) {
        self.options = options
    }

    /// Parses one JSON document (whitespace around it allowed).
    public func parse<Bytes: Collection>(_ bytes: Bytes) throws(EventsError) -> JSONValue where Bytes.Element == UInt8 {
        let result: Result<JSONValue, EventsError>? = bytes.withContiguousStorageIfAvailable { buffer in
            parseBuffer(buffer)
        }
        if let result { return try result.get() }
        // Non-contiguous input is copied: check its size first so the copy is bounded too.
        let count = bytes.count
        if count > options.maximumDocumentBytes { throw tooLarge(count) }
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { parseBuffer($0) }.get()
    }

    /// Parses one JSON document from a string.
    public func parse(_ string: String) throws(EventsError) -> JSONValue {
        var copy = string
        return try copy.withUTF8 { parseBuffer($0) }.get()
    }

    private func tooLarge(_ count: Int) -> EventsError {
        EventsError(
            code: .documentTooLarge,
            message: "the document is \(count) bytes, over the limit of \(options.maximumDocumentBytes) bytes"
        )
    }

    func parseBuffer(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, EventsError> {
        if buffer.count > options.maximumDocumentBytes { return .failure(tooLarge(buffer.count)) }
        var state = ParserState(bytes: buffer, maximumDepth: options.maximumDepth)
        do throws(EventsError) {
            state.skipWhitespace()
            let value = try state.parseValue()
            state.skipWhitespace()
            if state.index < buffer.count {
                throw state.error("unexpected content after the JSON value")
            }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }
}

extension JSONValue {
    /// Parses one JSON document from UTF-8 bytes.
    public init<Bytes: Collection>(
        parsing bytes: Bytes,
        options: JSONParser.Options = JSONParser.Options()
    ) throws(EventsError) where Bytes.Element == UInt8 {
        self = try JSONParser(options: options).parse(bytes)
    }

    /// Parses one JSON document from a string.
    public init(parsing string: String, options: JSONParser.Options = JSONParser.Options()) throws(EventsError) {
        self = try JSONParser(options: options).parse(string)
    }
}

private enum PathComponent {
    case key(String)
    case index(Int)
}

private struct ParserState {
    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var index = 0
    var path: [PathComponent] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    func error(_ message: String, at offset: Int? = nil, code: EventsError.Code = .invalidJSON) -> EventsError {
        let position = min(offset ?? index, bytes.count)
        var line = 1
        var lineStart = 0
        var cursor = 0
        while cursor < position {
            if bytes[cursor] == UInt8(ascii: "\n") {
                line += 1
                lineStart = cursor + 1
            }
            cursor += 1
        }
        var pathText = "$"
        for component in path {
            switch component {
            case .index(let index): pathText += "[\(index)]"
            case .key(let key): pathText += JSONPathText.component(key)
            }
        }
        let location = JSONLocation(offset: position, line: line, column: position - lineStart + 1, path: pathText)
        return EventsError(code: code, message: "\(message) at \(location)", location: location)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(EventsError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw error("unexpected character \(describe(bytes[index])), expected a value")
        }
    }

    func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    mutating func expectLiteral(_ literal: StaticString) throws(EventsError) {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        guard index + count <= bytes.count else {
            throw error("unexpected end of input in literal \(literal)")
        }
        for offset in 0..<count where bytes[index + offset] != start[offset] {
            throw error("invalid literal, expected \(literal)", at: index + offset)
        }
        index += count
    }

    mutating func enter() throws(EventsError) {
        if path.count >= maximumDepth {
            throw error("nesting deeper than \(maximumDepth) levels", code: .nestingTooDeep)
        }
    }

    mutating func parseArray() throws(EventsError) -> JSONValue {
        try enter()
        index += 1
        skipWhitespace()
        var elements: [JSONValue] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        path.append(.index(0))
        var position = 0
        while true {
            path[path.count - 1] = .index(position)
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an array, expected ',' or ']'") }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if byte == UInt8(ascii: "]") { break }
            throw error("unexpected \(describe(byte)) in an array, expected ',' or ']'", at: index - 1)
        }
        path.removeLast()
        return .array(elements)
    }

    mutating func parseObject() throws(EventsError) -> JSONValue {
        try enter()
        index += 1
        skipWhitespace()
        var members: [JSONObject.Member] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(JSONObject(members))
        }
        path.append(.key(""))
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an object, expected a key") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describe(bytes[index])) in an object, expected a string key")
            }
            let key = try parseString()
            path[path.count - 1] = .key(key)
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("expected ':' after an object key")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            members.append(JSONObject.Member(key: key, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an object, expected ',' or '}'") }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "}") { break }
            throw error("unexpected \(describe(byte)) in an object, expected ',' or '}'", at: index - 1)
        }
        path.removeLast()
        return .object(JSONObject(members))
    }

    @inline(__always)
    func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    mutating func parseNumber() throws(EventsError) -> JSONNumber {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw error("unexpected end of input in a number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw error("leading zeros are not allowed in a number") }
        } else if isDigit(bytes[index]) {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        } else {
            throw error("expected a digit in a number")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            if index == fractionStart { throw error("expected a digit after the decimal point") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            let exponentStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            if index == exponentStart { throw error("expected a digit in the exponent") }
        }
        let text = String(unsafeUninitializedCapacity: index - start) { target in
            _ = target.initialize(fromContentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            return index - start
        }
        return JSONNumber(uncheckedText: text)
    }

    mutating func parseString() throws(EventsError) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        var nonASCII: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            nonASCII |= byte
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                if nonASCII & 0x80 != 0, let invalid = UTF8Validation.firstInvalidOffset(slice) {
                    throw error("invalid UTF-8 in a string", at: start + invalid)
                }
                index += 1
                return String(decoding: slice, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("unescaped control character in a string") }
            index += 1
        }
        guard index < bytes.count else { throw error("unexpected end of input in a string") }
        // Slow path: escapes.
        var scratch: [UInt8] = []
        scratch.reserveCapacity(index - start + 16)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let invalid = UTF8Validation.firstInvalidOffset(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                if let invalid { throw error("invalid UTF-8 in a string", at: start + invalid) }
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if byte < 0x20 { throw error("unescaped control character in a string") }
            if byte != UInt8(ascii: "\\") {
                scratch.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { throw error("unexpected end of input in an escape sequence") }
            let escaped = bytes[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escaped)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                let escapeStart = index - 2
                var scalar = UInt32(try parseHex4())
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    else {
                        throw error(
                            "lone high surrogate \\u\(String(scalar, radix: 16, uppercase: true))",
                            at: escapeStart
                        )
                    }
                    index += 2
                    let low = UInt32(try parseHex4())
                    guard low >= 0xDC00 && low < 0xE000 else {
                        throw error("high surrogate not followed by a low surrogate", at: escapeStart)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw error("lone low surrogate \\u\(String(scalar, radix: 16, uppercase: true))", at: escapeStart)
                }
                guard let unicode = Unicode.Scalar(scalar) else {
                    throw error("invalid unicode escape", at: escapeStart)
                }
                scratch.append(contentsOf: UTF8.encode(unicode) ?? UTF8.EncodedScalar())
            default:
                throw error("invalid escape sequence \\\(describe(escaped))", at: index - 2)
            }
        }
        throw error("unexpected end of input in a string")
    }

    mutating func parseHex4() throws(EventsError) -> UInt16 {
        guard index + 4 <= bytes.count else { throw error("unexpected end of input in a \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit \(describe(byte)) in a \\u escape")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }
}

enum JSONPathText {
    /// `.name` for plain identifiers, `["odd key"]` otherwise.
    static func component(_ key: String) -> String {
        let plain =
            !key.isEmpty
            && key.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
            }
        if plain { return "." + key }
        return "[" + String(decoding: JSONSerializer.quoted(key), as: UTF8.self) + "]"
    }
}

/// UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
enum UTF8Validation {
    /// The offset of the first byte of the first invalid sequence, or `nil` when `bytes` is valid UTF-8.
    static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
            default: return index
            }
            guard index + length <= count else { return index }
            let second = bytes[index + 1]
            guard second >= lower && second <= upper else { return index }
            for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 {
                return index
            }
            index += length
        }
        return nil
    }
}
