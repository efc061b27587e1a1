/// An ``Integration`` that cannot be built or planned: what is wrong and in which field.
public struct IntegrationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem (an open set).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String

        /// The integration name is not `[A-Za-z0-9_-]{1,40}`.
        public static let invalidName = Code(raw: "invalidName")
        /// The role name is not a valid IAM role name.
        public static let invalidRoleName = Code(raw: "invalidRoleName")
        /// The engine does not fit the database ARN (instance vs cluster).
        public static let engineMismatch = Code(raw: "engineMismatch")
        /// A field holds a value the engine or Lambda does not accept.
        public static let invalidValue = Code(raw: "invalidValue")
        /// No table, a repeated table or a table the engine cannot watch.
        public static let invalidTable = Code(raw: "invalidTable")
        /// An Aurora MySQL table without a column list (MySQL has no row-to-JSON function).
        public static let mysqlColumnsRequired = Code(raw: "mysqlColumnsRequired")
        /// The delivery mode is not available yet (`outbox` arrives with the relay).
        public static let deliveryModeUnavailable = Code(raw: "deliveryModeUnavailable")
        /// The network description could not be read or analysed.
        public static let networkFailed = Code(raw: "networkFailed")
        /// A generated document or script could not be produced.
        public static let generationFailed = Code(raw: "generationFailed")

        /// The code's name.
        public var description: String { raw }
    }

    /// The kind of problem.
    public var code: Code
    /// What went wrong.
    public var message: String
    /// The field the problem is in, as a config key path (e.g. `tables[1].columns`), when there is one.
    public var field: String?

    /// Creates an error.
    public init(code: Code, message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// An invalid integration name.
    public static let invalidName = IntegrationError(code: .invalidName, message: "invalid name")
    /// An invalid role name.
    public static let invalidRoleName = IntegrationError(code: .invalidRoleName, message: "invalid role name")
    /// An engine that does not fit the ARN.
    public static let engineMismatch = IntegrationError(code: .engineMismatch, message: "engine mismatch")
    /// An invalid value.
    public static let invalidValue = IntegrationError(code: .invalidValue, message: "invalid value")
    /// An invalid table list or table.
    public static let invalidTable = IntegrationError(code: .invalidTable, message: "invalid table")
    /// An Aurora MySQL table without columns.
    public static let mysqlColumnsRequired = IntegrationError(
        code: .mysqlColumnsRequired,
        message: "Aurora MySQL needs columns"
    )
    /// A delivery mode that is not available yet.
    public static let deliveryModeUnavailable = IntegrationError(
        code: .deliveryModeUnavailable,
        message: "delivery mode unavailable"
    )
    /// A network description that cannot be used.
    public static let networkFailed = IntegrationError(code: .networkFailed, message: "network check failed")
    /// A generator failure.
    public static let generationFailed = IntegrationError(code: .generationFailed, message: "generation failed")

    /// Compares the ``code`` only.
    public static func == (lhs: IntegrationError, rhs: IntegrationError) -> Bool { lhs.code == rhs.code }

    /// Hashes the ``code`` only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Matches any error that is an ``IntegrationError`` with the same ``code``.
    public static func ~= (lhs: IntegrationError, rhs: any Error) -> Bool {
        guard let other = rhs as? IntegrationError else { return false }
        return other.code == lhs.code
    }

    /// `field: message` on one line.
    public var description: String { oneLine(field.map { "\($0): \(message)" } ?? message) }
}

/// A config file that cannot be loaded: the file, the line (1-based, when known), the key path
/// (`tables[1].operations[0]`) and what is wrong.
///
/// ``description`` reads `dblambda.yaml:14: tables[0].invocationType: expected Event or RequestResponse, got "Evnt"`.
public struct IntegrationConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem (an open set).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String

        /// The file cannot be read.
        public static let unreadable = Code(raw: "unreadable")
        /// The file name does not end in `.json`, `.yaml` or `.yml`.
        public static let unsupportedFormat = Code(raw: "unsupportedFormat")
        /// The file is not valid YAML or JSON.
        public static let syntax = Code(raw: "syntax")
        /// A key the format does not know (typo protection).
        public static let unknownKey = Code(raw: "unknownKey")
        /// A required key is missing.
        public static let missingKey = Code(raw: "missingKey")
        /// A value has the wrong type (e.g. a list where a string belongs).
        public static let typeMismatch = Code(raw: "typeMismatch")
        /// A value has the right type but is not allowed.
        public static let invalidValue = Code(raw: "invalidValue")
        /// `version` is not 1.
        public static let unsupportedVersion = Code(raw: "unsupportedVersion")

        /// The code's name.
        public var description: String { raw }
    }

    /// The kind of problem.
    public var code: Code
    /// What is wrong.
    public var message: String
    /// The config file, as given.
    public var file: String
    /// The 1-based line of the offending key or value, when known.
    public var line: Int?
    /// The key path, e.g. `tables[0].invocationType`; `nil` for the whole file.
    public var key: String?

    /// Creates an error.
    public init(code: Code, message: String, file: String = "", line: Int? = nil, key: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.key = key
    }

    /// The file cannot be read.
    public static let unreadable = IntegrationConfigError(code: .unreadable, message: "unreadable")
    /// Unsupported file extension.
    public static let unsupportedFormat = IntegrationConfigError(
        code: .unsupportedFormat,
        message: "unsupported format"
    )
    /// Not valid YAML or JSON.
    public static let syntax = IntegrationConfigError(code: .syntax, message: "syntax error")
    /// An unknown key.
    public static let unknownKey = IntegrationConfigError(code: .unknownKey, message: "unknown key")
    /// A missing key.
    public static let missingKey = IntegrationConfigError(code: .missingKey, message: "missing key")
    /// A value of the wrong type.
    public static let typeMismatch = IntegrationConfigError(code: .typeMismatch, message: "type mismatch")
    /// A value that is not allowed.
    public static let invalidValue = IntegrationConfigError(code: .invalidValue, message: "invalid value")
    /// `version` is not 1.
    public static let unsupportedVersion = IntegrationConfigError(
        code: .unsupportedVersion,
        message: "unsupported version"
    )

    /// Compares the ``code`` only.
    public static func == (lhs: IntegrationConfigError, rhs: IntegrationConfigError) -> Bool { lhs.code == rhs.code }

    /// Hashes the ``code`` only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Matches any error that is an ``IntegrationConfigError`` with the same ``code``.
    public static func ~= (lhs: IntegrationConfigError, rhs: any Error) -> Bool {
        guard let other = rhs as? IntegrationConfigError else { return false }
        return other.code == lhs.code
    }

    /// `file:line: key: message` on one line (parts that are unknown are left out).
    public var description: String {
        var prefix = file
        if let line { prefix += prefix.isEmpty ? "line \(line)" : ":\(line)" }
        if let key, !key.isEmpty { prefix += prefix.isEmpty ? key : ": \(key)" }
        return oneLine(prefix.isEmpty ? message : "\(prefix): \(message)")
    }
}

/// `text` with control characters written as visible escapes, so it stays on one line.
func oneLine(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x0A: result += "\\n"
        case 0x0D: result += "\\r"
        case 0x09: result += "\\t"
        case 0x00..<0x20, 0x7F, 0x2028, 0x2029:
            result += "\\u{" + String(scalar.value, radix: 16) + "}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}
