/// A validated AWS region name such as `us-east-1`, `cn-north-1`, `us-gov-west-1` or `eusc-de-east-1`.
///
/// A region name is at least three dash-separated words: a first word of lowercase ASCII letters, middle words
/// of lowercase letters or digits, and a last word of digits (`us-isob-east-1`), 64 characters at most. Names
/// of regions that did not exist when this release was made are accepted if they have this shape; their
/// ``partition`` is found from the name (see ``Partition/for(region:)-(Region)``).
/// Encoded in `Codable` as the name string.
public struct Region: Sendable, Hashable, CustomStringConvertible {
    /// The region name, for example `us-east-1`.
    public let name: String

    /// The longest region name accepted.
    public static let maximumLength = 64

    /// Validates a region name.
    ///
    /// - Throws: ``ARNError`` with code ``ARNError/Code/invalidRegion`` when `name` is not a well-formed
    ///   region name.
    public init(_ name: String) throws(ARNError) {
        guard Region.isWellFormed(name) else {
            throw ARNError.invalid(.invalidRegion, "region", name, in: nil, expected: Region.expectation)
        }
        self.name = name
    }

    /// A region known to be valid (static members only).
    private init(unchecked name: String) {
        self.name = name
    }

    /// The partition this region belongs to.
    public var partition: Partition { Partition.for(region: self) }

    /// The region name.
    public var description: String { name }

    /// The expectation quoted in error messages.
    static let expectation =
        "expected lowercase words separated by single hyphens, ending in a number (like \"us-east-1\")"

    /// Whether `name` has the shape of a region name (see the type's documentation).
    static func isWellFormed(_ name: some StringProtocol) -> Bool {
        guard name.utf8.count <= maximumLength else { return false }
        let words = name.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard words.count >= 3, let first = words.first, let last = words.last else { return false }
        guard allBytes(in: first, are: \.isASCIILower) else { return false }
        guard allBytes(in: last, are: \.isASCIIDigit) else { return false }
        return words.dropFirst().dropLast().allSatisfy { word in
            allBytes(in: word, are: { $0.isASCIILower || $0.isASCIIDigit })
        }
    }

    /// `us-east-1`, US East (N. Virginia).
    public static let usEast1 = Region(unchecked: "us-east-1")
    /// `us-east-2`, US East (Ohio).
    public static let usEast2 = Region(unchecked: "us-east-2")
    /// `us-west-1`, US West (N. California).
    public static let usWest1 = Region(unchecked: "us-west-1")
    /// `us-west-2`, US West (Oregon).
    public static let usWest2 = Region(unchecked: "us-west-2")
    /// `eu-west-1`, Europe (Ireland).
    public static let euWest1 = Region(unchecked: "eu-west-1")
    /// `eu-central-1`, Europe (Frankfurt).
    public static let euCentral1 = Region(unchecked: "eu-central-1")
    /// `ap-northeast-1`, Asia Pacific (Tokyo).
    public static let apNortheast1 = Region(unchecked: "ap-northeast-1")
    /// `ap-southeast-1`, Asia Pacific (Singapore).
    public static let apSoutheast1 = Region(unchecked: "ap-southeast-1")
    /// `cn-north-1`, China (Beijing), in the `aws-cn` partition.
    public static let cnNorth1 = Region(unchecked: "cn-north-1")
    /// `us-gov-west-1`, AWS GovCloud (US-West), in the `aws-us-gov` partition.
    public static let usGovWest1 = Region(unchecked: "us-gov-west-1")
    /// `eusc-de-east-1`, AWS European Sovereign Cloud (Germany), in the `aws-eusc` partition.
    public static let euscDeEast1 = Region(unchecked: "eusc-de-east-1")
}

extension Region: Codable {
    /// Decodes and validates a region name string.
    public init(from decoder: any Decoder) throws {
        self = try decodeValidated(from: decoder, Region.init(_:))
    }

    /// Encodes the region as its name string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
