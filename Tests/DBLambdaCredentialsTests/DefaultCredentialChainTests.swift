import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaSigV4
import Foundation
import LoopbackHTTPServer
import Testing

@Suite("Default chain order and short-circuit rules")
struct DefaultCredentialChainTests {
    /// A chain whose instance metadata points at `imds` (a loopback URL). The timeouts are generous so that a
    /// loaded machine never turns an answering server into a timeout; tests of a hanging service pass a short one.
    private func chain(
        _ environment: [String: String],
        transport: any HTTPTransport,
        imds: String,
        imdsTimeout: Duration = .seconds(10),
        profile: String? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> DefaultCredentialChain {
        DefaultCredentialChain(
            environment: environment,
            transport: transport,
            configuration: .init(
                profile: profile,
                container: .init(timeout: .seconds(10), maxAttempts: 1, retryDelay: .zero),
                instanceMetadata: .init(endpoint: imds, timeout: imdsTimeout),
                now: now
            )
        )
    }

    private let envKeys = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret"]

    @Test("the chain lists its sources in the documented order")
    func order() {
        let chain = DefaultCredentialChain(
            environment: [:],
            transport: RecordingHTTPTransport(),
            configuration: .init(instanceMetadata: .init(endpoint: "http://127.0.0.1:1"))
        )
        #expect(
            chain.chain.providers.map(\.sourceName) == [
                "environment", #"profile "default""#, "web identity", "container", "instance metadata",
            ]
        )
        let explicit = DefaultCredentialChain(
            environment: [:],
            transport: RecordingHTTPTransport(),
            configuration: .init(profile: "dev", instanceMetadata: .init(endpoint: "http://127.0.0.1:1"))
        )
        #expect(explicit.chain.providers.map(\.sourceName) == [#"profile "dev""#, "container", "instance metadata"])
    }

    @Test("environment keys win over the profile files, and AWS_PROFILE alone does not skip them (as in botocore)")
    func environmentFirst() async throws {
        try await withTemporaryHome { home in
            try home.write(
                ".aws/credentials",
                "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = f\n[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = d\n"
            )
            try await withServer(fakeIMDS()) { server, transport in
                let viaEnvironment = try await chain(
                    home.environment(envKeys),
                    transport: transport,
                    imds: server.baseURL
                )
                .credentials(logger: quietLogger)
                #expect(viaEnvironment.accessKeyID == "AKIDENV")
                let withAWSProfile = try await chain(
                    home.environment(envKeys.merging(["AWS_PROFILE": "dev"]) { $1 }),
                    transport: transport,
                    imds: server.baseURL
                ).credentials(logger: quietLogger)
                #expect(withAWSProfile.accessKeyID == "AKIDENV")
                let explicit = try await chain(
                    home.environment(envKeys),
                    transport: transport,
                    imds: server.baseURL,
                    profile: "dev"
                )
                .credentials(logger: quietLogger)
                #expect(explicit.accessKeyID == "AKIDDEV")
                let fromFile = try await chain(home.environment(), transport: transport, imds: server.baseURL)
                    .credentials(logger: quietLogger)
                #expect(fromFile.accessKeyID == "AKIDFILE")
                #expect(server.requests.isEmpty)
            }
        }
    }

    @Test("a malformed config file stops the chain instead of falling through to instance metadata")
    func malformedFileStops() async throws {
        try await withTemporaryHome { home in
            try home.write(".aws/config", "[default\nregion = x\n")
            try await withServer(fakeIMDS()) { server, transport in
                let error = await expectCredentialsError(.malformedFile) {
                    try await chain(home.environment(), transport: transport, imds: server.baseURL).credentials(
                        logger: quietLogger
                    )
                }
                #expect(error?.description.contains("config:1:") == true)
                #expect(server.requests.isEmpty)
            }
        }
    }

    @Test("a failing credential_process stops the chain")
    func failingProcessStops() async throws {
        try await withTemporaryHome { home in
            let script = try home.write("fail.sh", "#!/bin/sh\necho 'denied' >&2\nexit 1\n", executable: true)
            try home.write(".aws/config", "[default]\ncredential_process = \(script)\n")
            try await withServer(fakeIMDS()) { server, transport in
                await expectCredentialsError(.credentialProcessFailed) {
                    try await chain(home.environment(), transport: transport, imds: server.baseURL).credentials(
                        logger: quietLogger
                    )
                }
                #expect(server.requests.isEmpty)
            }
        }
    }

    @Test("web identity from the environment comes after the profile and before container and metadata")
    func webIdentityFromEnvironment() async throws {
        try await withTemporaryHome { home in
            let token = try home.write("token", "tok")
            try await withServer(
                serve { request in
                    request.method == "POST"
                        ? .respond(.text(WebIdentityCredentialProviderTests.successXML)) : await fakeIMDS()(request)
                }
            ) { server, transport in
                let environment = home.environment([
                    "AWS_WEB_IDENTITY_TOKEN_FILE": token,
                    "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/r",
                    "AWS_ENDPOINT_URL_STS": server.baseURL,
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/container",
                ])
                let credentials = try await chain(environment, transport: transport, imds: server.baseURL)
                    .credentials(logger: quietLogger)
                #expect(credentials.accessKeyID == "ASIASTS")
                #expect(server.requests.map(\.method) == ["POST"])
            }
        }
    }

    @Test("the container endpoint is used before instance metadata")
    func containerBeforeMetadata() async throws {
        try await withTemporaryHome { home in
            try await withServer(
                serve { request in
                    request.path == "/container"
                        ? .respond(.json(metadataCredentialsJSON(accessKey: "ASIACONTAINER")))
                        : await fakeIMDS()(request)
                }
            ) { server, transport in
                let environment = home.environment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/container"]
                )
                let credentials = try await chain(environment, transport: transport, imds: server.baseURL)
                    .credentials(logger: quietLogger)
                #expect(credentials.accessKeyID == "ASIACONTAINER")
                #expect(server.requests.map(\.path) == ["/container"])
            }
        }
    }

    @Test("instance metadata is the last resort")
    func metadataLast() async throws {
        try await withTemporaryHome { home in
            try await withServer(fakeIMDS()) { server, transport in
                let credentials = try await chain(home.environment(), transport: transport, imds: server.baseURL)
                    .credentials(logger: quietLogger)
                #expect(credentials.accessKeyID == "ASIAIMDS")
                #expect(server.requests.count == 3)
            }
        }
    }

    @Test("with nothing configured and metadata disabled the chain says noCredentials and lists every source")
    func noCredentialsDisabled() async throws {
        try await withTemporaryHome { home in
            let transport = RecordingHTTPTransport()
            let error = await expectCredentialsError(.noCredentials) {
                try await chain(
                    home.environment(["AWS_EC2_METADATA_DISABLED": "true"]),
                    transport: transport,
                    imds: "http://127.0.0.1:1"
                )
                .credentials(logger: quietLogger)
            }
            let message = error?.message ?? ""
            for source in [
                "environment", "profile \"default\"", "web identity", "container", "instance metadata",
                "AWS_EC2_METADATA_DISABLED",
            ] {
                #expect(message.contains(source), "\(source) missing from: \(message)")
            }
            #expect(transport.requests.isEmpty)
        }
    }

    @Test("a hanging metadata service ends the chain quickly in noCredentials that says it did not answer")
    func hangingMetadata() async throws {
        try await withTemporaryHome { home in
            try await withServer(serve { _ in .hang }) { server, transport in
                let clock = ContinuousClock()
                let started = clock.now
                let error = await expectCredentialsError(.noCredentials) {
                    try await chain(
                        home.environment(),
                        transport: transport,
                        imds: server.baseURL,
                        imdsTimeout: .milliseconds(300)
                    ).credentials(logger: quietLogger)
                }
                #expect(clock.now - started < .seconds(120))
                #expect(error?.message.contains("did not answer within") == true)
            }
        }
    }

    @Test("the chain caches: metadata credentials are fetched once until they near expiry")
    func chainCaches() async throws {
        try await withTemporaryHome { home in
            let clock = ManualClock(Date(timeIntervalSince1970: 4_070_908_800 - 3600))
            try await withServer(fakeIMDS()) { server, transport in
                let chain = chain(home.environment(), transport: transport, imds: server.baseURL, now: clock.closure)
                for _ in 0..<5 { _ = try await chain.credentials(logger: quietLogger) }
                #expect(server.requests.count == 3)
                clock.advance(by: 3600 - 200)
                _ = try await chain.credentials(logger: quietLogger)
                #expect(server.requests.count == 6)
                await chain.invalidate()
                _ = try await chain.credentials(logger: quietLogger)
                #expect(server.requests.count == 9)
            }
        }
    }

    @Test("a generic chain skips notConfigured providers, stops at the first real error and never calls later ones")
    func genericChainShortCircuits() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        let later = CountingProvider(clock: clock, lifetime: nil)
        let failing = CountingProvider(clock: clock, lifetime: nil)
        await failing.setFailNext(true)
        let chain = CredentialProviderChain([
            EnvironmentCredentialProvider(environment: [:]),
            failing,
            later,
        ])
        await expectCredentialsError(.networkError) { try await chain.credentials(logger: quietLogger) }
        #expect(await failing.calls == 1)
        #expect(await later.calls == 0)
        let skipping = CredentialProviderChain([EnvironmentCredentialProvider(environment: [:]), later])
        #expect(try await skipping.credentials(logger: quietLogger).accessKeyID == "AKID1")
        #expect(skipping.sourceName == "chain(environment, counting)")
        let empty = await expectCredentialsError(.noCredentials) {
            try await CredentialProviderChain([]).credentials(logger: quietLogger)
        }
        #expect(empty?.message.contains("no sources") == true)
    }
}
