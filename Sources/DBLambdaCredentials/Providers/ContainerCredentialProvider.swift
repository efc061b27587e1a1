public import DBLambdaHTTP
public import DBLambdaSigV4
public import Foundation
import HTTPTypes
public import Logging

/// Fetches credentials from the container credentials endpoint of Amazon ECS and EKS Pod Identity.
///
/// | variable | meaning |
/// |---|---|
/// | `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` | path on `http://169.254.170.2` (ECS task roles); wins over the full URI |
/// | `AWS_CONTAINER_CREDENTIALS_FULL_URI` | a complete URL (EKS Pod Identity, custom agents) |
/// | `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` | file whose content is sent as `Authorization` (re-read on each call) |
/// | `AWS_CONTAINER_AUTHORIZATION_TOKEN` | the `Authorization` value itself, when no token file is set |
///
/// A full URI must use `https`, or plain `http` to a loopback address (`127.0.0.0/8`, `::1`, `localhost`) or
/// to one of the container hosts `169.254.170.2`, `169.254.170.23` and `fd00:ec2::23`; any other `http` host
/// is ``CredentialsError/Code/endpointNotAllowed``. Host names are not resolved to check for loopback (botocore
/// does resolve them). The endpoint answers
/// `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}`. Each attempt has a timeout (default 2 s) and
/// failed attempts are repeated (default 3 attempts, 1 s apart), as botocore does.
public struct ContainerCredentialProvider: CredentialProvider, CustomStringConvertible, CustomReflectable {
    /// Settings of the provider.
    public struct Configuration: Sendable {
        /// The timeout of each attempt. Default 2 seconds.
        public var timeout: Duration
        /// The number of attempts. Default 3.
        public var maxAttempts: Int
        /// The pause between attempts. Default 1 second.
        public var retryDelay: Duration
        /// The base URL that `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is appended to. Default
        /// `http://169.254.170.2`; tests point it at a loopback server.
        public var relativeURIBase: String

        /// Creates a configuration.
        public init(
            timeout: Duration = .seconds(2),
            maxAttempts: Int = 3,
            retryDelay: Duration = .seconds(1),
            relativeURIBase: String = "http://169.254.170.2"
        ) {
            self.timeout = timeout
            self.maxAttempts = maxAttempts
            self.retryDelay = retryDelay
            self.relativeURIBase = relativeURIBase
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

    /// `container`.
    public var sourceName: String { "container" }

    /// The hosts plain `http` full URIs may point at besides loopback addresses.
    static let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"]

    /// Fetches the credentials.
    public func credentials(logger: Logger) async throws -> Credentials {
        let url = try endpoint()
        var headers = HTTPFields()
        headers[.accept] = "application/json"
        headers[.userAgent] = credentialsUserAgent
        if let authorization = try authorizationToken() {
            headers[.authorization] = authorization
        }
        let request = makeRequest(.get, url, headers: headers)
        let source = "container credentials endpoint \(url)"
        var lastError = CredentialsError(code: .networkError, message: "\(source) was not called")
        for attempt in 1...max(1, configuration.maxAttempts) {
            if attempt > 1 { try await Task.sleep(for: configuration.retryDelay) }
            logger.debug("fetching container credentials", metadata: ["endpoint": "\(url)", "attempt": "\(attempt)"])
            do {
                let response = try await sendWithDeadline(
                    request,
                    timeout: configuration.timeout,
                    transport: transport,
                    logger: logger
                )
                guard response.status.code == 200 else {
                    lastError = CredentialsError(
                        code: .invalidResponse,
                        message: "\(source) answered HTTP \(response.status.code)"
                    )
                    continue
                }
                return try MetadataCredentialsDocument.credentials(
                    from: response.body,
                    source: source,
                    requireExpiration: false
                )
            } catch RequestFailure.timeout {
                lastError = CredentialsError(
                    code: .timeout,
                    message: "\(source) did not answer within \(describe(configuration.timeout))"
                )
            } catch RequestFailure.transport(let reason) {
                lastError = CredentialsError(code: .networkError, message: "cannot reach \(source): \(reason)")
            } catch let error as CredentialsError {
                lastError = error
            }
        }
        throw lastError
    }

    /// The endpoint from the environment, checked against the allowed hosts.
    private func endpoint() throws -> EndpointURL {
        if let relative = nonEmpty(environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]) {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            var base = configuration.relativeURIBase
            while base.hasSuffix("/") { base.removeLast() }
            return try EndpointURL(base + path, setting: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        }
        guard let full = nonEmpty(environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"]) else {
            throw CredentialsError(
                code: .notConfigured,
                message: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set"
            )
        }
        let url = try EndpointURL(full, setting: "AWS_CONTAINER_CREDENTIALS_FULL_URI")
        if url.scheme == "http", !url.isLoopback, !Self.allowedHTTPHosts.contains(url.host) {
            throw CredentialsError(
                code: .endpointNotAllowed,
                message:
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI host \(quote(url.host)) is not allowed over plain http; "
                    + "use https, a loopback address or 169.254.170.2, 169.254.170.23, fd00:ec2::23"
            )
        }
        return url
    }

    /// The `Authorization` value: the token file's content (re-read now) or the token variable.
    private func authorizationToken() throws -> String? {
        if let file = nonEmpty(environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]) {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw CredentialsError(
                    code: .fileNotReadable,
                    message: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(quote(file))"
                )
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty, !token.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                throw CredentialsError(
                    code: .invalidConfiguration,
                    message: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(quote(file)) is empty or has several lines"
                )
            }
            return token
        }
        guard let token = nonEmpty(environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"]) else { return nil }
        guard !token.contains(where: { $0 == "\r" || $0 == "\n" }) else {
            throw CredentialsError(
                code: .invalidConfiguration,
                message: "AWS_CONTAINER_AUTHORIZATION_TOKEN contains a line break"
            )
        }
        return token
    }
}

extension ContainerCredentialProvider {
    /// `ContainerCredentialProvider(<source>)`, without the environment (it may hold secrets).
    public var description: String { "ContainerCredentialProvider(\(sourceName))" }

    /// A mirror with the source name only, so `dump()` cannot reveal secrets from the environment.
    public var customMirror: Mirror { Mirror(self, children: ["sourceName": sourceName], displayStyle: .struct) }
}
