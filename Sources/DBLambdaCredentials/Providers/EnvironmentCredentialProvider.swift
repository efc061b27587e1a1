public import DBLambdaSigV4
public import Foundation
public import Logging

/// Reads credentials from environment variables, the first source of the default chain.
///
/// | variable | meaning |
/// |---|---|
/// | `AWS_ACCESS_KEY_ID` | access key id (required) |
/// | `AWS_SECRET_ACCESS_KEY` | secret access key (required) |
/// | `AWS_SESSION_TOKEN` | session token (optional; the legacy `AWS_SECURITY_TOKEN` is read when it is unset) |
/// | `AWS_CREDENTIAL_EXPIRATION` | ISO 8601 expiration of temporary credentials (optional) |
///
/// Neither key set (or both empty) means ``CredentialsError/Code/notConfigured``; only one of the two keys set
/// is ``CredentialsError/Code/incompleteCredentials`` naming the missing variable. The environment is passed in
/// as a dictionary, so tests never change the process environment.
public struct EnvironmentCredentialProvider: CredentialProvider, CustomStringConvertible, CustomReflectable {
    /// The environment the provider reads. Not public and not reflected: it may hold secrets.
    private let environment: [String: String]

    /// Creates a provider reading `environment` (by default the process environment).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// `environment`.
    public var sourceName: String { "environment" }

    /// Returns the credentials in the environment variables.
    public func credentials(logger: Logger) async throws -> Credentials {
        try resolve()
    }

    /// The synchronous work of ``credentials(logger:)``.
    func resolve() throws -> Credentials {
        let accessKey = nonEmpty(environment["AWS_ACCESS_KEY_ID"])
        let secretKey = nonEmpty(environment["AWS_SECRET_ACCESS_KEY"])
        switch (accessKey, secretKey) {
        case (nil, nil):
            throw CredentialsError(
                code: .notConfigured,
                message: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"
            )
        case (.some, nil):
            throw CredentialsError(
                code: .incompleteCredentials,
                message: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
            )
        case (nil, .some):
            throw CredentialsError(
                code: .incompleteCredentials,
                message: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
            )
        case (.some(let accessKey), .some(let secretKey)):
            let token = nonEmpty(environment["AWS_SESSION_TOKEN"]) ?? nonEmpty(environment["AWS_SECURITY_TOKEN"])
            var expiration: Date?
            if let text = nonEmpty(environment["AWS_CREDENTIAL_EXPIRATION"]) {
                guard let date = Timestamp.parse(text) else {
                    throw CredentialsError(
                        code: .invalidConfiguration,
                        message: "AWS_CREDENTIAL_EXPIRATION \(quote(text)) is not an ISO 8601 timestamp"
                    )
                }
                expiration = date
            }
            return Credentials(
                accessKeyID: accessKey,
                secretAccessKey: secretKey,
                sessionToken: token,
                expiration: expiration
            )
        }
    }
}

/// `value` unless it is `nil` or empty.
func nonEmpty(_ value: String?) -> String? {
    guard let value, !value.isEmpty else { return nil }
    return value
}

extension EnvironmentCredentialProvider {
    /// `EnvironmentCredentialProvider(<source>)`, without the environment (it may hold secrets).
    public var description: String { "EnvironmentCredentialProvider(\(sourceName))" }

    /// A mirror with the source name only, so `dump()` cannot reveal secrets from the environment.
    public var customMirror: Mirror { Mirror(self, children: ["sourceName": sourceName], displayStyle: .struct) }
}
