public import DBLambdaSigV4
public import Logging

/// Something that supplies AWS credentials: a fixed pair of keys, the environment, the shared files, an
/// endpoint such as AWS STS, the container credentials endpoint or the EC2 instance metadata service.
///
/// A provider whose source is simply not set up (no variables, no profile keys, metadata disabled) throws a
/// ``CredentialsError`` with code ``CredentialsError/Code/notConfigured``; a ``CredentialProviderChain`` then
/// moves on to its next provider. Any other error means the source *is* set up but failed, and a chain stops
/// there and surfaces it, so a broken `credential_process` never silently falls through to another source.
public protocol CredentialProvider: Sendable {
    /// A short name of the source for messages and logs, for example `environment` or `profile "dev"`.
    var sourceName: String { get }

    /// Returns credentials, fetching them if the source requires it.
    ///
    /// - Parameter logger: Where the provider logs; it never logs secrets, tokens or response bodies.
    /// - Throws: ``CredentialsError``.
    func credentials(logger: Logger) async throws -> Credentials
}

extension CredentialProvider {
    /// The type's name, for providers that do not name their source.
    public var sourceName: String { String(describing: Self.self) }
}
