public import Foundation

/// AWS credentials used to sign a request: an access key id, a secret access key and, for
/// temporary credentials, a session token and an expiration.
///
/// `description`, `debugDescription` and `dump()` never show the secret access key or the
/// session token: only the access key id and whether a token is present.
public struct Credentials: Sendable, Hashable {
    /// The access key id (`AKIA…` for long-term keys, `ASIA…` for temporary ones).
    public var accessKeyID: String
    /// The secret access key. Never printed.
    public var secretAccessKey: String
    /// The session token of temporary credentials, sent as `X-Amz-Security-Token`. Never printed.
    public var sessionToken: String?
    /// When temporary credentials stop working; `nil` for credentials that do not expire.
    public var expiration: Date?

    /// Creates credentials from their parts.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// Whether the credentials expire within `margin` seconds of `now` (always `false` without an expiration).
    public func isExpiring(within margin: TimeInterval, now: Date = Date()) -> Bool {
        guard let expiration else { return false }
        return expiration.timeIntervalSince(now) <= margin
    }
}

extension Credentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A redacted one-line description: the access key id, never the secret or the token.
    public var description: String {
        var text = "Credentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>"
        if sessionToken != nil { text += ", sessionToken: <redacted>" }
        if let expiration { text += ", expiration: \(expiration)" }
        return text + ")"
    }

    /// The same redacted text as ``description``.
    public var debugDescription: String { description }

    /// A mirror without the secret fields, so `dump()` and reflection cannot reveal them.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessKeyID": accessKeyID,
                "secretAccessKey": "<redacted>",
                "sessionToken": sessionToken == nil ? "nil" : "<redacted>",
                "expiration": expiration.map { "\($0)" } ?? "nil",
            ],
            displayStyle: .struct
        )
    }
}
