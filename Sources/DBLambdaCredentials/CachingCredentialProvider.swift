public import DBLambdaSigV4
public import Foundation
public import Logging

/// Caches the credentials of another provider and refreshes them shortly before they expire.
///
/// - Credentials without an expiration are fetched once and kept.
/// - Credentials are refreshed when they expire within ``refreshMargin`` (5 minutes by default, as the AWS
///   SDKs do). If that refresh fails while the cached credentials have not expired yet, the cached ones are
///   returned and the failure is logged; once they have expired the failure is thrown.
/// - Only one fetch runs at a time: concurrent callers wait for the same in-flight fetch.
/// - Credentials that a source returns already expired are a ``CredentialsError/Code/expired`` error.
///
/// The clock is injectable, so tests never sleep.
public actor CachingCredentialProvider: CredentialProvider {
    /// The provider whose credentials are cached.
    public nonisolated let base: any CredentialProvider
    /// How long before expiration credentials are refreshed.
    public nonisolated let refreshMargin: Duration
    private let now: @Sendable () -> Date
    private var cached: Credentials?
    private var inFlight: Task<Credentials, any Error>?

    /// Creates a cache around `base`.
    /// - Parameters:
    ///   - base: The provider to cache.
    ///   - refreshMargin: Refresh when the credentials expire within this time. Default 5 minutes.
    ///   - now: The clock. Default `Date()`.
    public init(
        _ base: any CredentialProvider,
        refreshMargin: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.base = base
        self.refreshMargin = refreshMargin
        self.now = now
    }

    /// The base provider's ``CredentialProvider/sourceName``.
    public nonisolated var sourceName: String { base.sourceName }

    /// Returns cached credentials, fetching or refreshing them when needed.
    public func credentials(logger: Logger) async throws -> Credentials {
        let margin = Double(refreshMargin.components.seconds) + Double(refreshMargin.components.attoseconds) / 1e18
        if let cached, !cached.isExpiring(within: margin, now: now()) {
            return cached
        }
        let task: Task<Credentials, any Error>
        if let inFlight {
            task = inFlight
        } else {
            let base = self.base
            let now = self.now
            task = Task {
                let fresh = try await base.credentials(logger: logger)
                if let expiration = fresh.expiration, expiration <= now() {
                    throw CredentialsError(
                        code: .expired,
                        message:
                            "\(base.sourceName) returned credentials that expired at \(Timestamp.format(expiration))"
                    )
                }
                return fresh
            }
            inFlight = task
        }
        do {
            let fresh = try await task.value
            if inFlight == task {
                inFlight = nil
                cached = fresh
            }
            return fresh
        } catch {
            if inFlight == task { inFlight = nil }
            if let cached, let expiration = cached.expiration, expiration > now() {
                logger.warning(
                    "refreshing credentials failed; using the cached credentials until they expire",
                    metadata: ["source": "\(base.sourceName)", "error": "\(error)"]
                )
                return cached
            }
            throw error
        }
    }

    /// Drops the cached credentials so the next call fetches new ones.
    public func invalidate() {
        cached = nil
    }
}
