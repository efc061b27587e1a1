/// An AWS partition: a group of regions with its own DNS suffixes (`aws`, `aws-cn`, `aws-us-gov`, …).
///
/// The known partitions are static members; ``init(id:)`` looks one up by its id and ``for(region:)-(Region)``
/// finds the partition of a region. Encoded in `Codable` as its ``id`` string.
///
/// ```swift
/// let partition = Partition.for(region: try Region("cn-north-1"))    // .awsCN
/// partition.hostname(service: "lambda", region: try Region("cn-north-1"))
/// // "lambda.cn-north-1.amazonaws.com.cn"
/// ```
public struct Partition: Sendable, Hashable, CustomStringConvertible {
    /// The partition id as it appears in ARNs, for example `aws-cn`.
    public let id: String
    /// The DNS suffix of regular endpoints, for example `amazonaws.com.cn`.
    public let dnsSuffix: String
    /// The DNS suffix of dual-stack (IPv4 and IPv6) endpoints, for example `api.amazonwebservices.com.cn`.
    public let dualStackDNSSuffix: String
    /// The region-name prefix (dash-separated words) that identifies this partition's regions;
    /// empty for `aws`, whose regions are recognised by their first word instead.
    private let regionPrefix: [Substring]

    private init(id: String, dnsSuffix: String, dualStackDNSSuffix: String, regionPrefix: [Substring]) {
        self.id = id
        self.dnsSuffix = dnsSuffix
        self.dualStackDNSSuffix = dualStackDNSSuffix
        self.regionPrefix = regionPrefix
    }

    /// The commercial partition `aws`: regions `^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$`.
    public static let aws = Partition(
        id: "aws",
        dnsSuffix: "amazonaws.com",
        dualStackDNSSuffix: "api.aws",
        regionPrefix: []
    )
    /// China, `aws-cn`: regions `^cn-\w+-\d+$`.
    public static let awsCN = Partition(
        id: "aws-cn",
        dnsSuffix: "amazonaws.com.cn",
        dualStackDNSSuffix: "api.amazonwebservices.com.cn",
        regionPrefix: ["cn"]
    )
    /// AWS GovCloud (US), `aws-us-gov`: regions `^us-gov-\w+-\d+$`.
    public static let awsUSGov = Partition(
        id: "aws-us-gov",
        dnsSuffix: "amazonaws.com",
        dualStackDNSSuffix: "api.aws",
        regionPrefix: ["us", "gov"]
    )
    /// The `aws-iso` partition: regions `^us-iso-\w+-\d+$`.
    public static let awsISO = Partition(
        id: "aws-iso",
        dnsSuffix: "c2s.ic.gov",
        dualStackDNSSuffix: "api.aws.ic.gov",
        regionPrefix: ["us", "iso"]
    )
    /// The `aws-iso-b` partition: regions `^us-isob-\w+-\d+$`.
    public static let awsISOB = Partition(
        id: "aws-iso-b",
        dnsSuffix: "sc2s.sgov.gov",
        dualStackDNSSuffix: "api.aws.scloud",
        regionPrefix: ["us", "isob"]
    )
    /// The `aws-iso-e` partition: regions `^eu-isoe-\w+-\d+$`.
    public static let awsISOE = Partition(
        id: "aws-iso-e",
        dnsSuffix: "cloud.adc-e.uk",
        dualStackDNSSuffix: "api.cloud-aws.adc-e.uk",
        regionPrefix: ["eu", "isoe"]
    )
    /// The `aws-iso-f` partition: regions `^us-isof-\w+-\d+$`.
    public static let awsISOF = Partition(
        id: "aws-iso-f",
        dnsSuffix: "csp.hci.ic.gov",
        dualStackDNSSuffix: "api.aws.hci.ic.gov",
        regionPrefix: ["us", "isof"]
    )
    /// The AWS European Sovereign Cloud, `aws-eusc`: regions `^eusc-(de)-\w+-\d+$` (`eusc-de-east-1`).
    public static let awsEUSC = Partition(
        id: "aws-eusc",
        dnsSuffix: "amazonaws.eu",
        dualStackDNSSuffix: "api.amazonwebservices.eu",
        regionPrefix: ["eusc", "de"]
    )

    /// Every known partition, `aws` first.
    public static let allPartitions: [Partition] = [
        .aws, .awsCN, .awsUSGov, .awsISO, .awsISOB, .awsISOE, .awsISOF, .awsEUSC,
    ]

    /// The first words of region names in the `aws` partition.
    private static let awsRegionFirstWords: Set<Substring> = ["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"]

    /// Looks up a known partition by its id (`aws`, `aws-cn`, …); `nil` for any other string.
    public init?(id: String) {
        guard let found = Partition.allPartitions.first(where: { $0.id == id }) else { return nil }
        self = found
    }

    /// The partition of a region.
    ///
    /// Follows the region patterns of AWS's partitions data: `us-gov-…` is GovCloud, `us-iso-…`, `us-isob-…`,
    /// `us-isof-…` and `eu-isoe-…` are the ISO partitions, `eusc-de-…` is the European Sovereign Cloud and
    /// `cn-…` is China. A well-formed region that matches no pattern (a region launched after this release, say
    /// `xx-newplace-1`) falls back to ``aws``, as botocore and the endpoint rules do.
    public static func `for`(region: Region) -> Partition {
        let words = region.name.split(separator: "-", omittingEmptySubsequences: false)
        for partition in allPartitions where partition.matches(regionWords: words) {
            return partition
        }
        return .aws
    }

    /// The partition of a region given as a string, or `nil` when the string is not a well-formed region name
    /// (see ``Region``). Well-formed but unknown regions fall back to ``aws`` (see ``for(region:)-(Region)``).
    public static func `for`(region: String) -> Partition? {
        guard let parsed = try? Region(region) else { return nil }
        return Partition.for(region: parsed)
    }

    /// Whether the region, split at `-`, matches this partition's `^<prefix>-\w+-\d+$` pattern.
    /// The words are already known to be a well-formed ``Region``.
    private func matches(regionWords words: [Substring]) -> Bool {
        if regionPrefix.isEmpty {
            return words.count == 3 && Partition.awsRegionFirstWords.contains(words[0])
        }
        return words.count == regionPrefix.count + 2 && words.starts(with: regionPrefix)
    }

    /// The endpoint host name of a service in a region of this partition.
    ///
    /// `service` is used as given (the endpoint prefix, such as `lambda`). The forms are
    /// `<service>.<region>.<dnsSuffix>`, `<service>-fips.<region>.<dnsSuffix>` with `fips`, and the same with
    /// ``dualStackDNSSuffix`` with `dualStack`:
    ///
    /// | fips | dualStack | example |
    /// |---|---|---|
    /// | no | no | `lambda.us-east-1.amazonaws.com` |
    /// | yes | no | `lambda-fips.us-east-1.amazonaws.com` |
    /// | no | yes | `lambda.us-east-1.api.aws` |
    /// | yes | yes | `lambda-fips.us-east-1.api.aws` |
    ///
    /// AWS publishes FIPS endpoints only in some regions; this method does not check that one exists.
    public func hostname(service: String, region: Region, fips: Bool = false, dualStack: Bool = false) -> String {
        let host = fips ? "\(service)-fips" : service
        return "\(host).\(region.name).\(dualStack ? dualStackDNSSuffix : dnsSuffix)"
    }

    /// The partition ``id``.
    public var description: String { id }
}

extension Partition: Codable {
    /// Decodes a partition from its id string; an unknown id is a `DecodingError.dataCorrupted`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let id = try container.decode(String.self)
        guard let partition = Partition(id: id) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown partition \(quoted(id))"
            )
        }
        self = partition
    }

    /// Encodes the partition as its id string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(id)
    }
}
