/// A generic Amazon Resource Name: `arn:partition:service:region:account-id:resource`.
///
/// Parsing checks each component and throws an ``ARNError`` whose code names the bad part:
/// - the prefix must be `arn` (``ARNError/Code/invalidPrefix``) and there must be six components
///   (``ARNError/Code/missingComponents``);
/// - the partition must be a known ``Partition`` id (``ARNError/Code/invalidPartition``);
/// - the service must be non-empty lowercase letters, digits and hyphens (``ARNError/Code/invalidService``);
/// - the region may be empty (IAM, S3), otherwise it must be a well-formed ``Region``
///   (``ARNError/Code/invalidRegion``);
/// - the account may be empty (S3), `aws` (AWS managed IAM policies) or 12 digits
///   (``ARNError/Code/invalidAccountID``);
/// - the resource is everything after the fifth colon and may itself contain colons and slashes; it must be
///   non-empty and free of control characters (``ARNError/Code/invalidResource``).
///
/// Wildcards (`*`, `?`) are not interpreted: a policy `Resource` pattern such as `arn:aws:lambda:*:*:function:*`
/// is not an `ARN`. ``description`` prints the ARN back exactly as parsed. Encoded in `Codable` as the string.
///
/// ```swift
/// let arn = try ARN(parsing: "arn:aws:rds:us-east-1:123456789012:db:my-db")
/// arn.service        // "rds"
/// arn.resourceType   // "db"
/// arn.resourceID     // "my-db"
/// ```
public struct ARN: Sendable, Hashable, CustomStringConvertible {
    /// The partition, for example ``Partition/aws``.
    public let partition: Partition
    /// The service namespace, for example `lambda`, `rds` or `iam`.
    public let service: String
    /// The region, or `nil` when the ARN's region component is empty (IAM, S3).
    public let region: Region?
    /// The account component as written: 12 digits, `aws`, or empty.
    public let account: String
    /// The resource component: everything after the fifth colon.
    public let resource: String

    /// Creates an ARN from its components, validating each as ``init(parsing:)`` does.
    ///
    /// - Throws: ``ARNError`` naming the component that is invalid.
    public init(
        partition: Partition,
        service: String,
        region: Region?,
        account: String,
        resource: String
    ) throws(ARNError) {
        try ARN.validate(service: service, account: account, resource: resource, in: nil)
        self.init(unchecked: partition, service: service, region: region, account: account, resource: resource)
    }

    /// Components already known to be valid.
    init(unchecked partition: Partition, service: String, region: Region?, account: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// Parses an ARN string.
    ///
    /// - Throws: ``ARNError`` naming the component that is invalid; see the type's documentation.
    public init(parsing string: String) throws(ARNError) {
        if string.isEmpty {
            throw ARNError(code: .invalidPrefix, message: "empty string is not an ARN: expected \"arn:…\"")
        }
        let parts = string.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts[0] == "arn" else {
            throw ARNError.invalid(.invalidPrefix, "prefix", parts[0], in: string, expected: "expected \"arn\"")
        }
        guard parts.count == 6 else {
            throw ARNError.problem(
                .missingComponents,
                "expected 6 colon-separated components (arn:partition:service:region:account-id:resource), "
                    + "found \(parts.count)",
                in: string
            )
        }
        guard let partition = Partition(id: String(parts[1])) else {
            throw ARNError.invalid(
                .invalidPartition,
                "partition",
                parts[1],
                in: string,
                expected: "expected one of " + Partition.allPartitions.map(\.id).joined(separator: ", ")
            )
        }
        var region: Region?
        if !parts[3].isEmpty {
            guard Region.isWellFormed(parts[3]) else {
                throw ARNError.invalid(.invalidRegion, "region", parts[3], in: string, expected: Region.expectation)
            }
            region = try Region(String(parts[3]))
        }
        try ARN.validate(service: parts[2], account: parts[4], resource: parts[5], in: string)
        self.init(
            unchecked: partition,
            service: String(parts[2]),
            region: region,
            account: String(parts[4]),
            resource: String(parts[5])
        )
    }

    private static func validate(
        service: some StringProtocol,
        account: some StringProtocol,
        resource: some StringProtocol,
        in input: String?
    ) throws(ARNError) {
        guard allBytes(of: service, are: { $0.isASCIILower || $0.isASCIIDigit || $0 == UInt8(ascii: "-") }) else {
            throw ARNError.invalid(
                .invalidService,
                "service",
                service,
                in: input,
                expected: "expected lowercase letters, digits and hyphens"
            )
        }
        guard account.isEmpty || account == "aws" || AccountID.isValid(account) else {
            throw ARNError.invalid(
                .invalidAccountID,
                "account id",
                account,
                in: input,
                expected: allBytes(of: account, are: \.isASCIIDigit)
                    ? AccountID.expectation : "expected 12 digits, \"aws\" or nothing"
            )
        }
        if resource.isEmpty {
            throw ARNError.problem(.invalidResource, "empty resource", in: input)
        }
        guard !resource.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw ARNError.invalid(
                .invalidResource,
                "resource",
                resource,
                in: input,
                expected: "control characters are not allowed"
            )
        }
    }

    /// The account id, or `nil` when the account component is empty or `aws`.
    public var accountID: AccountID? {
        try? AccountID(account)
    }

    /// The resource type: the text before the first `/` or `:` of ``resource`` (`function` in `function:f`,
    /// `role` in `role/path/name`), or `nil` when the resource contains neither.
    public var resourceType: String? {
        guard let index = separatorIndex else { return nil }
        return String(resource[..<index])
    }

    /// The resource id: the text after the first `/` or `:` of ``resource`` (it may contain more separators,
    /// as in `f:prod` or `service-role/name`), or the whole resource when it contains neither.
    public var resourceID: String {
        guard let index = separatorIndex else { return resource }
        return String(resource[resource.index(after: index)...])
    }

    /// The separator between ``resourceType`` and ``resourceID`` (`:` or `/`), or `nil` when there is none.
    public var resourceSeparator: Character? {
        separatorIndex.map { resource[$0] }
    }

    private var separatorIndex: String.Index? {
        resource.firstIndex(where: { $0 == "/" || $0 == ":" })
    }

    /// The ARN string, exactly as parsed: `arn:partition:service:region:account-id:resource`.
    public var description: String {
        "arn:\(partition.id):\(service):\(region?.name ?? ""):\(account):\(resource)"
    }
}

extension ARN: Codable {
    /// Decodes and parses an ARN string.
    public init(from decoder: any Decoder) throws {
        self = try decodeValidated(from: decoder, ARN.init(parsing:))
    }

    /// Encodes the ARN as its string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Decodes a string and turns it into `T` with `parse`, mapping an ``ARNError`` to `DecodingError.dataCorrupted`.
func decodeValidated<T>(from decoder: any Decoder, _ parse: (String) throws(ARNError) -> T) throws -> T {
    let container = try decoder.singleValueContainer()
    let string = try container.decode(String.self)
    do {
        return try parse(string)
    } catch {
        throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
    }
}
