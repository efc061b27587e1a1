import DBLambdaCore
import Testing

@Suite("IAMRoleARN")
struct IAMRoleARNTests {
    static let name64 = String(repeating: "r", count: 64)

    @Test(
        "valid role ARNs split into path and name and print back exactly",
        arguments: [
            ("arn:aws:iam::123456789012:role/rds-lambda", "/", "rds-lambda"),
            ("arn:aws:iam::123456789012:role/service-role/name", "/service-role/", "name"),
            ("arn:aws:iam::123456789012:role/a/b/c/name", "/a/b/c/", "name"),
            ("arn:aws:iam::123456789012:role/w+=,.@-_9", "/", "w+=,.@-_9"),
            ("arn:aws-cn:iam::123456789012:role/r", "/", "r"),
            ("arn:aws-us-gov:iam::123456789012:role/r", "/", "r"),
            ("arn:aws:iam::123456789012:role///r", "///", "r"),
            ("arn:aws:iam::123456789012:role/" + name64, "/", name64),
        ]
    )
    func valid(string: String, path: String, name: String) throws {
        let arn = try IAMRoleARN(parsing: string)
        #expect(arn.path == path)
        #expect(arn.name == name)
        #expect(arn.description == string)
        #expect(arn.arn.description == string)
        #expect(arn.arn.region == nil)
    }

    @Test(
        "invalid role ARNs throw the code of the wrong part",
        arguments: [
            ("arn:aws:sts::123456789012:role/r", ARNError.Code.wrongService),
            ("arn:aws:iam:us-east-1:123456789012:role/r", .invalidRegion),
            ("arn:aws:iam::aws:role/r", .invalidAccountID),
            ("arn:aws:iam:::role/r", .invalidAccountID),
            ("arn:aws:iam::123456789012:user/r", .wrongResourceType),
            ("arn:aws:iam::123456789012:policy/r", .wrongResourceType),
            ("arn:aws:iam::123456789012:role:r", .invalidResource),
            ("arn:aws:iam::123456789012:role", .invalidResource),
            ("arn:aws:iam::123456789012:role/", .invalidRoleName),
            ("arn:aws:iam::123456789012:role/path/", .invalidRoleName),
            ("arn:aws:iam::123456789012:role/na me", .invalidRoleName),
            ("arn:aws:iam::123456789012:role/n*me", .invalidRoleName),
            ("arn:aws:iam::123456789012:role/rôle", .invalidRoleName),
            ("arn:aws:iam::123456789012:role/a:b", .invalidRoleName),
            ("arn:aws:iam::123456789012:role//r", .invalidRolePath),
            ("arn:aws:iam::123456789012:role/p ath/r", .invalidRolePath),
            ("arn:aws:iam::123456789012:role/" + name64 + "r", .invalidRoleName),
            ("arn:aws:iam::123456789012:role/" + String(repeating: "p/", count: 300) + "r", .invalidRolePath),
        ]
    )
    func invalid(string: String, code: ARNError.Code) {
        let error = #expect(throws: ARNError.self) { try IAMRoleARN(parsing: string) }
        #expect(error?.code == code)
    }

    @Test("the memberwise initialiser builds role ARNs with and without a path")
    func memberwise() throws {
        let account = try AccountID("123456789012")
        #expect(try IAMRoleARN(accountID: account, name: "r").description == "arn:aws:iam::123456789012:role/r")
        let withPath = try IAMRoleARN(partition: .awsCN, accountID: account, path: "/service-role/", name: "r")
        #expect(withPath.description == "arn:aws-cn:iam::123456789012:role/service-role/r")
        #expect(try IAMRoleARN(withPath.arn) == withPath)
        #expect(throws: ARNError.invalidRolePath) {
            try IAMRoleARN(accountID: account, path: "service-role/", name: "r")
        }
        #expect(throws: ARNError.invalidRolePath) { try IAMRoleARN(accountID: account, path: "/x", name: "r") }
        #expect(throws: ARNError.invalidRolePath) { try IAMRoleARN(accountID: account, path: "", name: "r") }
        #expect(throws: ARNError.invalidRoleName) { try IAMRoleARN(accountID: account, name: "") }
        #expect(throws: ARNError.invalidRoleName) { try IAMRoleARN(accountID: account, name: "a/b") }
    }

    @Test("a region in a role ARN is reported as such")
    func regionMessage() throws {
        let error = try #require(throws: ARNError.self) {
            try IAMRoleARN(parsing: "arn:aws:iam:us-east-1:123456789012:role/r")
        }
        #expect(error.message.contains("empty region"))
        #expect(error.message.contains("\"us-east-1\""))
    }
}
