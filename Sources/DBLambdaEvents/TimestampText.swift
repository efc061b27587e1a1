#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Parsing and formatting of the timestamp texts PostgreSQL and MySQL put in JSON.
enum TimestampText {
    /// `1970-01-01T00:00:00.000000Z` style text for microseconds since the Unix epoch (UTC).
    static func iso8601(microsecondsSince1970 micros: Int64) -> String {
        let (seconds, fraction) = floorDivide(micros, 1_000_000)
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let (year, month, day) = civil(fromDays: days)
        let hour = secondOfDay / 3600
        let minute = secondOfDay % 3600 / 60
        let second = secondOfDay % 60
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(hour, 2) + ":" + pad(minute, 2) + ":"
            + pad(second, 2) + "." + pad(fraction, 6) + "Z"
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DD[T ]HH:MM[:SS[.f…]]` with an optional zone `Z`, `±HH`, `±HHMM` or
    /// `±HH:MM` (no zone means UTC). Returns the instant as seconds since 1970 and the microsecond part
    /// exactly, or `nil` for anything else.
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int64? {
            guard index + digits <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<digits {
                let digit = bytes[index + offset] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int64(digit)
            }
            index += digits
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        var negativeYear = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negativeYear = true
            index += 1
        }
        guard var year = number(4), expect(UInt8(ascii: "-")), let month = number(2), expect(UInt8(ascii: "-")),
            let day = number(2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10, year < 100_000 {
            year = year * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        if negativeYear { year = -year }
        var secondOfDay: Int64 = 0
        var micros: Int64 = 0
        var offsetSeconds: Int64 = 0
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: " ") else { return nil }
            index += 1
            guard let hour = number(2), expect(UInt8(ascii: ":")), let minute = number(2), hour <= 24, minute < 60
            else {
                return nil
            }
            var second: Int64 = 0
            if expect(UInt8(ascii: ":")) {
                guard let parsed = number(2), parsed <= 60 else { return nil }
                second = parsed
                if expect(UInt8(ascii: ".")) {
                    var digits = 0
                    while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
                        if digits < 6 { micros = micros * 10 + Int64(bytes[index] - UInt8(ascii: "0")) }
                        digits += 1
                        index += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in digits..<max(digits, 6) { micros *= 10 }
                }
            }
            secondOfDay = hour * 3600 + minute * 60 + second
            if index < bytes.count {
                if expect(UInt8(ascii: "Z")) || expect(UInt8(ascii: "z")) {
                    offsetSeconds = 0
                } else {
                    let sign: Int64
                    if expect(UInt8(ascii: "+")) {
                        sign = 1
                    } else if expect(UInt8(ascii: "-")) {
                        sign = -1
                    } else {
                        return nil
                    }
                    guard let offsetHours = number(2), offsetHours <= 15 else { return nil }
                    var offsetMinutes: Int64 = 0
                    if index < bytes.count {
                        _ = expect(UInt8(ascii: ":"))
                        guard let minutes = number(2), minutes < 60 else { return nil }
                        offsetMinutes = minutes
                        if expect(UInt8(ascii: ":")) {
                            guard let offsetSecondsPart = number(2) else { return nil }
                            offsetSeconds = sign * offsetSecondsPart
                        }
                    }
                    offsetSeconds += sign * (offsetHours * 3600 + offsetMinutes * 60)
                }
            }
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + secondOfDay - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(abs(value))
        let padded = String(repeating: "0", count: max(0, width - text.count)) + text
        return value < 0 ? "-" + padded : padded
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

extension ChangeEvent {
    /// ``timestamp`` as a `Date`, when it is a PostgreSQL or MySQL timestamp text (no zone means UTC).
    public var timestampDate: Date? {
        timestamp.flatMap(TimestampText.parse)
    }
}
