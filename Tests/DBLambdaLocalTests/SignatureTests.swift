import DBLambdaCore
import DBLambdaHTTP
import DBLambdaIAM
import DBLambdaLocal
import DBLambdaSigV4
import Foundation
import HTTPTypes
import Logging
import Testing

@Suite("LocalLambdaServer: SigV4 verification and the resource policy")
struct SignatureTests {
    static let fixedNow = Date(timeIntervalSince1970: 1_790_000_000)

    static var configuration: LocalLambdaServer.Configuration {
        var configuration = LocalLambdaServer.Configuration(defaultHandler: echoHandler)
        configuration.now = { SignatureTests.fixedNow }
        return configuration
    }

    @Test("a good signature is accepted and the handler sees the access key id")
    func goodSignature() async throws {
        let handler = LocalLambdaHandler.closure { invocation in .json("\"\(invocation.accessKeyID ?? "")\"") }
        var configuration = Self.configuration
        configuration.defaultHandler = handler
        try await withRawServer(configuration) { _, client in
            let response = try await client.post(invokePath("orders"), date: Self.fixedNow)
            #expect(response.status.code == 200)
            #expect(response.bodyText == "\"\(TestKeys.accessKeyID)\"")
        }
    }

    @Test("a signature with a session token (signed) and over a full ARN path is accepted")
    func sessionTokenAndARNPath() async throws {
        try await withRawServer(Self.configuration) { _, client in
            var credentials = TestKeys.credentials
            credentials.sessionToken = "FwoGZXIvYXdzEXAMPLETOKEN"
            let response = try await client.post(
                invokePath("arn:aws:lambda:us-east-1:123456789012:function:orders", qualifier: "live"),
                headers: [("X-Amz-Invocation-Type", "RequestResponse"), ("X-Amz-Log-Type", "Tail")],
                credentials: credentials,
                date: Self.fixedNow
            )
            #expect(response.status.code == 200, "\(response.bodyText)")
        }
    }

    @Test("no Authorization header is 403 MissingAuthenticationTokenException")
    func missingSignature() async throws {
        try await withRawServer(Self.configuration) { _, client in
            let response = try await client.post(invokePath("orders"), credentials: nil)
            #expect(response.status.code == 403)
            #expect(response.header("x-amzn-ErrorType") == "MissingAuthenticationTokenException")
        }
    }

    @Test("an unknown access key is 403 UnrecognizedClientException")
    func unknownKey() async throws {
        try await withRawServer(Self.configuration) { _, client in
            let response = try await client.post(
                invokePath("orders"),
                credentials: Credentials(accessKeyID: "AKIDUNKNOWN", secretAccessKey: TestKeys.secretAccessKey),
                date: Self.fixedNow
            )
            #expect(response.status.code == 403)
            #expect(response.header("x-amzn-ErrorType") == "UnrecognizedClientException")
            #expect(response.json["message"] as? String == "The security token included in the request is invalid.")
        }
    }

    @Test("a wrong secret, a tampered body or a wrong region is 403 InvalidSignatureException")
    func badSignature() async throws {
        try await withRawServer(Self.configuration) { server, client in
            let wrongSecret = try await client.post(
                invokePath("orders"),
                credentials: Credentials(accessKeyID: TestKeys.accessKeyID, secretAccessKey: "not-the-secret"),
                date: Self.fixedNow
            )
            #expect(wrongSecret.status.code == 403)
            #expect(wrongSecret.header("x-amzn-ErrorType") == "InvalidSignatureException")
            #expect((wrongSecret.json["message"] as? String)?.hasPrefix("The request signature we calculated") == true)

            // Signed over one body, sent with another.
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            let request = HTTPRequest(
                method: .post,
                scheme: "http",
                authority: "127.0.0.1:\(server.port)",
                path: invokePath("orders"),
                headerFields: fields
            )
            let signer = SigV4Signer(credentials: TestKeys.credentials, region: "us-east-1", service: "lambda")
            let signed = try signer.sign(request, body: Array(#"{"a":1}"#.utf8), at: SigV4Timestamp(Self.fixedNow))
            let tampered = try await client.transport.send(
                signed,
                body: Array(#"{"a":2}"#.utf8),
                options: HTTPRequestOptions(),
                logger: .init(label: "t")
            )
            #expect(tampered.header("x-amzn-ErrorType") == "InvalidSignatureException")

            let region = try await client.post(invokePath("orders"), region: "eu-west-1", date: Self.fixedNow)
            #expect(region.header("x-amzn-ErrorType") == "InvalidSignatureException")
            #expect((region.json["message"] as? String)?.contains("eu-west-1") == true)
        }
    }

    @Test("a signature over a header SDKs never sign (user-agent) is rejected with a message that says so")
    func neverSignedHeader() async throws {
        try await withRawServer(Self.configuration) { server, client in
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            let request = HTTPRequest(
                method: .post,
                scheme: "http",
                authority: "127.0.0.1:\(server.port)",
                path: invokePath("orders"),
                headerFields: fields
            )
            let signer = SigV4Signer(credentials: TestKeys.credentials, region: "us-east-1", service: "lambda")
            var signed = try signer.sign(request, body: Array("{}".utf8), at: SigV4Timestamp(Self.fixedNow))
            let authorization = try #require(signed.headerFields[.authorization])
            signed.headerFields[.authorization] = authorization.replacingOccurrences(
                of: "SignedHeaders=content-type;host;x-amz-date",
                with: "SignedHeaders=content-type;host;user-agent;x-amz-date"
            )
            signed.headerFields[.userAgent] = "custom-sdk/1.0"
            let response = try await client.transport.send(
                signed,
                body: Array("{}".utf8),
                options: HTTPRequestOptions(),
                logger: Logger(label: "t")
            )
            #expect(response.header("x-amzn-ErrorType") == "InvalidSignatureException")
            #expect((response.json["message"] as? String)?.contains("'user-agent'") == true)
        }
    }

    @Test("X-Amz-Date more than 15 minutes from the injected clock is rejected, either way; 14 minutes is fine")
    func clockSkew() async throws {
        try await withRawServer(Self.configuration) { _, client in
            let expired = try await client.post(invokePath("orders"), date: Self.fixedNow.addingTimeInterval(-16 * 60))
            #expect(expired.status.code == 403)
            #expect(expired.header("x-amzn-ErrorType") == "InvalidSignatureException")
            #expect((expired.json["message"] as? String)?.hasPrefix("Signature expired: ") == true)
            let future = try await client.post(invokePath("orders"), date: Self.fixedNow.addingTimeInterval(16 * 60))
            #expect((future.json["message"] as? String)?.hasPrefix("Signature not yet current: ") == true)
            let close = try await client.post(invokePath("orders"), date: Self.fixedNow.addingTimeInterval(-14 * 60))
            #expect(close.status.code == 200)
        }
    }

    static let roleARN = "arn:aws:iam::123456789012:role/orders-db-invoke"
    static let otherKey = "AKIDOTHERCALLER00001"

    static func policyConfiguration(_ policy: String) throws -> LocalLambdaServer.Configuration {
        var configuration = Self.configuration
        configuration.resourcePolicy = try PolicyDocument(jsonString: policy)
        configuration.principals = [TestKeys.accessKeyID: roleARN]
        return configuration
    }

    static let allowRole = """
        {"Version":"2012-10-17","Statement":[{"Sid":"AllowRole","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::123456789012:role/orders-db-invoke"},"Action":"lambda:InvokeFunction",
        "Resource":"arn:aws:lambda:us-east-1:123456789012:function:orders"}]}
        """

    @Test("the resource policy allows the mapped principal and denies another caller with AccessDeniedException")
    func resourcePolicyAllowAndDeny() async throws {
        try await withRawServer(try Self.policyConfiguration(Self.allowRole)) { _, client in
            let allowed = try await client.post(invokePath("orders"), date: Self.fixedNow)
            #expect(allowed.status.code == 200, "\(allowed.bodyText)")
            // A qualified invocation is a different resource; this policy names only the unqualified ARN.
            let qualified = try await client.post(invokePath("orders", qualifier: "live"), date: Self.fixedNow)
            #expect(qualified.header("x-amzn-ErrorType") == "AccessDeniedException")
            let otherFunction = try await client.post(invokePath("payments"), date: Self.fixedNow)
            #expect(otherFunction.status.code == 403)
            #expect(otherFunction.header("x-amzn-ErrorType") == "AccessDeniedException")
            #expect(
                (otherFunction.json["Message"] as? String)
                    == "User: \(Self.roleARN) is not authorized to perform: lambda:InvokeFunction on resource: "
                    + "arn:aws:lambda:us-east-1:123456789012:function:payments because no resource-based policy "
                    + "allows the lambda:InvokeFunction action"
            )
        }
        // Another key, mapped to nobody: the IAM user named after the key, not in the policy.
        var twoKeys = try Self.policyConfiguration(Self.allowRole)
        twoKeys.credentials = [TestKeys.accessKeyID: TestKeys.secretAccessKey, Self.otherKey: "other-secret"]
        let server = try await LocalLambdaServer.start(twoKeys)
        do {
            try await AsyncHTTPClientTransport.withTransport { transport in
                let client = RawClient(server: server, transport: transport)
                let denied = try await client.post(
                    invokePath("orders"),
                    credentials: Credentials(accessKeyID: Self.otherKey, secretAccessKey: "other-secret"),
                    date: Self.fixedNow
                )
                #expect(denied.status.code == 403)
                #expect((denied.json["Message"] as? String)?.contains("user/\(Self.otherKey)") == true)
            }
        } catch {
            try? await server.shutdown()
            throw error
        }
        try await server.shutdown()
    }

    @Test("an explicit Deny in the resource policy wins over an Allow")
    func resourcePolicyExplicitDeny() async throws {
        let policy = """
            {"Version":"2012-10-17","Statement":[
            {"Sid":"AllowAll","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"},
            {"Sid":"DenyRole","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:role/orders-db-invoke"},
            "Action":"lambda:*","Resource":"arn:aws:lambda:us-east-1:123456789012:function:orders*"}]}
            """
        try await withRawServer(try Self.policyConfiguration(policy)) { _, client in
            let denied = try await client.post(invokePath("orders"), date: Self.fixedNow)
            #expect(denied.header("x-amzn-ErrorType") == "AccessDeniedException")
            #expect((denied.json["Message"] as? String)?.contains("explicit deny") == true)
            let allowed = try await client.post(invokePath("payments"), date: Self.fixedNow)
            #expect(allowed.status.code == 200)
        }
    }
}
