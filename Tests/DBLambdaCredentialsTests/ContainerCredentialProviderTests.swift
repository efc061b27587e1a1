import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaSigV4
import Foundation
import LoopbackHTTPServer
import Testing

@Suite("Container credentials against a loopback server")
struct ContainerCredentialProviderTests {
    // Generous: an answering server must never look like a timeout on a loaded machine.
    private let fast = ContainerCredentialProvider.Configuration(
        timeout: .seconds(10),
        maxAttempts: 3,
        retryDelay: .milliseconds(10)
    )

    @Test("a relative URI is fetched from the injected host with the authorization token variable")
    func relativeURI() async throws {
        try await withServer(serve { _ in .respond(.json(metadataCredentialsJSON(accessKey: "ASIAECS"))) }) {
            server,
            transport in
            var configuration = fast
            configuration.relativeURIBase = server.baseURL
            let provider = ContainerCredentialProvider(
                environment: [
                    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc-123",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Basic env-auth-token",
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/ignored",
                ],
                transport: transport,
                configuration: configuration
            )
            let (logger, logs) = capturingLogger()
            let credentials = try await provider.credentials(logger: logger)
            #expect(credentials.accessKeyID == "ASIAECS")
            #expect(credentials.secretAccessKey == "metadata-secret-value")
            #expect(credentials.sessionToken == "metadata-session-token")
            #expect(credentials.expiration == Date(timeIntervalSince1970: 4_070_908_800))
            let request = try #require(server.requests.first)
            #expect(request.method == "GET")
            #expect(request.uri == "/v2/credentials/abc-123")
            #expect(request.header("Authorization") == "Basic env-auth-token")
            #expect(!logs.allText.contains("env-auth-token"))
            #expect(!logs.allText.contains("metadata-secret-value"))
        }
    }

    @Test("a full URI uses the token file, which wins over the variable and is re-read on each call")
    func fullURIWithTokenFile() async throws {
        try await withTemporaryHome { home in
            let tokenFile = try home.write("eks-token", "file-token-1\n")
            try await withServer(serve { _ in .respond(.json(metadataCredentialsJSON())) }) { server, transport in
                let provider = ContainerCredentialProvider(
                    environment: [
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/get-credentials?a=1",
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "variable-token",
                    ],
                    transport: transport,
                    configuration: fast
                )
                _ = try await provider.credentials(logger: quietLogger)
                try home.write("eks-token", "file-token-2")
                _ = try await provider.credentials(logger: quietLogger)
                #expect(server.requests.map(\.uri) == ["/get-credentials?a=1", "/get-credentials?a=1"])
                #expect(server.requests.map { $0.header("Authorization") } == ["file-token-1", "file-token-2"])
            }
        }
    }

    @Test(
        "plain http to a host that is not loopback or a container host is rejected without a request",
        arguments: ["http://example.com/creds", "http://10.0.0.1/creds", "http://169.254.169.254/creds"]
    )
    func disallowedHost(url: String) async throws {
        let transport = RecordingHTTPTransport()
        let error = await expectCredentialsError(.endpointNotAllowed) {
            try await ContainerCredentialProvider(
                environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url],
                transport: transport
            ).credentials(logger: quietLogger)
        }
        #expect(error?.message.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI") == true)
        #expect(transport.requests.isEmpty)
    }

    @Test(
        "https to any host and http to the allowed hosts pass the check",
        arguments: [
            "https://example.com/creds", "http://169.254.170.2/creds", "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials", "http://localhost:8080/c", "http://127.1.2.3/c", "http://[::1]/c",
        ]
    )
    func allowedHost(url: String) async throws {
        let transport = RecordingHTTPTransport(responder: { _, _ in
            HTTPTransportResponse.json(metadataCredentialsJSON())
        })
        let credentials = try await ContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url],
            transport: transport
        ).credentials(logger: quietLogger)
        #expect(credentials.accessKeyID == "ASIAMETADATA")
        #expect(transport.requests.count == 1)
    }

    @Test("failed attempts are retried up to the limit; a hanging endpoint ends in a timeout error")
    func retriesAndTimeout() async throws {
        let counter = Counter()
        try await withServer(
            serve { _ in
                await counter.next() == 1
                    ? .respond(.text("busy", status: 503)) : .respond(.json(metadataCredentialsJSON()))
            }
        ) { server, transport in
            var configuration = fast
            configuration.relativeURIBase = server.baseURL
            let provider = ContainerCredentialProvider(
                environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/flaky"],
                transport: transport,
                configuration: configuration
            )
            let credentials = try await provider.credentials(logger: quietLogger)
            #expect(credentials.accessKeyID == "ASIAMETADATA")
            #expect(server.requests.count == 2)
        }
        try await withServer(serve { _ in .respond(.text("nope", status: 500)) }) { server, transport in
            var configuration = fast
            configuration.relativeURIBase = server.baseURL
            let error = await expectCredentialsError(.invalidResponse) {
                try await ContainerCredentialProvider(
                    environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/x"],
                    transport: transport,
                    configuration: configuration
                ).credentials(logger: quietLogger)
            }
            #expect(error?.message.contains("HTTP 500") == true)
            #expect(server.requests.count == 3)
        }
        try await withServer(serve { _ in .hang }) { server, transport in
            let configuration = ContainerCredentialProvider.Configuration(
                timeout: .milliseconds(300),
                maxAttempts: 2,
                retryDelay: .zero,
                relativeURIBase: server.baseURL
            )
            let clock = ContinuousClock()
            let started = clock.now
            await expectCredentialsError(.timeout) {
                try await ContainerCredentialProvider(
                    environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/x"],
                    transport: transport,
                    configuration: configuration
                ).credentials(logger: quietLogger)
            }
            #expect(clock.now - started < .seconds(120))
        }
    }

    @Test("no variables is notConfigured; a body without keys is invalidResponse naming the field")
    func notConfiguredAndBadBody() async throws {
        await expectCredentialsError(.notConfigured) {
            try await ContainerCredentialProvider(environment: [:], transport: RecordingHTTPTransport())
                .credentials(logger: quietLogger)
        }
        try await withServer(serve { _ in .respond(.json(#"{"AccessKeyId":"A"}"#)) }) { server, transport in
            var configuration = fast
            configuration.relativeURIBase = server.baseURL
            configuration.maxAttempts = 1
            let error = await expectCredentialsError(.invalidResponse) {
                try await ContainerCredentialProvider(
                    environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/x"],
                    transport: transport,
                    configuration: configuration
                ).credentials(logger: quietLogger)
            }
            #expect(error?.message.contains("SecretAccessKey") == true)
        }
    }
}
