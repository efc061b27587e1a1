#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one error type of `DBLambdaEvents`: invalid JSON, an unknown or malformed envelope, or a row
/// that does not decode into the requested type.
///
/// `==` compares the ``code`` only, so `#expect(throws: EventsError.invalidJSON)` matches any
/// invalid-JSON error. ``message`` says what went wrong and where (byte offset, line, column, JSON path
/// or column name).
public struct EventsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An open set of error codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String

        /// The input is not valid JSON (syntax, invalid UTF-8, lone surrogate, control character).
        public static let invalidJSON = Code(raw: "invalidJSON")
        /// Arrays and objects are nested deeper than ``JSONParser/Options/maximumDepth``.
        public static let nestingTooDeep = Code(raw: "nestingTooDeep")
        /// The document is larger than ``JSONParser/Options/maximumDocumentBytes``.
        public static let documentTooLarge = Code(raw: "documentTooLarge")
        /// The document is valid JSON but none of the known envelopes.
        public static let unknownEnvelope = Code(raw: "unknownEnvelope")
        /// The document is a DatabaseLambda envelope of a version this reader does not know.
        public static let unsupportedVersion = Code(raw: "unsupportedVersion")
        /// The envelope was recognised but a field is missing or has the wrong type.
        public static let invalidEnvelope = Code(raw: "invalidEnvelope")
        /// A row (or a value in it) does not decode into the requested Swift type.
        public static let rowDecodingFailed = Code(raw: "rowDecodingFailed")

        /// The code's name, e.g. `invalidJSON`.
        public var description: String { raw }
    }

    /// What kind of error this is.
    public var code: Code
    /// What went wrong and where.
    public var message: String
    /// For JSON syntax errors: where in the input the error is.
    public var location: JSONLocation?

    /// Creates an error.
    public init(code: Code, message: String, location: JSONLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// Any invalid-JSON error (for matching).
    public static let invalidJSON = EventsError(code: .invalidJSON, message: "invalid JSON")
    /// Any nesting-too-deep error (for matching).
    public static let nestingTooDeep = EventsError(code: .nestingTooDeep, message: "nesting too deep")
    /// Any document-too-large error (for matching).
    public static let documentTooLarge = EventsError(code: .documentTooLarge, message: "document too large")
    /// Any unknown-envelope error (for matching).
    public static let unknownEnvelope = EventsError(code: .unknownEnvelope, message: "unknown envelope")
    /// Any unsupported-version error (for matching).
    public static let unsupportedVersion = EventsError(code: .unsupportedVersion, message: "unsupported version")
    /// Any invalid-envelope error (for matching).
    public static let invalidEnvelope = EventsError(code: .invalidEnvelope, message: "invalid envelope")
    /// Any row-decoding error (for matching).
    public static let rowDecodingFailed = EventsError(code: .rowDecodingFailed, message: "row decoding failed")

    /// One line: `code: message`.
    public var description: String { "\(code.raw): \(message)" }

    /// Compares the codes only.
    public static func == (lhs: EventsError, rhs: EventsError) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only (consistent with `==`).
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Matches any `EventsError` with the same code (for `catch EventsError.invalidJSON`).
    public static func ~= (lhs: EventsError, rhs: any Error) -> Bool {
        (rhs as? EventsError)?.code == lhs.code
    }
}

/// Where a JSON syntax error is: byte offset (0-based), line and column (1-based, column counted in
/// bytes) and the JSON path of the value being parsed (`$.events[2].new.price`).
public struct JSONLocation: Sendable, Hashable, CustomStringConvertible {
    /// The 0-based byte offset in the input.
    public var offset: Int
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in bytes.
    public var column: Int
    /// The JSON path of the value being parsed, e.g. `$.events[2].new.price`.
    public var path: String

    /// Creates a location.
    public init(offset: Int, line: Int, column: Int, path: String) {
        self.offset = offset
        self.line = line
        self.column = column
        self.path = path
    }

    /// `line L, column C (byte O) at PATH`.
    public var description: String { "line \(line), column \(column) (byte \(offset)) at \(path)" }
}
