import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaSigV4
import Foundation
import LoopbackHTTPServer
import Testing

@Suite("Web identity against a loopback STS")
struct WebIdentityCredentialProviderTests {
    static let successXML = """
        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleWithWebIdentityResult>
            <SubjectFromWebIdentityToken>system:serviceaccount:ns:sa</SubjectFromWebIdentityToken>
            <Credentials>
              <SessionToken>sts-session-token&amp;more</SessionToken>
              <SecretAccessKey>sts-secret-key</SecretAccessKey>
              <Expiration>2099-01-02T03:04:05Z</Expiration>
              <AccessKeyId>ASIASTS</AccessKeyId>
            </Credentials>
          </AssumeRoleWithWebIdentityResult>
          <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>
        </AssumeRoleWithWebIdentityResponse>
        """

    /// Decodes an `application/x-www-form-urlencoded` body.
    private func form(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    @Test("the environment variables lead to one unsigned form POST and the XML credentials are parsed")
    func environmentSuccess() async throws {
        try await withTemporaryHome { home in
            let tokenFile = try home.write("token", "eyJ.web-identity-token.sig\n")
            try await withServer(serve { _ in .respond(.text(Self.successXML)) }) { server, transport in
                let environment = home.environment([
                    "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile,
                    "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/web role",
                    "AWS_ROLE_SESSION_NAME": "my-session",
                    "AWS_ENDPOINT_URL_STS": server.baseURL,
                    "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
                ])
                let (logger, logs) = capturingLogger()
                let provider = WebIdentityCredentialProvider(
                    environment: environment,
                    region: "eu-west-1",
                    transport: transport
                )
                let credentials = try await provider.credentials(logger: logger)
                #expect(credentials.accessKeyID == "ASIASTS")
                #expect(credentials.secretAccessKey == "sts-secret-key")
                #expect(credentials.sessionToken == "sts-session-token&more")
                #expect(credentials.expiration == Date(timeIntervalSince1970: 4_071_006_245))

                let request = try #require(server.requests.first)
                #expect(server.requests.count == 1)
                #expect(request.method == "POST")
                #expect(request.path == "/")
                #expect(request.header("Authorization") == nil)
                #expect(request.header("X-Amz-Security-Token") == nil)
                #expect(request.header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
                #expect(request.bodyText.hasPrefix("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&"))
                let fields = form(request.bodyText)
                #expect(fields["Action"] == "AssumeRoleWithWebIdentity")
                #expect(fields["Version"] == "2011-06-15")
                #expect(fields["RoleArn"] == "arn:aws:iam::123456789012:role/web role")
                #expect(fields["RoleSessionName"] == "my-session")
                #expect(fields["WebIdentityToken"] == "eyJ.web-identity-token.sig")
                #expect(!logs.allText.contains("web-identity-token"))
                #expect(!logs.allText.contains("sts-secret-key"))
            }
        }
    }

    @Test("the token file is re-read on every call and a default session name is generated")
    func tokenReread() async throws {
        try await withTemporaryHome { home in
            let tokenFile = try home.write("token", "first-token")
            try await withServer(serve { _ in .respond(.text(Self.successXML)) }) { server, transport in
                let provider = WebIdentityCredentialProvider(
                    tokenFile: tokenFile,
                    roleARN: "arn:aws:iam::123456789012:role/r",
                    stsEndpoint: server.baseURL,
                    transport: transport,
                    configuration: .init(now: { Date(timeIntervalSince1970: 1_700_000_000) })
                )
                _ = try await provider.credentials(logger: quietLogger)
                try home.write("token", "second-token")
                _ = try await provider.credentials(logger: quietLogger)
                let tokens = server.requests.map { form($0.bodyText)["WebIdentityToken"] }
                #expect(tokens == ["first-token", "second-token"])
                #expect(form(server.requests[0].bodyText)["RoleSessionName"] == "dblambda-session-1700000000")
            }
        }
    }

    @Test("an STS error document becomes stsError with code and message, and the token is never in it")
    func stsErrorDocument() async throws {
        try await withTemporaryHome { home in
            let tokenFile = try home.write("token", "leaky-token-value")
            let errorXML = """
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>
                  <Message>Token leaky-token-value is expired &amp; invalid</Message></Error>
                  <RequestId>req-2</RequestId>
                </ErrorResponse>
                """
            try await withServer(serve { _ in .respond(.text(errorXML, status: 400)) }) { server, transport in
                let provider = WebIdentityCredentialProvider(
                    tokenFile: tokenFile,
                    roleARN: "arn:aws:iam::123456789012:role/r",
                    stsEndpoint: server.baseURL,
                    transport: transport
                )
                let error = await expectCredentialsError(.stsError) {
                    try await provider.credentials(logger: quietLogger)
                }
                let text = error.map { String(reflecting: $0) } ?? ""
                #expect(text.contains("InvalidIdentityToken"))
                #expect(text.contains("is expired & invalid"))
                #expect(text.contains("HTTP 400"))
                #expect(!text.contains("leaky-token-value"))
            }
        }
    }

    @Test("a 200 without credentials, a 500 without an error document and a hanging STS are typed errors")
    func badResponses() async throws {
        try await withTemporaryHome { home in
            let tokenFile = try home.write("token", "t")
            try await withServer(
                serve { request in
                    switch request.header("User-Agent").map({ _ in request.bodyText.contains("s1") }) {
                    case true: return .respond(.text("<AssumeRoleWithWebIdentityResponse/>"))
                    default: return .respond(.text("oops", status: 500))
                    }
                }
            ) { server, transport in
                func provider(_ session: String) -> WebIdentityCredentialProvider {
                    WebIdentityCredentialProvider(
                        tokenFile: tokenFile,
                        roleARN: "arn:aws:iam::123456789012:role/r",
                        roleSessionName: session,
                        stsEndpoint: server.baseURL,
                        transport: transport
                    )
                }
                await expectCredentialsError(.invalidResponse) {
                    try await provider("s1").credentials(logger: quietLogger)
                }
                await expectCredentialsError(.invalidResponse) {
                    try await provider("s2").credentials(logger: quietLogger)
                }
            }
            try await withServer(serve { _ in .hang }) { server, transport in
                let provider = WebIdentityCredentialProvider(
                    tokenFile: tokenFile,
                    roleARN: "arn:aws:iam::123456789012:role/r",
                    stsEndpoint: server.baseURL,
                    transport: transport,
                    configuration: .init(timeout: .milliseconds(300))
                )
                await expectCredentialsError(.timeout) { try await provider.credentials(logger: quietLogger) }
            }
        }
    }

    @Test(
        "missing variables are notConfigured, half of them incompleteCredentials, a missing token file fileNotReadable"
    )
    func configurationErrors() async throws {
        try await withTemporaryHome { home in
            let transport = RecordingHTTPTransport()
            await expectCredentialsError(.notConfigured) {
                try await WebIdentityCredentialProvider(
                    environment: home.environment(),
                    region: nil,
                    transport: transport
                )
                .credentials(logger: quietLogger)
            }
            await expectCredentialsError(.incompleteCredentials) {
                try await WebIdentityCredentialProvider(
                    environment: home.environment(["AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/r"]),
                    region: nil,
                    transport: transport
                ).credentials(logger: quietLogger)
            }
            await expectCredentialsError(.fileNotReadable) {
                try await WebIdentityCredentialProvider(
                    environment: home.environment([
                        "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/r",
                        "AWS_WEB_IDENTITY_TOKEN_FILE": home.path + "/missing",
                    ]),
                    region: nil,
                    transport: transport
                ).credentials(logger: quietLogger)
            }
            #expect(transport.requests.isEmpty)
        }
    }

    @Test("the STS endpoint honours AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, then the region's partition")
    func endpointSelection() {
        #expect(
            WebIdentityCredentialProvider.stsEndpoint(
                region: "us-east-1",
                environment: ["AWS_ENDPOINT_URL_STS": "http://sts.local", "AWS_ENDPOINT_URL": "http://all.local"]
            ) == "http://sts.local"
        )
        #expect(
            WebIdentityCredentialProvider.stsEndpoint(
                region: "us-east-1",
                environment: ["AWS_ENDPOINT_URL": "http://all.local"]
            )
                == "http://all.local"
        )
        #expect(
            WebIdentityCredentialProvider.stsEndpoint(region: "eu-west-1", environment: [:])
                == "https://sts.eu-west-1.amazonaws.com"
        )
        #expect(
            WebIdentityCredentialProvider.stsEndpoint(region: "cn-north-1", environment: [:])
                == "https://sts.cn-north-1.amazonaws.com.cn"
        )
        #expect(
            WebIdentityCredentialProvider.stsEndpoint(region: "us-gov-west-1", environment: [:])
                == "https://sts.us-gov-west-1.amazonaws.com"
        )
        #expect(
            WebIdentityCredentialProvider.stsEndpoint(region: "us-isob-east-1", environment: [:])
                == "https://sts.us-isob-east-1.sc2s.sgov.gov"
        )
        #expect(WebIdentityCredentialProvider.stsEndpoint(region: nil, environment: [:]) == "https://sts.amazonaws.com")
    }

    @Test("a profile with role_arn and web_identity_token_file calls STS with the profile's session name")
    func webIdentityInProfile() async throws {
        try await withTemporaryHome { home in
            try home.write("token", "profile-token")
            try await withServer(serve { _ in .respond(.text(Self.successXML)) }) { server, transport in
                try home.write(
                    ".aws/config",
                    """
                    [profile irsa]
                    role_arn = arn:aws:iam::123456789012:role/irsa
                    web_identity_token_file = ~/token
                    role_session_name = from-profile
                    region = eu-central-1
                    """
                )
                let provider = ProfileCredentialProvider(
                    profile: "irsa",
                    environment: home.environment(["AWS_ENDPOINT_URL_STS": server.baseURL]),
                    transport: transport
                )
                let credentials = try await provider.credentials(logger: quietLogger)
                #expect(credentials.accessKeyID == "ASIASTS")
                let fields = form(try #require(server.requests.first).bodyText)
                #expect(fields["RoleArn"] == "arn:aws:iam::123456789012:role/irsa")
                #expect(fields["RoleSessionName"] == "from-profile")
                #expect(fields["WebIdentityToken"] == "profile-token")
            }
        }
    }
}
