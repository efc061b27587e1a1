import DBLambdaCore
import Testing

@Suite("LambdaFunctionARN and LambdaQualifier")
struct LambdaFunctionARNTests {
    static let name64 = String(repeating: "a", count: 64)
    static let name65 = String(repeating: "a", count: 65)

    @Test(
        "valid function ARNs parse, keep their parts and print back exactly",
        arguments: [
            ("arn:aws:lambda:us-east-1:123456789012:function:my-function", "my-function", nil),
            ("arn:aws:lambda:us-east-1:123456789012:function:my-function:42", "my-function", "42"),
            ("arn:aws:lambda:us-east-1:123456789012:function:my-function:prod", "my-function", "prod"),
            ("arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST", "f", "$LATEST"),
            ("arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST.PUBLISHED", "f", "$LATEST.PUBLISHED"),
            ("arn:aws:lambda:us-east-1:123456789012:function:name.with.dots", "name.with.dots", nil),
            ("arn:aws:lambda:us-east-1:123456789012:function:Under_Score-9", "Under_Score-9", nil),
            ("arn:aws-cn:lambda:cn-north-1:123456789012:function:f", "f", nil),
            ("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f:v2", "f", "v2"),
            ("arn:aws-eusc:lambda:eusc-de-east-1:123456789012:function:f", "f", nil),
            ("arn:aws-iso:lambda:us-iso-east-1:123456789012:function:f", "f", nil),
            ("arn:aws-iso-b:lambda:us-isob-east-1:123456789012:function:f", "f", nil),
            ("arn:aws-iso-e:lambda:eu-isoe-west-1:123456789012:function:f", "f", nil),
            ("arn:aws-iso-f:lambda:us-isof-south-1:123456789012:function:f", "f", nil),
            ("arn:aws:lambda:us-east-1:000000000001:function:" + name64, name64, nil),
        ] as [(String, String, String?)]
    )
    func valid(string: String, name: String, qualifier: String?) throws {
        let arn = try LambdaFunctionARN(parsing: string)
        #expect(arn.functionName == name)
        #expect(arn.qualifier?.value == qualifier)
        #expect(arn.description == string)
        #expect(arn.arn.description == string)
        #expect(try LambdaFunctionARN(ARN(parsing: string)) == arn)
        #expect(arn.region.partition == arn.partition)
    }

    @Test(
        "invalid function ARNs throw the code of the wrong part",
        arguments: [
            ("arn:aws:rds:us-east-1:123456789012:function:f", ARNError.Code.wrongService),
            ("arn:aws:lambda::123456789012:function:f", .invalidRegion),
            ("arn:aws:lambda:us-east-10:123456789012:function:f", .invalidRegion),
            ("arn:aws:lambda:usa-east-1:123456789012:function:f", .invalidRegion),
            ("arn:aws:lambda:us-isoxy-east-1:123456789012:function:f", .invalidRegion),
            ("arn:aws:lambda:us-foo-east-1:123456789012:function:f", .invalidRegion),
            ("arn:aws:lambda:cn-north-1:123456789012:function:f", .invalidRegion),
            ("arn:aws-cn:lambda:us-east-1:123456789012:function:f", .invalidRegion),
            ("arn:aws:lambda:us-gov-west-1:123456789012:function:f", .invalidRegion),
            ("arn:aws-eusc:lambda:eu-central-1:123456789012:function:f", .invalidRegion),
            ("arn:aws:lambda:us-east-1::function:f", .invalidAccountID),
            ("arn:aws:lambda:us-east-1:aws:function:f", .invalidAccountID),
            ("arn:aws:lambda:us-east-1:12345:function:f", .invalidAccountID),
            ("arn:aws:lambda:us-east-1:123456789012:layer:my-layer:1", .wrongResourceType),
            ("arn:aws:lambda:us-east-1:123456789012:Function:f", .wrongResourceType),
            ("arn:aws:lambda:us-east-1:123456789012:function/f", .invalidResource),
            ("arn:aws:lambda:us-east-1:123456789012:function", .invalidResource),
            ("arn:aws:lambda:us-east-1:123456789012:function:", .invalidFunctionName),
            ("arn:aws:lambda:us-east-1:123456789012:function::prod", .invalidFunctionName),
            ("arn:aws:lambda:us-east-1:123456789012:function:my function", .invalidFunctionName),
            ("arn:aws:lambda:us-east-1:123456789012:function:f/g", .invalidFunctionName),
            ("arn:aws:lambda:us-east-1:123456789012:function:fünf", .invalidFunctionName),
            ("arn:aws:lambda:us-east-1:123456789012:function:" + name65, .invalidFunctionName),
            ("arn:aws:lambda:us-east-1:123456789012:function:f:", .invalidQualifier),
            ("arn:aws:lambda:us-east-1:123456789012:function:f:a:b", .invalidQualifier),
            ("arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST:x", .invalidQualifier),
            ("arn:aws:lambda:us-east-1:123456789012:function:f:$latest", .invalidQualifier),
            ("arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST.DRAFT", .invalidQualifier),
            ("arn:aws:lambda:us-east-1:123456789012:function:f:v1.0", .invalidQualifier),
            ("arn:aws:lambda:us-east-1:123456789012:function:f:*", .invalidQualifier),
            (
                "arn:aws:lambda:us-east-1:123456789012:function:f:" + String(repeating: "q", count: 129),
                .invalidQualifier
            ),
            (
                "arn:aws:lambda:us-east-1:123456789012:function:f:" + String(repeating: "::", count: 5_000),
                .invalidQualifier
            ),
        ]
    )
    func invalid(string: String, code: ARNError.Code) {
        let error = #expect(throws: ARNError.self) { try LambdaFunctionARN(parsing: string) }
        #expect(error?.code == code)
    }

    @Test("the error message quotes the bad part and the whole ARN")
    func message() throws {
        let input = "arn:aws:lambda:us-east-1:12345:function:f"
        let error = try #require(throws: ARNError.self) { try LambdaFunctionARN(parsing: input) }
        #expect(
            error.description
                == "invalid account id \"12345\" in ARN \"arn:aws:lambda:us-east-1:12345:function:f\": expected 12 digits"
        )
        let mismatch = try #require(throws: ARNError.self) {
            try LambdaFunctionARN(parsing: "arn:aws:lambda:cn-north-1:123456789012:function:f")
        }
        #expect(mismatch.message.contains("\"aws-cn\""))
        let name = try #require(throws: ARNError.self) {
            try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:123456789012:function:" + Self.name65)
        }
        #expect(name.message.contains("65 characters"))
    }

    @Test(
        "qualifiers are classified as version, alias, $LATEST or $LATEST.PUBLISHED",
        arguments: [
            ("1", LambdaQualifier.Kind.version),
            ("0042", .version),
            (String(repeating: "9", count: 128), .version),
            ("prod", .alias),
            ("v1", .alias),
            ("1a", .alias),
            ("blue-green_2", .alias),
            ("-", .alias),
            (String(repeating: "a", count: 128), .alias),
            ("$LATEST", .latest),
            ("$LATEST.PUBLISHED", .latestPublished),
        ]
    )
    func qualifierKinds(value: String, kind: LambdaQualifier.Kind) throws {
        let qualifier = try LambdaQualifier(value)
        #expect(qualifier.kind == kind)
        #expect(qualifier.value == value)
        #expect(qualifier.description == value)
        #expect(qualifier.version == (kind == .version ? value : nil))
        #expect(qualifier.alias == (kind == .alias ? value : nil))
    }

    @Test(
        "malformed qualifiers throw invalidQualifier",
        arguments: ["", "$LATEST.", "$Latest", "a.b", "a:b", "a b", "ä", String(repeating: "1", count: 129)]
    )
    func invalidQualifier(value: String) {
        #expect(throws: ARNError.invalidQualifier) { try LambdaQualifier(value) }
    }

    @Test("qualifier factories: versions from numbers, aliases that are not all digits")
    func qualifierFactories() throws {
        #expect(LambdaQualifier.version(7) == (try LambdaQualifier("7")))
        #expect(LambdaQualifier.version(7).kind == .version)
        #expect(try LambdaQualifier.alias("live").kind == .alias)
        #expect(throws: ARNError.invalidQualifier) { try LambdaQualifier.alias("123") }
        #expect(throws: ARNError.invalidQualifier) { try LambdaQualifier.alias("$LATEST") }
        #expect(LambdaQualifier.latest.value == "$LATEST")
        #expect(LambdaQualifier.latestPublished.value == "$LATEST.PUBLISHED")
        #expect(LambdaQualifier.Kind.latestPublished.description == "latestPublished")
    }

    @Test("unqualified, withQualifier and wildcardQualified")
    func qualifierOperations() throws {
        let qualified = try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:123456789012:function:orders:prod")
        let bare = qualified.unqualified
        #expect(bare.description == "arn:aws:lambda:us-east-1:123456789012:function:orders")
        #expect(bare.qualifier == nil)
        #expect(qualified.wildcardQualified == "arn:aws:lambda:us-east-1:123456789012:function:orders:*")
        #expect(bare.wildcardQualified == qualified.wildcardQualified)
        #expect(bare.withQualifier(.version(3)).description == bare.description + ":3")
        #expect(bare.withQualifier(.latest).description == bare.description + ":$LATEST")
        #expect(qualified.withQualifier(nil) == bare)
        #expect(bare.withQualifier(try .alias("prod")) == qualified)
    }

    @Test("the memberwise initialiser derives the partition and validates each part")
    func memberwise() throws {
        let account = try AccountID("123456789012")
        let arn = try LambdaFunctionARN(
            region: .cnNorth1,
            accountID: account,
            functionName: "f",
            qualifier: .version(1)
        )
        #expect(arn.partition == .awsCN)
        #expect(arn.description == "arn:aws-cn:lambda:cn-north-1:123456789012:function:f:1")
        let explicit = try LambdaFunctionARN(partition: .aws, region: .usEast1, accountID: account, functionName: "f")
        #expect(explicit.description == "arn:aws:lambda:us-east-1:123456789012:function:f")

        #expect(throws: ARNError.invalidRegion) {
            try LambdaFunctionARN(partition: .aws, region: .cnNorth1, accountID: account, functionName: "f")
        }
        #expect(throws: ARNError.invalidRegion) {
            try LambdaFunctionARN(region: try Region("us-east-12"), accountID: account, functionName: "f")
        }
        #expect(throws: ARNError.invalidFunctionName) {
            try LambdaFunctionARN(region: .usEast1, accountID: account, functionName: "")
        }
        #expect(throws: ARNError.invalidFunctionName) {
            try LambdaFunctionARN(region: .usEast1, accountID: account, functionName: Self.name65)
        }
        let error = try #require(throws: ARNError.self) {
            try LambdaFunctionARN(region: .usEast1, accountID: account, functionName: "a b")
        }
        #expect(error.message.hasPrefix("invalid function name \"a b\": expected"))
    }

    @Test("a generic ARN converts both ways")
    func genericConversion() throws {
        let generic = try ARN(parsing: "arn:aws:lambda:eu-west-1:123456789012:function:f:$LATEST")
        let typed = try LambdaFunctionARN(generic)
        #expect(typed.arn == generic)
        #expect(typed.qualifier == .latest)
    }
}
