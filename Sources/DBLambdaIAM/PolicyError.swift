public import DBLambdaCore

/// The error of the `DBLambdaIAM` module: a policy document, a generator argument or an evaluation request was
/// malformed.
///
/// Its ``code`` says what kind of problem it is, its ``message`` says what was wrong, and ``location`` says where
/// (a JSON path such as `$.Statement[0].Effect`, and a file when the caller knows it).
///
/// `==` and hashing compare the ``code`` only, so the static members work with Swift Testing and `catch`:
///
/// ```swift
/// #expect(throws: PolicyError.invalidDocument) { try PolicyDocument(jsonString: #"{"Statement":1}"#) }
/// ```
public struct PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem a ``PolicyError`` reports. An open set: new codes may be added in minor releases.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let raw: String

        private init(_ raw: String) { self.raw = raw }

        /// The input is not valid JSON.
        public static let invalidJSON = Code("invalidJSON")
        /// The JSON is valid but does not follow the IAM policy grammar.
        public static let invalidDocument = Code("invalidDocument")
        /// A generator argument (ARN, account id, service principal, qualifier) is not acceptable.
        public static let invalidArgument = Code("invalidArgument")
        /// A Lambda statement id is not 1–100 characters of `[A-Za-z0-9-_]`.
        public static let invalidStatementID = Code("invalidStatementID")
        /// An evaluation request is malformed (empty action, bad context key).
        public static let invalidRequest = Code("invalidRequest")
        /// A policy exceeds a resource limit of the parser: document size, nesting depth or number of statements.
        public static let limitExceeded = Code("limitExceeded")

        /// The code's name, for example `invalidDocument`.
        public var description: String { raw }
    }

    /// What kind of problem this is.
    public var code: Code
    /// One human-readable line that says what was wrong.
    public var message: String
    /// Where the problem was found (JSON path, file), when known.
    public var location: InputLocation?

    /// Creates an error; `message` should say what was wrong and quote the offending value.
    public init(code: Code, message: String, location: InputLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// This error with ``location`` set (keeping an already known JSON path when `location` has none).
    public func located(at location: InputLocation) -> PolicyError {
        var copy = self
        var merged = location
        if merged.jsonPath == nil { merged.jsonPath = self.location?.jsonPath }
        copy.location = merged
        return copy
    }

    /// The input is not valid JSON.
    public static let invalidJSON = PolicyError(code: .invalidJSON, message: "invalid JSON")
    /// The JSON does not follow the IAM policy grammar.
    public static let invalidDocument = PolicyError(code: .invalidDocument, message: "invalid policy document")
    /// A generator argument is not acceptable.
    public static let invalidArgument = PolicyError(code: .invalidArgument, message: "invalid argument")
    /// A Lambda statement id is malformed.
    public static let invalidStatementID = PolicyError(code: .invalidStatementID, message: "invalid statement id")
    /// An evaluation request is malformed.
    public static let invalidRequest = PolicyError(code: .invalidRequest, message: "invalid request")
    /// A policy exceeds a parser limit (size, nesting depth, statements).
    public static let limitExceeded = PolicyError(code: .limitExceeded, message: "limit exceeded")

    /// Compares the ``code`` only.
    public static func == (lhs: PolicyError, rhs: PolicyError) -> Bool { lhs.code == rhs.code }

    /// Hashes the ``code`` only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Matches any error that is a ``PolicyError`` with the same ``code``.
    public static func ~= (lhs: PolicyError, rhs: any Error) -> Bool {
        guard let other = rhs as? PolicyError else { return false }
        return other.code == lhs.code
    }

    /// One line safe for standard error: the location (when known), then the message.
    public var description: String {
        let text = String(message.map { $0.isNewline ? " " : $0 })
        guard let location, !location.isEmpty else { return text }
        return "\(location): \(text)"
    }
}
