import DBLambdaCredentials
import DBLambdaSigV4
import Foundation
import Testing

@Suite("Static and environment providers")
struct EnvironmentAndStaticProviderTests {
    @Test("the static provider returns its credentials and its description redacts the secret")
    func staticProvider() async throws {
        let provider = StaticCredentialProvider(
            accessKeyID: "AKIDSTATIC",
            secretAccessKey: "static-secret-key",
            sessionToken: "static-session-token"
        )
        let credentials = try await provider.credentials(logger: quietLogger)
        #expect(credentials.accessKeyID == "AKIDSTATIC")
        #expect(credentials.secretAccessKey == "static-secret-key")
        #expect(credentials.sessionToken == "static-session-token")
        #expect(provider.sourceName == "static")
        let text = "\(provider) \(String(reflecting: provider))"
        #expect(text.contains("AKIDSTATIC"))
        #expect(!text.contains("static-secret-key"))
        #expect(!text.contains("static-session-token"))
    }

    @Test("environment keys, session token and expiration are read from the injected environment")
    func environmentFull() async throws {
        let provider = EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDENV",
            "AWS_SECRET_ACCESS_KEY": "env-secret",
            "AWS_SESSION_TOKEN": "env-token",
            "AWS_CREDENTIAL_EXPIRATION": "2030-05-06T07:08:09Z",
        ])
        let credentials = try await provider.credentials(logger: quietLogger)
        #expect(credentials.accessKeyID == "AKIDENV")
        #expect(credentials.secretAccessKey == "env-secret")
        #expect(credentials.sessionToken == "env-token")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_904_281_689))
    }

    @Test("the legacy AWS_SECURITY_TOKEN is used when AWS_SESSION_TOKEN is unset, and loses when both are set")
    func legacySecurityToken() async throws {
        let legacy = try await EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SECURITY_TOKEN": "legacy",
        ]).credentials(logger: quietLogger)
        #expect(legacy.sessionToken == "legacy")
        let both = try await EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SECURITY_TOKEN": "legacy",
            "AWS_SESSION_TOKEN": "current",
        ]).credentials(logger: quietLogger)
        #expect(both.sessionToken == "current")
        #expect(both.expiration == nil)
    }

    @Test("no keys is notConfigured; half a key pair is incompleteCredentials naming the missing variable")
    func missingKeys() async throws {
        await expectCredentialsError(.notConfigured) {
            try await EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": ""]).credentials(
                logger: quietLogger
            )
        }
        let onlyID = await expectCredentialsError(.incompleteCredentials) {
            try await EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "AKID"]).credentials(
                logger: quietLogger
            )
        }
        #expect(onlyID?.message.contains("AWS_SECRET_ACCESS_KEY") == true)
        let onlySecret = await expectCredentialsError(.incompleteCredentials) {
            try await EnvironmentCredentialProvider(environment: ["AWS_SECRET_ACCESS_KEY": "very-secret"])
                .credentials(logger: quietLogger)
        }
        #expect(onlySecret?.message.contains("AWS_ACCESS_KEY_ID") == true)
        #expect(onlySecret?.description.contains("very-secret") == false)
    }

    @Test("a malformed AWS_CREDENTIAL_EXPIRATION is an invalidConfiguration error")
    func badExpiration() async throws {
        let error = await expectCredentialsError(.invalidConfiguration) {
            try await EnvironmentCredentialProvider(environment: [
                "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_CREDENTIAL_EXPIRATION": "tomorrow",
            ]).credentials(logger: quietLogger)
        }
        #expect(error?.message.contains("AWS_CREDENTIAL_EXPIRATION") == true)
    }
}

@Suite("Expiration timestamps")
struct ExpirationTimestampTests {
    @Test(
        "ISO 8601 expirations with Z, offsets and fractions are parsed to the same instant",
        arguments: [
            "2030-05-06T07:08:09Z", "2030-05-06T09:08:09+02:00", "2030-05-06T02:08:09-0500",
            "2030-05-06T07:08:09.000Z", "2030-05-06 07:08:09z",
        ]
    )
    func valid(text: String) async throws {
        let credentials = try await EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_CREDENTIAL_EXPIRATION": text,
        ]).credentials(logger: quietLogger)
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_904_281_689))
    }

    @Test(
        "malformed timestamps are rejected",
        arguments: [
            "2030-05-06", "2030-13-06T07:08:09Z", "2030-05-06T07:08:09", "2030-05-06T07:08:09+2",
            "2030-05-06T07:08:09Zx",
            "2030-05-06T24:00:00Z", "2030-05-06T07:08:09.Z", "",
        ]
    )
    func invalid(text: String) async throws {
        let environment = [
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_CREDENTIAL_EXPIRATION": text,
        ]
        if text.isEmpty {
            #expect(
                try await EnvironmentCredentialProvider(environment: environment).credentials(logger: quietLogger)
                    .expiration == nil
            )
        } else {
            await expectCredentialsError(.invalidConfiguration) {
                try await EnvironmentCredentialProvider(environment: environment).credentials(logger: quietLogger)
            }
        }
    }
}
