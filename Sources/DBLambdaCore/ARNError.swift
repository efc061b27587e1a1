/// The error of the `DBLambdaCore` module: a region, account id, ARN or one of its typed views was malformed.
///
/// One error type serves the whole module (``Region``, ``AccountID``, ``ARN``, ``LambdaFunctionARN``,
/// ``RDSInstanceARN``, ``RDSClusterARN``, ``IAMRoleARN``, ``LambdaQualifier``). Its ``code`` says *which part*
/// was wrong, and its ``message`` quotes the offending part and the whole input, for example
/// `invalid account id "12345" in ARN "arn:aws:lambda:us-east-1:12345:function:f": expected 12 digits`.
///
/// `==` and hashing compare the ``code`` only, so the static members work with Swift Testing and `catch`:
///
/// ```swift
/// #expect(throws: ARNError.invalidAccountID) { try ARN(parsing: "arn:aws:s3:::b").accountID }
///
/// do { _ = try AccountID("12") } catch ARNError.invalidAccountID { /* … */ }
/// ```
public struct ARNError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem an ``ARNError`` reports. An open set: new codes may be added in minor releases.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let raw: String

        private init(_ raw: String) { self.raw = raw }

        /// The input does not start with `arn:` (this includes the empty string).
        public static let invalidPrefix = Code("invalidPrefix")
        /// The input has fewer than the six colon-separated components of an ARN.
        public static let missingComponents = Code("missingComponents")
        /// The partition is not one of ``Partition/allPartitions``.
        public static let invalidPartition = Code("invalidPartition")
        /// The service is empty or not made of lowercase letters, digits and hyphens.
        public static let invalidService = Code("invalidService")
        /// The ARN is well formed but names another service than the typed view expects (`rds` for a Lambda ARN).
        public static let wrongService = Code("wrongService")
        /// The region is malformed, missing where it is required, present where it must be empty, or belongs
        /// to another partition than the ARN's.
        public static let invalidRegion = Code("invalidRegion")
        /// The account id is not 12 ASCII digits (or is missing where it is required).
        public static let invalidAccountID = Code("invalidAccountID")
        /// The resource part is empty, contains control characters or lacks the expected `type:id` form.
        public static let invalidResource = Code("invalidResource")
        /// The resource type differs from what the typed view expects (`cluster:` for an RDS instance ARN).
        public static let wrongResourceType = Code("wrongResourceType")
        /// A Lambda function name is empty, longer than 64 characters or not made of `[a-zA-Z0-9-_.]`.
        public static let invalidFunctionName = Code("invalidFunctionName")
        /// A Lambda qualifier is not a version, an alias, `$LATEST` or `$LATEST.PUBLISHED`.
        public static let invalidQualifier = Code("invalidQualifier")
        /// An RDS DB instance or cluster identifier breaks the RDS naming rules.
        public static let invalidDBIdentifier = Code("invalidDBIdentifier")
        /// An IAM role name is empty, longer than 64 characters or not made of `[\w+=,.@-]`.
        public static let invalidRoleName = Code("invalidRoleName")
        /// An IAM role path is not `/` or `/…/` of printable ASCII, or is longer than 512 characters.
        public static let invalidRolePath = Code("invalidRolePath")

        /// The code's name, for example `invalidAccountID`.
        public var description: String { raw }
    }

    /// Which part of the input was wrong.
    public var code: Code
    /// A one-line human-readable message that quotes the offending part and the input.
    public var message: String
    /// Where the input came from (file, line, JSON path), when the caller knows it.
    public var location: InputLocation?

    /// Creates an error; `message` should say what was wrong and quote the offending value.
    public init(code: Code, message: String, location: InputLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// This error with ``location`` set, for callers that parse ARNs out of a file or JSON document.
    public func located(at location: InputLocation) -> ARNError {
        var copy = self
        copy.location = location
        return copy
    }

    /// The input does not start with `arn:`.
    public static let invalidPrefix = ARNError(code: .invalidPrefix, message: "input does not start with \"arn:\"")
    /// The input has fewer than six colon-separated components.
    public static let missingComponents = ARNError(code: .missingComponents, message: "ARN has too few components")
    /// The partition is unknown.
    public static let invalidPartition = ARNError(code: .invalidPartition, message: "invalid partition")
    /// The service is malformed.
    public static let invalidService = ARNError(code: .invalidService, message: "invalid service")
    /// The ARN names another service.
    public static let wrongService = ARNError(code: .wrongService, message: "wrong service")
    /// The region is malformed or not allowed here.
    public static let invalidRegion = ARNError(code: .invalidRegion, message: "invalid region")
    /// The account id is not 12 digits.
    public static let invalidAccountID = ARNError(code: .invalidAccountID, message: "invalid account id")
    /// The resource is malformed.
    public static let invalidResource = ARNError(code: .invalidResource, message: "invalid resource")
    /// The resource type is not the expected one.
    public static let wrongResourceType = ARNError(code: .wrongResourceType, message: "wrong resource type")
    /// The Lambda function name is malformed.
    public static let invalidFunctionName = ARNError(code: .invalidFunctionName, message: "invalid function name")
    /// The Lambda qualifier is malformed.
    public static let invalidQualifier = ARNError(code: .invalidQualifier, message: "invalid qualifier")
    /// The RDS identifier is malformed.
    public static let invalidDBIdentifier = ARNError(code: .invalidDBIdentifier, message: "invalid DB identifier")
    /// The IAM role name is malformed.
    public static let invalidRoleName = ARNError(code: .invalidRoleName, message: "invalid role name")
    /// The IAM role path is malformed.
    public static let invalidRolePath = ARNError(code: .invalidRolePath, message: "invalid role path")

    /// Compares the ``code`` only.
    public static func == (lhs: ARNError, rhs: ARNError) -> Bool { lhs.code == rhs.code }

    /// Hashes the ``code`` only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Matches any error that is an ``ARNError`` with the same ``code``, for `catch ARNError.invalidRegion`.
    public static func ~= (lhs: ARNError, rhs: any Error) -> Bool {
        guard let other = rhs as? ARNError else { return false }
        return other.code == lhs.code
    }

    /// One line safe for standard error: the message, followed by the location when one is known.
    public var description: String {
        let text = escapedForOneLine(message)
        guard let location, !location.isEmpty else { return text }
        return "\(location): \(text)"
    }
}

extension ARNError {
    /// `invalid <part> "<value>" in ARN "<input>": <expected>` (or without the ARN when `input` is nil).
    static func invalid(
        _ code: Code,
        _ part: String,
        _ value: some StringProtocol,
        in input: String?,
        expected: String
    ) -> ARNError {
        var message = "invalid \(part) \(quoted(value))"
        if let input { message += " in ARN \(quoted(input))" }
        message += ": \(expected)"
        return ARNError(code: code, message: message)
    }

    /// `<problem> in ARN "<input>"` (or just `<problem>` when `input` is nil).
    static func problem(_ code: Code, _ problem: String, in input: String?) -> ARNError {
        guard let input else { return ARNError(code: code, message: problem) }
        return ARNError(code: code, message: "\(problem) in ARN \(quoted(input))")
    }
}
