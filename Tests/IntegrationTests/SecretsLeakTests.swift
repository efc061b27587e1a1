import DBLambdaCore
import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaInvoke
import DBLambdaSigV4
import Foundation
import HTTPTypes
import Logging
import LoopbackHTTPServer
import Testing

/// Secrets never leak: every credential source, the signer, the Lambda client and the CLI run with marker secrets
/// and trace logging captured in memory; every log line, description, `debugDescription`, `String(reflecting:)`,
/// `dump()` of results and errors, and all CLI output are searched for the secret access key, the session token,
/// the web identity token, the container and IMDS tokens, and every request signature the loopback servers saw.
@Suite("Secrets never appear in logs, descriptions, dumps or CLI output")
struct SecretsLeakTests {
    typealias M = SecretMarkers

    // MARK: Credential sources

    @Test("environment variables and shared files (temp HOME): successes and every failure")
    func environmentAndSharedFiles() async throws {
        let ledger = SecretsLedger()
        let logger = ledger.logger("secrets.files")
        try await withSecretsHome { home in
            let keys = [
                "AWS_ACCESS_KEY_ID": M.accessKeyID, "AWS_SECRET_ACCESS_KEY": M.secretAccessKey,
                "AWS_SESSION_TOKEN": M.sessionToken,
            ]
            // The environment: complete, secret without key id, key id and token without secret.
            let complete = home.environment(keys)
            await ledger.record("environment") {
                try await EnvironmentCredentialProvider(environment: complete).credentials(logger: logger)
            }
            await ledger.record("environment without key id") {
                try await EnvironmentCredentialProvider(
                    environment: home.environment(["AWS_SECRET_ACCESS_KEY": M.secretAccessKey])
                ).credentials(logger: logger)
            }
            await ledger.record("environment without secret") {
                try await EnvironmentCredentialProvider(
                    environment: home.environment([
                        "AWS_ACCESS_KEY_ID": M.accessKeyID, "AWS_SESSION_TOKEN": M.sessionToken,
                    ])
                ).credentials(logger: logger)
            }
            ledger.record("environment provider", EnvironmentCredentialProvider(environment: complete))

            // The credentials file: static keys, then every malformed or incomplete variant.
            let files: [(String, String)] = [
                (
                    "credentials",
                    "[default]\naws_access_key_id = \(M.accessKeyID)\naws_secret_access_key = \(M.secretAccessKey)\n"
                        + "aws_session_token = \(M.sessionToken)\n"
                ),
                ("key without delimiter", "[default]\naws_secret_access_key \(M.secretAccessKey)\n"),
                ("key before any section", "aws_secret_access_key = \(M.secretAccessKey)\n[default]\n"),
                ("secret without key id", "[default]\naws_secret_access_key = \(M.secretAccessKey)\n"),
                (
                    "key id and token without secret",
                    "[default]\naws_access_key_id = \(M.accessKeyID)\naws_session_token = \(M.sessionToken)\n"
                ),
                (
                    "continuation of a secret",
                    "[default]\naws_access_key_id = \(M.accessKeyID)\naws_secret_access_key =\n  \(M.secretAccessKey)\n"
                        + "  = \(M.sessionToken)\n"
                ),
            ]
            for (name, text) in files {
                try home.write(".aws/credentials", text)
                let provider = ProfileCredentialProvider(environment: home.environment())
                await ledger.record("credentials file: \(name)") { try await provider.credentials(logger: logger) }
                ledger.record("profile provider", provider)
            }
            try FileManager.default.removeItem(atPath: home.path + "/.aws/credentials")

            // The config file: static keys in a named profile, an unknown profile, an unsupported source whose
            // source profile holds the secret.
            try home.write(
                ".aws/config",
                "[profile keys]\naws_access_key_id = \(M.accessKeyID)\naws_secret_access_key = \(M.secretAccessKey)\n"
                    + "aws_session_token = \(M.sessionToken)\n"
                    + "[profile assume]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = keys\n"
            )
            for profile in ["keys", "missing", "assume"] {
                await ledger.record("config profile \(profile)") {
                    try await ProfileCredentialProvider(profile: profile, environment: home.environment())
                        .credentials(logger: logger)
                }
            }

            // The default chain, through the environment and through the profile; the chain and its cache dumped
            // after they resolved.
            try await AsyncHTTPClientTransport.withTransport { transport in
                for (name, environment) in [
                    ("environment", complete), ("profile", home.environment(["AWS_PROFILE": "keys"])),
                ] {
                    let chain = DefaultCredentialChain(environment: environment, transport: transport)
                    let credentials = try await chain.credentials(logger: logger)
                    #expect(credentials.secretAccessKey == M.secretAccessKey)
                    #expect(credentials.sessionToken == M.sessionToken)
                    ledger.record("default chain via \(name)", chain)
                    ledger.record("default chain via \(name): credentials", credentials)
                    ledger.record("default chain via \(name): providers", chain.chain)
                }
            }
        }
        #expect(ledger.logLines > 0)
        ledger.expectNoSecrets()
    }

    @Test("credential_process: success, non-zero exit, malformed and incomplete JSON, expiry, timeout")
    func credentialProcess() async throws {
        let ledger = SecretsLedger()
        let logger = ledger.logger("secrets.process")
        let json = SecretMarkers.credentialsJSON
        let scripts: [(String, String)] = [
            ("success", "cat <<'JSON'\n\(json)\nJSON\n"),
            (
                "non-zero exit after printing credentials",
                "cat <<'JSON'\n\(json)\nJSON\necho 'sso expired' >&2\nexit 3\n"
            ),
            ("truncated JSON", "printf '%s' '\(json.dropLast(20))'\n"),
            (
                "missing access key id",
                "echo '{\"Version\":1,\"SecretAccessKey\":\"\(M.secretAccessKey)\",\"SessionToken\":\"\(M.sessionToken)\"}'\n"
            ),
            (
                "unsupported version",
                "echo '{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"\(M.secretAccessKey)\"}'\n"
            ),
            (
                "expired",
                "echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"\(M.secretAccessKey)\","
                    + "\"SessionToken\":\"\(M.sessionToken)\",\"Expiration\":\"2001-01-01T00:00:00Z\"}'\n"
            ),
            ("secret as the JSON value itself", "echo '\"\(M.secretAccessKey)\"'\n"),
            ("timeout", "sleep 5\n"),
        ]
        try await withSecretsHome { home in
            for (name, script) in scripts {
                let path = try home.write(
                    "bin/creds-\(scripts.firstIndex { $0.0 == name } ?? 0).sh",
                    "#!/bin/sh\n" + script,
                    executable: true
                )
                try home.write(".aws/config", "[default]\ncredential_process = \(path) --token \(M.sessionToken)\n")
                let provider = ProfileCredentialProvider(
                    environment: home.environment(),
                    configuration: .init(processTimeout: name == "timeout" ? .milliseconds(300) : .seconds(30))
                )
                await ledger.record("credential_process: \(name)") { try await provider.credentials(logger: logger) }
            }
        }
        #expect(ledger.logLines > 0)
        ledger.expectNoSecrets()
    }

    @Test("web identity against a loopback STS: environment and profile, success, STS error, bad answers, timeout")
    func webIdentity() async throws {
        let ledger = SecretsLedger()
        let logger = ledger.logger("secrets.sts")
        let answers: [(String, ServerAction)] = [
            ("success", .respond(.text(M.stsSuccessXML))),
            (
                "STS error",
                .respond(
                    .text(
                        "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
                            + "<Message>Couldn't retrieve verification key from your identity provider</Message>"
                            + "</Error></ErrorResponse>",
                        status: 400
                    )
                )
            ),
            (
                "answer without an access key id",
                .respond(
                    .text(
                        M.stsSuccessXML.replacingOccurrences(
                            of: "<AccessKeyId>\(M.accessKeyID)</AccessKeyId>",
                            with: ""
                        )
                    )
                )
            ),
            ("answer that is not XML", .respond(.text("\(M.secretAccessKey) \(M.sessionToken)"))),
            ("server error", .respond(.text("<html>\(M.secretAccessKey)</html>", status: 500))),
            ("closed connection", .closeConnection),
            ("no answer", .hang),
        ]
        try await withSecretsHome { home in
            let tokenFile = try home.write("token", M.webIdentityToken + "\n")
            for (name, action) in answers {
                try await withSecretsServer({ _ in action }) { server, transport in
                    let configuration = WebIdentityCredentialProvider.Configuration(
                        timeout: name == "no answer" ? .milliseconds(300) : .seconds(10)
                    )
                    let environment = home.environment([
                        "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile,
                        "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/web",
                        "AWS_ENDPOINT_URL_STS": server.baseURL,
                    ])
                    let provider = WebIdentityCredentialProvider(
                        environment: environment,
                        region: "us-east-1",
                        transport: transport,
                        configuration: configuration
                    )
                    await ledger.record("web identity (environment): \(name)") {
                        try await provider.credentials(logger: logger)
                    }
                    ledger.record("web identity provider", provider)
                    try home.write(
                        ".aws/config",
                        "[default]\nrole_arn = arn:aws:iam::123456789012:role/web\n"
                            + "web_identity_token_file = \(tokenFile)\n"
                    )
                    let profile = ProfileCredentialProvider(
                        environment: home.environment(["AWS_ENDPOINT_URL_STS": server.baseURL]),
                        transport: transport,
                        configuration: .init(webIdentity: configuration)
                    )
                    await ledger.record("web identity (profile): \(name)") {
                        try await profile.credentials(logger: logger)
                    }
                    // The token really was sent (so the test drives the real exchange).
                    let bodies = server.requests.map(\.bodyText)
                    #expect(bodies.allSatisfy { $0.contains("WEBIDENTITYCORE2d4f6a") })
                    #expect(!bodies.isEmpty)
                }
            }
            // A token file that does not exist.
            await ledger.record("web identity: missing token file") {
                try await WebIdentityCredentialProvider(
                    tokenFile: home.path + "/nope",
                    roleARN: "arn:aws:iam::123456789012:role/web",
                    stsEndpoint: "http://127.0.0.1:1",
                    transport: RecordingHTTPTransport()
                ).credentials(logger: logger)
            }
        }
        #expect(ledger.logLines > 0)
        ledger.expectNoSecrets()
    }

    @Test("container credentials against a loopback server: token variable and file, success and failures")
    func container() async throws {
        let ledger = SecretsLedger()
        let logger = ledger.logger("secrets.container")
        let answers: [(String, ServerAction)] = [
            ("success", .respond(.json(M.credentialsJSON))),
            ("unauthorized", .respond(.json(#"{"message":"bad token"}"#, status: 401))),
            ("server error echoing secrets", .respond(.text("\(M.secretAccessKey) \(M.sessionToken)", status: 500))),
            ("truncated JSON", .respond(.json(String(M.credentialsJSON.dropLast(30))))),
            ("JSON without a secret", .respond(.json(#"{"AccessKeyId":"A","Token":"\#(M.sessionToken)"}"#))),
            ("no answer", .hang),
        ]
        try await withSecretsHome { home in
            let tokenFile = try home.write("container-token", M.containerToken + "\n")
            for (name, action) in answers {
                try await withSecretsServer({ _ in action }) { server, transport in
                    let configuration = ContainerCredentialProvider.Configuration(
                        timeout: name == "no answer" ? .milliseconds(300) : .seconds(10),
                        maxAttempts: 2,
                        retryDelay: .milliseconds(10)
                    )
                    for (variant, extra) in [
                        ("token variable", ["AWS_CONTAINER_AUTHORIZATION_TOKEN": M.containerToken]),
                        ("token file", ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile]),
                    ] {
                        let provider = ContainerCredentialProvider(
                            environment: home.environment(
                                extra.merging(["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/creds"]) {
                                    a,
                                    _ in a
                                }
                            ),
                            transport: transport,
                            configuration: configuration
                        )
                        await ledger.record("container (\(variant)): \(name)") {
                            try await provider.credentials(logger: logger)
                        }
                        ledger.record("container provider", provider)
                    }
                    #expect(server.requests.allSatisfy { $0.header("Authorization") == M.containerToken })
                }
            }
        }
        #expect(ledger.logLines > 0)
        ledger.expectNoSecrets()
    }

    @Test("instance metadata against a loopback IMDS: IMDSv2 token flow, failures, and the default chain")
    func instanceMetadata() async throws {
        let ledger = SecretsLedger()
        let logger = ledger.logger("secrets.imds")
        /// A fake IMDS whose credentials document is `document` (nil: no role).
        func imds(_ document: ServerAction?) -> @Sendable (RecordedRequest) async -> ServerAction {
            { request in
                switch (request.method, request.path) {
                case ("PUT", "/latest/api/token"): return .respond(.text(M.imdsToken))
                case ("GET", "/latest/meta-data/iam/security-credentials/"):
                    return document == nil ? .respond(.text("", status: 404)) : .respond(.text("role\n"))
                case ("GET", "/latest/meta-data/iam/security-credentials/role"):
                    return document ?? .respond(.text("", status: 404))
                default: return .respond(.text("not found", status: 404))
                }
            }
        }
        let answers: [(String, ServerAction?)] = [
            ("success", .respond(.json(M.credentialsJSON))),
            ("no role", nil),
            (
                "failed code with credential fields",
                .respond(
                    .json(
                        #"{"Code":"Failure","Message":"role unavailable","SecretAccessKey":"\#(M.secretAccessKey)","#
                            + #""Token":"\#(M.sessionToken)"}"#
                    )
                )
            ),
            ("truncated JSON", .respond(.json(String(M.credentialsJSON.dropLast(25))))),
            ("server error echoing secrets", .respond(.text("\(M.secretAccessKey) \(M.sessionToken)", status: 500))),
            ("no answer", .hang),
        ]
        for (name, document) in answers {
            try await withSecretsServer(imds(document)) { server, transport in
                let configuration = InstanceMetadataCredentialProvider.Configuration(
                    endpoint: server.baseURL,
                    timeout: name == "no answer" ? .milliseconds(300) : .seconds(10),
                    maxAttempts: 1
                )
                let provider = InstanceMetadataCredentialProvider(
                    environment: [:],
                    transport: transport,
                    configuration: configuration
                )
                await ledger.record("IMDS: \(name)") { try await provider.credentials(logger: logger) }
                ledger.record("IMDS provider", provider)
                // The default chain with nothing else configured ends at this IMDS.
                let chain = DefaultCredentialChain(
                    environment: ["HOME": "/nonexistent-dblambda-home"],
                    transport: transport,
                    configuration: .init(instanceMetadata: configuration)
                )
                await ledger.record("default chain ending at IMDS: \(name)") {
                    try await chain.credentials(logger: logger)
                }
                ledger.record("default chain", chain)
                let reads = server.requests.filter { $0.method == "GET" }
                #expect(!reads.isEmpty)
                #expect(reads.allSatisfy { $0.header("x-aws-ec2-metadata-token") == M.imdsToken })
            }
        }
        #expect(ledger.logLines > 0)
        ledger.expectNoSecrets()
    }

    // MARK: Signer

    @Test("the signer: header signing, signature details, presigning and its errors")
    func signer() throws {
        let ledger = SecretsLedger()
        let credentials = Credentials(
            accessKeyID: M.accessKeyID,
            secretAccessKey: M.secretAccessKey,
            sessionToken: M.sessionToken
        )
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "lambda")
        let time = SigV4Timestamp(secondsSince1970: 1_767_225_600)
        let request = try SigV4Signer.request(
            method: "POST",
            url: "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/f/invocations"
        )
        let body = Array(#"{"a":1}"#.utf8)

        let signed = try signer.sign(request, body: body, at: time)
        let authorization = try #require(signed.headerFields[.authorization])
        let signatureHex = try #require(authorization.components(separatedBy: "Signature=").last)
        ledger.addSignature(signatureHex)
        #expect(signed.headerFields[HTTPField.Name("X-Amz-Security-Token")!] == M.sessionToken)

        let details = try signer.signature(for: request, body: body, at: time)
        #expect(details.signature == signatureHex)
        ledger.record("signature details", details)

        let presigned = try signer.presign(request, body: body, expires: 900, at: time)
        ledger.addSignature(presigned.signing.signature)
        #expect(presigned.url.contains(presigned.signing.signature))
        ledger.record("presigned request", presigned)
        ledger.record("signer after signing", signer)
        ledger.record("credentials", credentials)
        ledger.record("signing key cache", signer.keyCache)

        // Errors: an expiry out of range, a request without a host, a method that is not a token.
        do {
            _ = try signer.presign(request, expires: 0, at: time)
            Issue.record("an expiry of 0 was accepted")
        } catch {
            ledger.record("presign expiry error", error)
        }
        do {
            _ = try signer.sign(HTTPRequest(method: .get, scheme: "https", authority: nil, path: "/"), at: time)
            Issue.record("a request without a host was signed")
        } catch {
            ledger.record("missing host error", error)
        }
        do {
            _ = try SigV4Signer.request(method: "BAD METHOD", url: "https://example.com/?\(M.sessionToken)")
            Issue.record("a bad method was accepted")
        } catch {
            ledger.record("bad method error", error)
        }
        #expect(ledger.signatureCount == 2)
        ledger.expectNoSecrets()
    }

    // MARK: Lambda client

    static let okResponse = StubResponse(
        status: 200,
        headers: [HeaderField(name: "Content-Type", value: "application/json")],
        body: Array(#"{"ok":true}"#.utf8)
    )

    /// A Lambda error answer.
    static func lambdaError(_ status: Int, _ type: String, _ message: String) -> ServerAction {
        .respond(
            StubResponse(
                status: status,
                headers: [
                    HeaderField(name: "Content-Type", value: "application/json"),
                    HeaderField(name: "x-amzn-ErrorType", value: type),
                    HeaderField(name: "x-amzn-RequestId", value: "req-\(status)"),
                ],
                body: Array(#"{"message":"\#(message)"}"#.utf8)
            )
        )
    }

    static let lambdaScenarios: [(name: String, type: InvocationType, answer: @Sendable (Int) -> ServerAction)] = [
        ("success", .requestResponse, { _ in .respond(okResponse) }),
        (
            "function error",
            .requestResponse,
            { _ in
                .respond(
                    StubResponse(
                        status: 200,
                        headers: [HeaderField(name: "X-Amz-Function-Error", value: "Unhandled")],
                        body: Array(#"{"errorType":"Boom","errorMessage":"failed","stackTrace":["a"]}"#.utf8)
                    )
                )
            }
        ),
        (
            "403 invalid signature",
            .requestResponse,
            { _ in
                lambdaError(
                    403,
                    "InvalidSignatureException",
                    "The request signature we calculated does not match the signature you provided."
                )
            }
        ),
        (
            "403 unrecognized client",
            .requestResponse,
            { _ in
                lambdaError(
                    403,
                    "UnrecognizedClientException",
                    "The security token included in the request is invalid."
                )
            }
        ),
        (
            "403 XML (moto style)",
            .requestResponse,
            { _ in
                .respond(
                    .text(
                        "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error>"
                            + "</ErrorResponse>",
                        status: 403
                    )
                )
            }
        ),
        (
            "503, 503, 200", .requestResponse,
            { $0 < 3 ? lambdaError(503, "ServiceException", "down") : .respond(okResponse) }
        ),
        ("429 until retries run out", .event, { _ in lambdaError(429, "TooManyRequestsException", "Rate exceeded") }),
        ("closed connection", .event, { _ in .closeConnection }),
        ("timeout (RequestResponse)", .requestResponse, { _ in .hang }),
        ("timeout (Event, retried)", .event, { _ in .hang }),
    ]

    @Test("the Lambda client over a loopback server: success, function error, 403s, retries, timeouts")
    func lambdaClient() async throws {
        let ledger = SecretsLedger()
        let logger = ledger.logger("secrets.invoke")
        for scenario in Self.lambdaScenarios {
            let counter = SecretsCounter()
            let answer = scenario.answer
            let handler: @Sendable (RecordedRequest) async -> ServerAction = { _ in answer(counter.next()) }
            try await withSecretsServer(handler) { server, transport in
                var configuration = LambdaClient.Configuration(region: .usEast1, endpoint: server.baseURL)
                configuration.timeout = scenario.name.hasPrefix("timeout") ? .milliseconds(300) : .seconds(10)
                configuration.sleep = { _ in }
                let client = LambdaClient(
                    configuration: configuration,
                    credentialProvider: StaticCredentialProvider(
                        accessKeyID: M.accessKeyID,
                        secretAccessKey: M.secretAccessKey,
                        sessionToken: M.sessionToken
                    ),
                    transport: transport,
                    logger: logger
                )
                await ledger.record("invoke: \(scenario.name)") {
                    try await client.invoke(
                        function: "f",
                        payload: Array(#"{"k":"v"}"#.utf8),
                        options: InvokeOptions(invocationType: scenario.type)
                    )
                }
                ledger.record("client after \(scenario.name)", client)
                #expect(ledger.collectSignatures(from: server) == server.requests.count)
                #expect(server.requests.allSatisfy { $0.header("X-Amz-Security-Token") == M.sessionToken })
                #expect(!server.requests.isEmpty)
            }
        }
        // The convenience initializer: its own transport and the default chain reading marker variables.
        let alwaysOK: @Sendable (RecordedRequest) async -> ServerAction = { _ in .respond(Self.okResponse) }
        try await withSecretsServer(alwaysOK) { server, _ in
            let environment = [
                "HOME": "/nonexistent-dblambda-home", "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_ACCESS_KEY_ID": M.accessKeyID, "AWS_SECRET_ACCESS_KEY": M.secretAccessKey,
                "AWS_SESSION_TOKEN": M.sessionToken, "AWS_REGION": "us-east-1",
            ]
            var configuration = LambdaClient.Configuration(endpoint: server.baseURL)
            configuration.timeout = .seconds(10)
            let client = try LambdaClient(configuration: configuration, environment: environment, logger: logger)
            await ledger.record("invoke with the default chain") {
                try await client.invoke(function: "f", payload: Array("{}".utf8))
            }
            ledger.record("client with the default chain", client)
            try await client.shutdown()
            #expect(ledger.collectSignatures(from: server) == 1)
        }
        // No credentials at all (the secret is set, the key id is missing): credentialsUnavailable.
        let incomplete = DefaultCredentialChain(
            environment: [
                "HOME": "/nonexistent-dblambda-home", "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_SECRET_ACCESS_KEY": M.secretAccessKey, "AWS_SESSION_TOKEN": M.sessionToken,
            ],
            transport: RecordingHTTPTransport()
        )
        let client = LambdaClient(
            configuration: LambdaClient.Configuration(region: .usEast1),
            credentialProvider: incomplete,
            transport: RecordingHTTPTransport(),
            logger: logger
        )
        await ledger.record("invoke without credentials") { try await client.invoke(function: "f", payload: []) }
        #expect(ledger.logLines > 0)
        #expect(ledger.signatureCount > 0)
        ledger.expectNoSecrets()
    }

    // MARK: Command line

    /// A loopback server playing STS (form POSTs to `/`) and Lambda (everything else), with `lambda(n)` as the n-th
    /// Lambda answer.
    static func cliServer(
        _ lambda: @escaping @Sendable (Int) -> ServerAction
    ) -> @Sendable (RecordedRequest) async -> ServerAction {
        let counter = SecretsCounter()
        return { request in
            if request.path == "/", request.bodyText.hasPrefix("Action=AssumeRoleWithWebIdentity") {
                return .respond(.text(M.stsSuccessXML))
            }
            return lambda(counter.next())
        }
    }

    @Test("dblambda --debug invoke with credentials in the environment, a profile, credential_process or web identity")
    func commandLineInvoke() async throws {
        let ledger = SecretsLedger()
        try await withSecretsHome { home in
            let tokenFile = try home.write("token", M.webIdentityToken)
            let script = try home.write(
                "bin/creds.sh",
                "#!/bin/sh\ncat <<'JSON'\n\(M.credentialsJSON)\nJSON\n",
                executable: true
            )
            try home.write(
                ".aws/config",
                "[profile keys]\naws_access_key_id = \(M.accessKeyID)\naws_secret_access_key = \(M.secretAccessKey)\n"
                    + "aws_session_token = \(M.sessionToken)\n[profile process]\ncredential_process = \(script)\n"
            )
            let sources: [(String, [String: String], [String])] = [
                (
                    "environment",
                    [
                        "AWS_ACCESS_KEY_ID": M.accessKeyID, "AWS_SECRET_ACCESS_KEY": M.secretAccessKey,
                        "AWS_SESSION_TOKEN": M.sessionToken,
                    ],
                    []
                ),
                ("profile", [:], ["--profile", "keys"]),
                ("credential_process", ["AWS_PROFILE": "process"], []),
                (
                    "web identity",
                    ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/web"],
                    []
                ),
            ]
            let answers: [(String, @Sendable (Int) -> ServerAction)] = [
                ("success", { _ in .respond(Self.okResponse) }),
                ("function error", Self.lambdaScenarios[1].answer),
                ("403", Self.lambdaScenarios[2].answer),
                (
                    "503 then success",
                    { $0 < 2 ? Self.lambdaError(503, "ServiceException", "down") : .respond(Self.okResponse) }
                ),
            ]
            for (source, variables, arguments) in sources {
                for (name, answer) in answers {
                    try await withLoopbackHTTPServer(handler: Self.cliServer(answer)) { server in
                        var environment = home.environment(variables)
                        environment["AWS_ENDPOINT_URL_STS"] = server.baseURL
                        let output = try await SecretsCLI.run(
                            [
                                "--debug", "invoke", "f", "--region", "us-east-1", "--endpoint-url", server.baseURL,
                                "--payload", #"{"k":1}"#, "--read-timeout", "10",
                            ] + arguments,
                            environment: environment
                        )
                        ledger.record("invoke (\(source), \(name)) stdout", text: output.stdout)
                        ledger.record("invoke (\(source), \(name)) stderr", text: output.stderr)
                        #expect(output.stderr.contains("sending HTTP request"), "no debug log: \(output.stderr)")
                        #expect(output.status == (name == "success" || name == "503 then success" ? 0 : 1))
                        #expect(ledger.collectSignatures(from: server) > 0)
                    }
                }
            }
            // A failure before any request: the secret is set but the key id is missing.
            let output = try await SecretsCLI.run(
                ["invoke", "f", "--region", "us-east-1", "--debug", "--endpoint-url", "http://127.0.0.1:1"],
                environment: home.environment(["AWS_SECRET_ACCESS_KEY": M.secretAccessKey])
            )
            #expect(output.status != 0)
            ledger.record("invoke without key id stderr", text: output.stderr)
            ledger.record("invoke without key id stdout", text: output.stdout)
        }
        ledger.expectNoSecrets()
    }

    @Test("dblambda --debug sign: the secret key never appears; the session token only where SigV4 puts it")
    func commandLineSign() async throws {
        let ledger = SecretsLedger()
        let base: [String: Any] = [
            "method": "POST", "url": "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/f/invocations",
            "headers": [["Content-Type", "application/json"]], "body": "{}", "accessKeyId": M.accessKeyID,
            "secretAccessKey": M.secretAccessKey, "sessionToken": M.sessionToken, "region": "us-east-1",
            "service": "lambda", "date": "20260101T000000Z",
        ]
        var presign = base
        presign["presignExpires"] = 900
        let input = try JSONSerialization.data(withJSONObject: [base, presign], options: [.sortedKeys])
        let output = try await SecretsCLI.run(
            ["sign", "--debug", "--input", "-"],
            environment: ["PATH": "/usr/bin:/bin"],
            stdin: String(decoding: input, as: UTF8.self)
        )
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("read input"))
        let results = try #require(
            try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: String]]
        )
        #expect(results.count == 2)
        for result in results {
            let signature = try #require(result["signature"])
            ledger.addSignature(signature)
            // The contract's output: the canonical request (and a presigned URL) carry the token, as SigV4 sends
            // it in the clear; the signature is the command's purpose. Everything else must be clean.
            for (key, value) in result
            where !["canonicalRequest", "presignedUrl", "signature", "authorization"].contains(key) {
                ledger.record("sign output \(key)", text: value)
            }
            // The token is in the canonical request's header line (header signing) or query line (presigning) only.
            let canonical = result["canonicalRequest"] ?? ""
            ledger.record(
                "sign output canonicalRequest without the lines that carry the token by contract",
                text: canonical.split(separator: "\n")
                    .filter { !$0.lowercased().contains("x-amz-security-token") }
                    .joined(separator: "\n")
            )
            #expect(canonical.contains("SESSIONTOKENCORE5c1e8b"))
            #expect(!output.stdout.contains("SECRETKEYCORE7f3a9d"))
        }
        ledger.record("sign stderr", text: output.stderr)

        // Bad input holding the secret: one error line, nothing secret.
        var bad = base
        bad["date"] = "not a date \(M.sessionToken)"
        bad["headers"] = [["X-Amz-Security-Token", M.sessionToken], ["Bad Name", M.secretAccessKey]]
        for (name, item) in [("bad date", bad), ("bad region", base.merging(["region": 7]) { _, new in new })] {
            let data = try JSONSerialization.data(withJSONObject: item, options: [.sortedKeys])
            let failed = try await SecretsCLI.run(
                ["--debug", "sign", "--input", "-"],
                environment: ["PATH": "/usr/bin:/bin"],
                stdin: String(decoding: data, as: UTF8.self)
            )
            #expect(failed.status == 2)
            ledger.record("sign \(name) stderr", text: failed.stderr)
            ledger.record("sign \(name) stdout", text: failed.stdout)
        }
        #expect(ledger.signatureCount == 2)
        ledger.expectNoSecrets()
    }
}
