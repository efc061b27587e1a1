/// Writes ``JSONValue``s as compact JSON: numbers with their exact text, strings with the minimal escapes
/// (`"`, `\`, control characters; `/` and non-ASCII characters are written as they are), object members in
/// order or sorted by key.
public struct JSONSerializer: Sendable {
    /// Whether object members are written sorted by key (by Unicode scalar values) instead of in order.
    public var sortedKeys: Bool

    /// Creates a serializer.
    public init(sortedKeys: Bool = false) {
        self.sortedKeys = sortedKeys
    }

    /// The UTF-8 bytes of `value`.
    public func serialize(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(value, into: &output)
        return output
    }

    /// Appends the UTF-8 bytes of `value` to `output`.
    public func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(true): output.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
        case .bool(false): output.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        case .number(let number): output.append(contentsOf: number.text.utf8)
        case .string(let string): Self.writeString(string, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            write(object, into: &output)
        }
    }

    /// Appends the UTF-8 bytes of `object` to `output`.
    public func write(_ object: JSONObject, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "{"))
        var first = true
        let members =
            sortedKeys
            ? object.members.enumerated().sorted { lhs, rhs in
                lhs.element.key.unicodeScalars.lexicographicallyPrecedes(rhs.element.key.unicodeScalars)
                    || (lhs.element.key == rhs.element.key && lhs.offset < rhs.offset)
            }.map(\.element) : object.members
        for member in members {
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            Self.writeString(member.key, into: &output)
            output.append(UInt8(ascii: ":"))
            write(member.value, into: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    static func quoted(_ string: String) -> [UInt8] {
        var output: [UInt8] = []
        writeString(string, into: &output)
        return output
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var copy = string
        copy.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                    index += 1
                    continue
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                switch byte {
                case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                default:
                    output.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30])
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0x0F)])
                }
                index += 1
                runStart = index
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        output.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// The compact JSON text of this value as UTF-8 bytes.
    public func serialized(sortedKeys: Bool = false) -> [UInt8] {
        JSONSerializer(sortedKeys: sortedKeys).serialize(self)
    }

    /// The compact JSON text of this value.
    public func jsonString(sortedKeys: Bool = false) -> String {
        String(decoding: serialized(sortedKeys: sortedKeys), as: UTF8.self)
    }
}
