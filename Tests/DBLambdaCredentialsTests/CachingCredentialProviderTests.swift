import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaSigV4
import Foundation
import Logging
import LoopbackHTTPServer
import Testing

/// A clock tests move by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }

    var now: Date { lock.withLock { current } }

    func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }

    var closure: @Sendable () -> Date { { self.now } }
}

/// A provider that counts calls and hands out credentials expiring `lifetime` seconds after the clock's time.
actor CountingProvider: CredentialProvider {
    nonisolated var sourceName: String { "counting" }
    private(set) var calls = 0
    let clock: ManualClock
    let lifetime: TimeInterval?
    var failNext = false

    init(clock: ManualClock, lifetime: TimeInterval?) {
        self.clock = clock
        self.lifetime = lifetime
    }

    func setFailNext(_ value: Bool) { failNext = value }

    func credentials(logger: Logger) async throws -> Credentials {
        calls += 1
        if failNext {
            throw CredentialsError(code: .networkError, message: "simulated failure")
        }
        return Credentials(
            accessKeyID: "AKID\(calls)",
            secretAccessKey: "s",
            sessionToken: "t",
            expiration: lifetime.map { clock.now + $0 }
        )
    }
}

@Suite("Caching and refresh")
struct CachingCredentialProviderTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("credentials are reused until 5 minutes before expiry, then refreshed")
    func refreshBeforeExpiry() async throws {
        let clock = ManualClock(start)
        let base = CountingProvider(clock: clock, lifetime: 3600)
        let cache = CachingCredentialProvider(base, now: clock.closure)
        #expect(try await cache.credentials(logger: quietLogger).accessKeyID == "AKID1")
        clock.advance(by: 3600 - 301)
        #expect(try await cache.credentials(logger: quietLogger).accessKeyID == "AKID1")
        clock.advance(by: 2)
        #expect(try await cache.credentials(logger: quietLogger).accessKeyID == "AKID2")
        #expect(await base.calls == 2)
    }

    @Test("credentials without an expiration are fetched once and never refreshed")
    func noExpiry() async throws {
        let clock = ManualClock(start)
        let base = CountingProvider(clock: clock, lifetime: nil)
        let cache = CachingCredentialProvider(base, now: clock.closure)
        for _ in 0..<5 {
            _ = try await cache.credentials(logger: quietLogger)
            clock.advance(by: 365 * 86_400)
        }
        #expect(await base.calls == 1)
    }

    @Test("already expired credentials from a source are an expired error")
    func expiredFromSource() async throws {
        let clock = ManualClock(start)
        let base = CountingProvider(clock: clock, lifetime: -10)
        let error = await expectCredentialsError(.expired) {
            try await CachingCredentialProvider(base, now: clock.closure).credentials(logger: quietLogger)
        }
        #expect(error?.message.contains("counting") == true)
    }

    @Test("a failed refresh keeps serving unexpired cached credentials, and throws once they have expired")
    func failedRefresh() async throws {
        let clock = ManualClock(start)
        let base = CountingProvider(clock: clock, lifetime: 600)
        let cache = CachingCredentialProvider(base, now: clock.closure)
        _ = try await cache.credentials(logger: quietLogger)
        await base.setFailNext(true)
        clock.advance(by: 400)
        #expect(try await cache.credentials(logger: quietLogger).accessKeyID == "AKID1")
        clock.advance(by: 300)
        await expectCredentialsError(.networkError) { try await cache.credentials(logger: quietLogger) }
        await base.setFailNext(false)
        #expect(try await cache.credentials(logger: quietLogger).accessKeyID == "AKID4")
    }

    @Test("50 concurrent callers share one fetch: the metadata server sees exactly one credential request")
    func concurrentCallersShareOneFetch() async throws {
        try await withServer(
            serve { request in
                if request.method == "PUT" { return .respond(.text("tok")) }
                if request.path.hasSuffix("/security-credentials/") {
                    return .respondAfter(.milliseconds(200), .text("r"))
                }
                return .respond(.json(metadataCredentialsJSON()))
            }
        ) { server, transport in
            let provider = InstanceMetadataCredentialProvider(
                environment: [:],
                transport: transport,
                configuration: .init(endpoint: server.baseURL, timeout: .seconds(10))
            )
            let cache = CachingCredentialProvider(provider)
            let keys = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await cache.credentials(logger: quietLogger).accessKeyID }
                }
                var keys: [String] = []
                for try await key in group { keys.append(key) }
                return keys
            }
            #expect(keys.count == 50)
            #expect(Set(keys) == ["ASIAMETADATA"])
            #expect(server.requests.filter { $0.path == "/latest/meta-data/iam/security-credentials/r" }.count == 1)
            #expect(server.requests.count == 3)
        }
    }

    @Test("invalidate forces the next call to fetch again")
    func invalidate() async throws {
        let clock = ManualClock(start)
        let base = CountingProvider(clock: clock, lifetime: nil)
        let cache = CachingCredentialProvider(base, now: clock.closure)
        _ = try await cache.credentials(logger: quietLogger)
        await cache.invalidate()
        #expect(try await cache.credentials(logger: quietLogger).accessKeyID == "AKID2")
        #expect(cache.sourceName == "counting")
    }
}
