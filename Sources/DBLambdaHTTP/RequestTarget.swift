import HTTPTypes
import Logging

/// The parts of an `HTTPRequest` a transport needs to build the URL, validated so that the path and query
/// reach the server byte for byte (a signed request is signed over those exact bytes).
struct RequestTarget: Sendable, Equatable {
    /// `http` or `https`, lowercased.
    var scheme: String
    /// Host and optional port, as given.
    var authority: String
    /// The path and query exactly as given.
    var pathAndQuery: String

    /// The URL string `scheme://authority/path?query`.
    var url: String { "\(scheme)://\(authority)\(pathAndQuery)" }

    /// The path without the query (the query may carry a signature or a session token, so it is never logged).
    var path: Substring {
        guard let query = pathAndQuery.utf8.firstIndex(of: UInt8(ascii: "?")) else { return pathAndQuery[...] }
        return pathAndQuery[..<query]
    }

    /// Where the request goes, for messages: method, scheme, authority and path, never the query.
    func location(_ method: HTTPRequest.Method) -> String {
        "\(method.rawValue) \(scheme)://\(authority)\(path)"
    }

    init(_ request: HTTPRequest) throws(HTTPTransportError) {
        guard let scheme = request.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw HTTPTransportError(
                code: .invalidRequest,
                message: "the request's scheme must be http or https, not \(request.scheme.map { "'\($0)'" } ?? "none")"
            )
        }
        guard let authority = request.authority, !authority.isEmpty,
            authority.utf8.allSatisfy(Self.isAuthorityByte)
        else {
            throw HTTPTransportError(
                code: .invalidRequest,
                message: "the request needs an authority (host and optional port) without '/', '?', '#', '@' or spaces"
            )
        }
        guard let path = request.path, path.utf8.first == UInt8(ascii: "/") else {
            throw HTTPTransportError(
                code: .invalidRequest,
                message: "the request path of \(request.method.rawValue) \(scheme)://\(authority) must start with '/'"
            )
        }
        guard Self.isPercentEncodedTarget(path) else {
            throw HTTPTransportError(
                code: .invalidRequest,
                message: "the request path of \(request.method.rawValue) \(scheme)://\(authority) contains a byte that "
                    + "must be percent-encoded (space, '#', '\"', '<', '>', '\\\\', '^', '`', '{', '|', '}', non-ASCII) "
                    + "or a '%' not followed by two hex digits"
            )
        }
        self.scheme = scheme
        self.authority = authority
        self.pathAndQuery = path
    }

    private static func isAuthorityByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "%"):
            return true
        default:
            return false
        }
    }

    /// Whether `target` uses only RFC 3986 path and query characters, with well-formed `%XX` escapes.
    private static func isPercentEncodedTarget(_ target: String) -> Bool {
        var pendingHexDigits = 0
        for byte in target.utf8 {
            if pendingHexDigits > 0 {
                guard isHexDigit(byte) else { return false }
                pendingHexDigits -= 1
                continue
            }
            switch byte {
            case UInt8(ascii: "%"):
                pendingHexDigits = 2
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            default:
                guard "-._~!$&'()*+,;=:@/?".utf8.contains(byte) else { return false }
            }
        }
        return pendingHexDigits == 0
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"):
            return true
        default:
            return false
        }
    }
}

extension Logger {
    /// Logger metadata that describes a request without secrets: method, host and path (no query, no headers).
    static func requestMetadata(_ method: HTTPRequest.Method, _ target: RequestTarget, bodyBytes: Int) -> Metadata {
        [
            "http.method": "\(method.rawValue)",
            "http.host": "\(target.authority)",
            "http.path": "\(target.path)",
            "http.request_body_bytes": "\(bodyBytes)",
        ]
    }
}

extension HTTPRequestOptions {
    /// The longest timeout a transport applies (larger values, including overflowing ones, are clamped).
    static let maximumTimeout = Duration.seconds(7 * 24 * 3600)

    /// The timeout to apply (the request's own or `defaultTimeout`, clamped to zero … ``maximumTimeout``),
    /// after checking that ``maxResponseBytes`` is not negative.
    func effectiveTimeout(
        default defaultTimeout: Duration,
        location: @autoclosure () -> String
    ) throws(HTTPTransportError) -> Duration {
        guard maxResponseBytes >= 0 else {
            throw HTTPTransportError(
                code: .invalidRequest,
                message: "\(location()): maxResponseBytes must not be negative, got \(maxResponseBytes)"
            )
        }
        return min(max(timeout ?? defaultTimeout, .zero), Self.maximumTimeout)
    }
}

/// The outcome of ``withTimeout(_:_:)``.
enum TimeoutOutcome<Value: Sendable>: Sendable {
    case finished(Value)
    case timedOut
}

/// Runs `operation`, cancelling it when `timeout` passes first. The operation must honour cancellation.
func withTimeout<Value: Sendable>(
    _ timeout: Duration,
    _ operation: @escaping @Sendable () async throws -> Value
) async throws -> TimeoutOutcome<Value> {
    try await withThrowingTaskGroup(of: TimeoutOutcome<Value>.self) { group in
        group.addTask { .finished(try await operation()) }
        group.addTask {
            try await Task.sleep(for: timeout)
            return .timedOut
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { return .timedOut }
        return first
    }
}

/// Milliseconds of a duration, for logs.
func milliseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * 1000 + attoseconds / 1_000_000_000_000_000
}
