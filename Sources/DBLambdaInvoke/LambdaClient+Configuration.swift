public import DBLambdaCore
import DBLambdaCredentials
public import Foundation

extension LambdaClient {
    /// The retry behaviour (`AWS_RETRY_MODE`, `AWS_MAX_ATTEMPTS`).
    public enum RetryMode: String, Sendable, Hashable, CaseIterable {
        /// The AWS SDKs' standard mode: up to ``Configuration/maxAttempts`` attempts, full-jitter exponential backoff
        /// capped at 20 seconds, a retry quota of 500 shared by the client.
        case standard
        /// Accepted for compatibility with `AWS_RETRY_MODE=legacy`; behaves like ``standard``.
        case legacy
        /// Accepted for compatibility with `AWS_RETRY_MODE=adaptive`; behaves like ``standard`` (no client-side
        /// rate limiting).
        case adaptive
    }

    /// Settings of a ``LambdaClient``.
    public struct Configuration: Sendable {
        /// The region of the endpoint and of the signature. `nil` takes the region of a full function ARN.
        public var region: Region?
        /// A custom endpoint (`https://vpce-….lambda.us-east-1.vpce.amazonaws.com`, `http://127.0.0.1:9001`),
        /// replacing the regional one. Plain `http` is allowed only for loopback hosts unless
        /// ``allowInsecureHTTP`` is set.
        public var endpoint: String?
        /// Use the FIPS endpoint `lambda-fips.<region>.<dnsSuffix>` (`AWS_USE_FIPS_ENDPOINT`).
        public var useFIPSEndpoint: Bool
        /// Use the dual-stack endpoint `lambda.<region>.<dualStackDnsSuffix>` (`AWS_USE_DUALSTACK_ENDPOINT`).
        public var useDualStackEndpoint: Bool
        /// The retry mode. Default ``RetryMode/standard``.
        public var retryMode: RetryMode
        /// All attempts, the first included (1 = no retry). Default 3.
        public var maxAttempts: Int
        /// The longest one attempt may take, connect to last byte. Default 905 seconds: longer than Lambda's
        /// maximum function timeout (900 s), so a slow synchronous function is not cut off by the client.
        public var timeout: Duration
        /// Allow plain `http` to a host that is not a loopback address. Default `false`.
        public var allowInsecureHTTP: Bool
        /// The base of the backoff for throttling errors; default 500 ms. Delays are
        /// `random(0…1) × min(base × 2^(retry−1), 20 s)`.
        public var throttlingBackoffBase: Duration
        /// The base of the backoff for other retryable errors; default 100 ms.
        public var backoffBase: Duration
        /// The cap of one backoff delay; default 20 seconds.
        public var maxBackoff: Duration
        /// Waits between attempts; `Task.sleep` by default. Tests pass a manual clock.
        public var sleep: @Sendable (Duration) async throws -> Void
        /// A random number in `0..<1` for the jitter; `Double.random(in:)` by default.
        public var random: @Sendable () -> Double
        /// The signing time; `Date()` by default.
        public var now: @Sendable () -> Date

        /// Creates a configuration; every parameter has the default described on its property.
        public init(
            region: Region? = nil,
            endpoint: String? = nil,
            useFIPSEndpoint: Bool = false,
            useDualStackEndpoint: Bool = false,
            retryMode: RetryMode = .standard,
            maxAttempts: Int = 3,
            timeout: Duration = .seconds(905),
            allowInsecureHTTP: Bool = false
        ) {
            self.region = region
            self.endpoint = endpoint
            self.useFIPSEndpoint = useFIPSEndpoint
            self.useDualStackEndpoint = useDualStackEndpoint
            self.retryMode = retryMode
            self.maxAttempts = maxAttempts
            self.timeout = timeout
            self.allowInsecureHTTP = allowInsecureHTTP
            self.throttlingBackoffBase = .milliseconds(500)
            self.backoffBase = .milliseconds(100)
            self.maxBackoff = .seconds(20)
            self.sleep = { try await Task.sleep(for: $0) }
            self.random = { Double.random(in: 0..<1) }
            self.now = { Date() }
        }

        /// A configuration from the environment, as the AWS SDKs read it: `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`,
        /// `AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT`, `AWS_ENDPOINT_URL_LAMBDA` (then
        /// `AWS_ENDPOINT_URL`), and the region (`AWS_REGION`, `AWS_DEFAULT_REGION`) when `region` is `nil`.
        ///
        /// - Parameters:
        ///   - environment: The variables; the process environment by default.
        ///   - region: A region that wins over the environment.
        /// - Throws: ``LambdaInvokeError/Code/invalidConfiguration`` naming the variable with a bad value.
        public static func fromEnvironment(
            _ environment: [String: String] = ProcessInfo.processInfo.environment,
            region: Region? = nil
        ) throws(LambdaInvokeError) -> Configuration {
            var configuration = Configuration(region: region)
            if configuration.region == nil,
                let name = RegionResolver.environmentRegion(environment)
            {
                configuration.region = try parseRegion(name, source: "AWS_REGION/AWS_DEFAULT_REGION")
            }
            if let text = nonEmpty(environment["AWS_MAX_ATTEMPTS"]) {
                guard let attempts = Int(text), attempts >= 1 else {
                    throw invalid("AWS_MAX_ATTEMPTS must be a whole number of at least 1, got '\(text)'")
                }
                configuration.maxAttempts = attempts
            }
            if let text = nonEmpty(environment["AWS_RETRY_MODE"]) {
                guard let mode = RetryMode(rawValue: text.lowercased()) else {
                    throw invalid("AWS_RETRY_MODE must be standard, legacy or adaptive, got '\(text)'")
                }
                configuration.retryMode = mode
            }
            configuration.useFIPSEndpoint = try boolean(environment, "AWS_USE_FIPS_ENDPOINT")
            configuration.useDualStackEndpoint = try boolean(environment, "AWS_USE_DUALSTACK_ENDPOINT")
            configuration.endpoint =
                nonEmpty(environment["AWS_ENDPOINT_URL_LAMBDA"])
                ?? nonEmpty(environment["AWS_ENDPOINT_URL"])
            return configuration
        }

        /// Parses a region name.
        static func parseRegion(_ name: String, source: String) throws(LambdaInvokeError) -> Region {
            do {
                return try Region(name)
            } catch {
                throw invalid("\(source): '\(name)' is not a region name")
            }
        }

        private static func boolean(_ environment: [String: String], _ name: String) throws(LambdaInvokeError) -> Bool {
            guard let text = nonEmpty(environment[name]) else { return false }
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: throw invalid("\(name) must be true or false, got '\(text)'")
            }
        }

        private static func invalid(_ message: String) -> LambdaInvokeError {
            LambdaInvokeError(code: .invalidConfiguration, message: message)
        }

        /// Checks the settings that do not depend on the call.
        func validate() throws(LambdaInvokeError) {
            guard maxAttempts >= 1 else {
                throw Self.invalid("maxAttempts must be at least 1, got \(maxAttempts)")
            }
            guard timeout > .zero else {
                throw Self.invalid("timeout must be positive, got \(timeout)")
            }
        }

        /// The scheme, authority and base path of the endpoint for `region`.
        func resolveEndpoint(region: Region) throws(LambdaInvokeError) -> Endpoint {
            guard let endpoint else {
                let host = region.partition.hostname(
                    service: "lambda",
                    region: region,
                    fips: useFIPSEndpoint,
                    dualStack: useDualStackEndpoint
                )
                return Endpoint(scheme: "https", authority: host, basePath: "")
            }
            guard let components = URLComponents(string: endpoint), let scheme = components.scheme?.lowercased(),
                scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
                components.query == nil, components.fragment == nil, components.user == nil
            else {
                throw Self.invalid(
                    "endpoint '\(endpoint)' must be an http(s) URL with a host and no query, fragment or user info"
                )
            }
            if scheme == "http" && !allowInsecureHTTP && !Self.isLoopback(host) {
                throw Self.invalid(
                    "endpoint '\(endpoint)' uses plain http to a host that is not a loopback address; use https "
                        + "or set allowInsecureHTTP"
                )
            }
            let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
            let authority = components.port.map { "\(bracketed):\($0)" } ?? bracketed
            var basePath = components.percentEncodedPath
            while basePath.hasSuffix("/") { basePath.removeLast() }
            return Endpoint(scheme: scheme, authority: authority, basePath: basePath)
        }

        static func isLoopback(_ host: String) -> Bool {
            let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
            if bare == "localhost" || bare == "::1" || bare.hasSuffix(".localhost") { return true }
            let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
            return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
        }
    }

    /// A resolved endpoint.
    struct Endpoint: Sendable, Hashable {
        var scheme: String
        var authority: String
        var basePath: String
    }
}

func nonEmpty(_ text: String?) -> String? {
    guard let text, !text.isEmpty else { return nil }
    return text
}
