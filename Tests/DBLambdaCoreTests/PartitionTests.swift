import DBLambdaCore
import Testing

@Suite("Partition")
struct PartitionTests {
    @Test(
        "every partition has the documented id, DNS suffix and dual-stack suffix",
        arguments: [
            (Partition.aws, "aws", "amazonaws.com", "api.aws"),
            (.awsCN, "aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn"),
            (.awsUSGov, "aws-us-gov", "amazonaws.com", "api.aws"),
            (.awsISO, "aws-iso", "c2s.ic.gov", "api.aws.ic.gov"),
            (.awsISOB, "aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud"),
            (.awsISOE, "aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk"),
            (.awsISOF, "aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov"),
            (.awsEUSC, "aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu"),
        ]
    )
    func suffixes(partition: Partition, id: String, dnsSuffix: String, dualStack: String) {
        #expect(partition.id == id)
        #expect(partition.dnsSuffix == dnsSuffix)
        #expect(partition.dualStackDNSSuffix == dualStack)
        #expect(partition.description == id)
        #expect(Partition(id: id) == partition)
    }

    @Test("allPartitions lists the eight partitions once each, aws first")
    func allPartitions() {
        let ids = Partition.allPartitions.map(\.id)
        #expect(
            ids == ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"]
        )
        #expect(Set(Partition.allPartitions).count == 8)
    }

    @Test("an unknown partition id finds nothing", arguments: ["", "AWS", "aws-", "aws-xx", "awscn", " aws"])
    func unknownID(id: String) {
        #expect(Partition(id: id) == nil)
    }

    @Test(
        "regions map to their partition, specific prefixes winning over us- and eu-",
        arguments: [
            ("us-east-1", "aws"),
            ("us-west-2", "aws"),
            ("eu-central-2", "aws"),
            ("ap-southeast-7", "aws"),
            ("ap-east-2", "aws"),
            ("sa-east-1", "aws"),
            ("ca-west-1", "aws"),
            ("me-central-1", "aws"),
            ("af-south-1", "aws"),
            ("il-central-1", "aws"),
            ("mx-central-1", "aws"),
            ("cn-north-1", "aws-cn"),
            ("cn-northwest-1", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-gov-east-1", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-iso-west-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("us-isof-south-1", "aws-iso-f"),
            ("us-isof-east-1", "aws-iso-f"),
            ("eusc-de-east-1", "aws-eusc"),
            ("us-east-10", "aws"),
        ]
    )
    func regionToPartition(region: String, partitionID: String) throws {
        let parsed = try Region(region)
        #expect(Partition.for(region: parsed).id == partitionID)
        #expect(parsed.partition.id == partitionID)
        #expect(Partition.for(region: region)?.id == partitionID)
    }

    @Test(
        "well-formed regions that match no pattern fall back to aws, like botocore",
        arguments: ["xx-newplace-1", "zz-east-1", "us-foo-east-1", "eusc-fr-east-1", "cn-gov-north-1"]
    )
    func fallbackToAWS(region: String) throws {
        #expect(Partition.for(region: try Region(region)) == .aws)
    }

    @Test(
        "malformed region strings have no partition",
        arguments: ["", "local", "us-east", "US-EAST-1", "us_east_1", "us--east-1", "us-east-1-", "-us-east-1"]
    )
    func malformedRegion(region: String) {
        #expect(Partition.for(region: region) == nil)
    }

    @Test(
        "host names for standard, FIPS, dual-stack and FIPS dual-stack endpoints",
        arguments: [
            ("us-east-1", false, false, "lambda.us-east-1.amazonaws.com"),
            ("us-east-1", true, false, "lambda-fips.us-east-1.amazonaws.com"),
            ("us-east-1", false, true, "lambda.us-east-1.api.aws"),
            ("us-east-1", true, true, "lambda-fips.us-east-1.api.aws"),
            ("cn-north-1", false, false, "lambda.cn-north-1.amazonaws.com.cn"),
            ("cn-north-1", false, true, "lambda.cn-north-1.api.amazonwebservices.com.cn"),
            ("us-gov-west-1", true, false, "lambda-fips.us-gov-west-1.amazonaws.com"),
            ("us-gov-west-1", false, true, "lambda.us-gov-west-1.api.aws"),
            ("us-iso-east-1", false, false, "lambda.us-iso-east-1.c2s.ic.gov"),
            ("us-iso-east-1", true, true, "lambda-fips.us-iso-east-1.api.aws.ic.gov"),
            ("us-isob-east-1", false, false, "lambda.us-isob-east-1.sc2s.sgov.gov"),
            ("us-isob-east-1", false, true, "lambda.us-isob-east-1.api.aws.scloud"),
            ("eu-isoe-west-1", false, false, "lambda.eu-isoe-west-1.cloud.adc-e.uk"),
            ("eu-isoe-west-1", false, true, "lambda.eu-isoe-west-1.api.cloud-aws.adc-e.uk"),
            ("us-isof-south-1", false, false, "lambda.us-isof-south-1.csp.hci.ic.gov"),
            ("us-isof-south-1", true, true, "lambda-fips.us-isof-south-1.api.aws.hci.ic.gov"),
            ("eusc-de-east-1", false, false, "lambda.eusc-de-east-1.amazonaws.eu"),
            ("eusc-de-east-1", false, true, "lambda.eusc-de-east-1.api.amazonwebservices.eu"),
        ]
    )
    func hostnames(region: String, fips: Bool, dualStack: Bool, expected: String) throws {
        let parsed = try Region(region)
        #expect(
            parsed.partition.hostname(service: "lambda", region: parsed, fips: fips, dualStack: dualStack) == expected
        )
    }

    @Test("hostname defaults to the standard endpoint and uses the service as given")
    func hostnameDefaults() {
        #expect(Partition.aws.hostname(service: "sts", region: .usWest2) == "sts.us-west-2.amazonaws.com")
    }
}
