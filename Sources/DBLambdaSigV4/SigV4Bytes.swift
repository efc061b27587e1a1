import Crypto

/// Byte-level helpers of the signer: hex, RFC 3986 percent-encoding, path normalisation.
/// Everything works on UTF-8 bytes; nothing here touches Foundation.
enum SigV4Bytes {
    static let lowerHex: [UInt8] = Array("0123456789abcdef".utf8)
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

    /// Appends the lowercase hex form of `bytes`.
    @inline(__always)
    static func appendHex(_ bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        let digits = lowerHex
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
    }

    /// SHA-256 of `bytes` through the non-generic buffer entry point.
    @inline(__always)
    static func sha256(_ bytes: [UInt8]) -> SHA256.Digest {
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return hasher.finalize()
    }

    /// Lowercase hex SHA-256 of `bytes`.
    static func sha256Hex(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.isEmpty { return emptyPayloadHash }
        var output: [UInt8] = []
        output.reserveCapacity(64)
        sha256(bytes).withUnsafeBytes { appendHex($0, to: &output) }
        return output
    }

    /// Percent-encodes every byte outside the unreserved set (and outside `/` when `keepSlash`),
    /// with uppercase hex digits, as AWS's `UriEncode` does.
    @inline(__always)
    static func appendPercentEncoded(_ bytes: some Sequence<UInt8>, keepSlash: Bool, to output: inout [UInt8]) {
        let table = unreserved
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
