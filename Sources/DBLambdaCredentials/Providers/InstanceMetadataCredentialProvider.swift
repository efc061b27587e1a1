public import DBLambdaHTTP
public import DBLambdaSigV4
public import Foundation
import HTTPTypes
public import Logging

/// Fetches the credentials of the instance profile role from the EC2 instance metadata service (IMDSv2).
///
/// Flow (botocore's `InstanceMetadataFetcher`, aws-facts §6.3):
/// 1. `PUT /latest/api/token` with `x-aws-ec2-metadata-token-ttl-seconds: 21600` returns a session token.
///    HTTP 403, 404 or 405, or no answer in time, falls back to IMDSv1 (requests without a token) unless
///    `AWS_EC2_METADATA_V1_DISABLED` is `true`; HTTP 400 is an error.
/// 2. `GET /latest/meta-data/iam/security-credentials/` (header `x-aws-ec2-metadata-token`) returns the role
///    name; HTTP 404 means the instance has no role (``CredentialsError/Code/notConfigured``).
/// 3. `GET /latest/meta-data/iam/security-credentials/<role>` returns
///    `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}` (all required).
///
/// | variable | meaning |
/// |---|---|
/// | `AWS_EC2_METADATA_DISABLED` | `true` makes the provider ``CredentialsError/Code/notConfigured`` with no network I/O |
/// | `AWS_EC2_METADATA_SERVICE_ENDPOINT` | the endpoint (default `http://169.254.169.254`) |
/// | `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` | `IPv6` selects `http://[fd00:ec2::254]` |
/// | `AWS_EC2_METADATA_V1_DISABLED` | `true` forbids the IMDSv1 fallback |
/// | `AWS_METADATA_SERVICE_TIMEOUT` | seconds per request (default 1) |
/// | `AWS_METADATA_SERVICE_NUM_ATTEMPTS` | attempts per request (default 1) |
///
/// Every request is bounded by the timeout (the exchange is cancelled when it elapses). A service that never
/// answers fails with ``CredentialsError/Code/timeout`` after (1 + attempts) × timeout: the token request times
/// out once (botocore then tries IMDSv1, because a token answer can be lost to a hop limit of 1 in containers),
/// then each attempt to read the role name times out.
public struct InstanceMetadataCredentialProvider: CredentialProvider, CustomStringConvertible, CustomReflectable {
    /// Settings of the provider; `nil` values come from the environment or the defaults.
    public struct Configuration: Sendable {
        /// The endpoint; wins over `AWS_EC2_METADATA_SERVICE_ENDPOINT`. Tests point it at a loopback server.
        public var endpoint: String?
        /// The timeout of each request; wins over `AWS_METADATA_SERVICE_TIMEOUT` (default 1 second).
        public var timeout: Duration?
        /// Attempts per request; wins over `AWS_METADATA_SERVICE_NUM_ATTEMPTS` (default 1).
        public var maxAttempts: Int?
        /// Whether the IMDSv1 fallback is forbidden; wins over `AWS_EC2_METADATA_V1_DISABLED`.
        public var disableV1Fallback: Bool?
        /// Whether a timeout or connection failure of the service counts as ``CredentialsError/Code/notConfigured``
        /// (the service is simply not there, as off EC2) instead of an error. ``DefaultCredentialChain`` sets it,
        /// so its ``CredentialsError/Code/noCredentials`` error says that the service did not answer.
        public var unreachableMeansNotConfigured: Bool

        /// Creates a configuration.
        public init(
            endpoint: String? = nil,
            timeout: Duration? = nil,
            maxAttempts: Int? = nil,
            disableV1Fallback: Bool? = nil,
            unreachableMeansNotConfigured: Bool = false
        ) {
            self.endpoint = endpoint
            self.timeout = timeout
            self.maxAttempts = maxAttempts
            self.disableV1Fallback = disableV1Fallback
            self.unreachableMeansNotConfigured = unreachableMeansNotConfigured
        }
    }

    /// The environment the provider reads. Not public and not reflected: it may hold secrets.
    private let environment: [String: String]
    /// The settings.
    public let configuration: Configuration
    private let transport: any HTTPTransport

    /// Creates a provider reading `environment` (by default the process environment) on each call.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: any HTTPTransport,
        configuration: Configuration = Configuration()
    ) {
        self.environment = environment
        self.transport = transport
        self.configuration = configuration
    }

    /// `instance metadata`.
    public var sourceName: String { "instance metadata" }

    private static let credentialsPath = "/latest/meta-data/iam/security-credentials/"
    // Valid field names, so never `nil`; unwrapped with `if let` to avoid a force unwrap.
    private static let tokenHeader = HTTPField.Name("x-aws-ec2-metadata-token")
    private static let ttlHeader = HTTPField.Name("x-aws-ec2-metadata-token-ttl-seconds")

    /// The settings after applying the environment.
    private struct Settings {
        var url: EndpointURL
        var timeout: Duration
        var attempts: Int
        var v1Disabled: Bool
    }

    /// Fetches the instance profile credentials.
    public func credentials(logger: Logger) async throws -> Credentials {
        if environment["AWS_EC2_METADATA_DISABLED"]?.trimmingCharacters(in: .whitespaces).lowercased() == "true" {
            throw CredentialsError(code: .notConfigured, message: "disabled by AWS_EC2_METADATA_DISABLED")
        }
        let settings = try resolveSettings()
        do {
            return try await fetch(settings, logger: logger)
        } catch let error as CredentialsError
            where configuration.unreachableMeansNotConfigured && (error.code == .timeout || error.code == .networkError)
        {
            throw CredentialsError(code: .notConfigured, message: error.message)
        }
    }

    private func fetch(_ settings: Settings, logger: Logger) async throws -> Credentials {
        let token = try await fetchToken(settings, logger: logger)
        if token == nil, settings.v1Disabled {
            throw CredentialsError(
                code: .invalidResponse,
                message:
                    "instance metadata service at \(settings.url) gave no IMDSv2 token and the IMDSv1 fallback is "
                    + "disabled (AWS_EC2_METADATA_V1_DISABLED)"
            )
        }
        let roleBody = try await get(Self.credentialsPath, token: token, settings, logger: logger, what: "role name")
        let roleText = String(decoding: roleBody, as: UTF8.self)
        guard let role = roleText.split(whereSeparator: \.isNewline).first?.trimmingWhitespace(), !role.isEmpty else {
            throw CredentialsError(
                code: .invalidResponse,
                message: "instance metadata service at \(settings.url) returned an empty role name"
            )
        }
        let body = try await get(
            Self.credentialsPath + formEncode(String(role)),
            token: token,
            settings,
            logger: logger,
            what: "credentials"
        )
        return try MetadataCredentialsDocument.credentials(
            from: body,
            source: "instance metadata service at \(settings.url) (role \(quote(String(role))))",
            requireExpiration: true
        )
    }

    private func resolveSettings() throws -> Settings {
        let endpoint: String
        let setting: String
        if let configured = nonEmpty(configuration.endpoint) {
            (endpoint, setting) = (configured, "instance metadata endpoint")
        } else if let configured = nonEmpty(environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"]) {
            (endpoint, setting) = (configured, "AWS_EC2_METADATA_SERVICE_ENDPOINT")
        } else if environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6" {
            (endpoint, setting) = ("http://[fd00:ec2::254]", "instance metadata endpoint")
        } else {
            (endpoint, setting) = ("http://169.254.169.254", "instance metadata endpoint")
        }
        var timeout = Duration.seconds(1)
        if let configured = configuration.timeout {
            timeout = configured
        } else if let text = nonEmpty(environment["AWS_METADATA_SERVICE_TIMEOUT"]) {
            guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds > 0, seconds <= 3600 else {
                throw CredentialsError(
                    code: .invalidConfiguration,
                    message: "AWS_METADATA_SERVICE_TIMEOUT \(quote(text)) is not a positive number of seconds"
                )
            }
            timeout = .milliseconds(Int64((seconds * 1000).rounded()))
        }
        var attempts = 1
        if let configured = configuration.maxAttempts {
            attempts = max(1, configured)
        } else if let text = nonEmpty(environment["AWS_METADATA_SERVICE_NUM_ATTEMPTS"]) {
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)), (1...100).contains(number) else {
                throw CredentialsError(
                    code: .invalidConfiguration,
                    message: "AWS_METADATA_SERVICE_NUM_ATTEMPTS \(quote(text)) is not a whole number from 1 to 100"
                )
            }
            attempts = number
        }
        let v1Disabled =
            configuration.disableV1Fallback
            ?? (environment["AWS_EC2_METADATA_V1_DISABLED"]?.trimmingCharacters(in: .whitespaces).lowercased()
                == "true")
        return Settings(
            url: try EndpointURL(endpoint, setting: setting),
            timeout: timeout,
            attempts: attempts,
            v1Disabled: v1Disabled
        )
    }

    /// The IMDSv2 session token, or `nil` to fall back to IMDSv1.
    private func fetchToken(_ settings: Settings, logger: Logger) async throws -> String? {
        var headers = HTTPFields()
        if let name = Self.ttlHeader { headers[name] = "21600" }
        headers[.userAgent] = credentialsUserAgent
        let request = makeRequest(.put, settings.url, path: "/latest/api/token", headers: headers)
        var lastFailure: CredentialsError?
        for attempt in 1...settings.attempts {
            logger.debug(
                "fetching instance metadata token",
                metadata: ["endpoint": "\(settings.url)", "attempt": "\(attempt)"]
            )
            do {
                let response = try await sendWithDeadline(
                    request,
                    timeout: settings.timeout,
                    transport: transport,
                    logger: logger
                )
                switch response.status.code {
                case 200:
                    let token = String(decoding: response.body, as: UTF8.self).trimmingCharacters(
                        in: .whitespacesAndNewlines
                    )
                    if !token.isEmpty { return token }
                case 403, 404, 405:
                    logger.debug("instance metadata token refused, falling back to IMDSv1")
                    return nil
                case 400:
                    throw CredentialsError(
                        code: .invalidResponse,
                        message: "instance metadata service at \(settings.url) rejected the token request (HTTP 400)"
                    )
                default:
                    break
                }
            } catch RequestFailure.timeout {
                lastFailure = timeoutError(settings)
                if !settings.v1Disabled { return nil }
            } catch RequestFailure.transport(let reason) {
                lastFailure = CredentialsError(
                    code: .networkError,
                    message: "cannot reach the instance metadata service at \(settings.url): \(reason)"
                )
            }
        }
        if settings.v1Disabled, let lastFailure { throw lastFailure }
        return nil
    }

    /// A `GET` with the retry rule of botocore: non-200 and empty answers are retried.
    private func get(
        _ path: String,
        token: String?,
        _ settings: Settings,
        logger: Logger,
        what: String
    ) async throws -> [UInt8] {
        var headers = HTTPFields()
        headers[.userAgent] = credentialsUserAgent
        if let token, let name = Self.tokenHeader { headers[name] = token }
        let request = makeRequest(.get, settings.url, path: path, headers: headers)
        var lastError = CredentialsError(code: .networkError, message: "not called")
        for attempt in 1...settings.attempts {
            logger.debug(
                "fetching instance metadata \(what)",
                metadata: ["endpoint": "\(settings.url)", "attempt": "\(attempt)", "imds-v2": "\(token != nil)"]
            )
            do {
                let response = try await sendWithDeadline(
                    request,
                    timeout: settings.timeout,
                    transport: transport,
                    logger: logger
                )
                if response.status.code == 200, !response.body.isEmpty { return response.body }
                if response.status.code == 404, path == Self.credentialsPath {
                    lastError = CredentialsError(
                        code: .notConfigured,
                        message: "the instance metadata service at \(settings.url) reports no IAM role (HTTP 404)"
                    )
                } else {
                    lastError = CredentialsError(
                        code: .invalidResponse,
                        message:
                            "instance metadata service at \(settings.url) answered HTTP \(response.status.code)"
                            + "\(response.body.isEmpty ? " with an empty body" : "") for the \(what)"
                    )
                }
            } catch RequestFailure.timeout {
                lastError = timeoutError(settings)
            } catch RequestFailure.transport(let reason) {
                lastError = CredentialsError(
                    code: .networkError,
                    message: "cannot reach the instance metadata service at \(settings.url): \(reason)"
                )
            }
        }
        throw lastError
    }

    private func timeoutError(_ settings: Settings) -> CredentialsError {
        CredentialsError(
            code: .timeout,
            message:
                "the instance metadata service at \(settings.url) did not answer within \(describe(settings.timeout))"
        )
    }
}

extension InstanceMetadataCredentialProvider {
    /// `InstanceMetadataCredentialProvider(<source>)`, without the environment (it may hold secrets).
    public var description: String { "InstanceMetadataCredentialProvider(\(sourceName))" }

    /// A mirror with the source name only, so `dump()` cannot reveal secrets from the environment.
    public var customMirror: Mirror { Mirror(self, children: ["sourceName": sourceName], displayStyle: .struct) }
}
