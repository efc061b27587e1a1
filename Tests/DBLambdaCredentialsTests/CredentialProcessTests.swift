import DBLambdaCredentials
import DBLambdaSigV4
import Foundation
import Testing

@Suite("credential_process with real scripts")
struct CredentialProcessTests {
    /// Writes `script` as an executable and a config whose default profile runs it with `arguments`.
    private func setUp(_ home: TemporaryHome, script: String, arguments: String = "") throws -> [String: String] {
        let path = try home.write("bin/creds.sh", "#!/bin/sh\n" + script, executable: true)
        try home.write(".aws/config", "[default]\ncredential_process = \(path) \(arguments)\n")
        return home.environment()
    }

    @Test("a successful process's JSON becomes credentials, and quoted arguments reach it unsplit")
    func success() async throws {
        try await withTemporaryHome { home in
            let environment = try setUp(
                home,
                script: """
                    [ "$1" = "two words" ] || { echo "bad argument: $1" >&2; exit 3; }
                    [ "$2" = 'it"s' ] || { echo "bad second argument: $2" >&2; exit 4; }
                    cat <<'JSON'
                    {"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "process-secret",
                     "SessionToken": "process-token", "Expiration": "2099-12-31T23:59:59.123+00:00"}
                    JSON
                    """,
                arguments: #"'two words' "it\"s""#
            )
            let credentials = try await ProfileCredentialProvider(environment: environment).credentials(
                logger: quietLogger
            )
            #expect(credentials.accessKeyID == "AKIDPROCESS")
            #expect(credentials.secretAccessKey == "process-secret")
            #expect(credentials.sessionToken == "process-token")
            let expiration = try #require(credentials.expiration)
            #expect(abs(expiration.timeIntervalSince1970 - 4_102_444_799.123) < 0.001)
        }
    }

    @Test("a program name without a slash is found in PATH")
    func pathLookup() async throws {
        try await withTemporaryHome { home in
            try home.write(
                "bin/my-creds",
                "#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"AKIDPATH\",\"SecretAccessKey\":\"s\"}'\n",
                executable: true
            )
            try home.write(".aws/config", "[default]\ncredential_process = my-creds --flag\n")
            let environment = home.environment(["PATH": "\(home.path)/bin:/usr/bin:/bin"])
            let credentials = try await ProfileCredentialProvider(environment: environment).credentials(
                logger: quietLogger
            )
            #expect(credentials.accessKeyID == "AKIDPATH")
            #expect(credentials.sessionToken == nil)
            #expect(credentials.expiration == nil)
        }
    }

    @Test("a non-zero exit is credentialProcessFailed with the first stderr line but never stdout")
    func nonZeroExit() async throws {
        try await withTemporaryHome { home in
            let environment = try setUp(
                home,
                script: """
                    echo '{"Version":1,"AccessKeyId":"AKIDLEAK","SecretAccessKey":"stdout-secret"}'
                    echo "login expired: run sso login" >&2
                    echo "second line" >&2
                    exit 7
                    """
            )
            let error = await expectCredentialsError(.credentialProcessFailed) {
                try await ProfileCredentialProvider(environment: environment).credentials(logger: quietLogger)
            }
            let text = error.map { String(reflecting: $0) } ?? ""
            #expect(text.contains("status 7"))
            #expect(text.contains("login expired: run sso login"))
            #expect(!text.contains("second line"))
            #expect(!text.contains("stdout-secret"))
            #expect(!text.contains("AKIDLEAK"))
        }
    }

    @Test("output that is not JSON is credentialProcessFailed without quoting the output")
    func badJSON() async throws {
        try await withTemporaryHome { home in
            let environment = try setUp(home, script: "echo 'SecretAccessKey=not-json-secret'\n")
            let error = await expectCredentialsError(.credentialProcessFailed) {
                try await ProfileCredentialProvider(environment: environment).credentials(logger: quietLogger)
            }
            #expect(error?.message.contains("not a JSON object") == true)
            #expect(error?.message.contains("not-json-secret") == false)
        }
    }

    @Test("Version 2 and missing fields are credentialProcessFailed")
    func wrongVersion() async throws {
        try await withTemporaryHome { home in
            let environment = try setUp(
                home,
                script: "echo '{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"version-two-secret\"}'\n"
            )
            let error = await expectCredentialsError(.credentialProcessFailed) {
                try await ProfileCredentialProvider(environment: environment).credentials(logger: quietLogger)
            }
            #expect(error?.message.contains("Version 2") == true)
            #expect(error?.message.contains("version-two-secret") == false)
        }
        try await withTemporaryHome { home in
            let environment = try setUp(home, script: "echo '{\"Version\":1,\"AccessKeyId\":\"A\"}'\n")
            let error = await expectCredentialsError(.credentialProcessFailed) {
                try await ProfileCredentialProvider(environment: environment).credentials(logger: quietLogger)
            }
            #expect(error?.message.contains("SecretAccessKey") == true)
        }
    }

    @Test("a process that runs too long is killed and reported within the timeout")
    func timeout() async throws {
        try await withTemporaryHome { home in
            let environment = try setUp(home, script: "exec sleep 600\n")
            let clock = ContinuousClock()
            let started = clock.now
            let error = await expectCredentialsError(.credentialProcessFailed) {
                try await ProfileCredentialProvider(
                    environment: environment,
                    configuration: .init(processTimeout: .milliseconds(300))
                ).credentials(logger: quietLogger)
            }
            #expect(clock.now - started < .seconds(120))
            #expect(error?.message.contains("did not finish") == true)
        }
    }

    @Test("a missing program and an unterminated quote are clear errors")
    func launchErrors() async throws {
        try await withTemporaryHome { home in
            try home.write(".aws/config", "[default]\ncredential_process = no-such-program-xyz\n")
            let missing = await expectCredentialsError(.credentialProcessFailed) {
                try await ProfileCredentialProvider(environment: home.environment()).credentials(logger: quietLogger)
            }
            #expect(missing?.message.contains("no-such-program-xyz") == true)
            try home.write(".aws/config", "[default]\ncredential_process = /bin/echo 'unterminated\n")
            await expectCredentialsError(.invalidConfiguration) {
                try await ProfileCredentialProvider(environment: home.environment()).credentials(logger: quietLogger)
            }
        }
    }

    @Test("static keys in the credentials file beat credential_process, which beats config-file keys")
    func orderWithinProfile() async throws {
        try await withTemporaryHome { home in
            let script = try home.write(
                "bin/p.sh",
                "#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"AKIDPROCESS\",\"SecretAccessKey\":\"s\"}'\n",
                executable: true
            )
            try home.write(
                ".aws/config",
                "[default]\ncredential_process = \(script)\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = c\n"
            )
            let fromProcess = try await ProfileCredentialProvider(environment: home.environment())
                .credentials(logger: quietLogger)
            #expect(fromProcess.accessKeyID == "AKIDPROCESS")
            try home.write(
                ".aws/credentials",
                "[default]\naws_access_key_id = AKIDCREDFILE\naws_secret_access_key = c\n"
            )
            let fromCredentialsFile = try await ProfileCredentialProvider(environment: home.environment())
                .credentials(logger: quietLogger)
            #expect(fromCredentialsFile.accessKeyID == "AKIDCREDFILE")
        }
    }
}
