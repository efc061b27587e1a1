public import Crypto
import Foundation

/// A thread-safe, bounded cache of derived SigV4 signing keys, one per
/// (secret access key, scope date, region, service).
///
/// Deriving a key costs four HMAC-SHA256 operations; with the cache, signing costs one. A signer
/// creates its own cache unless you pass one in, so signers that share credentials can share keys.
/// When the cache is full, the oldest entry is dropped. The cache never exposes the keys or the
/// secrets it was built from: its description only shows how many entries it holds.
public final class SigV4SigningKeyCache: @unchecked Sendable, CustomStringConvertible, CustomReflectable {
    // @unchecked: every stored property is only touched while `lock` is held.
    private struct Key: Hashable {
        var secret: String
        var date: Substring
        var region: String
        var service: String

        func matches(secret: String, date: Substring, region: String, service: String) -> Bool {
            // `==` on strings that share storage is a pointer compare: the usual case here.
            self.secret == secret && self.region == region && self.service == service && self.date == date
        }
    }

    private let lock = NSLock()
    private var entries: [Key: PreparedKey] = [:]
    private var order: [Key] = []
    // The last hit, kept apart from `entries` so that repeated signing with one scope compares
    // four strings instead of hashing them. Two optionals rather than one optional tuple: the
    // comparison then reads the key in place instead of copying key and value first.
    private var lastKey: Key?
    private var lastValue: PreparedKey?
    private var derivations = 0
    /// The most entries the cache keeps.
    public let capacity: Int

    /// Creates an empty cache holding at most `capacity` keys (at least 1).
    public init(capacity: Int = 32) {
        self.capacity = max(1, capacity)
    }

    /// How many keys the cache holds now.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }

    /// How many keys were derived (cache misses) since the cache was created.
    public var derivationCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return derivations
    }

    /// Redacted: only the number of entries.
    public var description: String { "SigV4SigningKeyCache(count: \(count), capacity: \(capacity))" }

    /// A mirror with the entry count and capacity only, so `dump()` cannot reveal keys or secrets.
    public var customMirror: Mirror {
        Mirror(self, children: ["count": count, "capacity": capacity], displayStyle: .class)
    }

    /// The signing key for a secret, a scope date (`YYYYMMDD`), a region and a service, derived on a miss.
    public func signingKey(
        secretAccessKey: String,
        dateStamp: Substring,
        region: String,
        service: String
    )
        -> SymmetricKey
    {
        prepared(secretAccessKey: secretAccessKey, dateStamp: dateStamp, region: region, service: service).key
    }

    /// The cached key with its HMAC pads already absorbed (see ``PreparedKey``).
    func prepared(secretAccessKey: String, dateStamp: Substring, region: String, service: String) -> PreparedKey {
        lock.lock()
        // Most callers sign again and again with the same scope: compare with the last hit before
        // building a key and hashing it.
        if lastKey?.matches(secret: secretAccessKey, date: dateStamp, region: region, service: service) == true,
            let value = lastValue
        {
            lock.unlock()
            return value
        }
        let key = Key(secret: secretAccessKey, date: dateStamp, region: region, service: service)
        if let found = entries[key] {
            lastKey = key
            lastValue = found
            lock.unlock()
            return found
        }
        lock.unlock()
        let derived = PreparedKey(
            Self.derive(secretAccessKey: secretAccessKey, dateStamp: dateStamp, region: region, service: service)
        )
        lock.lock()
        defer { lock.unlock() }
        derivations += 1
        if entries[key] == nil {
            if entries.count >= capacity, !order.isEmpty {
                entries[order.removeFirst()] = nil
            }
            order.append(key)
        }
        entries[key] = derived
        lastKey = key
        lastValue = derived
        return derived
    }

    /// Removes every key.
    public func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        entries.removeAll()
        order.removeAll()
        lastKey = nil
        lastValue = nil
    }

    /// Derives a signing key without caching:
    /// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    public static func derive(
        secretAccessKey: String,
        dateStamp: Substring,
        region: String,
        service: String
    )
        -> SymmetricKey
    {
        var secret = Array("AWS4".utf8)
        secret.append(contentsOf: secretAccessKey.utf8)
        let kDate = HMAC<SHA256>.authenticationCode(for: Array(dateStamp.utf8), using: SymmetricKey(data: secret))
        let kRegion = HMAC<SHA256>.authenticationCode(for: Array(region.utf8), using: SymmetricKey(data: kDate))
        let kService = HMAC<SHA256>.authenticationCode(for: Array(service.utf8), using: SymmetricKey(data: kRegion))
        let kSigning = HMAC<SHA256>.authenticationCode(
            for: Array("aws4_request".utf8),
            using: SymmetricKey(data: kService)
        )
        return SymmetricKey(data: kSigning)
    }
}

/// A signing key with the HMAC inner and outer pads already hashed, so that signing costs two
/// SHA-256 finalisations instead of re-keying an HMAC every time.
/// `HMAC(K, m) = SHA256((K ⊕ opad) ‖ SHA256((K ⊕ ipad) ‖ m))` (RFC 2104; K is 32 bytes, shorter than a block).
///
/// A class, so that handing it out of the cache retains one reference instead of the three inside.
final class PreparedKey: Sendable {
    let key: SymmetricKey
    let inner: SHA256
    let outer: SHA256

    init(_ key: SymmetricKey) {
        self.key = key
        var innerPad = [UInt8](repeating: 0x36, count: 64)
        var outerPad = [UInt8](repeating: 0x5C, count: 64)
        key.withUnsafeBytes { bytes in
            for (index, byte) in bytes.enumerated() {
                innerPad[index] ^= byte
                outerPad[index] ^= byte
            }
        }
        var inner = SHA256()
        innerPad.withUnsafeBytes { inner.update(bufferPointer: $0) }
        var outer = SHA256()
        outerPad.withUnsafeBytes { outer.update(bufferPointer: $0) }
        self.inner = inner
        self.outer = outer
    }

    /// HMAC-SHA256 of `message`.
    func mac(of message: UnsafeRawBufferPointer) -> SHA256Digest {
        var innerHasher = inner
        innerHasher.update(bufferPointer: message)
        let innerDigest = innerHasher.finalize()
        var outerHasher = outer
        innerDigest.withUnsafeBytes { outerHasher.update(bufferPointer: $0) }
        return outerHasher.finalize()
    }
}
