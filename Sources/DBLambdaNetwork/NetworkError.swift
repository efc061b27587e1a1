public import DBLambdaCore

/// The error thrown by the importers and the analyzer of this module.
///
/// Compare errors by ``code`` (`==` ignores the message and location), or match them in a `catch` clause:
///
/// ```swift
/// do { _ = try AWSCLIImporter.importDirectory(at: "aws-json") }
/// catch NetworkError.malformedJSON { … }
/// ```
public struct NetworkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure happened. The set of codes is open: new codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String

        /// A file is not valid JSON.
        public static let malformedJSON = Code(raw: "malformedJSON")
        /// A JSON value has the wrong type or an invalid value (a CIDR block that does not parse, say).
        public static let invalidValue = Code(raw: "invalidValue")
        /// A field the analysis needs is absent.
        public static let missingField = Code(raw: "missingField")
        /// A file exists but cannot be read.
        public static let unreadableFile = Code(raw: "unreadableFile")
        /// The DB instance asked for is not in the input.
        public static let instanceNotFound = Code(raw: "instanceNotFound")
        /// An input exceeds a resource limit of the importer: file size, nesting depth or items in one array.
        public static let limitExceeded = Code(raw: "limitExceeded")

        /// The code's name, for example `malformedJSON`.
        public var description: String { raw }
    }

    /// What kind of failure happened.
    public var code: Code
    /// A sentence saying what went wrong.
    public var message: String
    /// Where the bad value was (file and JSON path), if known.
    public var location: InputLocation?

    /// Creates an error from a code, a message and an optional location.
    public init(code: Code, message: String, location: InputLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// A file that is not valid JSON. Use with `#expect(throws:)` or in a `catch` pattern.
    public static let malformedJSON = NetworkError(code: .malformedJSON, message: "malformed JSON")
    /// A JSON value with the wrong type or an invalid value.
    public static let invalidValue = NetworkError(code: .invalidValue, message: "invalid value")
    /// A required field is absent.
    public static let missingField = NetworkError(code: .missingField, message: "missing field")
    /// A file that cannot be read.
    public static let unreadableFile = NetworkError(code: .unreadableFile, message: "unreadable file")
    /// The DB instance is not in the input.
    public static let instanceNotFound = NetworkError(code: .instanceNotFound, message: "DB instance not found")
    /// An input over a resource limit (file size, nesting depth, items in one array).
    public static let limitExceeded = NetworkError(code: .limitExceeded, message: "limit exceeded")

    /// One line: the location (when known), then the message, with line breaks replaced by spaces.
    public var description: String {
        var text = message
        if let location, !location.isEmpty {
            text = "\(location): \(message)"
        }
        return String(text.map { $0.isNewline ? " " : $0 })
    }

    /// Two errors are equal when their codes are equal; the message and location are ignored.
    public static func == (lhs: NetworkError, rhs: NetworkError) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Matches any error that is a ``NetworkError`` with the same code, for `catch` patterns.
    public static func ~= (lhs: NetworkError, rhs: any Error) -> Bool {
        guard let other = rhs as? NetworkError else { return false }
        return other.code == lhs.code
    }
}
