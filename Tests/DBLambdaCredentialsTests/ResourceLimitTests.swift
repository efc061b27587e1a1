import DBLambdaCredentials
import DBLambdaSigV4
import Foundation
import Testing

@Suite("Resource limits of the shared config files")
struct ResourceLimitTests {
    @Test("a credentials file over 4 MiB is malformedFile naming the file and the limit")
    func oversizedFile() async throws {
        try await withTemporaryHome { home in
            let comment = "# " + String(repeating: "x", count: 4 * 1024 * 1024) + "\n"
            let path = try home.write(".aws/credentials", comment + "[default]\naws_access_key_id = AKIDBIG\n")
            let error = await expectCredentialsError(.malformedFile) {
                try await ProfileCredentialProvider(environment: home.environment()).credentials(logger: quietLogger)
            }
            #expect(error?.description.contains(path) == true)
            #expect(error?.description.contains("4194304 bytes") == true)
        }
    }

    @Test("AWS_CONFIG_FILE=/dev/zero (an endless file) stops at the limit instead of exhausting memory")
    func endlessFile() async throws {
        try await withTemporaryHome { home in
            let environment = home.environment(["AWS_CONFIG_FILE": "/dev/zero"])
            await expectCredentialsError(.malformedFile) {
                try await ProfileCredentialProvider(environment: environment).credentials(logger: quietLogger)
            }
        }
    }

    @Test("a config file just under the limit with many profiles still resolves")
    func largeValidFile() async throws {
        try await withTemporaryHome { home in
            var text = ""
            for index in 0..<20_000 {
                text += "[profile p\(index)]\nregion = us-east-1\noutput = json\n"
            }
            text += "[default]\naws_access_key_id = AKIDLARGE\naws_secret_access_key = large-secret\n"
            try home.write(".aws/config", text)
            let credentials = try await ProfileCredentialProvider(environment: home.environment()).credentials(
                logger: quietLogger
            )
            #expect(credentials.accessKeyID == "AKIDLARGE")
        }
    }
}
