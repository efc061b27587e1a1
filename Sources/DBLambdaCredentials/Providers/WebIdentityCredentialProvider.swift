import DBLambdaCore
public import DBLambdaHTTP
public import DBLambdaSigV4
public import Foundation
import HTTPTypes
public import Logging

/// Exchanges a web identity token (an OIDC token from EKS IRSA, GitHub Actions, …) for temporary credentials
/// with AWS STS `AssumeRoleWithWebIdentity`.
///
/// The request is **unsigned**: a `POST` of the form body
/// `Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=…&RoleSessionName=…&WebIdentityToken=…`.
/// The token file is read again on every call, because the orchestrator rotates it. The token never appears
/// in an error or a log line.
///
/// The STS endpoint is `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else `https://sts.<region>.<suffix>`
/// for the region given (the DNS suffix of the region's partition, for example `amazonaws.com.cn` for
/// `cn-north-1`), else the global `https://sts.amazonaws.com`.
public struct WebIdentityCredentialProvider: CredentialProvider, CustomStringConvertible, CustomReflectable {
    /// Settings of the STS call.
    public struct Configuration: Sendable {
        /// The longest the STS call may take. Default 10 seconds.
        public var timeout: Duration
        /// The clock, used for the default session name.
        public var now: @Sendable () -> Date

        /// Creates a configuration.
        public init(timeout: Duration = .seconds(10), now: @escaping @Sendable () -> Date = { Date() }) {
            self.timeout = timeout
            self.now = now
        }
    }

    private enum Source: Sendable {
        case fixed(tokenFile: String, roleARN: String, sessionName: String?, endpoint: String)
        case environment([String: String], region: String?)
    }

    private let source: Source
    private let transport: any HTTPTransport
    /// The settings of the STS call.
    public let configuration: Configuration

    /// Creates a provider reading `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and the optional
    /// `AWS_ROLE_SESSION_NAME` from `environment` on each call.
    ///
    /// Neither variable set is ``CredentialsError/Code/notConfigured``; only one of them is
    /// ``CredentialsError/Code/incompleteCredentials``.
    /// - Parameters:
    ///   - environment: The variables (by default the process environment); also read for endpoint overrides.
    ///   - region: The region whose regional STS endpoint is used; `nil` uses the global endpoint.
    ///   - transport: How to reach STS.
    ///   - configuration: Timeout and clock.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        region: String?,
        transport: any HTTPTransport,
        configuration: Configuration = Configuration()
    ) {
        self.source = .environment(environment, region: region)
        self.transport = transport
        self.configuration = configuration
    }

    /// Creates a provider with explicit settings.
    /// - Parameters:
    ///   - tokenFile: The file holding the web identity token (re-read on each call).
    ///   - roleARN: The role to assume.
    ///   - roleSessionName: The session name; `nil` generates `dblambda-session-<unix time>`.
    ///   - stsEndpoint: The STS endpoint URL, for example `https://sts.eu-west-1.amazonaws.com`.
    ///   - transport: How to reach STS.
    ///   - configuration: Timeout and clock.
    public init(
        tokenFile: String,
        roleARN: String,
        roleSessionName: String? = nil,
        stsEndpoint: String,
        transport: any HTTPTransport,
        configuration: Configuration = Configuration()
    ) {
        self.source = .fixed(
            tokenFile: tokenFile,
            roleARN: roleARN,
            sessionName: roleSessionName,
            endpoint: stsEndpoint
        )
        self.transport = transport
        self.configuration = configuration
    }

    /// `web identity`.
    public var sourceName: String { "web identity" }

    /// The STS endpoint for `region` and `environment`: `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else
    /// the regional endpoint, else the global one.
    public static func stsEndpoint(region: String?, environment: [String: String]) -> String {
        if let url = nonEmpty(environment["AWS_ENDPOINT_URL_STS"]) ?? nonEmpty(environment["AWS_ENDPOINT_URL"]) {
            return url
        }
        guard let region = nonEmpty(region) else { return "https://sts.amazonaws.com" }
        // The partition of a well-formed region decides the DNS suffix (a malformed one keeps `amazonaws.com`).
        let suffix = Partition.for(region: region)?.dnsSuffix ?? Partition.aws.dnsSuffix
        return "https://sts.\(region).\(suffix)"
    }

    /// Calls STS and returns the temporary credentials.
    public func credentials(logger: Logger) async throws -> Credentials {
        let settings: (tokenFile: String, roleARN: String, sessionName: String?, endpoint: String)
        switch source {
        case .fixed(let tokenFile, let roleARN, let sessionName, let endpoint):
            settings = (tokenFile, roleARN, sessionName, endpoint)
        case .environment(let environment, let region):
            let tokenFile = nonEmpty(environment["AWS_WEB_IDENTITY_TOKEN_FILE"])
            let roleARN = nonEmpty(environment["AWS_ROLE_ARN"])
            switch (tokenFile, roleARN) {
            case (nil, nil):
                throw CredentialsError(
                    code: .notConfigured,
                    message: "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set"
                )
            case (.some, nil):
                throw CredentialsError(
                    code: .incompleteCredentials,
                    message: "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"
                )
            case (nil, .some):
                throw CredentialsError(
                    code: .incompleteCredentials,
                    message: "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not"
                )
            case (.some(let tokenFile), .some(let roleARN)):
                settings = (
                    tokenFile, roleARN, nonEmpty(environment["AWS_ROLE_SESSION_NAME"]),
                    Self.stsEndpoint(region: region, environment: environment)
                )
            }
        }
        return try await AssumeRoleWithWebIdentity(
            tokenFile: settings.tokenFile,
            roleARN: settings.roleARN,
            sessionName: settings.sessionName ?? "dblambda-session-\(Int(configuration.now().timeIntervalSince1970))",
            endpoint: settings.endpoint,
            timeout: configuration.timeout
        ).call(transport: transport, logger: logger)
    }
}

extension WebIdentityCredentialProvider {
    /// `WebIdentityCredentialProvider(web identity)`, without the environment (it may hold secrets).
    public var description: String { "WebIdentityCredentialProvider(\(sourceName))" }

    /// A mirror with the source name only, so `dump()` cannot reveal secrets from the environment.
    public var customMirror: Mirror { Mirror(self, children: ["sourceName": sourceName], displayStyle: .struct) }
}

/// One `AssumeRoleWithWebIdentity` call.
struct AssumeRoleWithWebIdentity: Sendable {
    var tokenFile: String
    var roleARN: String
    var sessionName: String
    var endpoint: String
    var timeout: Duration

    func call(transport: any HTTPTransport, logger: Logger) async throws -> Credentials {
        let url = try EndpointURL(endpoint, setting: "STS endpoint")
        let token = try readToken()
        let body =
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=\(formEncode(roleARN))"
            + "&RoleSessionName=\(formEncode(sessionName))&WebIdentityToken=\(formEncode(token))"
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded; charset=utf-8"
        headers[.accept] = "application/xml"
        headers[.userAgent] = credentialsUserAgent
        let request = makeRequest(.post, url, headers: headers)
        logger.debug(
            "calling STS AssumeRoleWithWebIdentity",
            metadata: ["endpoint": "\(url)", "role-arn": "\(roleARN)", "session-name": "\(sessionName)"]
        )
        let response: HTTPTransportResponse
        do {
            response = try await sendWithDeadline(
                request,
                body: Array(body.utf8),
                timeout: timeout,
                transport: transport,
                logger: logger
            )
        } catch RequestFailure.timeout {
            throw CredentialsError(code: .timeout, message: "STS at \(url) did not answer within \(describe(timeout))")
        } catch RequestFailure.transport(let reason) {
            throw CredentialsError(code: .networkError, message: "cannot reach STS at \(url): \(reason)")
        }
        let xml = Substring(String(decoding: response.body, as: UTF8.self))
        guard response.status.code == 200 else {
            if let error = QueryXML.element("Error", in: xml), let code = QueryXML.text(of: "Code", in: xml[error]) {
                let message = QueryXML.text(of: "Message", in: xml[error]).map { redact(token, in: $0) } ?? ""
                throw CredentialsError(
                    code: .stsError,
                    message:
                        "STS AssumeRoleWithWebIdentity failed with \(oneLine(code)): \(oneLine(message)) "
                        + "(HTTP \(response.status.code), role \(roleARN))"
                )
            }
            throw CredentialsError(
                code: .invalidResponse,
                message: "STS at \(url) answered HTTP \(response.status.code) without an error document"
            )
        }
        guard let block = QueryXML.element("Credentials", in: xml) else {
            throw CredentialsError(code: .invalidResponse, message: "STS response has no <Credentials> element")
        }
        func field(_ name: String) throws -> String {
            guard let value = QueryXML.text(of: name, in: xml[block])?.trimmingWhitespace(), !value.isEmpty else {
                throw CredentialsError(code: .invalidResponse, message: "STS response has no <\(name)>")
            }
            return String(value)
        }
        let expirationText = try field("Expiration")
        guard let expiration = Timestamp.parse(expirationText) else {
            throw CredentialsError(
                code: .invalidResponse,
                message: "STS response <Expiration> \(quote(expirationText)) is not an ISO 8601 timestamp"
            )
        }
        return Credentials(
            accessKeyID: try field("AccessKeyId"),
            secretAccessKey: try field("SecretAccessKey"),
            sessionToken: try field("SessionToken"),
            expiration: expiration
        )
    }

    /// Reads the token file; the token itself never goes into a message.
    private func readToken() throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: tokenFile))
        } catch {
            throw CredentialsError(
                code: .fileNotReadable,
                message: "cannot read the web identity token file \(quote(tokenFile))"
            )
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw CredentialsError(
                code: .fileNotReadable,
                message: "the web identity token file \(quote(tokenFile)) is empty"
            )
        }
        return token
    }
}

/// `application/x-www-form-urlencoded` encoding of a value: RFC 3986 unreserved characters stay, the rest is
/// percent-encoded (spaces as `%20`).
func formEncode(_ value: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(value.utf8.count)
    for byte in value.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            out.append(byte)
        default:
            out.append(UInt8(ascii: "%"))
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// `text` with every occurrence of `secret` replaced by `<redacted>`.
func redact(_ secret: String, in text: String) -> String {
    guard !secret.isEmpty, text.contains(secret) else { return text }
    return text.replacingOccurrences(of: secret, with: "<redacted>")
}
