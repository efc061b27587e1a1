import DBLambdaHTTP
import Foundation
import HTTPTypes
import Logging

/// An absolute `http` or `https` URL split into the parts an `HTTPRequest` needs.
struct EndpointURL: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https` (lower-cased).
    var scheme: String
    /// The host without brackets (`fd00:ec2::23`, `127.0.0.1`, `sts.amazonaws.com`), lower-cased.
    var host: String
    /// The explicit port, if any.
    var port: Int?
    /// The percent-encoded path, without a trailing `/` (may be empty).
    var path: String
    /// The percent-encoded query, if any.
    var query: String?

    /// Parses `text`; throws ``CredentialsError/Code/invalidConfiguration`` naming `setting` when it is not an
    /// absolute http(s) URL with a host.
    init(_ text: String, setting: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", var host = components.percentEncodedHost, !host.isEmpty,
            components.user == nil, components.password == nil
        else {
            throw CredentialsError(
                code: .invalidConfiguration,
                message: "\(setting) \(quote(text)) is not an absolute http or https URL"
            )
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = components.port
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        self.path = path
        self.query = components.percentEncodedQuery
    }

    /// `host[:port]`, with brackets around an IPv6 address.
    var authority: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        guard let port else { return bracketed }
        return "\(bracketed):\(port)"
    }

    /// The URL as text (the query is left out, it may carry secrets in some setups).
    var description: String { "\(scheme)://\(authority)\(path)" }

    /// The path and query to send: this URL's path followed by `suffix` (which starts with `/` or is empty).
    func pathAndQuery(appending suffix: String = "") -> String {
        var result = path + suffix
        if result.isEmpty { result = "/" }
        if let query { result += "?\(query)" }
        return result
    }

    /// Whether the host is a loopback address (`127.0.0.0/8`, `::1`) or `localhost`.
    var isLoopback: Bool {
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { UInt8($0) != nil }
    }
}

/// How a request of a provider ended when it did not produce a response.
enum RequestFailure: Error {
    /// No answer within the timeout.
    case timeout
    /// The transport failed (connection refused, reset, DNS); the text describes the transport's error.
    case transport(String)
}

/// Sends one request with a hard deadline: the transport gets the same timeout plus a second as its own limit,
/// and the exchange is cancelled when `timeout` elapses, so a hanging endpoint fails in bounded time.
func sendWithDeadline(
    _ request: HTTPRequest,
    body: [UInt8] = [],
    timeout: Duration,
    maxResponseBytes: Int = 1024 * 1024,
    transport: any HTTPTransport,
    logger: Logger
) async throws -> HTTPTransportResponse {
    let options = HTTPRequestOptions(timeout: timeout + .seconds(1), maxResponseBytes: maxResponseBytes)
    do {
        return try await withThrowingTaskGroup(of: HTTPTransportResponse?.self) { group in
            group.addTask {
                try await transport.send(request, body: body, options: options, logger: logger)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                throw RequestFailure.timeout
            }
            return response
        }
    } catch let failure as RequestFailure {
        throw failure
    } catch is CancellationError {
        if Task.isCancelled { throw CancellationError() }
        throw RequestFailure.timeout
    } catch let error as HTTPTransportError {
        if Task.isCancelled { throw CancellationError() }
        switch error.code {
        case .connectTimeout, .readTimeout, .timeout, .cancelled:
            throw RequestFailure.timeout
        default:
            throw RequestFailure.transport(oneLine(error.message))
        }
    } catch {
        if Task.isCancelled { throw CancellationError() }
        throw RequestFailure.transport(oneLine(String(describing: error)))
    }
}

/// Builds a request for `url` with `suffix` appended to its path.
func makeRequest(
    _ method: HTTPRequest.Method,
    _ url: EndpointURL,
    path suffix: String = "",
    headers: HTTPFields = HTTPFields()
) -> HTTPRequest {
    HTTPRequest(
        method: method,
        scheme: url.scheme,
        authority: url.authority,
        path: url.pathAndQuery(appending: suffix),
        headerFields: headers
    )
}

/// `duration` as text for messages: `1s`, `0.5s`.
func describe(_ duration: Duration) -> String {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    if seconds == seconds.rounded() { return "\(Int(seconds))s" }
    return "\(seconds)s"
}

/// The user agent the providers send.
let credentialsUserAgent = "dblambda-credentials"
