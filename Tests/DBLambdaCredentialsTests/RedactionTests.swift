import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaSigV4
import Testing

@Suite("Errors are typed, one-line and free of secrets")
struct RedactionTests {
    @Test("== compares codes only and ~= matches errors in catch clauses")
    func equality() {
        let error = CredentialsError(code: .timeout, message: "took too long")
        #expect(error == CredentialsError.timeout)
        #expect(error != CredentialsError.expired)
        #expect(CredentialsError.timeout ~= error)
        #expect(!(CredentialsError.expired ~= error))
        #expect(error.code.description == "timeout")
    }

    @Test("descriptions stay on one line even when a message has line breaks")
    func oneLine() {
        let error = CredentialsError(code: .stsError, message: "first\nsecond\r\nthird")
        #expect(!error.description.contains("\n"))
        #expect(!error.description.contains("\r"))
    }

    @Test("credentials resolved by the chain never show their secret or token in descriptions or dumps")
    func resolvedCredentialsRedacted() async throws {
        try await withTemporaryHome { home in
            try home.write(
                ".aws/credentials",
                "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret-key\naws_session_token = file-session-token\n"
            )
            let provider = ProfileCredentialProvider(environment: home.environment())
            let credentials = try await provider.credentials(logger: quietLogger)
            var dumped = ""
            dump(credentials, to: &dumped)
            for text in [credentials.description, String(reflecting: credentials), dumped] {
                #expect(text.contains("AKIDFILE"))
                #expect(!text.contains("file-secret-key"))
                #expect(!text.contains("file-session-token"))
            }
        }
    }

    @Test("dumping providers and a chain that resolved credentials shows no secret from the environment or the cache")
    func dumpsAreRedacted() async throws {
        let environment = [
            "AWS_ACCESS_KEY_ID": "AKIDENV",
            "AWS_SECRET_ACCESS_KEY": "env-secret-value",
            "AWS_SESSION_TOKEN": "env-session-token",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-auth-token",
            "AWS_EC2_METADATA_DISABLED": "true",
        ]
        let transport = RecordingHTTPTransport()
        let chain = DefaultCredentialChain(environment: environment, transport: transport)
        let (logger, logs) = capturingLogger()
        let credentials = try await chain.credentials(logger: logger)
        #expect(credentials.accessKeyID == "AKIDENV")
        let providers: [any CredentialProvider] = [
            EnvironmentCredentialProvider(environment: environment),
            ProfileCredentialProvider(environment: environment),
            WebIdentityCredentialProvider(environment: environment, region: nil, transport: transport),
            ContainerCredentialProvider(environment: environment, transport: transport),
            InstanceMetadataCredentialProvider(environment: environment, transport: transport),
            chain.chain,
        ]
        var texts = [logs.allText]
        for provider in providers + [chain] {
            var dumped = ""
            dump(provider, to: &dumped)
            texts += [dumped, String(describing: provider), String(reflecting: provider)]
        }
        for text in texts {
            for secret in ["env-secret-value", "env-session-token", "container-auth-token"] {
                #expect(!text.contains(secret), "\(secret) leaked in: \(text)")
            }
        }
    }
}
