import DBLambdaCore
import Testing

@Suite("RDSInstanceARN and RDSClusterARN")
struct RDSARNTests {
    static let id63 = "a" + String(repeating: "b", count: 62)
    static let id64 = "a" + String(repeating: "b", count: 63)

    @Test(
        "valid instance ARNs parse and print back exactly",
        arguments: [
            ("arn:aws:rds:us-east-1:123456789012:db:my-db", "my-db"),
            ("arn:aws:rds:us-east-1:123456789012:db:a", "a"),
            ("arn:aws:rds:us-east-1:123456789012:db:MyDB1", "MyDB1"),
            ("arn:aws:rds:us-east-1:123456789012:db:a-1-b-2", "a-1-b-2"),
            ("arn:aws-cn:rds:cn-northwest-1:123456789012:db:db1", "db1"),
            ("arn:aws-us-gov:rds:us-gov-east-1:123456789012:db:db1", "db1"),
            ("arn:aws:rds:us-east-1:123456789012:db:" + id63, id63),
        ]
    )
    func validInstance(string: String, identifier: String) throws {
        let arn = try RDSInstanceARN(parsing: string)
        #expect(arn.identifier == identifier)
        #expect(arn.description == string)
        #expect(arn.arn.description == string)
        #expect(arn.region.partition == arn.partition)
    }

    @Test("a valid cluster ARN parses and prints back exactly")
    func validCluster() throws {
        let string = "arn:aws:rds:eu-west-1:123456789012:cluster:my-cluster"
        let arn = try RDSClusterARN(parsing: string)
        #expect(arn.identifier == "my-cluster")
        #expect(arn.region == .euWest1)
        #expect(arn.accountID.value == "123456789012")
        #expect(arn.description == string)
        #expect(try RDSClusterARN(arn.arn) == arn)
    }

    @Test(
        "invalid instance ARNs throw the code of the wrong part",
        arguments: [
            ("arn:aws:lambda:us-east-1:123456789012:db:my-db", ARNError.Code.wrongService),
            ("arn:aws:rds::123456789012:db:my-db", .invalidRegion),
            ("arn:aws:rds:cn-north-1:123456789012:db:my-db", .invalidRegion),
            ("arn:aws:rds:us-east-1::db:my-db", .invalidAccountID),
            ("arn:aws:rds:us-east-1:123456789012:cluster:my-db", .wrongResourceType),
            ("arn:aws:rds:us-east-1:123456789012:snapshot:s1", .wrongResourceType),
            ("arn:aws:rds:us-east-1:123456789012:db/my-db", .invalidResource),
            ("arn:aws:rds:us-east-1:123456789012:my-db", .invalidResource),
            ("arn:aws:rds:us-east-1:123456789012:db:", .invalidDBIdentifier),
            ("arn:aws:rds:us-east-1:123456789012:db:1db", .invalidDBIdentifier),
            ("arn:aws:rds:us-east-1:123456789012:db:-db", .invalidDBIdentifier),
            ("arn:aws:rds:us-east-1:123456789012:db:db-", .invalidDBIdentifier),
            ("arn:aws:rds:us-east-1:123456789012:db:my--db", .invalidDBIdentifier),
            ("arn:aws:rds:us-east-1:123456789012:db:my_db", .invalidDBIdentifier),
            ("arn:aws:rds:us-east-1:123456789012:db:my.db", .invalidDBIdentifier),
            ("arn:aws:rds:us-east-1:123456789012:db:my:db", .invalidDBIdentifier),
            ("arn:aws:rds:us-east-1:123456789012:db:dé", .invalidDBIdentifier),
            ("arn:aws:rds:us-east-1:123456789012:db:" + id64, .invalidDBIdentifier),
        ]
    )
    func invalidInstance(string: String, code: ARNError.Code) {
        let error = #expect(throws: ARNError.self) { try RDSInstanceARN(parsing: string) }
        #expect(error?.code == code)
    }

    @Test("a cluster ARN is not an instance ARN and vice versa")
    func typesDoNotMix() {
        #expect(throws: ARNError.wrongResourceType) {
            try RDSClusterARN(parsing: "arn:aws:rds:us-east-1:123456789012:db:my-db")
        }
        #expect(throws: ARNError.invalidDBIdentifier) {
            try RDSClusterARN(parsing: "arn:aws:rds:us-east-1:123456789012:cluster:c--1")
        }
    }

    @Test(
        "the RDS identifier rule explains each violation",
        arguments: [
            ("", "empty"),
            ("9a", "first character"),
            ("a--b", "consecutive hyphens"),
            ("ab-", "end with a hyphen"),
            ("a_b", "letters, digits and hyphens"),
            (id64, "64 characters"),
        ]
    )
    func identifierMessages(identifier: String, fragment: String) throws {
        #expect(!RDSIdentifier.isValid(identifier))
        let error = try #require(throws: ARNError.self) {
            try RDSInstanceARN(region: .usEast1, accountID: try AccountID("123456789012"), identifier: identifier)
        }
        #expect(error.code == .invalidDBIdentifier)
        #expect(error.message.contains(fragment))
    }

    @Test("memberwise initialisers derive the partition and check the region")
    func memberwise() throws {
        let account = try AccountID("123456789012")
        let instance = try RDSInstanceARN(region: .usGovWest1, accountID: account, identifier: "db1")
        #expect(instance.description == "arn:aws-us-gov:rds:us-gov-west-1:123456789012:db:db1")
        let cluster = try RDSClusterARN(region: .euscDeEast1, accountID: account, identifier: "c1")
        #expect(cluster.description == "arn:aws-eusc:rds:eusc-de-east-1:123456789012:cluster:c1")
        #expect(throws: ARNError.invalidRegion) {
            try RDSClusterARN(partition: .awsCN, region: .usEast1, accountID: account, identifier: "c1")
        }
        #expect(RDSIdentifier.isValid("a"))
        #expect(RDSIdentifier.isValid(Self.id63))
    }
}
