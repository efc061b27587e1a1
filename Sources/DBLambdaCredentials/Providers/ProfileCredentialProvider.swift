import DBLambdaCore
public import DBLambdaHTTP
public import DBLambdaSigV4
public import Foundation
public import Logging

/// Reads credentials for one profile of the AWS shared files (`~/.aws/config` and `~/.aws/credentials`).
///
/// **Files.** `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` override the default locations; `~`
/// expands to `HOME`. The profile is the `profile` argument, else `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`,
/// else `default`. In the config file a profile is `[profile name]` (or `[default]`); in the credentials file
/// it is `[name]`.
///
/// **Order within the profile** (botocore's order for the sources this package supports):
/// 1. `role_arn` + `web_identity_token_file` (+ `role_session_name`): AWS STS `AssumeRoleWithWebIdentity`;
/// 2. `aws_access_key_id` + `aws_secret_access_key` (+ `aws_session_token`) in the **credentials** file;
/// 3. `credential_process` (the credentials file's value wins over the config file's);
/// 4. `aws_access_key_id` + `aws_secret_access_key` (+ `aws_session_token`) in the **config** file.
///
/// A profile that uses `role_arn` with `source_profile` or `credential_source` (assume-role chaining) or
/// SSO settings, and has none of the above, fails with ``CredentialsError/Code/unsupportedCredentialSource``.
///
/// **Not configured vs failed.** No files, or the `default` profile missing, or a profile without any
/// credential settings is ``CredentialsError/Code/notConfigured``. A malformed file, an explicitly selected
/// profile that does not exist, half a key pair or a failing `credential_process` are errors.
///
/// **`credential_process`** is split into words like a POSIX shell would (quotes, backslashes) but run
/// **without** a shell, as botocore does; a first word without `/` is looked up in `PATH`. It must print
/// `{"Version": 1, "AccessKeyId": …, "SecretAccessKey": …, "SessionToken"?: …, "Expiration"?: …}`. A non-zero
/// exit, other output or a run longer than ``Configuration/processTimeout`` is
/// ``CredentialsError/Code/credentialProcessFailed``; the message quotes the first line of the command's
/// standard error, never its standard output.
public struct ProfileCredentialProvider: CredentialProvider, CustomStringConvertible, CustomReflectable {
    /// Settings of the provider.
    public struct Configuration: Sendable {
        /// The longest a `credential_process` command may run. Default 60 seconds.
        public var processTimeout: Duration
        /// Settings of the STS call for web identity profiles.
        public var webIdentity: WebIdentityCredentialProvider.Configuration

        /// Creates a configuration.
        public init(
            processTimeout: Duration = .seconds(60),
            webIdentity: WebIdentityCredentialProvider.Configuration = .init()
        ) {
            self.processTimeout = processTimeout
            self.webIdentity = webIdentity
        }
    }

    /// The explicitly selected profile, if any (`nil` reads `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`).
    public let profile: String?
    /// The environment the provider reads. Not public and not reflected: it may hold secrets.
    private let environment: [String: String]
    /// The settings.
    public let configuration: Configuration
    private let transport: (any HTTPTransport)?

    /// Creates a provider.
    /// - Parameters:
    ///   - profile: The profile to read; `nil` uses `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`.
    ///   - environment: The environment (by default the process environment).
    ///   - transport: How to reach STS for web identity profiles; without one such profiles fail.
    ///   - configuration: Timeouts.
    public init(
        profile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: (any HTTPTransport)? = nil,
        configuration: Configuration = Configuration()
    ) {
        self.profile = nonEmpty(profile)
        self.environment = environment
        self.transport = transport
        self.configuration = configuration
    }

    /// The profile name in effect: the explicit one, else `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else
    /// `default`.
    public var profileName: String {
        SharedConfigFiles.profileName(explicit: profile, environment: environment)
    }

    /// `profile "<name>"`.
    public var sourceName: String { "profile \(quote(profileName))" }

    /// Returns the credentials of the profile.
    public func credentials(logger: Logger) async throws -> Credentials {
        let name = profileName
        let source = sourceName
        let files = try SharedConfigFiles(environment: environment)
        let inCredentials = files.credentialsProfile(name)
        let inConfig = files.configProfile(name)
        guard inCredentials != nil || inConfig != nil else {
            let selected =
                profile != nil || nonEmpty(environment["AWS_PROFILE"]) != nil
                || nonEmpty(environment["AWS_DEFAULT_PROFILE"]) != nil
            let searched = [files.configPath, files.credentialsPath].compactMap { $0 }.map(quote)
            let searchedText =
                searched.isEmpty ? "the shared files (HOME is not set)" : searched.joined(separator: " or ")
            if selected, name != "default" {
                throw CredentialsError(
                    code: .profileNotFound,
                    message: "profile \(quote(name)) is not in \(searchedText)"
                )
            }
            throw CredentialsError(code: .notConfigured, message: "no profile \(quote(name)) in \(searchedText)")
        }

        // 1. Web identity in the profile.
        if let roleARN = files.value("role_arn", profile: name) {
            if let tokenFile = files.value("web_identity_token_file", profile: name) {
                guard let transport else {
                    throw CredentialsError(
                        code: .invalidConfiguration,
                        message: "\(source) uses web_identity_token_file but the provider has no HTTP transport"
                    )
                }
                logger.debug("resolving credentials with web identity", metadata: ["source": "\(source)"])
                let region = RegionResolver.region(from: files, profile: name, environment: environment)
                return try await AssumeRoleWithWebIdentity(
                    tokenFile: SharedConfigFiles.expandTilde(tokenFile, environment: environment) ?? tokenFile,
                    roleARN: roleARN,
                    sessionName: files.value("role_session_name", profile: name)
                        ?? "dblambda-session-\(Int(configuration.webIdentity.now().timeIntervalSince1970))",
                    endpoint: WebIdentityCredentialProvider.stsEndpoint(region: region, environment: environment),
                    timeout: configuration.webIdentity.timeout
                ).call(transport: transport, logger: logger)
            }
        }

        // 2. Static keys in the credentials file.
        if let section = inCredentials, let credentials = try staticKeys(section, file: files.credentialsPath) {
            logger.debug("using static keys from the shared credentials file", metadata: ["source": "\(source)"])
            return credentials
        }

        // 3. credential_process.
        if let command = files.value("credential_process", profile: name), !command.isEmpty {
            logger.debug("running credential_process", metadata: ["source": "\(source)"])
            return try await CredentialProcessRunner(
                commandLine: command,
                environment: environment,
                timeout: configuration.processTimeout,
                source: source
            ).run()
        }

        // 4. Static keys in the config file.
        if let section = inConfig, let credentials = try staticKeys(section, file: files.configPath) {
            logger.debug("using static keys from the shared config file", metadata: ["source": "\(source)"])
            return credentials
        }

        for key in ["role_arn", "sso_session", "sso_start_url", "sso_account_id"] {
            if files.value(key, profile: name) != nil {
                let detail =
                    key == "role_arn"
                    ? "assume-role profiles (role_arn with source_profile or credential_source) are not supported"
                    : "SSO profiles are not supported"
                throw CredentialsError(
                    code: .unsupportedCredentialSource,
                    message: "\(source) has no credentials this package can use: \(detail)",
                    location: files.location(of: key, profile: name)
                )
            }
        }
        throw CredentialsError(code: .notConfigured, message: "\(source) has no credentials")
    }

    /// The static keys of `section`, `nil` when it has neither key, an error when it has only one.
    private func staticKeys(_ section: INISection, file: String?) throws -> Credentials? {
        let accessKey = section.entries["aws_access_key_id"]
        let secretKey = section.entries["aws_secret_access_key"]
        switch (accessKey, secretKey) {
        case (nil, nil):
            return nil
        case (.some(let entry), nil):
            throw CredentialsError(
                code: .incompleteCredentials,
                message: "\(sourceName) sets aws_access_key_id but not aws_secret_access_key",
                location: InputLocation(file: file, line: entry.line)
            )
        case (nil, .some(let entry)):
            throw CredentialsError(
                code: .incompleteCredentials,
                message: "\(sourceName) sets aws_secret_access_key but not aws_access_key_id",
                location: InputLocation(file: file, line: entry.line)
            )
        case (.some(let access), .some(let secret)):
            guard let accessText = nonEmpty(access.text) else {
                throw CredentialsError(
                    code: .incompleteCredentials,
                    message: "\(sourceName) has an empty aws_access_key_id",
                    location: InputLocation(file: file, line: access.line)
                )
            }
            guard let secretText = nonEmpty(secret.text) else {
                throw CredentialsError(
                    code: .incompleteCredentials,
                    message: "\(sourceName) has an empty aws_secret_access_key",
                    location: InputLocation(file: file, line: secret.line)
                )
            }
            let token =
                nonEmpty(section.entries["aws_session_token"]?.text)
                ?? nonEmpty(section.entries["aws_security_token"]?.text)
            return Credentials(accessKeyID: accessText, secretAccessKey: secretText, sessionToken: token)
        }
    }
}

extension ProfileCredentialProvider {
    /// `ProfileCredentialProvider(<source>)`, without the environment (it may hold secrets).
    public var description: String { "ProfileCredentialProvider(\(sourceName))" }

    /// A mirror with the source name only, so `dump()` cannot reveal secrets from the environment.
    public var customMirror: Mirror { Mirror(self, children: ["sourceName": sourceName], displayStyle: .struct) }
}
