import Foundation
public import PostgresNIO

/// A PostgreSQL connection URL: `postgres://user:password@host:port/database?sslmode=…`.
///
/// ```swift
/// let url = try DatabaseURL("postgres://relay:s3cret@db.example.com:5432/app?sslmode=verify-full")
/// print(url)   // postgres://relay:***@db.example.com:5432/app?sslmode=verify-full
/// ```
///
/// The scheme is `postgres` or `postgresql`; user, password and database are percent-decoded; the port defaults
/// to 5432 and the database to the user name. Query parameters (all optional):
/// - `sslmode`: `disable`, `prefer` (the default: TLS when the server offers it, certificate not checked),
///   `require` (TLS, certificate not checked), `verify-ca` (TLS, chain checked) or `verify-full` (TLS, chain and
///   host name checked) — the meanings libpq gives them;
/// - `sslrootcert`: a PEM file of trusted CA certificates (for example the RDS bundle) instead of the system's;
/// - `connect_timeout`: seconds to wait for a connection (default 10).
///
/// ``description``, `debugDescription` and `dump()` never show the password.
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// How the connection uses TLS (`sslmode`).
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server supports it; the certificate is not checked.
        case prefer
        /// TLS required; the certificate is not checked.
        case require
        /// TLS required; the certificate chain is checked against the trusted CAs.
        case verifyCA = "verify-ca"
        /// TLS required; the chain and the host name are checked.
        case verifyFull = "verify-full"
    }

    /// The host name or IP address (IPv6 without brackets).
    public var host: String
    /// The TCP port.
    public var port: Int
    /// The user name.
    public var username: String
    /// The password, if any. Never printed.
    public var password: String?
    /// The database name.
    public var database: String
    /// The TLS mode.
    public var tlsMode: TLSMode
    /// A PEM file of trusted CA certificates (`sslrootcert`), if given.
    public var rootCertificatePath: String?
    /// How long to wait for a connection.
    public var connectTimeout: Duration

    /// Parses a URL.
    ///
    /// - Throws: ``RelayError/Code/invalidDatabaseURL`` saying which part is wrong (never echoing the password).
    public init(_ text: String) throws(RelayError) {
        let schemes = ["postgres://", "postgresql://"]
        guard let scheme = schemes.first(where: { text.hasPrefix($0) }) else {
            throw Self.invalid("the URL must start with postgres:// or postgresql://")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if rest.contains("#") { throw Self.invalid("the URL must not have a fragment (#)") }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        guard let at = rest.lastIndex(of: "@") else {
            throw Self.invalid("the URL must name a user: postgres://user[:password]@host[:port]/database")
        }
        let userInfo = rest[..<at]
        let hostPort = rest[rest.index(after: at)...]
        let username: String
        var password: String?
        if let colon = userInfo.firstIndex(of: ":") {
            username = try Self.decode(userInfo[..<colon], part: "user")
            password = try Self.decode(userInfo[userInfo.index(after: colon)...], part: "password", secret: true)
        } else {
            username = try Self.decode(userInfo, part: "user")
        }
        guard !username.isEmpty else { throw Self.invalid("the user name is empty") }
        let (host, port) = try Self.parseHostPort(hostPort)
        let database = path.isEmpty ? username : try Self.decode(path, part: "database")
        guard !database.contains("/") else { throw Self.invalid("the database name must not contain '/'") }
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tlsMode = .prefer
        self.rootCertificatePath = nil
        self.connectTimeout = .seconds(10)
        if let query, !query.isEmpty {
            for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(parts[0])
                let value = parts.count == 2 ? try Self.decode(parts[1], part: "parameter \(key)") : ""
                switch key {
                case "sslmode":
                    guard let mode = TLSMode(rawValue: value) else {
                        throw Self.invalid(
                            "sslmode '\(value.prefix(40))' must be one of "
                                + TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                        )
                    }
                    tlsMode = mode
                case "sslrootcert":
                    guard !value.isEmpty else { throw Self.invalid("sslrootcert is empty") }
                    rootCertificatePath = value
                case "connect_timeout":
                    guard let seconds = Int(value), (1...3600).contains(seconds) else {
                        throw Self.invalid("connect_timeout must be 1 to 3600 seconds, got '\(value.prefix(40))'")
                    }
                    connectTimeout = .seconds(seconds)
                default:
                    throw Self.invalid(
                        "unknown parameter '\(key.prefix(40))' (accepted: sslmode, sslrootcert, connect_timeout)"
                    )
                }
            }
        }
    }

    /// The URL with the password replaced by `***`.
    public var description: String {
        var text = "postgres://" + Self.encode(username)
        if password != nil { text += ":***" }
        text += "@" + (host.contains(":") ? "[\(host)]" : host) + ":\(port)/" + Self.encode(database)
        var parameters = ["sslmode=\(tlsMode.rawValue)"]
        if let rootCertificatePath { parameters.append("sslrootcert=\(Self.encode(rootCertificatePath))") }
        if connectTimeout != .seconds(10) { parameters.append("connect_timeout=\(connectTimeout.components.seconds)") }
        return text + "?" + parameters.joined(separator: "&")
    }

    /// The same as ``description`` (the password stays hidden).
    public var debugDescription: String { description }

    /// A mirror without the password (for `dump()`).
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host, "port": port, "username": username, "password": password == nil ? "nil" : "***",
                "database": database, "tlsMode": tlsMode, "rootCertificatePath": rootCertificatePath as Any,
                "connectTimeout": connectTimeout,
            ],
            displayStyle: .struct
        )
    }

    /// The settings for a postgres-nio `PostgresClient`.
    ///
    /// With `sslrootcert` the TLS configuration trusts that file's certificates; a file that cannot be read fails
    /// when the client connects.
    public var postgresConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: clientTLS
        )
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }

    private var tlsConfiguration: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch tlsMode {
        case .disable, .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let rootCertificatePath { tls.trustRoots = .file(rootCertificatePath) }
        return tls
    }

    private var clientTLS: PostgresClient.Configuration.TLS {
        switch tlsMode {
        case .disable: .disable
        case .prefer: .prefer(tlsConfiguration)
        case .require, .verifyCA, .verifyFull: .require(tlsConfiguration)
        }
    }

    /// The settings of one `PostgresConnection` (what the relay's workers and listener use).
    ///
    /// - Throws: ``RelayError/Code/invalidDatabaseURL`` when the TLS settings cannot be loaded (an unreadable
    ///   `sslrootcert`).
    func connectionConfiguration() throws(RelayError) -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch tlsMode {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: tlsConfiguration))
            case .require, .verifyCA, .verifyFull: tls = .require(try NIOSSLContext(configuration: tlsConfiguration))
            }
        } catch {
            throw Self.invalid("cannot load the TLS settings (sslrootcert \(rootCertificatePath ?? "none")): \(error)")
        }
        var configuration = PostgresConnection.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
        configuration.options.connectTimeout = .nanoseconds(
            connectTimeout.components.seconds * 1_000_000_000 + connectTimeout.components.attoseconds / 1_000_000_000
        )
        if tlsMode == .verifyFull, !Self.isIPAddress(host) { configuration.options.tlsServerName = host }
        return configuration
    }

    // MARK: - Parsing helpers

    private static func parseHostPort(_ text: Substring) throws(RelayError) -> (String, Int) {
        var hostText: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid("an IPv6 host lacks its closing ']'") }
            hostText = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("unexpected text after the IPv6 host") }
                portText = after.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            hostText = text
        }
        let host = try decode(hostText, part: "host")
        guard !host.isEmpty else { throw invalid("the host is empty") }
        guard host.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0 != "/" && $0 != "@" })
        else {
            throw invalid("the host contains a space, a control character, '/' or '@'")
        }
        var port = 5432
        if let portText {
            guard let value = Int(portText), (1...65_535).contains(value) else {
                throw invalid("the port must be 1 to 65535, got '\(portText.prefix(20))'")
            }
            port = value
        }
        return (host, port)
    }

    private static func decode(_ text: Substring, part: String, secret: Bool = false) throws(RelayError) -> String {
        guard let decoded = String(text).removingPercentEncoding else {
            throw invalid(
                secret
                    ? "the \(part) has an invalid percent-escape"
                    : "the \(part) '\(text.prefix(80))' has an invalid percent-escape"
            )
        }
        return decoded
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"
    )

    private static func isIPAddress(_ host: String) -> Bool {
        host.contains(":") || host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
    }

    private static func invalid(_ message: String) -> RelayError {
        RelayError(code: .invalidDatabaseURL, message: message)
    }
}
