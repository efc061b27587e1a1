// Internal helpers: byte-level character classes and message quoting.

extension UInt8 {
    /// `0`–`9`.
    var isASCIIDigit: Bool { self >= 0x30 && self <= 0x39 }
    /// `a`–`z`.
    var isASCIILower: Bool { self >= 0x61 && self <= 0x7A }
    /// `A`–`Z`.
    var isASCIIUpper: Bool { self >= 0x41 && self <= 0x5A }
    /// `a`–`z` or `A`–`Z`.
    var isASCIILetter: Bool { isASCIILower || isASCIIUpper }
    /// Letters and digits.
    var isASCIIAlphanumeric: Bool { isASCIILetter || isASCIIDigit }
    /// The "word" class `[A-Za-z0-9_]`.
    var isASCIIWord: Bool { isASCIIAlphanumeric || self == UInt8(ascii: "_") }
}

/// Whether `text` is non-empty and every UTF-8 byte satisfies `predicate`.
func allBytes(of text: some StringProtocol, are predicate: (UInt8) -> Bool) -> Bool {
    allBytes(in: text.utf8, are: predicate)
}

/// Whether `bytes` is non-empty and every byte satisfies `predicate`.
func allBytes(in bytes: some Sequence<UInt8>, are predicate: (UInt8) -> Bool) -> Bool {
    var sawByte = false
    for byte in bytes {
        guard predicate(byte) else { return false }
        sawByte = true
    }
    return sawByte
}

/// The most characters of user input quoted in one message.
let maximumQuotedScalars = 200

/// `text` in double quotes with `"`, `\` and control characters escaped, cut after
/// ``maximumQuotedScalars`` scalars, so that user input can never break a one-line message.
func quoted(_ text: some StringProtocol) -> String {
    var out = "\""
    var count = 0
    for scalar in text.unicodeScalars {
        if count == maximumQuotedScalars {
            out += "..."
            break
        }
        appendEscaped(scalar, to: &out, escapingQuote: true)
        count += 1
    }
    out += "\""
    return out
}

/// `text` with control characters (line breaks included) escaped, so it fits on one line.
func escapedForOneLine(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
        appendEscaped(scalar, to: &out, escapingQuote: false)
    }
    return out
}

private func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return value < 0x20 || (value >= 0x7F && value <= 0x9F) || value == 0x2028 || value == 0x2029
}

private func appendEscaped(_ scalar: Unicode.Scalar, to out: inout String, escapingQuote: Bool) {
    switch scalar {
    case "\"" where escapingQuote: out += "\\\""
    case "\\" where escapingQuote: out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    default:
        if needsEscape(scalar) {
            out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
}
