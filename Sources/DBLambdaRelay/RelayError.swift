/// The one error type of `DBLambdaRelay`: a configuration value, a database URL or an outbox operation that failed.
///
/// `==` and hashing compare the ``code`` only, so the static members work with Swift Testing and `catch`:
///
/// ```swift
/// #expect(throws: RelayError.invalidConfiguration) { try RelayConfiguration(function: "f", batchSize: 0).validate() }
/// ```
///
/// Neither ``message`` nor ``description`` ever contains a database password.
public struct RelayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem a ``RelayError`` reports. An open set: new codes may be added in minor releases.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String

        /// A ``RelayConfiguration`` value is out of range or malformed (the message names the field).
        public static let invalidConfiguration = Code(raw: "invalidConfiguration")
        /// A ``DatabaseURL`` cannot be parsed (the message says which part; never the password).
        public static let invalidDatabaseURL = Code(raw: "invalidDatabaseURL")
        /// The database refused a connection or a statement (the message carries PostgreSQL's reason).
        public static let databaseFailure = Code(raw: "databaseFailure")
        /// An argument of an ``OutboxAdmin`` operation is out of range.
        public static let invalidArgument = Code(raw: "invalidArgument")

        /// The code's name, for example `invalidConfiguration`.
        public var description: String { raw }
    }

    /// What kind of problem this is.
    public var code: Code
    /// A one-line message that says what was wrong and where (the field, the URL part, the statement).
    public var message: String

    /// Creates an error; `message` should name the offending input.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// A configuration value is invalid.
    public static let invalidConfiguration = RelayError(code: .invalidConfiguration, message: "invalid configuration")
    /// A database URL is invalid.
    public static let invalidDatabaseURL = RelayError(code: .invalidDatabaseURL, message: "invalid database URL")
    /// The database failed.
    public static let databaseFailure = RelayError(code: .databaseFailure, message: "database failure")
    /// An argument is out of range.
    public static let invalidArgument = RelayError(code: .invalidArgument, message: "invalid argument")

    /// One line: `code: message`.
    public var description: String { "\(code.raw): \(message)" }

    /// Compares the codes only.
    public static func == (lhs: RelayError, rhs: RelayError) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only (consistent with `==`).
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Matches any `RelayError` with the same code, for `catch RelayError.invalidDatabaseURL`.
    public static func ~= (lhs: RelayError, rhs: any Error) -> Bool {
        (rhs as? RelayError)?.code == lhs.code
    }
}
