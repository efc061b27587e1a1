public import DBLambdaHTTP
public import DBLambdaSigV4
public import Foundation
public import Logging

/// Tries providers in order and returns the first credentials found.
///
/// A provider that throws ``CredentialsError/Code/notConfigured`` is skipped. Any other error stops the chain
/// and is thrown: a source that is set up but broken (a malformed config file, a failing `credential_process`)
/// must not silently fall through to the next one. When every provider is skipped the chain throws
/// ``CredentialsError/Code/noCredentials`` listing each source and why it was skipped. The chain does not
/// cache; wrap it in a ``CachingCredentialProvider`` (``DefaultCredentialChain`` does).
public struct CredentialProviderChain: CredentialProvider {
    /// The providers, in the order they are tried.
    public let providers: [any CredentialProvider]

    /// Creates a chain of `providers`, tried in order.
    public init(_ providers: [any CredentialProvider]) {
        self.providers = providers
    }

    /// `chain(<source>, …)`.
    public var sourceName: String { "chain(\(providers.map(\.sourceName).joined(separator: ", ")))" }

    /// Returns the credentials of the first provider that is configured.
    public func credentials(logger: Logger) async throws -> Credentials {
        var skipped: [String] = []
        for provider in providers {
            do {
                let credentials = try await provider.credentials(logger: logger)
                logger.debug("resolved credentials", metadata: ["source": "\(provider.sourceName)"])
                return credentials
            } catch let error as CredentialsError where error.code == .notConfigured {
                logger.trace("credential source not configured", metadata: ["source": "\(provider.sourceName)"])
                skipped.append("\(provider.sourceName) (\(error.message))")
            }
        }
        throw CredentialsError(
            code: .noCredentials,
            message: "no credentials found; tried: \(skipped.isEmpty ? "no sources" : skipped.joined(separator: "; "))"
        )
    }
}

/// The default credential chain: the sources the AWS SDKs try, in their order, cached and refreshed.
///
/// Order (aws-facts §6.1; the AWS SDK for Swift, Rust and botocore agree on it for these sources):
/// 1. **environment** — ``EnvironmentCredentialProvider``; skipped when a profile is passed explicitly
///    (``Configuration/profile``), as botocore does for a profile set on the session (`--profile`). A profile
///    named only by `AWS_PROFILE` does not skip it, also as in botocore;
/// 2. **profile** — ``ProfileCredentialProvider``: web identity in the profile, static keys of the credentials
///    file, `credential_process`, static keys of the config file;
/// 3. **web identity** from `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` —
///    ``WebIdentityCredentialProvider`` (skipped, like the environment, for an explicit profile);
/// 4. **container** — ``ContainerCredentialProvider`` (ECS, EKS Pod Identity);
/// 5. **instance metadata** — ``InstanceMetadataCredentialProvider`` (EC2 IMDSv2). A service that does not
///    answer counts as not configured, so off EC2 the chain ends in ``CredentialsError/Code/noCredentials``
///    that says so.
///
/// A source that is set up but fails stops the chain with its error. Resolved credentials are cached and
/// refreshed 5 minutes before they expire, one refresh at a time (``CachingCredentialProvider``).
///
/// ```swift
/// let chain = DefaultCredentialChain(transport: transport)
/// let credentials = try await chain.credentials(logger: logger)
/// ```
public final class DefaultCredentialChain: CredentialProvider {
    /// Settings of the chain and of its providers.
    public struct Configuration: Sendable {
        /// A profile chosen explicitly (for example by `--profile`); `nil` uses `AWS_PROFILE`, then
        /// `AWS_DEFAULT_PROFILE`, then `default`. Setting it skips the environment variables.
        public var profile: String?
        /// The region for the regional STS endpoint of web identity from the environment; `nil` resolves it with
        /// ``RegionResolver/resolveRegion(explicit:environment:profile:)`` (global endpoint when none).
        public var region: String?
        /// Settings of the profile provider (`credential_process` timeout, STS timeout).
        public var profileProvider: ProfileCredentialProvider.Configuration
        /// Settings of the web identity provider.
        public var webIdentity: WebIdentityCredentialProvider.Configuration
        /// Settings of the container provider.
        public var container: ContainerCredentialProvider.Configuration
        /// Settings of the instance metadata provider (its `unreachableMeansNotConfigured` is always set).
        public var instanceMetadata: InstanceMetadataCredentialProvider.Configuration
        /// Refresh credentials when they expire within this time. Default 5 minutes.
        public var refreshMargin: Duration
        /// The clock of the cache. Default `Date()`.
        public var now: @Sendable () -> Date

        /// Creates a configuration with the defaults.
        public init(
            profile: String? = nil,
            region: String? = nil,
            profileProvider: ProfileCredentialProvider.Configuration = .init(),
            webIdentity: WebIdentityCredentialProvider.Configuration = .init(),
            container: ContainerCredentialProvider.Configuration = .init(),
            instanceMetadata: InstanceMetadataCredentialProvider.Configuration = .init(),
            refreshMargin: Duration = .seconds(300),
            now: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.profile = profile
            self.region = region
            self.profileProvider = profileProvider
            self.webIdentity = webIdentity
            self.container = container
            self.instanceMetadata = instanceMetadata
            self.refreshMargin = refreshMargin
            self.now = now
        }
    }

    /// The uncached chain of providers, in order.
    public let chain: CredentialProviderChain
    private let cache: CachingCredentialProvider

    /// Creates the default chain.
    /// - Parameters:
    ///   - environment: The environment every provider reads (by default the process environment). Tests pass
    ///     their own dictionary.
    ///   - transport: How to reach STS, the container endpoint and the instance metadata service. The chain does
    ///     not own it.
    ///   - configuration: The settings.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: any HTTPTransport,
        configuration: Configuration = Configuration()
    ) {
        let explicitProfile = nonEmpty(configuration.profile)
        var providers: [any CredentialProvider] = []
        if explicitProfile == nil {
            providers.append(EnvironmentCredentialProvider(environment: environment))
        }
        providers.append(
            ProfileCredentialProvider(
                profile: explicitProfile,
                environment: environment,
                transport: transport,
                configuration: configuration.profileProvider
            )
        )
        if explicitProfile == nil {
            providers.append(
                LazyRegionWebIdentityProvider(
                    environment: environment,
                    region: configuration.region,
                    transport: transport,
                    configuration: configuration.webIdentity
                )
            )
        }
        providers.append(
            ContainerCredentialProvider(
                environment: environment,
                transport: transport,
                configuration: configuration.container
            )
        )
        var metadata = configuration.instanceMetadata
        metadata.unreachableMeansNotConfigured = true
        providers.append(
            InstanceMetadataCredentialProvider(environment: environment, transport: transport, configuration: metadata)
        )
        self.chain = CredentialProviderChain(providers)
        self.cache = CachingCredentialProvider(
            chain,
            refreshMargin: configuration.refreshMargin,
            now: configuration.now
        )
    }

    /// `default chain`.
    public var sourceName: String { "default chain" }

    /// Returns cached credentials or resolves them through the chain.
    public func credentials(logger: Logger) async throws -> Credentials {
        try await cache.credentials(logger: logger)
    }

    /// Drops the cached credentials so the next call resolves them again.
    public func invalidate() async {
        await cache.invalidate()
    }
}

/// Web identity from the environment, with the region resolved only when the variables are set (so a
/// malformed config file cannot break a chain that does not need it).
private struct LazyRegionWebIdentityProvider: CredentialProvider, CustomReflectable {
    var environment: [String: String]
    var region: String?
    var transport: any HTTPTransport
    var configuration: WebIdentityCredentialProvider.Configuration

    var sourceName: String { "web identity" }

    var customMirror: Mirror { Mirror(self, children: ["sourceName": sourceName], displayStyle: .struct) }

    func credentials(logger: Logger) async throws -> Credentials {
        var region = self.region
        if region == nil, nonEmpty(environment["AWS_WEB_IDENTITY_TOKEN_FILE"]) != nil,
            nonEmpty(environment["AWS_ROLE_ARN"]) != nil
        {
            region = try RegionResolver.resolveRegion(environment: environment)
        }
        return try await WebIdentityCredentialProvider(
            environment: environment,
            region: region,
            transport: transport,
            configuration: configuration
        ).credentials(logger: logger)
    }
}
