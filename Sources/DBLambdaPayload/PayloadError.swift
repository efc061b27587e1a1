/// The one error type of `DBLambdaPayload`.
///
/// `==` compares the ``code`` only; ``message`` says which event and what to do.
public struct PayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An open set of error codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String

        /// A single event's envelope is larger than the invocation's payload limit.
        public static let eventTooLarge = Code(raw: "eventTooLarge")

        /// The code's name.
        public var description: String { raw }
    }

    /// What kind of error this is.
    public var code: Code
    /// What went wrong, which event, and what to do.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// Any event-too-large error (for matching).
    public static let eventTooLarge = PayloadError(code: .eventTooLarge, message: "event too large")

    /// One line: `code: message`.
    public var description: String { "\(code.raw): \(message)" }

    /// Compares the codes only.
    public static func == (lhs: PayloadError, rhs: PayloadError) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only (consistent with `==`).
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Matches any `PayloadError` with the same code.
    public static func ~= (lhs: PayloadError, rhs: any Error) -> Bool {
        (rhs as? PayloadError)?.code == lhs.code
    }
}
