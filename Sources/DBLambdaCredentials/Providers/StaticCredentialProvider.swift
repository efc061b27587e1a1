public import DBLambdaSigV4
public import Logging

/// Supplies the same credentials every time: keys from your own configuration or a secrets store.
///
/// ```swift
/// let provider = StaticCredentialProvider(
///     Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: secret)
/// )
/// ```
public struct StaticCredentialProvider: CredentialProvider, CustomStringConvertible {
    /// The credentials returned by ``credentials(logger:)``.
    public let fixedCredentials: Credentials

    /// Creates a provider that always returns `credentials`.
    public init(_ credentials: Credentials) {
        self.fixedCredentials = credentials
    }

    /// Creates a provider from an access key id, a secret access key and an optional session token.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.fixedCredentials = Credentials(
            accessKeyID: accessKeyID,
            secretAccessKey: secretAccessKey,
            sessionToken: sessionToken
        )
    }

    /// `static`.
    public var sourceName: String { "static" }

    /// Returns the fixed credentials.
    public func credentials(logger: Logger) async throws -> Credentials {
        fixedCredentials
    }

    /// A redacted description that shows the access key id only.
    public var description: String { "StaticCredentialProvider(\(fixedCredentials))" }
}
