public import Foundation

/// A signing time, kept as whole seconds since 1970 in UTC, with its two SigV4 renderings
/// precomputed: ``amzDate`` (`YYYYMMDD'T'HHMMSS'Z'`) and ``dateStamp`` (`YYYYMMDD`).
///
/// The renderings are computed by hand from the epoch seconds (no `DateFormatter`), which keeps
/// signing fast and independent of the locale and calendar settings.
public struct SigV4Timestamp: Sendable, Hashable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public let secondsSince1970: Int64
    /// The `X-Amz-Date` form, for example `20150830T123600Z`.
    public let amzDate: String
    /// The scope date, for example `20150830`.
    public var dateStamp: Substring {
        // Sliced through the UTF-8 view: O(1), where `prefix(8)` on the characters walks them
        // (``amzDate`` is ASCII, so both give the same text).
        Substring(amzDate.utf8.prefix(8))
    }

    /// Creates a timestamp from seconds since 1970 (UTC). Years outside 0001 … 9999 are clamped.
    public init(secondsSince1970 seconds: Int64) {
        let minimum: Int64 = -62_135_596_800  // 0001-01-01T00:00:00Z
        let maximum: Int64 = 253_402_300_799  // 9999-12-31T23:59:59Z
        let clamped = min(max(seconds, minimum), maximum)
        self.secondsSince1970 = clamped
        self.amzDate = Self.render(clamped)
    }

    /// Creates a timestamp from a `Date`, dropping fractions of a second.
    public init(_ date: Date) {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let limited = min(max(seconds, -62_135_596_800), 253_402_300_799)
        self.init(secondsSince1970: Int64(limited))
    }

    /// Parses the `X-Amz-Date` form `YYYYMMDD'T'HHMMSS'Z'` (exactly 16 characters, a real calendar date).
    ///
    /// - Throws: ``SigV4Error/invalidDate`` when the text is not in that form.
    public init(amzDate text: String) throws(SigV4Error) {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else {
            throw SigV4Error(code: .invalidDate, message: "date must look like YYYYMMDDTHHMMSSZ")
        }
        func number(_ range: Range<Int>) throws(SigV4Error) -> Int64 {
            var value: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                    throw SigV4Error(code: .invalidDate, message: "date must look like YYYYMMDDTHHMMSSZ")
                }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        let year = try number(0..<4)
        let month = try number(4..<6)
        let day = try number(6..<8)
        let hour = try number(9..<11)
        let minute = try number(11..<13)
        let second = try number(13..<15)
        guard year >= 1, (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 60
        else {
            throw SigV4Error(code: .invalidDate, message: "date is not a valid UTC date and time")
        }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        self.init(secondsSince1970: days * 86_400 + hour * 3_600 + minute * 60 + second)
    }

    /// The ``amzDate`` form.
    public var description: String { amzDate }

    /// The same instant as a Foundation `Date`.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(secondsSince1970)) }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Renders `YYYYMMDD'T'HHMMSS'Z'` (H. Hinnant's `civil_from_days`).
    static func render(_ seconds: Int64) -> String {
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        var bytes = [UInt8](repeating: UInt8(ascii: "0"), count: 16)
        func put(_ value: Int64, at offset: Int, width: Int) {
            var rest = value
            var index = offset + width - 1
            while index >= offset {
                bytes[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
                index -= 1
            }
        }
        put(year, at: 0, width: 4)
        put(month, at: 4, width: 2)
        put(day, at: 6, width: 2)
        bytes[8] = UInt8(ascii: "T")
        put(secondOfDay / 3_600, at: 9, width: 2)
        put(secondOfDay / 60 % 60, at: 11, width: 2)
        put(secondOfDay % 60, at: 13, width: 2)
        bytes[15] = UInt8(ascii: "Z")
        return String(decoding: bytes, as: UTF8.self)
    }
}
