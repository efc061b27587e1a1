public import DBLambdaCore

/// The error of the `DBLambdaCredentials` module: credentials could not be found, read or fetched.
///
/// Its ``code`` says what kind of problem it is and its ``message`` says what went wrong and where (the
/// environment variable, the file and line, the endpoint). Messages and descriptions never contain a secret
/// access key, a session token, a web identity token or an authorization token.
///
/// `==` and hashing compare the ``code`` only, so the static members work with Swift Testing and `catch`:
///
/// ```swift
/// #expect(throws: CredentialsError.malformedFile) { try await provider.credentials(logger: logger) }
///
/// do { _ = try await chain.credentials(logger: logger) } catch CredentialsError.noCredentials { /* … */ }
/// ```
public struct CredentialsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem a ``CredentialsError`` reports. An open set: new codes may be added in minor releases.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let raw: String

        private init(_ raw: String) { self.raw = raw }

        /// The provider's source is not set up here (no variables, no file, no profile keys); a chain moves on.
        public static let notConfigured = Code("notConfigured")
        /// No provider of a chain could supply credentials.
        public static let noCredentials = Code("noCredentials")
        /// A shared `config` or `credentials` file is not valid INI.
        public static let malformedFile = Code("malformedFile")
        /// A file could not be read (shared file, web identity token file, authorization token file).
        public static let fileNotReadable = Code("fileNotReadable")
        /// An explicitly selected profile exists in neither shared file.
        public static let profileNotFound = Code("profileNotFound")
        /// Some but not all of the required keys or variables are set.
        public static let incompleteCredentials = Code("incompleteCredentials")
        /// A profile uses a credential source this package does not support (SSO, assume-role chaining).
        public static let unsupportedCredentialSource = Code("unsupportedCredentialSource")
        /// A `credential_process` command failed, timed out or printed unusable output.
        public static let credentialProcessFailed = Code("credentialProcessFailed")
        /// AWS STS answered with an error.
        public static let stsError = Code("stsError")
        /// An endpoint answered with a status or a body that could not be used.
        public static let invalidResponse = Code("invalidResponse")
        /// A configured endpoint is not allowed (for example plain HTTP to a non-loopback container host).
        public static let endpointNotAllowed = Code("endpointNotAllowed")
        /// A configured value (URL, number, date) is not valid.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// An endpoint could not be reached.
        public static let networkError = Code("networkError")
        /// An endpoint did not answer in time.
        public static let timeout = Code("timeout")
        /// A source returned credentials that have already expired.
        public static let expired = Code("expired")

        /// The code's name, for example `malformedFile`.
        public var description: String { raw }
    }

    /// What kind of problem this is.
    public var code: Code
    /// A one-line human-readable message that says what went wrong and where. Never contains secrets.
    public var message: String
    /// The file and line the problem was found at, when it was found in a file.
    public var location: InputLocation?

    /// Creates an error; `message` must not contain secrets.
    public init(code: Code, message: String, location: InputLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// The provider's source is not set up.
    public static let notConfigured = CredentialsError(code: .notConfigured, message: "not configured")
    /// No provider could supply credentials.
    public static let noCredentials = CredentialsError(code: .noCredentials, message: "no credentials found")
    /// A shared file is malformed.
    public static let malformedFile = CredentialsError(code: .malformedFile, message: "malformed file")
    /// A file could not be read.
    public static let fileNotReadable = CredentialsError(code: .fileNotReadable, message: "file not readable")
    /// The selected profile does not exist.
    public static let profileNotFound = CredentialsError(code: .profileNotFound, message: "profile not found")
    /// Some required keys are missing.
    public static let incompleteCredentials = CredentialsError(
        code: .incompleteCredentials,
        message: "incomplete credentials"
    )
    /// The profile uses an unsupported credential source.
    public static let unsupportedCredentialSource = CredentialsError(
        code: .unsupportedCredentialSource,
        message: "unsupported credential source"
    )
    /// A `credential_process` command failed.
    public static let credentialProcessFailed = CredentialsError(
        code: .credentialProcessFailed,
        message: "credential process failed"
    )
    /// AWS STS answered with an error.
    public static let stsError = CredentialsError(code: .stsError, message: "STS error")
    /// An endpoint's answer could not be used.
    public static let invalidResponse = CredentialsError(code: .invalidResponse, message: "invalid response")
    /// A configured endpoint is not allowed.
    public static let endpointNotAllowed = CredentialsError(code: .endpointNotAllowed, message: "endpoint not allowed")
    /// A configured value is not valid.
    public static let invalidConfiguration = CredentialsError(
        code: .invalidConfiguration,
        message: "invalid configuration"
    )
    /// An endpoint could not be reached.
    public static let networkError = CredentialsError(code: .networkError, message: "network error")
    /// An endpoint did not answer in time.
    public static let timeout = CredentialsError(code: .timeout, message: "timed out")
    /// The credentials have expired.
    public static let expired = CredentialsError(code: .expired, message: "credentials expired")

    /// Compares the ``code`` only.
    public static func == (lhs: CredentialsError, rhs: CredentialsError) -> Bool { lhs.code == rhs.code }

    /// Hashes the ``code`` only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Matches any error that is a ``CredentialsError`` with the same ``code``, for `catch CredentialsError.timeout`.
    public static func ~= (lhs: CredentialsError, rhs: any Error) -> Bool {
        guard let other = rhs as? CredentialsError else { return false }
        return other.code == lhs.code
    }

    /// One line safe for standard error: `file:line: message` when a location is known, else the message.
    public var description: String {
        let text = oneLine(message)
        guard let location, !location.isEmpty else { return text }
        return "\(location): \(text)"
    }
}

/// `text` with line breaks and other control characters replaced by spaces, so it prints on one line.
func oneLine(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        if scalar.value < 0x20 || scalar.value == 0x7F {
            out.append(" ")
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// `text` in double quotes, cut after 200 characters, for quoting user input (never secrets) in messages.
func quote(_ text: String) -> String {
    let limit = 200
    if text.count <= limit { return "\"\(oneLine(text))\"" }
    return "\"\(oneLine(String(text.prefix(limit))))...\""
}
