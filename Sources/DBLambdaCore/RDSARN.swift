/// The ARN of an RDS DB instance: `arn:aws:rds:us-east-1:123456789012:db:my-db`.
///
/// Requires service `rds`, a region of the ARN's partition, a 12-digit account and the resource `db:<id>`,
/// where the identifier follows the RDS naming rule (see ``RDSIdentifier``). Encoded in `Codable` as the string.
public struct RDSInstanceARN: Sendable, Hashable, CustomStringConvertible {
    /// The partition.
    public let partition: Partition
    /// The region of the DB instance.
    public let region: Region
    /// The account that owns the DB instance.
    public let accountID: AccountID
    /// The DB instance identifier (`DBInstanceIdentifier`).
    public let identifier: String

    /// Creates an instance ARN from its parts; `partition` defaults to the region's partition.
    ///
    /// - Throws: ``ARNError/Code/invalidDBIdentifier`` for a bad identifier, ``ARNError/Code/invalidRegion``
    ///   when the region is not in `partition`.
    public init(
        partition: Partition? = nil,
        region: Region,
        accountID: AccountID,
        identifier: String
    ) throws(ARNError) {
        let partition = partition ?? region.partition
        try region.requirePartition(partition, in: nil)
        try RDSIdentifier.validate(identifier, kind: "DB instance identifier", in: nil)
        self.partition = partition
        self.region = region
        self.accountID = accountID
        self.identifier = identifier
    }

    /// Reads an instance ARN out of a generic ARN.
    ///
    /// - Throws: ``ARNError`` naming the part that does not fit (``ARNError/Code/wrongService``,
    ///   ``ARNError/Code/wrongResourceType`` for `cluster:…`, ``ARNError/Code/invalidDBIdentifier``, …).
    public init(_ arn: ARN) throws(ARNError) {
        let parts = try RDSIdentifier.parse(arn, resourceType: "db", kind: "DB instance identifier")
        self.partition = arn.partition
        self.region = parts.region
        self.accountID = parts.accountID
        self.identifier = parts.identifier
    }

    /// Parses an instance ARN string.
    ///
    /// - Throws: ``ARNError`` naming the invalid part.
    public init(parsing string: String) throws(ARNError) {
        try self.init(ARN(parsing: string))
    }

    /// The generic ``ARN`` form.
    public var arn: ARN {
        ARN(
            unchecked: partition,
            service: "rds",
            region: region,
            account: accountID.value,
            resource: "db:\(identifier)"
        )
    }

    /// The ARN string.
    public var description: String {
        "arn:\(partition.id):rds:\(region.name):\(accountID.value):db:\(identifier)"
    }
}

/// The ARN of an Aurora (or Multi-AZ) DB cluster: `arn:aws:rds:us-east-1:123456789012:cluster:my-cluster`.
///
/// Requires service `rds`, a region of the ARN's partition, a 12-digit account and the resource
/// `cluster:<id>`, where the identifier follows the RDS naming rule (see ``RDSIdentifier``).
/// Encoded in `Codable` as the string.
public struct RDSClusterARN: Sendable, Hashable, CustomStringConvertible {
    /// The partition.
    public let partition: Partition
    /// The region of the DB cluster.
    public let region: Region
    /// The account that owns the DB cluster.
    public let accountID: AccountID
    /// The DB cluster identifier (`DBClusterIdentifier`).
    public let identifier: String

    /// Creates a cluster ARN from its parts; `partition` defaults to the region's partition.
    ///
    /// - Throws: ``ARNError/Code/invalidDBIdentifier`` for a bad identifier, ``ARNError/Code/invalidRegion``
    ///   when the region is not in `partition`.
    public init(
        partition: Partition? = nil,
        region: Region,
        accountID: AccountID,
        identifier: String
    ) throws(ARNError) {
        let partition = partition ?? region.partition
        try region.requirePartition(partition, in: nil)
        try RDSIdentifier.validate(identifier, kind: "DB cluster identifier", in: nil)
        self.partition = partition
        self.region = region
        self.accountID = accountID
        self.identifier = identifier
    }

    /// Reads a cluster ARN out of a generic ARN.
    ///
    /// - Throws: ``ARNError`` naming the part that does not fit (``ARNError/Code/wrongService``,
    ///   ``ARNError/Code/wrongResourceType`` for `db:…`, ``ARNError/Code/invalidDBIdentifier``, …).
    public init(_ arn: ARN) throws(ARNError) {
        let parts = try RDSIdentifier.parse(arn, resourceType: "cluster", kind: "DB cluster identifier")
        self.partition = arn.partition
        self.region = parts.region
        self.accountID = parts.accountID
        self.identifier = parts.identifier
    }

    /// Parses a cluster ARN string.
    ///
    /// - Throws: ``ARNError`` naming the invalid part.
    public init(parsing string: String) throws(ARNError) {
        try self.init(ARN(parsing: string))
    }

    /// The generic ``ARN`` form.
    public var arn: ARN {
        ARN(
            unchecked: partition,
            service: "rds",
            region: region,
            account: accountID.value,
            resource: "cluster:\(identifier)"
        )
    }

    /// The ARN string.
    public var description: String {
        "arn:\(partition.id):rds:\(region.name):\(accountID.value):cluster:\(identifier)"
    }
}

/// The RDS naming rule for DB instance and DB cluster identifiers.
///
/// An identifier has 1–63 characters, all ASCII letters, digits or hyphens; the first is a letter; it does
/// not end with a hyphen and does not contain two consecutive hyphens. (RDS stores identifiers in lowercase;
/// both cases are accepted here and kept as written.)
public enum RDSIdentifier: Sendable {
    /// The longest identifier accepted.
    public static let maximumLength = 63

    /// Whether `identifier` follows the RDS naming rule.
    public static func isValid(_ identifier: String) -> Bool {
        problem(with: identifier) == nil
    }

    /// What is wrong with `identifier`, or `nil` when it is valid.
    static func problem(with identifier: some StringProtocol) -> String? {
        let bytes = identifier.utf8
        guard let first = bytes.first else { return "it is empty" }
        guard bytes.count <= maximumLength else {
            return "it is \(bytes.count) characters long, at most \(maximumLength) are allowed"
        }
        guard first.isASCIILetter else { return "the first character must be a letter" }
        var previous: UInt8 = 0
        for byte in bytes {
            guard byte.isASCIIAlphanumeric || byte == UInt8(ascii: "-") else {
                return "only letters, digits and hyphens are allowed"
            }
            if byte == UInt8(ascii: "-") && previous == UInt8(ascii: "-") {
                return "two consecutive hyphens are not allowed"
            }
            previous = byte
        }
        guard previous != UInt8(ascii: "-") else { return "it must not end with a hyphen" }
        return nil
    }

    static func validate(_ identifier: some StringProtocol, kind: String, in input: String?) throws(ARNError) {
        guard let problem = problem(with: identifier) else { return }
        throw ARNError.invalid(.invalidDBIdentifier, kind, identifier, in: input, expected: problem)
    }

    static func parse(
        _ arn: ARN,
        resourceType: String,
        kind: String
    ) throws(ARNError) -> (region: Region, accountID: AccountID, identifier: String) {
        try arn.requireService("rds")
        let region = try arn.requireRegion()
        let accountID = try arn.requireAccountID()
        let identifier = try arn.requireResource(type: resourceType, separator: ":")
        try validate(identifier, kind: kind, in: arn.description)
        return (region, accountID, String(identifier))
    }
}

extension RDSInstanceARN: Codable {
    /// Decodes and parses an instance ARN string.
    public init(from decoder: any Decoder) throws {
        self = try decodeValidated(from: decoder, RDSInstanceARN.init(parsing:))
    }

    /// Encodes the ARN as its string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension RDSClusterARN: Codable {
    /// Decodes and parses a cluster ARN string.
    public init(from decoder: any Decoder) throws {
        self = try decodeValidated(from: decoder, RDSClusterARN.init(parsing:))
    }

    /// Encodes the ARN as its string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
