/// The largest request payload Lambda accepts for an invocation type.
///
/// Synchronous (`RequestResponse`) invokes accept 6 MB (6 291 456 bytes), asynchronous (`Event`) invokes
/// 1 MB (1 048 576 bytes) — the limits the Lambda `Invoke` API documents.
public struct PayloadLimit: Sendable, Hashable, CustomStringConvertible {
    /// The maximum payload size in bytes.
    public var maximumBytes: Int

    /// Creates a limit of `maximumBytes` bytes (for tests, or to leave headroom below a service limit).
    public init(maximumBytes: Int) {
        self.maximumBytes = maximumBytes
    }

    /// `RequestResponse` (synchronous) invokes: 6 291 456 bytes.
    public static let requestResponse = PayloadLimit(maximumBytes: 6_291_456)
    /// `Event` (asynchronous) invokes: 1 048 576 bytes.
    public static let event = PayloadLimit(maximumBytes: 1_048_576)

    /// The limit for an `X-Amz-Invocation-Type` value: `RequestResponse` and `DryRun` → 6 MB, `Event` →
    /// 1 MB; `nil` for anything else.
    public init?(invocationType: String) {
        switch invocationType {
        case "RequestResponse", "DryRun": self = .requestResponse
        case "Event": self = .event
        default: return nil
        }
    }

    /// Whether a payload of `byteCount` bytes fits.
    public func fits(_ byteCount: Int) -> Bool { byteCount <= maximumBytes }

    /// `N bytes`.
    public var description: String { "\(maximumBytes) bytes" }
}
