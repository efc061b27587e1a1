import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaSigV4
import Foundation
import LoopbackHTTPServer
import Testing

/// A fake IMDS: answers the token PUT with `tokenStatus`, then the role listing and the role's credentials.
@Sendable func fakeIMDS(
    tokenStatus: Int = 200,
    role: String = "my-role"
) -> @Sendable (RecordedRequest) async -> ServerAction {
    { request in
        switch (request.method, request.path) {
        case ("PUT", "/latest/api/token"):
            return tokenStatus == 200 ? .respond(.text("imds-session-token")) : .respond(.text("", status: tokenStatus))
        case ("GET", "/latest/meta-data/iam/security-credentials/"):
            return .respond(.text(role + "\n"))
        case ("GET", "/latest/meta-data/iam/security-credentials/\(role)"):
            return .respond(.json(metadataCredentialsJSON(accessKey: "ASIAIMDS")))
        default:
            return .respond(.text("not found", status: 404))
        }
    }
}

@Suite("EC2 instance metadata against a loopback server")
struct InstanceMetadataCredentialProviderTests {
    private func provider(
        _ server: LoopbackHTTPServer,
        _ transport: any HTTPTransport,
        environment: [String: String] = [:],
        timeout: Duration? = .seconds(10)
    ) -> InstanceMetadataCredentialProvider {
        InstanceMetadataCredentialProvider(
            environment: environment,
            transport: transport,
            configuration: .init(endpoint: server.baseURL, timeout: timeout)
        )
    }

    @Test("IMDSv2: token PUT with the TTL header, then role name and credentials with the token header")
    func tokenFlow() async throws {
        try await withServer(fakeIMDS()) { server, transport in
            let (logger, logs) = capturingLogger()
            let credentials = try await provider(server, transport).credentials(logger: logger)
            #expect(credentials.accessKeyID == "ASIAIMDS")
            #expect(credentials.sessionToken == "metadata-session-token")
            #expect(credentials.expiration == Date(timeIntervalSince1970: 4_070_908_800))
            let requests = server.requests
            #expect(requests.map(\.method) == ["PUT", "GET", "GET"])
            #expect(
                requests.map(\.path) == [
                    "/latest/api/token", "/latest/meta-data/iam/security-credentials/",
                    "/latest/meta-data/iam/security-credentials/my-role",
                ]
            )
            #expect(requests[0].header("x-aws-ec2-metadata-token-ttl-seconds") == "21600")
            #expect(requests[1].header("x-aws-ec2-metadata-token") == "imds-session-token")
            #expect(requests[2].header("x-aws-ec2-metadata-token") == "imds-session-token")
            #expect(!logs.allText.contains("imds-session-token"))
            #expect(!logs.allText.contains("metadata-secret-value"))
        }
    }

    @Test(
        "a token answer of 403, 404 or 405 falls back to IMDSv1 requests without a token",
        arguments: [403, 404, 405]
    )
    func v1Fallback(status: Int) async throws {
        try await withServer(fakeIMDS(tokenStatus: status)) { server, transport in
            let credentials = try await provider(server, transport).credentials(logger: quietLogger)
            #expect(credentials.accessKeyID == "ASIAIMDS")
            #expect(server.requests.count == 3)
            #expect(server.requests.dropFirst().allSatisfy { $0.header("x-aws-ec2-metadata-token") == nil })
        }
    }

    @Test("with AWS_EC2_METADATA_V1_DISABLED the fallback is refused; a 400 token answer is an error")
    func v1DisabledAnd400() async throws {
        try await withServer(fakeIMDS(tokenStatus: 403)) { server, transport in
            let error = await expectCredentialsError(.invalidResponse) {
                try await provider(server, transport, environment: ["AWS_EC2_METADATA_V1_DISABLED": "true"])
                    .credentials(logger: quietLogger)
            }
            #expect(error?.message.contains("AWS_EC2_METADATA_V1_DISABLED") == true)
            #expect(server.requests.count == 1)
        }
        try await withServer(fakeIMDS(tokenStatus: 400)) { server, transport in
            let error = await expectCredentialsError(.invalidResponse) {
                try await provider(server, transport).credentials(logger: quietLogger)
            }
            #expect(error?.message.contains("HTTP 400") == true)
            #expect(server.requests.count == 1)
        }
    }

    @Test("AWS_EC2_METADATA_DISABLED=true yields notConfigured without any request")
    func disabled() async throws {
        let transport = RecordingHTTPTransport()
        await expectCredentialsError(.notConfigured) {
            try await InstanceMetadataCredentialProvider(
                environment: ["AWS_EC2_METADATA_DISABLED": "TRUE"],
                transport: transport
            ).credentials(logger: quietLogger)
        }
        #expect(transport.requests.isEmpty)
    }

    @Test("a hanging metadata service fails with a timeout error within the configured timeout")
    func hanging() async throws {
        try await withServer(serve { _ in .hang }) { server, transport in
            let clock = ContinuousClock()
            let started = clock.now
            let error = await expectCredentialsError(.timeout) {
                try await provider(server, transport, timeout: .milliseconds(400)).credentials(logger: quietLogger)
            }
            let elapsed = clock.now - started
            #expect(elapsed < .seconds(120), "took \(elapsed)")
            #expect(error?.message.contains("did not answer within") == true)
        }
    }

    @Test("AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_METADATA_SERVICE_TIMEOUT and NUM_ATTEMPTS are honoured")
    func environmentSettings() async throws {
        try await withServer(serve { _ in .respond(.text("busy", status: 500)) }) { server, transport in
            let provider = InstanceMetadataCredentialProvider(
                environment: [
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT": server.baseURL + "/",
                    "AWS_METADATA_SERVICE_TIMEOUT": "10",
                    "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "2",
                ],
                transport: transport
            )
            let error = await expectCredentialsError(.invalidResponse) {
                try await provider.credentials(logger: quietLogger)
            }
            #expect(error?.message.contains("HTTP 500") == true)
            // 2 token attempts, then 2 role-name attempts (IMDSv1 fallback after the token failed).
            #expect(server.requests.map(\.method) == ["PUT", "PUT", "GET", "GET"])
        }
        await expectCredentialsError(.invalidConfiguration) {
            try await InstanceMetadataCredentialProvider(
                environment: [
                    "AWS_METADATA_SERVICE_TIMEOUT": "soon", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1",
                ],
                transport: RecordingHTTPTransport()
            ).credentials(logger: quietLogger)
        }
    }

    @Test("no role (404 on the listing) is notConfigured; a credentials document with an error code is invalidResponse")
    func noRoleAndErrorDocument() async throws {
        try await withServer(
            serve { request in
                request.method == "PUT" ? .respond(.text("t")) : .respond(.text("", status: 404))
            }
        ) { server, transport in
            await expectCredentialsError(.notConfigured) {
                try await provider(server, transport).credentials(logger: quietLogger)
            }
        }
        try await withServer(
            serve { request in
                switch request.path {
                case "/latest/api/token": return .respond(.text("t"))
                case "/latest/meta-data/iam/security-credentials/": return .respond(.text("r"))
                default:
                    return .respond(
                        .json(#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"EC2 cannot assume the role"}"#)
                    )
                }
            }
        ) { server, transport in
            let error = await expectCredentialsError(.invalidResponse) {
                try await provider(server, transport).credentials(logger: quietLogger)
            }
            #expect(error?.message.contains("AssumeRoleUnauthorizedAccess") == true)
        }
    }

    @Test("the token flow and a hanging service behave the same over URLSessionTransport")
    func overURLSession() async throws {
        let transport = URLSessionTransport()
        defer { transport.shutdown() }
        try await withLoopbackHTTPServer(handler: fakeIMDS()) { server in
            let credentials = try await provider(server, transport).credentials(logger: quietLogger)
            #expect(credentials.accessKeyID == "ASIAIMDS")
            #expect(server.requests.first?.header("x-aws-ec2-metadata-token-ttl-seconds") == "21600")
        }
        try await withLoopbackHTTPServer(handler: serve { _ in .hang }) { server in
            let clock = ContinuousClock()
            let started = clock.now
            await expectCredentialsError(.timeout) {
                try await provider(server, transport, timeout: .milliseconds(400)).credentials(logger: quietLogger)
            }
            #expect(clock.now - started < .seconds(120))
        }
    }
}
