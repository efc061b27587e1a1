/// The qualifier of a Lambda function ARN: a version, an alias, `$LATEST` or `$LATEST.PUBLISHED`.
///
/// - A **version** is 1–128 ASCII digits (`42`).
/// - An **alias** is 1–128 characters of `[a-zA-Z0-9-_]` that are not all digits (`prod`, `blue-green_2`);
///   an all-digit qualifier is always a version.
/// - ``latest`` is `$LATEST`; ``latestPublished`` is `$LATEST.PUBLISHED` (added to the Lambda model in 2025).
///
/// Encoded in `Codable` as its string.
public struct LambdaQualifier: Sendable, Hashable, CustomStringConvertible {
    /// What kind of qualifier a ``LambdaQualifier`` is. An open set, since Lambda adds new forms.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private let raw: String

        private init(_ raw: String) { self.raw = raw }

        /// A published version number.
        public static let version = Kind("version")
        /// An alias name.
        public static let alias = Kind("alias")
        /// `$LATEST`, the unpublished code.
        public static let latest = Kind("latest")
        /// `$LATEST.PUBLISHED`, the most recently published version.
        public static let latestPublished = Kind("latestPublished")

        /// The kind's name, for example `alias`.
        public var description: String { raw }
    }

    /// The qualifier as it appears after the function name (`42`, `prod`, `$LATEST`).
    public let value: String
    /// Whether this is a version, an alias, `$LATEST` or `$LATEST.PUBLISHED`.
    public let kind: Kind

    /// The longest qualifier accepted.
    public static let maximumLength = 128

    private init(unchecked value: String, kind: Kind) {
        self.value = value
        self.kind = kind
    }

    /// Parses a qualifier and classifies it (see the type's documentation).
    ///
    /// - Throws: ``ARNError`` with code ``ARNError/Code/invalidQualifier``.
    public init(_ value: String) throws(ARNError) {
        try self.init(value, in: nil)
    }

    /// Parses a qualifier; `input` is the ARN quoted in error messages.
    init(_ value: some StringProtocol, in input: String?) throws(ARNError) {
        if value == "$LATEST" {
            self = .latest
            return
        }
        if value == "$LATEST.PUBLISHED" {
            self = .latestPublished
            return
        }
        let length = value.utf8.count
        guard length > 0 else {
            throw ARNError.problem(.invalidQualifier, "empty qualifier after the function name", in: input)
        }
        guard length <= LambdaQualifier.maximumLength else {
            throw ARNError.invalid(
                .invalidQualifier,
                "qualifier",
                value,
                in: input,
                expected: "it is \(length) characters long, at most \(LambdaQualifier.maximumLength) are allowed"
            )
        }
        if allBytes(of: value, are: \.isASCIIDigit) {
            self.init(unchecked: String(value), kind: .version)
            return
        }
        guard LambdaQualifier.isAliasCharacters(value) else {
            throw ARNError.invalid(
                .invalidQualifier,
                "qualifier",
                value,
                in: input,
                expected: "expected a version (digits), an alias ([a-zA-Z0-9-_]), \"$LATEST\" or \"$LATEST.PUBLISHED\""
            )
        }
        self.init(unchecked: String(value), kind: .alias)
    }

    /// `$LATEST`.
    public static let latest = LambdaQualifier(unchecked: "$LATEST", kind: .latest)
    /// `$LATEST.PUBLISHED`.
    public static let latestPublished = LambdaQualifier(unchecked: "$LATEST.PUBLISHED", kind: .latestPublished)

    /// A version qualifier with the given number.
    public static func version(_ number: UInt64) -> LambdaQualifier {
        LambdaQualifier(unchecked: String(number), kind: .version)
    }

    /// An alias qualifier.
    ///
    /// - Throws: ``ARNError/Code/invalidQualifier`` when `name` is not 1–128 characters of `[a-zA-Z0-9-_]`
    ///   or is all digits (that would be a version).
    public static func alias(_ name: String) throws(ARNError) -> LambdaQualifier {
        let qualifier = try LambdaQualifier(name)
        guard qualifier.kind == .alias else {
            throw ARNError.invalid(
                .invalidQualifier,
                "alias",
                name,
                in: nil,
                expected: "expected 1 to 128 characters of [a-zA-Z0-9-_], not all digits"
            )
        }
        return qualifier
    }

    /// The version number string when this is a version, else `nil`.
    public var version: String? { kind == .version ? value : nil }

    /// The alias name when this is an alias, else `nil`.
    public var alias: String? { kind == .alias ? value : nil }

    /// The qualifier string.
    public var description: String { value }

    private static func isAliasCharacters(_ value: some StringProtocol) -> Bool {
        allBytes(of: value) { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }
}

extension LambdaQualifier: Codable {
    /// Decodes and parses a qualifier string.
    public init(from decoder: any Decoder) throws {
        self = try decodeValidated(from: decoder, LambdaQualifier.init(_:))
    }

    /// Encodes the qualifier as its string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
