import DBLambdaCore
import DBLambdaCredentials
import DBLambdaSigV4
import Foundation
import Testing

@Suite("Profile provider with real shared files")
struct ProfileCredentialProviderTests {
    @Test("the default profile is read from ~/.aws/credentials with a session token")
    func defaultProfileFromCredentialsFile() async throws {
        try await withTemporaryHome { home in
            try home.write(
                ".aws/credentials",
                """
                # a comment
                ; another comment
                [default]
                aws_access_key_id = AKIDDEFAULT
                aws_secret_access_key=default-secret
                aws_session_token   =   default-token

                [other]
                aws_access_key_id = AKIDOTHER
                aws_secret_access_key = other-secret
                """
            )
            let credentials = try await ProfileCredentialProvider(environment: home.environment())
                .credentials(logger: quietLogger)
            #expect(credentials.accessKeyID == "AKIDDEFAULT")
            #expect(credentials.secretAccessKey == "default-secret")
            #expect(credentials.sessionToken == "default-token")
        }
    }

    @Test("[profile name] sections of the config file are selected by AWS_PROFILE, AWS_DEFAULT_PROFILE or the init")
    func profileSelection() async throws {
        try await withTemporaryHome { home in
            try home.write(
                ".aws/config",
                """
                [default]
                aws_access_key_id = AKIDDEFAULT
                aws_secret_access_key = d

                [profile dev]
                region = eu-west-1
                aws_access_key_id = AKIDDEV
                aws_secret_access_key = dev-secret

                [profile   prod  ]
                aws_access_key_id = AKIDPROD
                aws_secret_access_key = prod-secret

                [dev]
                aws_access_key_id = AKIDNOTAPROFILE
                aws_secret_access_key = ignored
                """
            )
            let viaProfile = try await ProfileCredentialProvider(environment: home.environment(["AWS_PROFILE": "dev"]))
                .credentials(logger: quietLogger)
            #expect(viaProfile.accessKeyID == "AKIDDEV")
            let viaDefaultProfile = try await ProfileCredentialProvider(
                environment: home.environment(["AWS_DEFAULT_PROFILE": "prod"])
            ).credentials(logger: quietLogger)
            #expect(viaDefaultProfile.accessKeyID == "AKIDPROD")
            let both = ProfileCredentialProvider(
                environment: home.environment(["AWS_PROFILE": "dev", "AWS_DEFAULT_PROFILE": "prod"])
            )
            #expect(both.profileName == "dev")
            let explicit = ProfileCredentialProvider(
                profile: "prod",
                environment: home.environment(["AWS_PROFILE": "dev"])
            )
            #expect(try await explicit.credentials(logger: quietLogger).accessKeyID == "AKIDPROD")
            #expect(explicit.sourceName == #"profile "prod""#)
            let fallback = try await ProfileCredentialProvider(environment: home.environment())
                .credentials(logger: quietLogger)
            #expect(fallback.accessKeyID == "AKIDDEFAULT")
        }
    }

    @Test("for the same profile the credentials file's keys beat the config file's")
    func credentialsFileWins() async throws {
        try await withTemporaryHome { home in
            try home.write(
                ".aws/config",
                """
                [profile dev]
                aws_access_key_id = AKIDFROMCONFIG
                aws_secret_access_key = config-secret
                """
            )
            try home.write(
                ".aws/credentials",
                """
                [dev]
                aws_access_key_id = AKIDFROMCREDENTIALS
                aws_secret_access_key = credentials-secret
                """
            )
            let credentials = try await ProfileCredentialProvider(profile: "dev", environment: home.environment())
                .credentials(logger: quietLogger)
            #expect(credentials.accessKeyID == "AKIDFROMCREDENTIALS")
            #expect(credentials.secretAccessKey == "credentials-secret")
        }
    }

    @Test("AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE replace the default locations, with ~ expansion")
    func fileOverrides() async throws {
        try await withTemporaryHome { home in
            try home.write(
                ".aws/credentials",
                "[default]\naws_access_key_id = AKIDIGNORED\naws_secret_access_key = x\n"
            )
            try home.write("custom/creds.ini", "[default]\naws_access_key_id = AKIDCUSTOM\naws_secret_access_key = c\n")
            try home.write(
                "custom/conf.ini",
                "[profile only-in-config]\naws_access_key_id = AKIDCONF\naws_secret_access_key = c\n"
            )
            let environment = home.environment([
                "AWS_SHARED_CREDENTIALS_FILE": "~/custom/creds.ini",
                "AWS_CONFIG_FILE": home.path + "/custom/conf.ini",
            ])
            let credentials = try await ProfileCredentialProvider(environment: environment).credentials(
                logger: quietLogger
            )
            #expect(credentials.accessKeyID == "AKIDCUSTOM")
            let fromConfig = try await ProfileCredentialProvider(profile: "only-in-config", environment: environment)
                .credentials(logger: quietLogger)
            #expect(fromConfig.accessKeyID == "AKIDCONF")
        }
    }

    @Test("a line indented deeper than its key continues the value, as in botocore")
    func continuationLines() async throws {
        try await withTemporaryHome { home in
            try home.write(
                ".aws/credentials",
                "[default]\naws_access_key_id = AKID\naws_secret_access_key = first\n  second\n"
            )
            let credentials = try await ProfileCredentialProvider(environment: home.environment())
                .credentials(logger: quietLogger)
            #expect(credentials.secretAccessKey == "first\nsecond")
        }
    }

    @Test("nested sub-sections, ':' delimiters, CRLF line ends and repeated keys (last wins) are parsed")
    func iniDialect() async throws {
        try await withTemporaryHome { home in
            try home.write(
                ".aws/config",
                "[default]\r\nregion = us-west-2\r\ns3 =\r\n  addressing_style = path\r\n  signature_version = s3v4\r\n"
                    + "aws_access_key_id: AKIDFIRST\r\naws_access_key_id = AKIDLAST\r\n"
                    + "aws_secret_access_key = value;with#chars\r\n"
            )
            let credentials = try await ProfileCredentialProvider(environment: home.environment())
                .credentials(logger: quietLogger)
            #expect(credentials.accessKeyID == "AKIDLAST")
            #expect(credentials.secretAccessKey == "value;with#chars")
            #expect(try RegionResolver.resolveRegion(environment: home.environment()) == "us-west-2")
        }
    }

    @Test(
        "malformed lines are malformedFile errors naming the file and line",
        arguments: [
            ("[default]\naws_access_key_id = A\nthis line has no delimiter\n", 3),
            ("aws_access_key_id = A\n[default]\n", 1),
            ("[default]\naws_secret_access_key = x\n[broken\n", 3),
            ("[default]\n[]\n", 2),
            ("[default]\ns3 =\n  addressing_style path\n", 3),
            ("[default]\n = value\n", 2),
        ]
    )
    func malformed(text: String, line: Int) async throws {
        try await withTemporaryHome { home in
            let file = try home.write(".aws/credentials", text)
            let error = await expectCredentialsError(.malformedFile) {
                try await ProfileCredentialProvider(environment: home.environment()).credentials(logger: quietLogger)
            }
            #expect(error?.description.hasPrefix("\(file):\(line): ") == true)
        }
    }

    @Test("no files means notConfigured; an explicitly selected missing profile is profileNotFound")
    func missingProfile() async throws {
        try await withTemporaryHome { home in
            await expectCredentialsError(.notConfigured) {
                try await ProfileCredentialProvider(environment: home.environment()).credentials(logger: quietLogger)
            }
            try home.write(".aws/config", "[profile dev]\nregion = eu-west-1\n")
            let error = await expectCredentialsError(.profileNotFound) {
                try await ProfileCredentialProvider(environment: home.environment(["AWS_PROFILE": "nope"]))
                    .credentials(logger: quietLogger)
            }
            #expect(error?.message.contains("nope") == true)
            let regionOnly = await expectCredentialsError(.notConfigured) {
                try await ProfileCredentialProvider(profile: "dev", environment: home.environment())
                    .credentials(logger: quietLogger)
            }
            #expect(regionOnly?.message.contains("dev") == true)
        }
    }

    @Test("half a key pair is incompleteCredentials naming the missing key, the line, and never the value")
    func incompleteKeys() async throws {
        try await withTemporaryHome { home in
            let file = try home.write(".aws/credentials", "[default]\n\naws_secret_access_key = super-secret-value\n")
            let error = await expectCredentialsError(.incompleteCredentials) {
                try await ProfileCredentialProvider(environment: home.environment()).credentials(logger: quietLogger)
            }
            #expect(error?.message.contains("aws_access_key_id") == true)
            #expect(error?.description.hasPrefix("\(file):3: ") == true)
            #expect(error.map { String(reflecting: $0).contains("super-secret-value") } == false)
        }
    }

    @Test("assume-role and SSO profiles are reported as unsupported instead of falling through")
    func unsupportedSources() async throws {
        try await withTemporaryHome { home in
            try home.write(
                ".aws/config",
                """
                [profile chained]
                role_arn = arn:aws:iam::123456789012:role/r
                source_profile = default

                [profile sso]
                sso_session = corp
                sso_account_id = 123456789012
                """
            )
            await expectCredentialsError(.unsupportedCredentialSource) {
                try await ProfileCredentialProvider(profile: "chained", environment: home.environment())
                    .credentials(logger: quietLogger)
            }
            await expectCredentialsError(.unsupportedCredentialSource) {
                try await ProfileCredentialProvider(profile: "sso", environment: home.environment())
                    .credentials(logger: quietLogger)
            }
        }
    }

    @Test("[profile default] and [default] both name the default profile in the config file; other sections do not")
    func defaultSectionSpellings() async throws {
        try await withTemporaryHome { home in
            try home.write(
                ".aws/config",
                "[profile default]\naws_access_key_id = AKIDPROFILEDEFAULT\naws_secret_access_key = s\n"
                    + "[sso-session corp]\nsso_region = us-east-1\n"
            )
            let credentials = try await ProfileCredentialProvider(environment: home.environment())
                .credentials(logger: quietLogger)
            #expect(credentials.accessKeyID == "AKIDPROFILEDEFAULT")
            await expectCredentialsError(.profileNotFound) {
                try await ProfileCredentialProvider(profile: "sso-session corp", environment: home.environment())
                    .credentials(logger: quietLogger)
            }
        }
    }

    @Test("a file that is a directory is fileNotReadable")
    func unreadableFile() async throws {
        try await withTemporaryHome { home in
            try FileManager.default.createDirectory(
                atPath: home.path + "/.aws/credentials",
                withIntermediateDirectories: true
            )
            await expectCredentialsError(.fileNotReadable) {
                try await ProfileCredentialProvider(environment: home.environment()).credentials(logger: quietLogger)
            }
        }
    }
}
