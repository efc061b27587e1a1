/// The one error type of `DBLambdaSQL`: a name, literal or option that cannot be turned into safe SQL.
///
/// `==` and hashing compare the ``code`` only, so the static members work with Swift Testing and `catch`:
///
/// ```swift
/// #expect(throws: SQLError.identifierTooLong) { try PostgreSQLQuoting.identifier(String(repeating: "x", count: 64)) }
/// ```
public struct SQLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem a ``SQLError`` reports. An open set: new codes may be added in minor releases.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String

        /// An identifier is empty.
        public static let emptyIdentifier = Code(raw: "emptyIdentifier")
        /// An identifier is longer than the engine allows (PostgreSQL 63 bytes, MySQL 64 characters).
        public static let identifierTooLong = Code(raw: "identifierTooLong")
        /// An identifier or literal contains a character the engine cannot store or the client cannot carry
        /// (a NUL byte anywhere; for MySQL also control characters, characters outside the BMP, trailing spaces).
        public static let invalidCharacter = Code(raw: "invalidCharacter")
        /// `--table` is not `SCHEMA.TABLE`.
        public static let invalidTableName = Code(raw: "invalidTableName")
        /// A column list is malformed (empty entry, duplicate, both include and exclude, MySQL without columns).
        public static let invalidColumns = Code(raw: "invalidColumns")
        /// An operation is unknown or not supported by the engine (MySQL has no `TRUNCATE` triggers).
        public static let invalidOperation = Code(raw: "invalidOperation")
        /// An option value is not one of the accepted ones (invocation type, error policy, MySQL version).
        public static let invalidOption = Code(raw: "invalidOption")
        /// A role or account name for the grants is malformed.
        public static let invalidGrantee = Code(raw: "invalidGrantee")

        /// The code's name, for example `identifierTooLong`.
        public var description: String { raw }
    }

    /// What kind of problem this is.
    public var code: Code
    /// A one-line human-readable message that says what was wrong and which input it was.
    public var message: String

    /// Creates an error; `message` should name the offending input.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// An identifier is empty.
    public static let emptyIdentifier = SQLError(code: .emptyIdentifier, message: "empty identifier")
    /// An identifier is too long.
    public static let identifierTooLong = SQLError(code: .identifierTooLong, message: "identifier too long")
    /// A character cannot be represented.
    public static let invalidCharacter = SQLError(code: .invalidCharacter, message: "invalid character")
    /// The table name is malformed.
    public static let invalidTableName = SQLError(code: .invalidTableName, message: "invalid table name")
    /// The column list is malformed.
    public static let invalidColumns = SQLError(code: .invalidColumns, message: "invalid column list")
    /// The operation is unknown or unsupported.
    public static let invalidOperation = SQLError(code: .invalidOperation, message: "invalid operation")
    /// An option value is not accepted.
    public static let invalidOption = SQLError(code: .invalidOption, message: "invalid option")
    /// The grantee is malformed.
    public static let invalidGrantee = SQLError(code: .invalidGrantee, message: "invalid grantee")

    /// Compares the ``code`` only.
    public static func == (lhs: SQLError, rhs: SQLError) -> Bool { lhs.code == rhs.code }

    /// Hashes the ``code`` only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Matches any error that is a ``SQLError`` with the same ``code``.
    public static func ~= (lhs: SQLError, rhs: any Error) -> Bool {
        guard let other = rhs as? SQLError else { return false }
        return other.code == lhs.code
    }

    /// The message on one line (control characters shown as escapes), safe for standard error.
    public var description: String { SQLText.visible(message) }
}

/// Text helpers shared by the generators.
enum SQLText {
    /// `text` with every control character (and the line/paragraph separators) written as a visible escape,
    /// so it stays on one line and can never end an SQL `--` comment.
    static func visible(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x09: result += "\\t"
            case 0x00..<0x20, 0x7F, 0x80..<0xA0, 0x2028, 0x2029:
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `value` in double quotes with control characters made visible, for error messages.
    static func quoted(_ value: String) -> String {
        "\"" + visible(value) + "\""
    }
}
