import DBLambdaHTTP
import Foundation
import Logging
import LoopbackHTTPServer
import Testing

/// Marker secrets for the leak tests. Each holds a distinctive alphanumeric core that survives any encoding
/// (percent-encoding, JSON escaping, XML escaping), so finding the core anywhere means the secret leaked.
enum SecretMarkers {
    /// The access key id: not a secret (it is in every `Authorization` header and in descriptions).
    static let accessKeyID = "AKIASECRETSLEAKTEST1"
    /// A secret access key with `/` and `+`, like real ones.
    static let secretAccessKey = "wJalr/SECRETKEYCORE7f3a9d/bPxRfi+CYEXAMPLEKEY"
    /// A session token with base64 punctuation.
    static let sessionToken = "IQoJb3JpZ2luX2Vj//SESSIONTOKENCORE5c1e8b+yHg7Xp==/tail"
    /// A web identity (OIDC) token.
    static let webIdentityToken = "eyJhbGciOiJSUzI1NiJ9.WEBIDENTITYCORE2d4f6a.c2lnbmF0dXJl"
    /// The container credentials authorization token.
    static let containerToken = "Basic CONTAINERTOKENCORE8e2b4c="
    /// The IMDSv2 session token the fake metadata service hands out.
    static let imdsToken = "AQAEAIMDSTOKENCORE3b7d1f=="

    /// The cores searched for: secret key, session token, web identity token, container and IMDS tokens.
    static let cores: [(name: String, core: String)] = [
        ("secret access key", "SECRETKEYCORE7f3a9d"),
        ("session token", "SESSIONTOKENCORE5c1e8b"),
        ("web identity token", "WEBIDENTITYCORE2d4f6a"),
        ("container authorization token", "CONTAINERTOKENCORE8e2b4c"),
        ("IMDS session token", "IMDSTOKENCORE3b7d1f"),
    ]

    /// Credentials JSON as the container endpoint, IMDS and `credential_process` return it.
    static var credentialsJSON: String {
        """
        {"Version":1,"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"\(accessKeyID)",\
        "SecretAccessKey":"\(jsonEscaped(secretAccessKey))","Token":"\(jsonEscaped(sessionToken))",\
        "SessionToken":"\(jsonEscaped(sessionToken))","Expiration":"2099-01-01T00:00:00Z"}
        """
    }

    /// An STS `AssumeRoleWithWebIdentity` answer holding the marker credentials.
    static var stsSuccessXML: String {
        """
        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleWithWebIdentityResult>
            <Credentials>
              <SessionToken>\(sessionToken)</SessionToken>
              <SecretAccessKey>\(secretAccessKey)</SecretAccessKey>
              <Expiration>2099-01-02T03:04:05Z</Expiration>
              <AccessKeyId>\(accessKeyID)</AccessKeyId>
            </Credentials>
          </AssumeRoleWithWebIdentityResult>
        </AssumeRoleWithWebIdentityResponse>
        """
    }

    static func jsonEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "/", with: "\\/")
    }
}

/// Everything observable that a test produced (log lines, descriptions, dumps, CLI output), checked at the end for
/// the marker secrets and for the signatures the loopback servers received.
final class SecretsLedger: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [(origin: String, text: String)] = []
    private var signatures: Set<String> = []
    private var logLineCount = 0

    /// A logger at trace level whose every line (message, metadata, source) goes into the ledger.
    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { label in SecretsCapturingLogHandler(label: label, ledger: self) }
        logger.logLevel = .trace
        return logger
    }

    func recordLogLine(_ line: String) {
        lock.withLock {
            logLineCount += 1
            texts.append(("log line", line))
        }
    }

    /// How many log lines were captured (a test asserts the trace logging really ran).
    var logLines: Int { lock.withLock { logLineCount } }

    /// Records plain text (CLI output).
    func record(_ origin: String, text: String) {
        lock.withLock { texts.append((origin, text)) }
    }

    /// Records every rendering of `value`: `description`, `debugDescription` (`String(reflecting:)`) and `dump()`.
    func record(_ origin: String, _ value: Any) {
        var dumped = ""
        dump(value, to: &dumped)
        var renderings = [
            ("\(origin) description", String(describing: value)),
            ("\(origin) String(reflecting:)", String(reflecting: value)),
            ("\(origin) dump()", dumped),
        ]
        if let debug = value as? any CustomDebugStringConvertible {
            renderings.append(("\(origin) debugDescription", debug.debugDescription))
        }
        if let error = value as? any Error {
            renderings.append(("\(origin) localizedDescription", error.localizedDescription))
        }
        lock.withLock { texts += renderings }
    }

    /// Records the outcome of an operation: the value or the error, in every rendering.
    func record<Value>(_ origin: String, outcome: () async throws -> Value) async {
        do {
            record("\(origin) result", try await outcome())
        } catch {
            record("\(origin) error", error)
        }
    }

    /// Adds the signatures of the requests `server` received (`Signature=` in `Authorization`, `X-Amz-Signature`
    /// in a query), so that they are searched for too; returns how many requests carried one.
    @discardableResult
    func collectSignatures(from server: LoopbackHTTPServer) -> Int {
        var found = 0
        for request in server.requests {
            var values: [String] = []
            if let authorization = request.header("Authorization"), let range = authorization.range(of: "Signature=") {
                values.append(String(authorization[range.upperBound...]))
            }
            if let query = request.query, let range = query.range(of: "X-Amz-Signature=") {
                values.append(String(query[range.upperBound...].prefix(64)))
            }
            if !values.isEmpty { found += 1 }
            lock.withLock { signatures.formUnion(values.filter { $0.count == 64 }) }
        }
        return found
    }

    /// Adds one signature to search for.
    func addSignature(_ signature: String) {
        lock.withLock { _ = signatures.insert(signature) }
    }

    /// How many distinct signatures are searched for.
    var signatureCount: Int { lock.withLock { signatures.count } }

    /// Records an issue for every text holding a marker core or a collected signature.
    func expectNoSecrets(sourceLocation: SourceLocation = #_sourceLocation) {
        let (texts, signatures) = lock.withLock { (self.texts, self.signatures) }
        #expect(!texts.isEmpty, "nothing was recorded", sourceLocation: sourceLocation)
        for (origin, text) in texts {
            for (name, core) in SecretMarkers.cores where text.contains(core) {
                Issue.record("the \(name) leaked in \(origin): \(text)", sourceLocation: sourceLocation)
            }
            for signature in signatures where text.contains(signature) {
                Issue.record("a request signature leaked in \(origin): \(text)", sourceLocation: sourceLocation)
            }
        }
    }
}

/// A log handler that renders every event (level, label, source, message, merged metadata) into a ledger.
struct SecretsCapturingLogHandler: LogHandler {
    let label: String
    let ledger: SecretsLedger
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = "\(event.level) \(label) [\(event.source)] \(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() {
            line += " \(key)=\(merged[key].map { "\($0)" } ?? "")"
        }
        ledger.recordLogLine(line)
    }
}

/// A temporary directory playing `HOME`, removed by `remove()`.
struct SecretsHome {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/dblambda-secrets-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path + "/.aws", withIntermediateDirectories: true)
    }

    /// Writes `text` at `relativePath` inside the home; returns the absolute path.
    @discardableResult
    func write(_ relativePath: String, _ text: String, executable: Bool = false) throws -> String {
        let file = "\(path)/\(relativePath)"
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file)
        }
        return file
    }

    /// `HOME`, a minimal `PATH`, IMDS disabled, plus `extra`.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ["HOME": path, "PATH": "/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED": "true"]
        environment.merge(extra) { _, new in new }
        return environment
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Runs `body` with a fresh temporary home, removed afterwards.
func withSecretsHome<Result>(_ body: (SecretsHome) async throws -> Result) async throws -> Result {
    let home = try SecretsHome()
    defer { home.remove() }
    return try await body(home)
}

/// Runs `body` with a loopback server and an async-http-client transport, shutting both down.
func withSecretsServer<Result: Sendable>(
    _ handler: @escaping @Sendable (RecordedRequest) async -> ServerAction,
    _ body: (LoopbackHTTPServer, AsyncHTTPClientTransport) async throws -> Result
) async throws -> Result {
    try await withLoopbackHTTPServer(handler: handler) { server in
        try await AsyncHTTPClientTransport.withTransport { transport in
            try await body(server, transport)
        }
    }
}

/// Runs the built `dblambda` binary (`$DBLAMBDA_BINARY`, or the one next to the test bundle) with a clean
/// environment; standard input is `stdin`.
enum SecretsCLI {
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    struct NotFound: Error, CustomStringConvertible {
        var description: String
    }

    static func binary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["DBLAMBDA_BINARY"], !explicit.isEmpty { return explicit }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("dblambda").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw NotFound(description: "dblambda binary not found near the test bundle; set DBLAMBDA_BINARY")
    }

    /// Runs the binary off the calling task's thread (the loopback server must keep answering meanwhile).
    static func run(_ arguments: [String], environment: [String: String], stdin: String = "") async throws -> Output {
        let binary = try binary()
        return try await offCooperativePool { try runBlocking(binary, arguments, environment, stdin) }
    }

    private static func runBlocking(
        _ binary: String,
        _ arguments: [String],
        _ environment: [String: String],
        _ stdin: String
    ) throws -> Output {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dblambda-secrets-cli-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inURL = directory.appendingPathComponent("stdin")
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        try Data(stdin.utf8).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let input = try FileHandle(forReadingFrom: inURL)
        let output = try FileHandle(forWritingTo: outURL)
        let error = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        process.waitUntilExit()
        try input.close()
        try output.close()
        try error.close()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }
}

/// Counts requests from concurrent server handlers.
final class SecretsCounter: Sendable {
    private let lock = SecretsLockedBox(0)

    func next() -> Int {
        lock.withLock { value in
            value += 1
            return value
        }
    }
}

/// A value behind a lock.
final class SecretsLockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.withLock { body(&value) }
    }
}
