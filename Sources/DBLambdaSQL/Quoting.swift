/// Quoting for PostgreSQL: identifiers in double quotes, string literals in single quotes.
///
/// ```swift
/// try PostgreSQLQuoting.identifier("Order Items")   // "\"Order Items\""
/// try PostgreSQLQuoting.literal("it's")             // "'it''s'"
/// ```
///
/// Every identifier is quoted (never case-folded), so `Order Items`, `select` and `sales"2026` keep their
/// exact spelling. The output is a single SQL token whatever the input is: it cannot end the quoting early.
public enum PostgreSQLQuoting: Sendable {
    /// The longest identifier PostgreSQL stores, in UTF-8 bytes (`NAMEDATALEN - 1`). Longer names would be
    /// truncated silently by the server, so they are rejected instead.
    public static let maximumIdentifierBytes = 63

    /// `name` as a quoted identifier: `"…"` with every `"` doubled.
    ///
    /// - Throws: ``SQLError/emptyIdentifier``, ``SQLError/invalidCharacter`` (a NUL byte) or
    ///   ``SQLError/identifierTooLong`` (more than 63 UTF-8 bytes).
    public static func identifier(_ name: String) throws(SQLError) -> String {
        try validateIdentifier(name)
        return "\"" + name.replacing("\"", with: "\"\"") + "\""
    }

    /// Checks that `name` can be a PostgreSQL identifier without being truncated or altered.
    ///
    /// - Throws: ``SQLError`` as ``identifier(_:)`` does.
    public static func validateIdentifier(_ name: String) throws(SQLError) {
        guard !name.isEmpty else {
            throw SQLError(code: .emptyIdentifier, message: "empty PostgreSQL identifier")
        }
        guard !name.utf8.contains(0) else {
            throw SQLError(
                code: .invalidCharacter,
                message: "PostgreSQL identifier \(SQLText.quoted(name)) contains a NUL byte"
            )
        }
        let length = name.utf8.count
        guard length <= maximumIdentifierBytes else {
            throw SQLError(
                code: .identifierTooLong,
                message: "PostgreSQL identifier \(SQLText.quoted(name)) is \(length) bytes long, "
                    + "at most \(maximumIdentifierBytes) are allowed"
            )
        }
    }

    /// `text` as a string literal that means the same whatever `standard_conforming_strings` is set to:
    /// `'…'` with `'` doubled, or, when `text` contains a backslash, `E'…'` with `\` and `'` doubled.
    ///
    /// - Throws: ``SQLError/invalidCharacter`` when `text` contains a NUL byte (PostgreSQL text cannot hold one).
    public static func literal(_ text: String) throws(SQLError) -> String {
        guard !text.utf8.contains(0) else {
            throw SQLError(code: .invalidCharacter, message: "string \(SQLText.quoted(text)) contains a NUL byte")
        }
        let doubled = text.replacing("'", with: "''")
        guard text.contains("\\") else { return "'" + doubled + "'" }
        return "E'" + doubled.replacing("\\", with: "\\\\") + "'"
    }
}

/// Quoting for MySQL and Aurora MySQL (and MariaDB): identifiers in backticks, string literals that mean the
/// same with and without `NO_BACKSLASH_ESCAPES` and whatever the connection character set is.
///
/// ```swift
/// try MySQLQuoting.identifier("Order`Items")   // "`Order``Items`"
/// MySQLQuoting.literal("orders")               // "'orders'"
/// MySQLQuoting.literal("it's")                 // "_utf8mb4 X'69742773'"
/// ```
public enum MySQLQuoting: Sendable {
    /// The longest identifier MySQL accepts, in characters.
    public static let maximumIdentifierCharacters = 64

    /// `name` as a quoted identifier: in backticks, with every backtick doubled.
    ///
    /// - Throws: ``SQLError/emptyIdentifier``, ``SQLError/identifierTooLong`` (more than 64 characters) or
    ///   ``SQLError/invalidCharacter``: NUL and other control characters (the `mysql` client reads scripts line
    ///   by line), characters outside the Basic Multilingual Plane (MySQL identifiers cannot hold them) and
    ///   trailing spaces (MySQL rejects them in database and table names).
    public static func identifier(_ name: String) throws(SQLError) -> String {
        try validateIdentifier(name)
        return "`" + name.replacing("`", with: "``") + "`"
    }

    /// Checks that `name` can be a MySQL identifier.
    ///
    /// - Throws: ``SQLError`` as ``identifier(_:)`` does.
    public static func validateIdentifier(_ name: String) throws(SQLError) {
        guard !name.isEmpty else {
            throw SQLError(code: .emptyIdentifier, message: "empty MySQL identifier")
        }
        for scalar in name.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                throw SQLError(
                    code: .invalidCharacter,
                    message: "MySQL identifier \(SQLText.quoted(name)) contains a control character"
                )
            }
            if scalar.value > 0xFFFF {
                throw SQLError(
                    code: .invalidCharacter,
                    message: "MySQL identifier \(SQLText.quoted(name)) contains a character outside the Basic "
                        + "Multilingual Plane (U+\(String(scalar.value, radix: 16, uppercase: true)))"
                )
            }
        }
        let length = name.unicodeScalars.count
        guard length <= maximumIdentifierCharacters else {
            throw SQLError(
                code: .identifierTooLong,
                message: "MySQL identifier \(SQLText.quoted(name)) is \(length) characters long, "
                    + "at most \(maximumIdentifierCharacters) are allowed"
            )
        }
        guard name.last != " " else {
            throw SQLError(
                code: .invalidCharacter,
                message: "MySQL identifier \(SQLText.quoted(name)) ends with a space"
            )
        }
    }

    /// `text` as a string literal. Printable ASCII without `'`, `\` and `$` is written as `'…'`; anything else
    /// as the hexadecimal literal `_utf8mb4 X'…'`, which depends neither on `NO_BACKSLASH_ESCAPES` nor on the
    /// client's character set, and never contains a quote, a backslash or a `DELIMITER`.
    public static func literal(_ text: String) -> String {
        let plain = text.utf8.allSatisfy { byte in
            byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "'") && byte != UInt8(ascii: "\\")
                && byte != UInt8(ascii: "$")
        }
        if plain { return "'" + text + "'" }
        let digits: [Character] = Array("0123456789ABCDEF")
        var hex = ""
        hex.reserveCapacity(text.utf8.count * 2)
        for byte in text.utf8 {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return "_utf8mb4 X'" + hex + "'"
    }
}
