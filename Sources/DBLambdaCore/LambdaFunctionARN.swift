/// The ARN of a Lambda function, optionally qualified with a version or alias:
/// `arn:aws:lambda:us-east-1:123456789012:function:my-function[:qualifier]`.
///
/// Validation follows the Lambda model's `NameSpacedFunctionArn` pattern (matched against the whole string):
/// - service `lambda` (else ``ARNError/Code/wrongService``);
/// - region `(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}` belonging to the ARN's partition
///   (else ``ARNError/Code/invalidRegion``);
/// - a 12-digit account (else ``ARNError/Code/invalidAccountID``);
/// - resource `function:<name>` (``ARNError/Code/wrongResourceType`` for `layer:…` and other types);
/// - a function name of 1–64 characters of `[a-zA-Z0-9-_.]` (``ARNError/Code/invalidFunctionName``);
/// - an optional ``LambdaQualifier`` after one more colon (``ARNError/Code/invalidQualifier``).
///
/// Encoded in `Codable` as the ARN string.
///
/// ```swift
/// let arn = try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:123456789012:function:orders:prod")
/// arn.functionName                 // "orders"
/// arn.qualifier?.kind              // .alias
/// arn.unqualified.description      // "arn:aws:lambda:us-east-1:123456789012:function:orders"
/// arn.wildcardQualified            // "arn:aws:lambda:us-east-1:123456789012:function:orders:*"
/// ```
public struct LambdaFunctionARN: Sendable, Hashable, CustomStringConvertible {
    /// The partition.
    public let partition: Partition
    /// The region the function lives in.
    public let region: Region
    /// The account that owns the function.
    public let accountID: AccountID
    /// The function name (without qualifier).
    public let functionName: String
    /// The version or alias, or `nil` for an unqualified ARN.
    public let qualifier: LambdaQualifier?

    /// The longest function name accepted in an ARN.
    public static let maximumFunctionNameLength = 64

    /// Creates a function ARN from its parts.
    ///
    /// - Parameters:
    ///   - partition: the partition; `nil` (the default) takes the region's partition.
    ///   - region: the function's region; it must match Lambda's region pattern and belong to `partition`.
    ///   - accountID: the owning account.
    ///   - functionName: 1–64 characters of `[a-zA-Z0-9-_.]`.
    ///   - qualifier: an optional version or alias.
    /// - Throws: ``ARNError`` naming the invalid part.
    public init(
        partition: Partition? = nil,
        region: Region,
        accountID: AccountID,
        functionName: String,
        qualifier: LambdaQualifier? = nil
    ) throws(ARNError) {
        let partition = partition ?? region.partition
        try LambdaFunctionARN.validateRegion(region, partition: partition, in: nil)
        try LambdaFunctionARN.validateFunctionName(functionName, in: nil)
        self.init(
            unchecked: partition,
            region: region,
            accountID: accountID,
            functionName: functionName,
            qualifier: qualifier
        )
    }

    private init(
        unchecked partition: Partition,
        region: Region,
        accountID: AccountID,
        functionName: String,
        qualifier: LambdaQualifier?
    ) {
        self.partition = partition
        self.region = region
        self.accountID = accountID
        self.functionName = functionName
        self.qualifier = qualifier
    }

    /// Reads a function ARN out of a generic ARN.
    ///
    /// - Throws: ``ARNError`` naming the part that does not fit a Lambda function ARN.
    public init(_ arn: ARN) throws(ARNError) {
        let input = arn.description
        try arn.requireService("lambda")
        let region = try arn.requireRegion()
        try LambdaFunctionARN.validateRegion(region, partition: arn.partition, in: input)
        let accountID = try arn.requireAccountID()
        let rest = try arn.requireResource(type: "function", separator: ":")
        let pieces = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = pieces.first ?? ""
        try LambdaFunctionARN.validateFunctionName(name, in: input)
        let qualifier = try pieces.count == 2 ? LambdaQualifier(pieces[1], in: input) : nil
        self.init(
            unchecked: arn.partition,
            region: region,
            accountID: accountID,
            functionName: String(name),
            qualifier: qualifier
        )
    }

    /// Parses a function ARN string.
    ///
    /// - Throws: ``ARNError`` naming the invalid part (see the type's documentation).
    public init(parsing string: String) throws(ARNError) {
        try self.init(ARN(parsing: string))
    }

    /// The same function without a qualifier.
    public var unqualified: LambdaFunctionARN {
        withQualifier(nil)
    }

    /// The same function with another qualifier (`nil` removes it).
    public func withQualifier(_ qualifier: LambdaQualifier?) -> LambdaFunctionARN {
        LambdaFunctionARN(
            unchecked: partition,
            region: region,
            accountID: accountID,
            functionName: functionName,
            qualifier: qualifier
        )
    }

    /// The unqualified ARN followed by `:*`, which IAM policies use to match every version and alias
    /// (it does not match the unqualified ARN itself, so policies usually list both).
    public var wildcardQualified: String {
        unqualified.description + ":*"
    }

    /// The generic ``ARN`` form.
    public var arn: ARN {
        ARN(unchecked: partition, service: "lambda", region: region, account: accountID.value, resource: resource)
    }

    private var resource: String {
        guard let qualifier else { return "function:\(functionName)" }
        return "function:\(functionName):\(qualifier.value)"
    }

    /// The ARN string.
    public var description: String {
        "arn:\(partition.id):lambda:\(region.name):\(accountID.value):\(resource)"
    }

    private static func validateFunctionName(_ name: some StringProtocol, in input: String?) throws(ARNError) {
        let length = name.utf8.count
        guard length > 0 else {
            throw ARNError.problem(.invalidFunctionName, "empty function name", in: input)
        }
        guard length <= maximumFunctionNameLength else {
            throw ARNError.invalid(
                .invalidFunctionName,
                "function name",
                name,
                in: input,
                expected: "it is \(length) characters long, at most \(maximumFunctionNameLength) are allowed"
            )
        }
        let valid = allBytes(of: name) { byte in
            byte.isASCIIAlphanumeric || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ".")
        }
        guard valid else {
            throw ARNError.invalid(
                .invalidFunctionName,
                "function name",
                name,
                in: input,
                expected: "expected letters, digits, \"-\", \"_\" and \".\""
            )
        }
    }

    private static func validateRegion(_ region: Region, partition: Partition, in input: String?) throws(ARNError) {
        guard matchesLambdaRegionPattern(region.name) else {
            throw ARNError.invalid(
                .invalidRegion,
                "region",
                region.name,
                in: input,
                expected:
                    "expected a Lambda region like \"us-east-1\" ((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d)"
            )
        }
        try region.requirePartition(partition, in: input)
    }

    /// Whether `name` matches `(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}` as a whole.
    static func matchesLambdaRegionPattern(_ name: String) -> Bool {
        var words = name.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)[...]
        if words.count > 3, words.first?.elementsEqual("eusc".utf8) == true {
            words = words.dropFirst()
        }
        guard let country = words.popFirst(), country.count == 2, allBytes(in: country, are: \.isASCIILower) else {
            return false
        }
        guard let number = words.popLast(), number.count == 1, allBytes(in: number, are: \.isASCIIDigit) else {
            return false
        }
        guard let direction = words.popLast(), allBytes(in: direction, are: \.isASCIILower) else {
            return false
        }
        guard let special = words.popFirst() else { return true }
        guard words.isEmpty else { return false }
        if special.elementsEqual("gov".utf8) { return true }
        guard special.starts(with: "iso".utf8) else { return false }
        return special.count == 3 || (special.count == 4 && allBytes(in: special.dropFirst(3), are: \.isASCIILower))
    }
}

extension LambdaFunctionARN: Codable {
    /// Decodes and parses a function ARN string.
    public init(from decoder: any Decoder) throws {
        self = try decodeValidated(from: decoder, LambdaFunctionARN.init(parsing:))
    }

    /// Encodes the ARN as its string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
