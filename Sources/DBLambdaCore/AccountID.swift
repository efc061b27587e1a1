/// A 12-digit AWS account id such as `123456789012`. Leading zeros are part of the id and are kept.
///
/// Encoded in `Codable` as the string of digits (never as a number, which would drop leading zeros).
public struct AccountID: Sendable, Hashable, CustomStringConvertible {
    /// The 12 ASCII digits.
    public let value: String

    /// Validates an account id.
    ///
    /// - Throws: ``ARNError`` with code ``ARNError/Code/invalidAccountID`` unless `value` is exactly 12 ASCII
    ///   digits.
    public init(_ value: String) throws(ARNError) {
        guard AccountID.isValid(value) else {
            throw ARNError.invalid(.invalidAccountID, "account id", value, in: nil, expected: AccountID.expectation)
        }
        self.value = value
    }

    /// The digits.
    public var description: String { value }

    /// The expectation quoted in error messages.
    static let expectation = "expected 12 digits"

    /// Whether `text` is exactly 12 ASCII digits.
    static func isValid(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 12 && allBytes(of: text, are: \.isASCIIDigit)
    }
}

extension AccountID: Codable {
    /// Decodes and validates an account id string.
    public init(from decoder: any Decoder) throws {
        self = try decodeValidated(from: decoder, AccountID.init(_:))
    }

    /// Encodes the account id as its string of digits.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
