/// The error thrown when a ``LocalLambdaServer`` cannot be configured or started.
///
/// Errors that happen while serving a request never throw: they become Lambda's JSON error responses
/// (`x-amzn-ErrorType`), as the real service sends them.
///
/// ```swift
/// do { _ = try await LocalLambdaServer.start(configuration) }
/// catch LocalLambdaError.nonLoopbackHost { … }
/// ```
///
/// ``description`` is one line that is safe to print: it never contains a secret access key.
public struct LocalLambdaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure happened. The set of codes is open: new codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String

        /// The configuration is inconsistent (no handler at all, a bad account id, a bad region…).
        public static let invalidConfiguration = Code(raw: "invalidConfiguration")
        /// The host is not a loopback address and ``LocalLambdaServer/Configuration/allowNonLoopback`` is off.
        public static let nonLoopbackHost = Code(raw: "nonLoopbackHost")
        /// The socket could not be bound (port in use, unknown address…).
        public static let bindFailed = Code(raw: "bindFailed")

        /// The code's name, for example `bindFailed`.
        public var description: String { raw }
    }

    /// What kind of failure happened.
    public var code: Code
    /// A human-readable sentence saying what went wrong and where. Never contains secrets.
    public var message: String

    /// Creates an error from a code and a message.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The configuration is inconsistent. Use with `#expect(throws:)` or in a `catch` pattern.
    public static let invalidConfiguration = LocalLambdaError(
        code: .invalidConfiguration,
        message: "invalid configuration"
    )
    /// The host is not a loopback address.
    public static let nonLoopbackHost = LocalLambdaError(code: .nonLoopbackHost, message: "non-loopback host")
    /// The socket could not be bound.
    public static let bindFailed = LocalLambdaError(code: .bindFailed, message: "bind failed")

    /// One line: the message, with any line breaks replaced by spaces.
    public var description: String {
        String(message.map { $0.isNewline ? " " : $0 })
    }

    /// Two errors are equal when their codes are equal; the message is ignored.
    public static func == (lhs: LocalLambdaError, rhs: LocalLambdaError) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Matches any error that is a ``LocalLambdaError`` with the same code, for `catch` patterns.
    public static func ~= (lhs: LocalLambdaError, rhs: any Error) -> Bool {
        guard let other = rhs as? LocalLambdaError else { return false }
        return other.code == lhs.code
    }
}
