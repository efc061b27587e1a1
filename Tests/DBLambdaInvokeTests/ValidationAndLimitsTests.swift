import DBLambdaHTTP
import DBLambdaInvoke
import Foundation
import HTTPTypes
import Testing

@Suite("Function identifiers, qualifiers and limits (nothing sent)")
struct ValidationAndLimitsTests {
    @Test(
        "identifiers accepted by Invoke's pattern",
        arguments: [
            ("f", "f", nil), ("my-function.v2_x", "my-function.v2_x", nil), ("f:1", "f", "1"), ("f:prod", "f", "prod"),
            ("f:$LATEST", "f", "$LATEST"), ("123456789012:function:f", "f", nil),
            ("123456789012:function:f:prod", "f", "prod"), ("us-west-2:123456789012:function:f", "f", nil),
            ("arn:aws:lambda:us-east-1:123456789012:function:f", "f", nil),
            ("arn:aws:lambda:us-east-1:123456789012:function:f:7", "f", "7"),
            ("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f:$LATEST.PUBLISHED", "f", "$LATEST.PUBLISHED"),
        ] as [(String, String, String?)]
    )
    func accepted(input: String, name: String, qualifier: String?) throws {
        let identifier = try LambdaFunctionIdentifier(input)
        #expect(identifier.functionName == name)
        #expect(identifier.qualifier == qualifier)
        #expect(identifier.description == input)
    }

    @Test(
        "identifiers rejected before sending",
        arguments: [
            "", "f g", "f/../g", "f:a:b", "f:", ":f", "é", String(repeating: "a", count: 65),
            "arn:aws:s3:::bucket", "arn:aws:lambda:us-east-1:12345:function:f", "f:a$b",
            String(repeating: "a", count: 257), "us-west-2:123456789012:layer:f",
        ]
    )
    func rejected(input: String) async {
        #expect(throws: LambdaInvokeError.invalidFunctionName) { try LambdaFunctionIdentifier(input) }
        let transport = RecordingHTTPTransport(replies: [])
        await #expect(throws: LambdaInvokeError.invalidFunctionName) {
            try await makeClient(transport).invoke(function: input, payload: [])
        }
        #expect(transport.requests.isEmpty)
    }

    @Test("payloads over the limit of their invocation type fail with payloadTooLarge and send nothing")
    func payloadLimits() async throws {
        let transport = RecordingHTTPTransport(responder: { _, _ in response(200) })
        let client = makeClient(transport)
        let event = InvokeOptions(invocationType: .event)
        _ = try await client.invoke(function: "f", payload: [UInt8](repeating: 0x20, count: 1_048_576), options: event)
        await #expect(throws: LambdaInvokeError.payloadTooLarge) {
            try await client.invoke(function: "f", payload: [UInt8](repeating: 0x20, count: 1_048_577), options: event)
        }
        _ = try await client.invoke(function: "f", payload: [UInt8](repeating: 0x20, count: 6_291_456))
        do {
            _ = try await client.invoke(function: "f", payload: [UInt8](repeating: 0x20, count: 6_291_457))
            Issue.record("accepted")
        } catch let error as LambdaInvokeError {
            #expect(error.code == .payloadTooLarge)
            #expect(error.message.contains("6291457") && error.message.contains("6291456"))
            #expect(error.statusCode == nil && error.attempts == 0)
        }
        #expect(transport.requests.count == 2)
    }

    @Test("a client context over 3583 base64 bytes, or not a JSON object, is rejected before sending")
    func clientContext() async throws {
        let transport = RecordingHTTPTransport(responder: { _, _ in response(200) })
        let client = makeClient(transport)
        // 2687 raw bytes encode to 3584 base64 bytes; 2685 to 3580.
        func context(_ size: Int) -> [UInt8] {
            bytes("{\"k\":\"" + String(repeating: "x", count: size - 8) + "\"}")
        }
        _ = try await client.invoke(function: "f", payload: [], options: InvokeOptions(clientContext: context(2685)))
        await #expect(throws: LambdaInvokeError.clientContextTooLarge) {
            try await client.invoke(function: "f", payload: [], options: InvokeOptions(clientContext: context(2687)))
        }
        await #expect(throws: LambdaInvokeError.invalidClientContext) {
            try await client.invoke(function: "f", payload: [], options: InvokeOptions(clientContext: bytes("[1]")))
        }
        #expect(transport.requests.count == 1)
    }

    @Test("invalid qualifiers are rejected; valid ones are percent-encoded in the query")
    func qualifiers() async throws {
        let transport = RecordingHTTPTransport(responder: { _, _ in response(200) })
        let client = makeClient(transport)
        for bad in ["", "a b", String(repeating: "a", count: 129), "a/b"] {
            await #expect(throws: LambdaInvokeError.invalidQualifier) {
                try await client.invoke(function: "f", payload: [], options: InvokeOptions(qualifier: bad))
            }
        }
        _ = try await client.invoke(function: "f", payload: [], options: InvokeOptions(qualifier: "prod"))
        #expect(transport.requests.map(\.head.path) == ["/2015-03-31/functions/f/invocations?Qualifier=prod"])
    }

    @Test("no region and no ARN fails with missingRegion; a failing credential provider sends nothing")
    func missingRegionAndCredentials() async throws {
        let transport = RecordingHTTPTransport(responder: { _, _ in response(200) })
        var configuration = testConfiguration()
        configuration.region = nil
        await #expect(throws: LambdaInvokeError.missingRegion) {
            try await makeClient(transport, configuration: configuration).invoke(function: "f", payload: [])
        }
        let noCredentials = LambdaClient(
            configuration: testConfiguration(),
            credentialProvider: FailingProvider(),
            transport: transport
        )
        await #expect(throws: LambdaInvokeError.credentialsUnavailable) {
            try await noCredentials.invoke(function: "f", payload: [])
        }
        #expect(transport.requests.isEmpty)
    }
}
