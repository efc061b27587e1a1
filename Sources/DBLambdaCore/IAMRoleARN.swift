/// The ARN of an IAM role: `arn:aws:iam::123456789012:role/name` or, with a path,
/// `arn:aws:iam::123456789012:role/service-role/name`.
///
/// Requires service `iam`, an **empty** region (``ARNError/Code/invalidRegion`` otherwise), a 12-digit
/// account and the resource `role/<path><name>`:
/// - the name is 1–64 characters of `[A-Za-z0-9_+=,.@-]` (``ARNError/Code/invalidRoleName``);
/// - the path is `/` or `/…/` of printable ASCII (`!`–`~`), at most 512 characters
///   (``ARNError/Code/invalidRolePath``).
///
/// Encoded in `Codable` as the ARN string.
public struct IAMRoleARN: Sendable, Hashable, CustomStringConvertible {
    /// The partition.
    public let partition: Partition
    /// The account that owns the role.
    public let accountID: AccountID
    /// The role path, `/` by default, or for example `/service-role/`.
    public let path: String
    /// The role name.
    public let name: String

    /// The longest role name accepted.
    public static let maximumNameLength = 64
    /// The longest role path accepted.
    public static let maximumPathLength = 512

    /// Creates a role ARN from its parts.
    ///
    /// - Throws: ``ARNError/Code/invalidRoleName`` or ``ARNError/Code/invalidRolePath``.
    public init(partition: Partition = .aws, accountID: AccountID, path: String = "/", name: String) throws(ARNError) {
        try IAMRoleARN.validate(path: path, name: name, in: nil)
        self.partition = partition
        self.accountID = accountID
        self.path = path
        self.name = name
    }

    /// Reads a role ARN out of a generic ARN.
    ///
    /// - Throws: ``ARNError`` naming the part that does not fit (``ARNError/Code/wrongService``,
    ///   ``ARNError/Code/wrongResourceType`` for `user/…`, ``ARNError/Code/invalidRoleName``, …).
    public init(_ arn: ARN) throws(ARNError) {
        let input = arn.description
        try arn.requireService("iam")
        if let region = arn.region {
            throw ARNError.invalid(
                .invalidRegion,
                "region",
                region.name,
                in: input,
                expected: "IAM ARNs have an empty region"
            )
        }
        let accountID = try arn.requireAccountID()
        let rest = try arn.requireResource(type: "role", separator: "/")
        // `rest` is everything after "role/": the path without its leading slash, then the name.
        let pathAndName = "/" + rest
        let lastSlash = pathAndName.lastIndex(of: "/") ?? pathAndName.startIndex
        let path = String(pathAndName[...lastSlash])
        let name = String(pathAndName[pathAndName.index(after: lastSlash)...])
        try IAMRoleARN.validate(path: path, name: name, in: input)
        self.partition = arn.partition
        self.accountID = accountID
        self.path = path
        self.name = name
    }

    /// Parses a role ARN string.
    ///
    /// - Throws: ``ARNError`` naming the invalid part.
    public init(parsing string: String) throws(ARNError) {
        try self.init(ARN(parsing: string))
    }

    /// The generic ``ARN`` form.
    public var arn: ARN {
        ARN(unchecked: partition, service: "iam", region: nil, account: accountID.value, resource: "role\(path)\(name)")
    }

    /// The ARN string.
    public var description: String {
        "arn:\(partition.id):iam::\(accountID.value):role\(path)\(name)"
    }

    private static func validate(path: String, name: String, in input: String?) throws(ARNError) {
        let pathBytes = path.utf8
        let pathIsValid =
            pathBytes.count <= maximumPathLength && pathBytes.first == UInt8(ascii: "/")
            && pathBytes.last == UInt8(ascii: "/") && pathBytes.count != 2
            && allBytes(in: pathBytes, are: { $0 >= 0x21 && $0 <= 0x7E })
        guard pathIsValid else {
            throw ARNError.invalid(
                .invalidRolePath,
                "role path",
                path,
                in: input,
                expected: "expected \"/\" or \"/…/\" of printable ASCII, at most \(maximumPathLength) characters"
            )
        }
        let nameLength = name.utf8.count
        guard nameLength > 0 else {
            throw ARNError.problem(.invalidRoleName, "empty role name", in: input)
        }
        let nameIsValid =
            nameLength <= maximumNameLength
            && allBytes(of: name) { byte in
                byte.isASCIIWord || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: ",")
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "@") || byte == UInt8(ascii: "-")
            }
        guard nameIsValid else {
            throw ARNError.invalid(
                .invalidRoleName,
                "role name",
                name,
                in: input,
                expected: "expected 1 to \(maximumNameLength) characters of letters, digits and \"_+=,.@-\""
            )
        }
    }
}

extension IAMRoleARN: Codable {
    /// Decodes and parses a role ARN string.
    public init(from decoder: any Decoder) throws {
        self = try decodeValidated(from: decoder, IAMRoleARN.init(parsing:))
    }

    /// Encodes the ARN as its string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
