import Foundation

/// Parsers for the typed condition operators (numbers, dates, IP addresses, base64).
enum ValueParsing {
    /// A decimal number as a `Double` (AWS compares numbers numerically; integers and decimals).
    static func number(_ text: String) -> Double? {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }) else { return nil }
        return Double(trimmed)
    }

    /// Seconds since 1970 (with fractions) for ISO 8601 (`2026-01-01`, `2026-01-01T10:00:00Z`,
    /// `2026-01-01T10:00:00.5+02:00`, `2026-01-01T10:00Z`) or epoch-second text (`1767225600`).
    static func date(_ text: String) -> Double? {
        let trimmed = text.trimmingSpaces()
        if !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            let value = Double(trimmed)
        {
            return value
        }
        let characters = Array(trimmed)
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= characters.count else { return nil }
            var value = 0
            for offset in 0..<count {
                guard let digit = characters[index + offset].wholeNumberValue, characters[index + offset].isASCII else {
                    return nil
                }
                value = value * 10 + digit
            }
            index += count
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < characters.count, characters[index] == character else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        if index == characters.count { return seconds }
        guard expect("T") || expect("t") || expect(" "), let hour = digits(2), expect(":"), let minute = digits(2),
            hour < 24, minute < 60
        else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if expect(":") {
            guard let second = digits(2), second < 61 else { return nil }
            seconds += Double(second)
            if expect(".") {
                var fraction = 0.0
                var scale = 0.1
                var count = 0
                while index < characters.count, let digit = characters[index].wholeNumberValue {
                    fraction += Double(digit) * scale
                    scale /= 10
                    index += 1
                    count += 1
                }
                guard count > 0 else { return nil }
                seconds += fraction
            }
        }
        if index == characters.count { return seconds }
        if expect("Z") || expect("z") { return index == characters.count ? seconds : nil }
        let sign: Double
        if expect("+") {
            sign = 1
        } else if expect("-") {
            sign = -1
        } else {
            return nil
        }
        guard let offsetHours = digits(2) else { return nil }
        _ = expect(":")
        guard let offsetMinutes = digits(2), index == characters.count else { return nil }
        return seconds - sign * Double(offsetHours * 3600 + offsetMinutes * 60)
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// IPv4 (4 bytes) or IPv6 (16 bytes) address bytes.
    static func ipAddress(_ text: String) -> [UInt8]? {
        if text.contains(":") { return ipv6(text) }
        return ipv4(Substring(text))
    }

    private static func ipv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(part),
                value <= 255
            else { return nil }
            bytes.append(UInt8(value))
        }
        return bytes
    }

    private static func ipv6(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring) -> [UInt8]? {
            if part.isEmpty { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = ipv4(piece) else { return nil }
                    bytes += v4
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                bytes.append(UInt8(value >> 8))
                bytes.append(UInt8(value & 0xff))
            }
            return bytes
        }
        guard let head = groups(Substring(halves[0])) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(Substring(halves[1])), head.count + tail.count < 16 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// A CIDR block (`10.0.0.0/8`, `2001:db8::/32`, or a bare address = /32 or /128) as bytes and prefix length.
    static func cidr(_ text: String) -> (bytes: [UInt8], prefix: Int)? {
        let parts = text.trimmingSpaces().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let bytes = ipAddress(String(parts[0])) else { return nil }
        let maximum = bytes.count * 8
        guard parts.count == 2 else { return (bytes, maximum) }
        guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let prefix = Int(parts[1]), prefix <= maximum else {
            return nil
        }
        return (bytes, prefix)
    }

    /// Whether `address` lies in the block.
    static func contains(block: (bytes: [UInt8], prefix: Int), address: [UInt8]) -> Bool {
        guard block.bytes.count == address.count else { return false }
        var remaining = block.prefix
        for (a, b) in zip(block.bytes, address) {
            guard remaining > 0 else { return true }
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if a & mask != b & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// Standard base64 (padding optional, whitespace ignored) decoded to bytes.
    static func base64(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for scalar in text.unicodeScalars {
            switch scalar {
            case "A"..."Z": values.append(UInt8(scalar.value - 65))
            case "a"..."z": values.append(UInt8(scalar.value - 97 + 26))
            case "0"..."9": values.append(UInt8(scalar.value - 48 + 52))
            case "+": values.append(62)
            case "/": values.append(63)
            case "=", " ", "\n", "\r", "\t": continue
            default: return nil
            }
        }
        guard values.count % 4 != 1 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = Array(values[index..<min(index + 4, values.count)])
            let n = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (18 - 6 * $1.offset) }
            bytes.append(UInt8(n >> 16 & 0xff))
            if chunk.count > 2 { bytes.append(UInt8(n >> 8 & 0xff)) }
            if chunk.count > 3 { bytes.append(UInt8(n & 0xff)) }
            index += 4
        }
        return bytes
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
