import DBLambdaCore
import DBLambdaHTTP
import DBLambdaInvoke
import DBLambdaSigV4
import Foundation
import HTTPTypes
import Testing

@Suite("Request shape (recording transport)")
struct RequestShapeTests {
    @Test("a named function is POSTed to the regional endpoint with JSON content type and the invocation headers")
    func namedFunction() async throws {
        let transport = RecordingHTTPTransport(replies: [.response(response(200, body: "{}"))])
        let client = makeClient(transport)
        _ = try await client.invoke(
            function: "orders",
            payload: bytes(#"{"id":1}"#),
            options: InvokeOptions(logType: .tail, clientContext: bytes(#"{"custom":{"a":"b"}}"#))
        )
        let request = try #require(transport.requests.first)
        #expect(request.head.method == .post)
        #expect(request.head.scheme == "https")
        #expect(request.head.authority == "lambda.us-east-1.amazonaws.com")
        #expect(request.head.path == "/2015-03-31/functions/orders/invocations")
        #expect(request.head.header("Content-Type") == "application/json")
        #expect(request.head.header("X-Amz-Invocation-Type") == "RequestResponse")
        #expect(request.head.header("X-Amz-Log-Type") == "Tail")
        #expect(
            request.head.header("X-Amz-Client-Context") == Data(#"{"custom":{"a":"b"}}"#.utf8).base64EncodedString()
        )
        #expect(request.body == bytes(#"{"id":1}"#))
        #expect(
            request.head.header("Authorization")?.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/lambda/aws4_request"
            ) == true
        )
    }

    @Test(
        "a full ARN is percent-encoded in the path, double-encoded in the canonical request, and the signature verifies"
    )
    func fullARNSignature() async throws {
        let transport = RecordingHTTPTransport(replies: [.response(response(202))])
        let client = makeClient(transport)
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:orders"
        _ = try await client.invoke(
            function: arn,
            payload: bytes("{}"),
            options: InvokeOptions(invocationType: .event, qualifier: "$LATEST")
        )
        let request = try #require(transport.requests.first)
        #expect(
            request.head.path
                == "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Aorders/invocations?Qualifier=%24LATEST"
        )
        #expect(request.head.header("X-Amz-Invocation-Type") == "Event")
        #expect(request.head.header("X-Amz-Log-Type") == nil)
        // Recompute the signature from the request as sent (without Authorization).
        let amzDate = try #require(request.head.header("X-Amz-Date"))
        var unsigned = request.head
        if let name = HTTPField.Name("Authorization") { unsigned.headerFields[name] = nil }
        if let name = HTTPField.Name("X-Amz-Date") { unsigned.headerFields[name] = nil }
        let signer = SigV4Signer(credentials: testCredentials, region: "us-east-1", service: "lambda")
        let expected = try signer.signature(for: unsigned, body: request.body, at: SigV4Timestamp(amzDate: amzDate))
        #expect(request.head.header("Authorization") == expected.authorization)
        #expect(expected.canonicalRequest.contains("/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1"))
        #expect(expected.canonicalRequest.contains("Qualifier=%24LATEST"))
        #expect(expected.signedHeaders.contains("x-amz-invocation-type"))
        #expect(expected.signedHeaders.contains("content-type"))
    }

    @Test("a full ARN without a configured region signs for the ARN's region and partition")
    func regionFromARN() async throws {
        let transport = RecordingHTTPTransport(replies: [.response(response(200))])
        var configuration = testConfiguration()
        configuration.region = nil
        let client = makeClient(transport, configuration: configuration)
        _ = try await client.invoke(function: "arn:aws-cn:lambda:cn-north-1:123456789012:function:f", payload: [])
        let request = try #require(transport.requests.first)
        #expect(request.head.authority == "lambda.cn-north-1.amazonaws.com.cn")
        #expect(request.head.header("Authorization")?.contains("/cn-north-1/lambda/aws4_request") == true)
    }

    @Test("endpoints: every partition, FIPS, dual-stack, custom endpoints with a base path")
    func endpoints() async throws {
        let cases: [(String, Bool, Bool, String)] = [
            ("us-east-1", false, false, "lambda.us-east-1.amazonaws.com"),
            ("us-east-1", true, false, "lambda-fips.us-east-1.amazonaws.com"),
            ("us-east-1", false, true, "lambda.us-east-1.api.aws"),
            ("us-east-1", true, true, "lambda-fips.us-east-1.api.aws"),
            ("cn-north-1", false, false, "lambda.cn-north-1.amazonaws.com.cn"),
            ("us-gov-west-1", false, false, "lambda.us-gov-west-1.amazonaws.com"),
            ("eusc-de-east-1", false, false, "lambda.eusc-de-east-1.amazonaws.eu"),
            ("us-iso-east-1", false, false, "lambda.us-iso-east-1.c2s.ic.gov"),
            ("us-isob-east-1", false, false, "lambda.us-isob-east-1.sc2s.sgov.gov"),
        ]
        for (region, fips, dualStack, host) in cases {
            let transport = RecordingHTTPTransport(replies: [.response(response(200))])
            var configuration = testConfiguration()
            configuration.region = try Region(region)
            configuration.useFIPSEndpoint = fips
            configuration.useDualStackEndpoint = dualStack
            _ = try await makeClient(transport, configuration: configuration).invoke(function: "f", payload: [])
            #expect(transport.requests.first?.head.authority == host, "\(region) fips=\(fips) dualStack=\(dualStack)")
        }
        let transport = RecordingHTTPTransport(replies: [.response(response(200))])
        var configuration = testConfiguration()
        configuration.endpoint = "https://vpce-1.lambda.us-east-1.vpce.amazonaws.com:8443/base/"
        _ = try await makeClient(transport, configuration: configuration).invoke(function: "f", payload: [])
        let request = try #require(transport.requests.first)
        #expect(request.head.authority == "vpce-1.lambda.us-east-1.vpce.amazonaws.com:8443")
        #expect(request.head.path == "/base/2015-03-31/functions/f/invocations")
    }

    @Test("plain http is refused for a non-loopback endpoint unless allowed, and accepted for loopback")
    func insecureHTTP() async throws {
        let transport = RecordingHTTPTransport(responder: { _, _ in response(200) })
        var configuration = testConfiguration()
        configuration.endpoint = "http://lambda.example.com"
        await #expect(throws: LambdaInvokeError.invalidConfiguration) {
            try await makeClient(transport, configuration: configuration).invoke(function: "f", payload: [])
        }
        #expect(transport.requests.isEmpty)
        configuration.allowInsecureHTTP = true
        _ = try await makeClient(transport, configuration: configuration).invoke(function: "f", payload: [])
        for endpoint in ["http://127.0.0.1:9001", "http://localhost:9001", "http://[::1]:9001"] {
            configuration.allowInsecureHTTP = false
            configuration.endpoint = endpoint
            _ = try await makeClient(transport, configuration: configuration).invoke(function: "f", payload: [])
        }
        #expect(transport.requests.count == 4)
        #expect(transport.requests.last?.head.authority == "[::1]:9001")
    }

    @Test("Configuration.fromEnvironment reads the AWS variables and rejects bad values with the variable's name")
    func environment() throws {
        let configuration = try LambdaClient.Configuration.fromEnvironment([
            "AWS_REGION": "eu-west-1", "AWS_MAX_ATTEMPTS": "5", "AWS_RETRY_MODE": "adaptive",
            "AWS_USE_FIPS_ENDPOINT": "true", "AWS_USE_DUALSTACK_ENDPOINT": "TRUE",
            "AWS_ENDPOINT_URL": "https://general.example", "AWS_ENDPOINT_URL_LAMBDA": "https://lambda.example",
        ])
        #expect(configuration.region?.name == "eu-west-1")
        #expect(configuration.maxAttempts == 5)
        #expect(configuration.retryMode == .adaptive)
        #expect(configuration.useFIPSEndpoint && configuration.useDualStackEndpoint)
        #expect(configuration.endpoint == "https://lambda.example")
        let fallback = try LambdaClient.Configuration.fromEnvironment([
            "AWS_DEFAULT_REGION": "us-west-2", "AWS_ENDPOINT_URL": "https://general.example",
        ])
        #expect(fallback.region?.name == "us-west-2")
        #expect(fallback.endpoint == "https://general.example")
        #expect(fallback.maxAttempts == 3)
        for (name, value) in [
            ("AWS_MAX_ATTEMPTS", "0"), ("AWS_MAX_ATTEMPTS", "x"), ("AWS_RETRY_MODE", "fast"),
            ("AWS_USE_FIPS_ENDPOINT", "yes"), ("AWS_REGION", "Not A Region"),
        ] {
            do {
                _ = try LambdaClient.Configuration.fromEnvironment([name: value])
                Issue.record("\(name)=\(value) was accepted")
            } catch {
                #expect(error.code == .invalidConfiguration)
                #expect(error.message.contains(name) || name == "AWS_REGION")
            }
        }
    }
}
