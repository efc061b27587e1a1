import DBLambdaCore
import Testing

@Suite("ARN")
struct ARNTests {
    @Test(
        "valid ARNs of many services round-trip exactly",
        arguments: [
            "arn:aws:lambda:us-east-1:123456789012:function:my-function",
            "arn:aws:lambda:us-east-1:123456789012:function:my-function:$LATEST",
            "arn:aws:rds:us-east-1:123456789012:db:my-db",
            "arn:aws:iam::123456789012:role/service-role/name",
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:s3:::my-bucket/path/to/key.json",
            "arn:aws:s3:::my-bucket",
            "arn:aws-cn:lambda:cn-north-1:123456789012:function:f",
            "arn:aws-eusc:lambda:eusc-de-east-1:123456789012:function:f",
            "arn:aws-us-gov:sts::123456789012:assumed-role/r/session",
            "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/items",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-creds-AbCdEf",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*",
            "arn:aws:sns:us-east-1:123456789012:topic-ünïcode",
        ]
    )
    func roundTrip(string: String) throws {
        let arn = try ARN(parsing: string)
        #expect(arn.description == string)
        let rebuilt = try ARN(
            partition: arn.partition,
            service: arn.service,
            region: arn.region,
            account: arn.account,
            resource: arn.resource
        )
        #expect(rebuilt == arn)
    }

    @Test("components of a Lambda ARN are split correctly")
    func components() throws {
        let arn = try ARN(parsing: "arn:aws:lambda:us-west-2:000123456789:function:f:prod")
        #expect(arn.partition == .aws)
        #expect(arn.service == "lambda")
        #expect(arn.region == .usWest2)
        #expect(arn.account == "000123456789")
        #expect(arn.accountID?.value == "000123456789")
        #expect(arn.resource == "function:f:prod")
        #expect(arn.resourceType == "function")
        #expect(arn.resourceID == "f:prod")
        #expect(arn.resourceSeparator == ":")
    }

    @Test(
        "resource type and id for type/id, type:id and bare forms",
        arguments: [
            ("role/service-role/name", "role", "service-role/name", "/"),
            ("db:my-db", "db", "my-db", ":"),
            ("cluster:c:extra:colons", "cluster", "c:extra:colons", ":"),
            ("log-group:/aws/lambda/f", "log-group", "/aws/lambda/f", ":"),
            ("my-bucket", nil, "my-bucket", nil),
            ("/leading", "", "leading", "/"),
        ] as [(String, String?, String, Character?)]
    )
    func resourceSplit(resource: String, type: String?, id: String, separator: Character?) throws {
        let arn = try ARN(parsing: "arn:aws:svc:us-east-1:123456789012:" + resource)
        #expect(arn.resourceType == type)
        #expect(arn.resourceID == id)
        #expect(arn.resourceSeparator == separator)
    }

    @Test("empty region and account are allowed; account 'aws' is not an AccountID")
    func emptyParts() throws {
        let s3 = try ARN(parsing: "arn:aws:s3:::bucket")
        #expect(s3.region == nil)
        #expect(s3.account.isEmpty)
        #expect(s3.accountID == nil)
        let policy = try ARN(parsing: "arn:aws:iam::aws:policy/ReadOnlyAccess")
        #expect(policy.account == "aws")
        #expect(policy.accountID == nil)
    }

    @Test(
        "each malformed component is reported with its own code",
        arguments: [
            ("", ARNError.Code.invalidPrefix),
            ("arm:aws:s3:::b", .invalidPrefix),
            ("ARN:aws:s3:::b", .invalidPrefix),
            ("not an arn", .invalidPrefix),
            (" arn:aws:s3:::b", .invalidPrefix),
            ("arn", .missingComponents),
            ("arn:", .missingComponents),
            ("arn:aws:lambda", .missingComponents),
            ("arn:aws:lambda:us-east-1:123456789012", .missingComponents),
            ("arn:aws-mars:s3:::b", .invalidPartition),
            ("arn::s3:::b", .invalidPartition),
            ("arn:AWS:s3:::b", .invalidPartition),
            ("arn:aws::us-east-1:123456789012:x", .invalidService),
            ("arn:aws:Lambda:us-east-1:123456789012:function:f", .invalidService),
            ("arn:aws:lam bda:us-east-1:123456789012:function:f", .invalidService),
            ("arn:aws:lambda:us-east:123456789012:function:f", .invalidRegion),
            ("arn:aws:lambda:US-EAST-1:123456789012:function:f", .invalidRegion),
            ("arn:aws:lambda:*:123456789012:function:f", .invalidRegion),
            ("arn:aws:lambda:us-east-1:12345:function:f", .invalidAccountID),
            ("arn:aws:lambda:us-east-1:1234567890123:function:f", .invalidAccountID),
            ("arn:aws:lambda:us-east-1:*:function:f", .invalidAccountID),
            ("arn:aws:lambda:us-east-1:123456789012:", .invalidResource),
            ("arn:aws:lambda:us-east-1:123456789012:function:f\nx", .invalidResource),
            ("arn:aws:lambda:us-east-1:123456789012:function:\u{7F}", .invalidResource),
        ]
    )
    func invalid(string: String, code: ARNError.Code) {
        let error = #expect(throws: ARNError.self) { try ARN(parsing: string) }
        #expect(error?.code == code)
    }

    @Test("the memberwise initialiser validates like the parser")
    func memberwiseValidation() {
        #expect(throws: ARNError.invalidService) {
            try ARN(partition: .aws, service: "", region: nil, account: "", resource: "x")
        }
        #expect(throws: ARNError.invalidAccountID) {
            try ARN(partition: .aws, service: "s3", region: nil, account: "1", resource: "x")
        }
        #expect(throws: ARNError.invalidResource) {
            try ARN(partition: .aws, service: "s3", region: nil, account: "", resource: "")
        }
    }

    @Test("pathological inputs throw instead of crashing, with a bounded message")
    func pathological() throws {
        let colons = String(repeating: ":", count: 10_000)
        let error = try #require(throws: ARNError.self) { try ARN(parsing: "arn" + colons) }
        #expect(error.code == .invalidPartition)
        #expect(error.description.count < 600)

        let longResource = "arn:aws:s3:::" + colons
        let arn = try ARN(parsing: longResource)
        #expect(arn.description == longResource)
        #expect(arn.resourceType == "")

        #expect(throws: ARNError.invalidPrefix) { try ARN(parsing: colons) }
        #expect(throws: ARNError.invalidPrefix) { try ARN(parsing: "🦆:aws:s3:::b") }
        #expect(throws: ARNError.invalidPartition) { try ARN(parsing: "arn:🦆:s3:::b") }
        #expect(throws: ARNError.invalidService) { try ARN(parsing: "arn:aws:🦆:::b") }
        #expect(throws: ARNError.invalidRegion) { try ARN(parsing: "arn:aws:s3:🦆::b") }
        #expect(throws: ARNError.invalidAccountID) { try ARN(parsing: "arn:aws:s3::🦆:b") }
        #expect(throws: ARNError.invalidPrefix) { try ARN(parsing: "\0") }
    }

    @Test("equal ARNs hash equally and different ones differ")
    func hashable() throws {
        let first = try ARN(parsing: "arn:aws:s3:::bucket")
        let second = try ARN(parsing: "arn:aws:s3:::bucket")
        let third = try ARN(parsing: "arn:aws-cn:s3:::bucket")
        #expect(Set([first, second, third]).count == 2)
    }
}

@Suite("ARN messages")
struct ARNMessageTests {
    @Test(
        "messages name the part, quote it and quote the input",
        arguments: [
            (
                "arn:aws:lambda:us-east-1:12345:function:f",
                "invalid account id \"12345\" in ARN \"arn:aws:lambda:us-east-1:12345:function:f\": expected 12 digits"
            ),
            (
                "arn:aws:s3::abc:b",
                "invalid account id \"abc\" in ARN \"arn:aws:s3::abc:b\": expected 12 digits, \"aws\" or nothing"
            ),
            ("arm:aws:s3:::b", "invalid prefix \"arm\" in ARN \"arm:aws:s3:::b\": expected \"arn\""),
            (
                "arn:aws:s3",
                "expected 6 colon-separated components (arn:partition:service:region:account-id:resource), found 3 in ARN \"arn:aws:s3\""
            ),
            ("arn:aws:s3:::", "empty resource in ARN \"arn:aws:s3:::\""),
        ]
    )
    func messages(input: String, expected: String) throws {
        let error = try #require(throws: ARNError.self) { try ARN(parsing: input) }
        #expect(error.description == expected)
    }

    @Test("an unknown partition lists the known ones")
    func partitionMessage() throws {
        let error = try #require(throws: ARNError.self) { try ARN(parsing: "arn:aws-mars:s3:::b") }
        #expect(
            error.message.hasSuffix(
                "expected one of aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc"
            )
        )
    }
}
