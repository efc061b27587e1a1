/// The error thrown by ``SigV4Signer`` and the helpers of this module.
///
/// Compare errors by ``code`` (`==` ignores the message), or match them in a `catch` clause:
///
/// ```swift
/// do { _ = try signer.presign(request, expires: 0, at: now) }
/// catch SigV4Error.invalidExpiry { … }
/// ```
///
/// ``description`` is one line that is safe to print: it never contains a secret access key,
/// a session token, a signature or an `Authorization` value.
public struct SigV4Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure happened. The set of codes is open: new codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String

        /// A URL could not be parsed (no scheme, no host, a space in the host…).
        public static let invalidURL = Code(raw: "invalidURL")
        /// A presign expiry outside 1 s … 7 days (604 800 s).
        public static let invalidExpiry = Code(raw: "invalidExpiry")
        /// A header name that is not an HTTP token (non-ASCII, a space, a colon…).
        public static let invalidHeaderName = Code(raw: "invalidHeaderName")
        /// An HTTP method that is not an HTTP token.
        public static let invalidMethod = Code(raw: "invalidMethod")
        /// A timestamp that is not `YYYYMMDDTHHMMSSZ` or not a real date and time.
        public static let invalidDate = Code(raw: "invalidDate")
        /// The request has neither a `Host` header nor an authority to derive one from.
        public static let missingHost = Code(raw: "missingHost")

        /// The code's name, for example `invalidExpiry`.
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

    /// A URL could not be parsed. Use with `#expect(throws:)` or in a `catch` pattern.
    public static let invalidURL = SigV4Error(code: .invalidURL, message: "invalid URL")
    /// A presign expiry outside 1 s … 7 days.
    public static let invalidExpiry = SigV4Error(code: .invalidExpiry, message: "invalid expiry")
    /// A header name that is not an HTTP token.
    public static let invalidHeaderName = SigV4Error(code: .invalidHeaderName, message: "invalid header name")
    /// An HTTP method that is not an HTTP token.
    public static let invalidMethod = SigV4Error(code: .invalidMethod, message: "invalid method")
    /// A timestamp that is not `YYYYMMDDTHHMMSSZ`.
    public static let invalidDate = SigV4Error(code: .invalidDate, message: "invalid date")
    /// The request has no `Host` header and no authority.
    public static let missingHost = SigV4Error(code: .missingHost, message: "missing host")

    /// One line: the message, with any line breaks replaced by spaces.
    public var description: String {
        var line = ""
        for character in message {
            line.append(character.isNewline ? " " : character)
        }
        return line
    }

    /// Two errors are equal when their codes are equal; the message is ignored.
    public static func == (lhs: SigV4Error, rhs: SigV4Error) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Matches any error that is a ``SigV4Error`` with the same code, for `catch` patterns.
    public static func ~= (lhs: SigV4Error, rhs: any Error) -> Bool {
        guard let other = rhs as? SigV4Error else { return false }
        return other.code == lhs.code
    }
}
