import Crypto

/// Byte-level helpers of the signer: hex, RFC 3986 percent-encoding, path normalisation.
/// Everything works on UTF-8 bytes; nothing here touches Foundation.
enum SigV4Bytes {
    static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// `true` for the RFC 3986 unreserved set `A-Z a-z 0-9 - _ . ~`.
    static let unreserved: [Bool] = (0..<256).map { value in
        switch UInt8(value) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// The hex SHA-256 of the empty string.
    static let emptyPayloadHash: [UInt8] = Array(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".utf8
    )
    static let unsignedPayload: [UInt8] = Array("UNSIGNED-PAYLOAD".utf8)

    /// The lowercase hex digit of a value 0…15, without a branch or a table: `(nibble + 6) >> 4`
    /// is 1 exactly for 10…15, which moves them from `:`… up to `a`… (39 apart).
    @inline(__always)
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble &+ UInt8(ascii: "0") &+ ((nibble &+ 6) >> 4) &* 39
    }

    /// Appends the lowercase hex form of `bytes`: written on the stack, then copied in one go
    /// (appending byte by byte would check capacity and uniqueness for every digit).
    static func appendHex(_ bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * bytes.count) { buffer in
            var writer = ByteWriter(buffer)
            writer.writeHex(bytes)
            output.append(contentsOf: writer.written)
        }
    }

    /// Calls `body` with the UTF-8 bytes of `string`. Reads a native string in place, without the
    /// retained copy that `var copy = string; copy.withUTF8 { … }` costs (strings are always native
    /// on Linux; the fallback covers bridged ones elsewhere).
    @inline(__always)
    static func withBytes<Result>(of string: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = string
        return copy.withUTF8(body)
    }

    /// Appends the UTF-8 bytes of `string` in one copy.
    @inline(__always)
    static func append(_ string: String, to output: inout [UInt8]) {
        withBytes(of: string) { output.append(contentsOf: $0) }
    }

    /// SHA-256 of `bytes` through the non-generic buffer entry point.
    @inline(__always)
    static func sha256(_ bytes: [UInt8]) -> SHA256.Digest {
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return hasher.finalize()
    }

    /// Appends a header value trimmed, with inner runs of spaces and tabs collapsed to one space.
    @inline(__always)
    static func appendTrimmedValue(_ value: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        // Fast path: most values have no leading, trailing or repeated whitespace and no tab, so
        // they are copied as they are. `previousWasSpace` starts true to catch a leading space.
        var previousWasSpace = true
        var clean = true
        for byte in value {
            let isSpace = byte == UInt8(ascii: " ")
            if byte == UInt8(ascii: "\t") || (isSpace && previousWasSpace) {
                clean = false
                break
            }
            previousWasSpace = isSpace
        }
        if clean && !(previousWasSpace && !value.isEmpty) {
            output.append(contentsOf: value)
            return
        }
        var started = false
        var pendingSpace = false
        for byte in value {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                pendingSpace = started
            } else {
                if pendingSpace { output.append(UInt8(ascii: " ")) }
                pendingSpace = false
                started = true
                output.append(byte)
            }
        }
    }

    /// Percent-encodes every byte outside the unreserved set (and outside `/` when `keepSlash`),
    /// with uppercase hex digits, as AWS's `UriEncode` does.
    @inline(__always)
    static func appendPercentEncoded(_ bytes: some Sequence<UInt8>, keepSlash: Bool, to output: inout [UInt8]) {
        let table = unreserved
        // Fast path: nothing to encode (the usual path), copied in one go.
        let copied = bytes.withContiguousStorageIfAvailable { buffer in
            guard buffer.allSatisfy({ table[Int($0)] || (keepSlash && $0 == UInt8(ascii: "/")) }) else { return false }
            output.append(contentsOf: buffer)
            return true
        }
        if copied == true { return }
        let digits = upperHex
        for byte in bytes {
            if table[Int(byte)] || (keepSlash && byte == UInt8(ascii: "/")) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(digits[Int(byte >> 4)])
                output.append(digits[Int(byte & 0x0F)])
            }
        }
    }

    /// Decodes `%XX` escapes; a `%` not followed by two hex digits is kept as it is. `+` stays `+`.
    static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "%")) else { return Array(bytes) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]),
                let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Whether ``removeDotSegments(_:)`` would change the path: it holds an empty, `.` or `..` segment.
    static func needsNormalization(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        var segmentStart = 0
        var index = 0
        let count = path.count
        while index <= count {
            if index == count || path[index] == slash {
                let length = index - segmentStart
                // An empty segment other than the leading one (before the first `/`) and the trailing one.
                if length == 0 && segmentStart != 0 && index != count { return true }
                if length == 1 && path[segmentStart] == dot { return true }
                if length == 2 && path[segmentStart] == dot && path[segmentStart + 1] == dot { return true }
                segmentStart = index + 1
            }
            index += 1
        }
        return false
    }

    /// RFC 3986 §5.2.4 dot-segment removal plus merging of repeated slashes, exactly as botocore's
    /// `remove_dot_segments`: a leading `/` is kept, a trailing `/` is kept when a segment remains.
    static func removeDotSegments(_ path: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        guard let first = path.first, let last = path.last else { return [] }
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        var segments: [Range<Int>] = []
        var segmentStart = 0
        for index in 0...path.count {
            guard index == path.count || path[index] == slash else { continue }
            let length = index - segmentStart
            if length == 1 && path[segmentStart] == dot {
                // skip "."
            } else if length == 2 && path[segmentStart] == dot && path[segmentStart + 1] == dot {
                if !segments.isEmpty { segments.removeLast() }
            } else if length > 0 {
                segments.append(segmentStart..<index)
            }
            segmentStart = index + 1
        }
        var output: [UInt8] = []
        output.reserveCapacity(path.count)
        if first == slash { output.append(slash) }
        for (position, segment) in segments.enumerated() {
            if position > 0 { output.append(slash) }
            output.append(contentsOf: path[segment])
        }
        if last == slash && !segments.isEmpty { output.append(slash) }
        return output
    }

    /// Lexicographic byte order.
    @inline(__always)
    static func precedes(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs.lexicographicallyPrecedes(rhs)
    }
}

/// Writes bytes into a buffer whose size the caller computed in advance from the same pieces.
/// Every write is bounds-checked: bytes that would not fit are dropped rather than written past
/// the end (with correctly computed sizes this does not happen).
struct ByteWriter {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    /// How many bytes were written.
    private(set) var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    /// The bytes written so far.
    var written: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: buffer[..<count])
    }

    mutating func write(_ byte: UInt8) {
        guard count < buffer.count else { return }
        buffer[count] = byte
        count += 1
    }

    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count <= buffer.count - count, let source = bytes.baseAddress, let target = buffer.baseAddress
        else { return }
        (target + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func write(_ literal: StaticString) {
        literal.withUTF8Buffer { write($0) }
    }

    /// Writes the lowercase hex form of `bytes`.
    mutating func writeHex(_ bytes: UnsafeRawBufferPointer) {
        guard 2 * bytes.count <= buffer.count - count else { return }
        var position = count
        for byte in bytes {
            buffer[position] = SigV4Bytes.hexDigit(byte >> 4)
            buffer[position &+ 1] = SigV4Bytes.hexDigit(byte & 0x0F)
            position &+= 2  // cannot overflow: bounded by buffer.count (checked above)
        }
        count = position
    }
}
