import DBLambdaEvents
import DBLambdaHTTP
import DBLambdaLocal
import Foundation
import HTTPTypes
import Logging
import LoopbackHTTPServer
import PostgresNIO
import Testing

#if canImport(Glibc)
import Glibc
#endif

// The machinery of `RelayReliabilityTests`: a private PostgreSQL cluster, the function (a fault-injecting front
// door before a `LocalLambdaServer`), the writers, and the relay processes.

/// A failure of the reliability run's machinery (not a broken guarantee: those are `#expect`s).
struct ReliabilityFailure: Error, CustomStringConvertible {
    var description: String
}

/// SplitMix64: a small, fast generator whose whole output follows from its seed (the run's randomness is seeded).
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A value protected by a lock.
final class ReliabilityLocked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// A logger that drops everything (PostgresNIO and the HTTP client log a lot at info level).
let quietLogger = Logger(label: "relay-reliability", factory: { _ in SwiftLogNoOpLogHandler() })

/// Runs `operation`, but gives up after `limit`: the caller gets a failure and the operation is left behind (it is
/// cancelled, but a postgres-nio query on a connection the server closed may never return, and a test must not wait
/// for it forever).
func abandoning<Value: Sendable>(
    after limit: Duration,
    _ what: String,
    _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
        let resumed = ReliabilityLocked(false)
        let claim: @Sendable () -> Bool = {
            resumed.withLock { done in
                defer { done = true }
                return !done
            }
        }
        let work = Task {
            do {
                let value = try await operation()
                if claim() { continuation.resume(returning: value) }
            } catch {
                if claim() { continuation.resume(throwing: error) }
            }
        }
        Task {
            try? await Task.sleep(for: limit)
            if claim() {
                work.cancel()
                continuation.resume(throwing: ReliabilityFailure(description: "\(what): no answer in \(limit)"))
            }
        }
    }
}

// MARK: - Child processes without Foundation's `Process`

/// Starts and waits for child processes with `posix_spawn` and `waitpid`.
///
/// Foundation's `Process` learns that a child ended when the child's end of a socket pair closes: the PostgreSQL
/// server that `pg_ctl` leaves running would inherit that end (so `pg_ctl` would never be seen to end), and so could
/// the relays. Here every descriptor above 2 is closed in the child (by bash, before it executes the program), and
/// the parent waits with `waitpid` on a dedicated thread (never on Swift's cooperative pool).
enum ChildProcess {
    /// Starts `path arguments…` with standard input from /dev/null and standard output and error appended to the
    /// given files; returns its process id.
    static func spawn(
        _ path: String,
        _ arguments: [String],
        environment: [String: String],
        stdout: String,
        stderr: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        // bash closes every other inherited descriptor, then becomes the program (same process id).
        let closeInherited =
            #"for fd in $(ls /proc/$$/fd); do if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi; done; exec "$@""#
        let shell = "/bin/bash"
        let argv: [UnsafeMutablePointer<CChar>?] =
            ([shell, "-c", closeInherited, "child", path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, shell, &actions, nil, argv, envp)
        guard result == 0 else {
            throw ReliabilityFailure(description: "cannot start \(path): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Waits for `pid` to end; returns its exit status, or 128 + the signal that ended it.
    static func wait(_ pid: pid_t) async throws -> Int32 {
        try await offCooperativePool {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 {
                guard errno == EINTR else {
                    throw ReliabilityFailure(description: "waitpid \(pid): \(String(cString: strerror(errno)))")
                }
            }
            let signal = status & 0x7f
            return signal == 0 ? (status >> 8) & 0xff : 128 + signal
        }
    }

    /// Runs `path arguments…` to the end; returns its exit status and what it printed.
    static func run(_ path: String, _ arguments: [String], in directory: URL) async throws -> SQLClient.Output {
        let name = UUID().uuidString.prefix(8)
        let out = directory.appendingPathComponent("run-\(name).out").path
        let err = directory.appendingPathComponent("run-\(name).err").path
        let pid = try spawn(path, arguments, environment: ProcessInfo.processInfo.environment, stdout: out, stderr: err)
        let status = try await wait(pid)
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: err)
        }
        return SQLClient.Output(
            status: status,
            stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        )
    }
}

// MARK: - The private PostgreSQL cluster

/// A PostgreSQL cluster of its own (initdb into a temporary directory, a free loopback port), so the run can restart
/// the database under load without disturbing the suites that share the dev server.
///
/// The binaries are found the way `.ci/services.sh` finds them: `$PGBIN` if set, else `/usr/lib/postgresql/15/bin`,
/// else `pg_config --bindir` (`$PG_CONFIG`). As root, `initdb` and `pg_ctl` run through `runuser -u postgres`
/// (PostgreSQL refuses to run as root). A missing binary is a failure, never a skip.
final class ReliabilityCluster: Sendable {
    let directory: URL
    let port: Int
    let binDirectory: String
    let asPostgresUser: Bool
    static let database = "reliability"

    private init(directory: URL, port: Int, binDirectory: String, asPostgresUser: Bool) {
        self.directory = directory
        self.port = port
        self.binDirectory = binDirectory
        self.asPostgresUser = asPostgresUser
    }

    /// The directory holding `initdb` and `pg_ctl`.
    static func findBinaries() async throws -> String {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let explicit = environment["PGBIN"], !explicit.isEmpty { candidates.append(explicit) }
        candidates.append("/usr/lib/postgresql/15/bin")
        let pgConfig = environment["PG_CONFIG"].flatMap { $0.isEmpty ? nil : $0 } ?? "pg_config"
        if let output = try? await SQLClient.run(pgConfig, ["--bindir"], input: ""), output.status == 0 {
            candidates.append(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        for directory in candidates {
            let fileManager = FileManager.default
            if fileManager.isExecutableFile(atPath: directory + "/initdb"),
                fileManager.isExecutableFile(atPath: directory + "/pg_ctl")
            {
                return directory
            }
        }
        throw ReliabilityFailure(
            description: "PostgreSQL server binaries (initdb, pg_ctl) not found in \(candidates); install "
                + "postgresql-15 (see .ci/services.sh) or set PGBIN"
        )
    }

    /// Runs one server binary (through `runuser -u postgres` when the tests run as root) and fails on a non-zero
    /// exit.
    @discardableResult
    private static func run(
        _ tool: String,
        _ arguments: [String],
        binDirectory: String,
        asPostgresUser: Bool,
        scratch: URL
    ) async throws -> SQLClient.Output {
        let path = binDirectory + "/" + tool
        let output =
            asPostgresUser
            ? try await ChildProcess.run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments, in: scratch)
            : try await ChildProcess.run(path, arguments, in: scratch)
        guard output.status == 0 else {
            throw ReliabilityFailure(
                description: "\(tool) \(arguments.joined(separator: " ")) exited \(output.status): "
                    + output.stderr + output.stdout
            )
        }
        return output
    }

    /// Creates and starts a cluster (a new port is tried when another process took the first one).
    static func start() async throws -> ReliabilityCluster {
        let binDirectory = try await findBinaries()
        let asPostgresUser = getuid() == 0
        let directory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("relay-reliability-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent("sock"),
                withIntermediateDirectories: true
            )
            if asPostgresUser {
                let chown = try await SQLClient.run("chown", ["-R", "postgres:postgres", directory.path], input: "")
                guard chown.status == 0 else {
                    throw ReliabilityFailure(description: "chown postgres \(directory.path): \(chown.stderr)")
                }
            }
            try await run(
                "initdb",
                [
                    "-D", directory.appendingPathComponent("data").path, "-U", "postgres", "--auth=trust", "-E",
                    "UTF8", "--locale=C.UTF-8", "--no-sync",
                ],
                binDirectory: binDirectory,
                asPostgresUser: asPostgresUser,
                scratch: directory
            )
            var lastError: (any Error)?
            for _ in 0..<3 {
                let cluster = ReliabilityCluster(
                    directory: directory,
                    port: try await freeLoopbackPort(),
                    binDirectory: binDirectory,
                    asPostgresUser: asPostgresUser
                )
                do {
                    try await cluster.pgctl(["start", "-o", cluster.serverOptions])
                    return cluster
                } catch {
                    lastError = error
                }
            }
            throw lastError ?? ReliabilityFailure(description: "pg_ctl start failed")
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// The server options: loopback only, a socket directory of its own, durability off (a test cluster), and
    /// enough connections for the writers and two relays.
    var serverOptions: String {
        "-p \(port) -k \(directory.appendingPathComponent("sock").path) -c listen_addresses=127.0.0.1 "
            + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=80"
    }

    private func pgctl(_ arguments: [String]) async throws {
        try await Self.run(
            "pg_ctl",
            [
                "-D", directory.appendingPathComponent("data").path, "-l",
                directory.appendingPathComponent("server.log").path,
                "-w", "-t", "60",
            ] + arguments,
            binDirectory: binDirectory,
            asPostgresUser: asPostgresUser,
            scratch: directory
        )
    }

    /// `pg_ctl restart -m fast`: every session is terminated, then the server starts again.
    func restart() async throws {
        try await pgctl(["-m", "fast", "restart", "-o", serverOptions])
    }

    /// Stops the server at once and deletes the cluster.
    func destroy() async {
        try? await pgctl(["-m", "immediate", "stop"])
        try? FileManager.default.removeItem(at: directory)
    }

    /// The last lines of the server log, for failure messages.
    func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// The environment for `psql`.
    var psqlEnvironment: [String: String] {
        [
            "PGHOST": "127.0.0.1", "PGPORT": String(port), "PGUSER": "postgres", "PGCONNECT_TIMEOUT": "10",
            "PGOPTIONS": "-c client_min_messages=warning",
        ]
    }

    /// Runs a script with `psql -v ON_ERROR_STOP=1` (the way users run the generated SQL).
    @discardableResult
    func psql(_ sql: String, database: String = ReliabilityCluster.database) async throws -> String {
        let output = try await SQLClient.run(
            "psql",
            ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database, "-f", "-"],
            input: sql,
            extraEnvironment: psqlEnvironment
        )
        guard output.status == 0 else {
            throw ReliabilityFailure(description: "psql exited \(output.status): \(output.stderr)")
        }
        return output.stdout
    }

    /// The relay's `--database` URL (trust authentication: no password).
    var databaseURL: String {
        "postgres://postgres@127.0.0.1:\(port)/\(Self.database)?sslmode=disable"
    }

    var connectionConfiguration: PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: "127.0.0.1",
            port: port,
            username: "postgres",
            password: nil,
            database: Self.database,
            tls: .disable
        )
    }

    /// Opens a connection, retrying for up to `patience` (the server may be restarting).
    func connect(id: Int, patience: Duration = .seconds(60)) async throws -> PostgresConnection {
        let clock = ContinuousClock()
        let deadline = clock.now + patience
        while true {
            do {
                let configuration = connectionConfiguration
                return try await abandoning(after: .seconds(10), "connect") {
                    try await PostgresConnection.connect(configuration: configuration, id: id, logger: quietLogger)
                }
            } catch {
                if clock.now >= deadline { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Runs `body` on a fresh connection, closing it afterwards.
    func withConnection<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await connect(id: 9_000)
        do {
            let result = try await body(connection)
            try? await abandoning(after: .seconds(5), "close") { try await connection.close() }
            return result
        } catch {
            try? await abandoning(after: .seconds(5), "close") { try await connection.close() }
            throw error
        }
    }

    /// A free TCP port on 127.0.0.1 (bound, read, released).
    static func freeLoopbackPort() async throws -> Int {
        let probe = try await LoopbackHTTPServer.start { _ in .respond(StubResponse(status: 204)) }
        let port = probe.port
        try await probe.shutdown()
        return port
    }
}

// MARK: - What the function saw

/// One committed or rolled-back change of the test table: its key and the version the writer gave it. Versions of a
/// key are never reused (a rolled-back version is burnt), so a token names exactly one change.
struct ChangeToken: Hashable, Sendable, Comparable, CustomStringConvertible {
    var key: Int64
    var version: Int32

    static func < (lhs: ChangeToken, rhs: ChangeToken) -> Bool {
        (lhs.key, lhs.version) < (rhs.key, rhs.version)
    }

    var description: String { "k=\(key) v=\(version)" }
}

/// The kinds of failure the front door injects.
enum InjectedFault: String, Sendable, CaseIterable {
    case http500, http429, functionError
}

/// Failure stretches by request number: a quiet gap, then a stretch of one kind of failure, and so on, all drawn
/// from the seed.
struct FaultSchedule: Sendable {
    private var generator: SeededGenerator
    private var gapLeft: Int
    private var stretchLeft = 0
    private var kind = InjectedFault.http500

    init(seed: UInt64) {
        generator = SeededGenerator(seed: seed ^ 0xFA17)
        gapLeft = Int.random(in: 10...30, using: &generator)
    }

    mutating func next() -> InjectedFault? {
        if stretchLeft > 0 {
            stretchLeft -= 1
            return kind
        }
        if gapLeft > 0 {
            gapLeft -= 1
            return nil
        }
        kind = InjectedFault.allCases.randomElement(using: &generator) ?? .http500
        stretchLeft = Int.random(in: 3...10, using: &generator) - 1
        gapLeft = Int.random(in: 15...50, using: &generator)
        return kind
    }
}

/// Everything the function and its front door record, under one lock.
final class ReliabilityLedger: @unchecked Sendable {
    /// One successful delivery of one event, in the order the handler recorded them (a payload's events together).
    struct Delivery: Sendable {
        var token: ChangeToken
        var eventID: String
        /// The relay process that sent it (from the access key of its signature).
        var instance: Int
        /// The crash epoch when the request reached the front door.
        var epoch: Int
    }

    struct State {
        var deliveries: [Delivery] = []
        var delivered: Set<ChangeToken> = []
        var injectedPerEvent: [String: Int] = [:]
        var injected: [InjectedFault: Int] = [:]
        var epoch = 0
        var requests = 0
        var faultsEnabled = true
        var schedule: FaultSchedule
        var poisonRejections = 0
        var malformed: [String] = []
        var forwardErrors: [String] = []
    }

    let state: ReliabilityLocked<State>
    /// The most failures injected into one event: below the relay's `--max-attempts`, so an ordinary event is never
    /// dead-lettered by the injected failures alone.
    let capPerEvent: Int

    init(seed: UInt64, capPerEvent: Int) {
        state = ReliabilityLocked(State(schedule: FaultSchedule(seed: seed)))
        self.capPerEvent = capPerEvent
    }

    var deliveredCount: Int { state.withLock { $0.delivered.count } }

    /// Starts a new crash epoch (before a SIGKILL, before and after the database restart); returns it.
    @discardableResult
    func nextEpoch() -> Int {
        state.withLock {
            $0.epoch += 1
            return $0.epoch
        }
    }

    func setFaults(enabled: Bool) {
        state.withLock { $0.faultsEnabled = enabled }
    }

    /// The front door's bookkeeping for one request: its crash epoch and the scheduled fault, if any.
    func arrival() -> (epoch: Int, fault: InjectedFault?) {
        state.withLock {
            $0.requests += 1
            let fault = $0.schedule.next()
            return ($0.epoch, $0.faultsEnabled ? fault : nil)
        }
    }

    /// Whether `fault` may hit these events (none has reached the cap); counts it when it does.
    func admit(_ fault: InjectedFault, eventIDs: [String]) -> Bool {
        state.withLock { state in
            guard eventIDs.allSatisfy({ state.injectedPerEvent[$0, default: 0] < capPerEvent }) else { return false }
            for id in eventIDs { state.injectedPerEvent[id, default: 0] += 1 }
            state.injected[fault, default: 0] += 1
            return true
        }
    }

    func record(_ events: [(token: ChangeToken, eventID: String)], instance: Int, epoch: Int) {
        state.withLock { state in
            for event in events {
                state.deliveries.append(
                    Delivery(token: event.token, eventID: event.eventID, instance: instance, epoch: epoch)
                )
                state.delivered.insert(event.token)
            }
        }
    }
}

/// The row an event carries, read from the envelope's `new` object.
struct EventRow: Sendable {
    var eventID: String
    var token: ChangeToken
    var poison: Bool

    static func rows(of payload: [UInt8]) throws -> [EventRow] {
        try ChangeEvent.decode(from: payload).map { event in
            guard let row = event.new, let id = event.id,
                let key = row["k"]?.numberValue.flatMap({ Int64($0.text) }),
                let version = row["version"]?.numberValue.flatMap({ Int32($0.text) })
            else {
                throw ReliabilityFailure(description: "an event without id, new.k or new.version: \(event.id ?? "?")")
            }
            return EventRow(
                eventID: id,
                token: ChangeToken(key: key, version: version),
                poison: row["poison"]?.boolValue ?? false
            )
        }
    }
}

/// An error the handler throws on purpose (an `Unhandled` function error).
struct InjectedFunctionError: Error, CustomStringConvertible {
    var description: String { "injected function error" }
}

/// The function: a `LocalLambdaServer` whose handler records what it receives and rejects poison rows, behind a
/// front door (a loopback HTTP server) that answers some requests itself with 500 or 429 on the seeded schedule, or
/// marks them for an injected function error, and forwards the rest.
///
/// The front door tells the handler which relay process sent a request (the access key of its signature) and the
/// crash epoch at arrival, in the `X-Amz-Client-Context` header it adds.
final class ReliabilityFunction: Sendable {
    let ledger: ReliabilityLedger
    let server: LocalLambdaServer
    let frontDoor: LoopbackHTTPServer
    let transport: AsyncHTTPClientTransport
    static let functionName = "reliability-orders"
    static let poisonErrorType = "PoisonRow"

    private init(
        ledger: ReliabilityLedger,
        server: LocalLambdaServer,
        frontDoor: LoopbackHTTPServer,
        transport: AsyncHTTPClientTransport
    ) {
        self.ledger = ledger
        self.server = server
        self.frontDoor = frontDoor
        self.transport = transport
    }

    static func start(ledger: ReliabilityLedger) async throws -> ReliabilityFunction {
        var configuration = LocalLambdaServer.Configuration(
            defaultHandler: .closure { invocation in try handle(invocation, ledger: ledger) }
        )
        configuration.logger = quietLogger
        // No signature check here: the front door in front of it reads the relay's access key.
        configuration.credentials = nil
        let server = try await LocalLambdaServer.start(configuration)
        let transport = AsyncHTTPClientTransport()
        let authority = "127.0.0.1:\(server.port)"
        do {
            let frontDoor = try await LoopbackHTTPServer.start { request in
                await frontDoorAnswer(request, ledger: ledger, transport: transport, authority: authority)
            }
            return ReliabilityFunction(ledger: ledger, server: server, frontDoor: frontDoor, transport: transport)
        } catch {
            try? await transport.shutdown()
            try? await server.shutdown()
            throw error
        }
    }

    var endpoint: String { frontDoor.baseURL }

    func shutdown() async {
        try? await frontDoor.shutdown()
        try? await server.shutdown()
        try? await transport.shutdown()
    }

    /// The access key of relay process `instance` (20 characters, like AWS's).
    static func accessKey(instance: Int) -> String {
        let digits = String(instance)
        return "AKIARELAY" + String(repeating: "0", count: max(0, 11 - digits.count)) + digits
    }

    static func instance(ofAuthorization header: String?) -> Int {
        guard let header, let range = header.range(of: "Credential=AKIARELAY") else { return 0 }
        return Int(header[range.upperBound...].prefix { $0.isNumber }) ?? 0
    }

    private static func frontDoorAnswer(
        _ request: RecordedRequest,
        ledger: ReliabilityLedger,
        transport: AsyncHTTPClientTransport,
        authority: String
    ) async -> ServerAction {
        let instance = instance(ofAuthorization: request.header("Authorization"))
        let (epoch, scheduled) = ledger.arrival()
        var fault: InjectedFault?
        if let scheduled {
            // Injected only when no event of the payload is poison (its last error must be the function's own) and
            // none has reached the cap.
            if let rows = try? EventRow.rows(of: request.body), !rows.contains(where: \.poison),
                ledger.admit(scheduled, eventIDs: rows.map(\.eventID))
            {
                fault = scheduled
            }
        }
        switch fault {
        case .http500:
            return .respond(
                StubResponse(
                    status: 500,
                    headers: [
                        HeaderField(name: "Content-Type", value: "application/json"),
                        HeaderField(name: "x-amzn-ErrorType", value: "ServiceException"),
                    ],
                    body: Array(#"{"Type":"Service","message":"injected service failure"}"#.utf8)
                )
            )
        case .http429:
            return .respond(
                StubResponse(
                    status: 429,
                    headers: [
                        HeaderField(name: "Content-Type", value: "application/json"),
                        HeaderField(name: "x-amzn-ErrorType", value: "TooManyRequestsException"),
                    ],
                    body: Array(
                        #"{"Type":"User","message":"Rate Exceeded.","Reason":"ReservedFunctionConcurrentInvocationLimitExceeded"}"#
                            .utf8
                    )
                )
            )
        case .functionError, nil:
            break
        }
        let context =
            #"{"custom":{"relay":"\#(instance)","epoch":"\#(epoch)","fail":"\#(fault == .functionError ? "1" : "0")"}}"#
        var fields = HTTPFields()
        for header in request.headers {
            let lower = header.name.lowercased()
            if ["host", "content-length", "connection", "transfer-encoding", "x-amz-client-context"].contains(lower) {
                continue
            }
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        if let name = HTTPField.Name("X-Amz-Client-Context") {
            fields[name] = Data(context.utf8).base64EncodedString()
        }
        let forwarded = HTTPRequest(
            method: .post,
            scheme: "http",
            authority: authority,
            path: request.uri,
            headerFields: fields
        )
        do {
            let response = try await transport.send(
                forwarded,
                body: request.body,
                options: HTTPRequestOptions(timeout: .seconds(120)),
                logger: quietLogger
            )
            let headers = response.head.headerFields.compactMap { field -> HeaderField? in
                let lower = field.name.canonicalName
                guard lower != "content-length", lower != "transfer-encoding", lower != "connection" else {
                    return nil
                }
                return HeaderField(name: field.name.rawName, value: field.value)
            }
            return .respond(StubResponse(status: response.status.code, headers: headers, body: response.body))
        } catch {
            ledger.state.withLock { $0.forwardErrors.append("\(error)") }
            return .respond(.json(#"{"message":"front door could not reach the function"}"#, status: 502))
        }
    }

    private static func handle(
        _ invocation: LocalInvocation,
        ledger: ReliabilityLedger
    ) throws
        -> LocalInvocationResponse
    {
        var instance = 0
        var epoch = 0
        var fail = false
        if let context = invocation.clientContext,
            let object = try? JSONSerialization.jsonObject(with: Data(context)) as? [String: Any],
            let custom = object["custom"] as? [String: String]
        {
            instance = custom["relay"].flatMap { Int($0) } ?? 0
            epoch = custom["epoch"].flatMap { Int($0) } ?? 0
            fail = custom["fail"] == "1"
        }
        let rows: [EventRow]
        do {
            rows = try EventRow.rows(of: invocation.payload)
        } catch {
            ledger.state.withLock { $0.malformed.append("\(error)") }
            throw error
        }
        if let poison = rows.first(where: \.poison) {
            ledger.state.withLock { $0.poisonRejections += 1 }
            return .handledError(
                type: poisonErrorType,
                message: "poison row \(poison.token) rejected by the function"
            )
        }
        if fail { throw InjectedFunctionError() }
        ledger.record(rows.map { ($0.token, $0.eventID) }, instance: instance, epoch: epoch)
        return .json(#"{"received":\#(rows.count)}"#)
    }
}

// MARK: - Writers

/// What the writers did: the changes they committed, the ones they rolled back (on purpose, or because the database
/// restart broke the transaction before its commit), and how the transactions ended.
struct WriterOutcome: Sendable {
    var committed: [ChangeToken] = []
    var rolledBack: [ChangeToken] = []
    var transactions = 0
    var rolledBackTransactions = 0
    /// Transactions whose connection broke (the database restart); their outcome was read back from the table.
    var interrupted = 0
    var interruptedCommitted = 0
    /// The first errors that broke a transaction (for the report).
    var interruptions: [String] = []
}

/// Progress shared by the writers and the run's monitor.
final class WriterProgress: Sendable {
    let committed = ReliabilityLocked(0)
    /// What each writer is doing (for the heartbeat and a failure message).
    let phases = ReliabilityLocked<[Int: String]>([:])

    func set(_ index: Int, _ phase: String) {
        phases.withLock { $0[index] = phase }
    }
}

/// One writer: its own PostgresNIO connection and its own keys, so the writers never wait on each other's rows.
/// Each transaction inserts new keys and updates some of its keys (some twice); one in ten rolls back on purpose.
struct ReliabilityWriter: Sendable {
    var index: Int
    var seed: UInt64
    var quota: Int
    var cluster: ReliabilityCluster
    var progress: WriterProgress
    /// The largest number of committed events the relays may be behind before the writer waits.
    var backlog: Int
    var delivered: @Sendable () -> Int

    func run() async throws -> WriterOutcome {
        // The connection in use, closed here when the writer fails or is cancelled (postgres-nio asserts that every
        // connection is closed before it goes away).
        let holder = ReliabilityLocked<PostgresConnection?>(nil)
        do {
            return try await write(holder)
        } catch {
            if let connection = holder.withLock({ $0 }) {
                try? await abandoning(after: .seconds(5), "close") { try await connection.close() }
            }
            throw error
        }
    }

    private func write(_ holder: ReliabilityLocked<PostgresConnection?>) async throws -> WriterOutcome {
        var generator = SeededGenerator(seed: seed &+ UInt64(index + 1) &* 0x1000_0000_0001)
        var outcome = WriterOutcome()
        var live: [Int64] = []
        var nextVersion: [Int64: Int32] = [:]
        var nextKey = Int64(index + 1) * 100_000_000
        var mine = 0
        var connection = try await cluster.connect(id: index)
        holder.withLock { $0 = connection }
        while mine < quota {
            progress.set(index, "waiting for the relays (backlog)")
            while progress.committed.withLock({ $0 }) - delivered() > backlog {
                try await Task.sleep(for: .milliseconds(5))
            }
            let remaining = quota - mine
            var inserts = Int.random(in: 0...4, using: &generator)
            if live.count < 20 { inserts = max(inserts, 3) }
            inserts = min(inserts, remaining)
            var updates = Array(live.shuffled(using: &generator).prefix(Int.random(in: 0...6, using: &generator)))
            updates = Array(updates.prefix(max(0, remaining - inserts)))
            var twice = Array(updates.prefix(Int.random(in: 0...2, using: &generator)))
            twice = Array(twice.prefix(max(0, remaining - inserts - updates.count)))
            if inserts + updates.count == 0 { inserts = 1 }
            let rollback = Int.random(in: 0..<10, using: &generator) == 0

            var tokens: [ChangeToken] = []
            let insertKeys = (0..<inserts).map { nextKey + Int64($0) }
            nextKey += Int64(inserts)
            for key in insertKeys {
                nextVersion[key] = 2
                tokens.append(ChangeToken(key: key, version: 1))
            }
            var firstVersions: [Int32] = []
            for key in updates {
                let version = nextVersion[key, default: 2]
                nextVersion[key] = version + 1
                firstVersions.append(version)
                tokens.append(ChangeToken(key: key, version: version))
            }
            var secondVersions: [Int32] = []
            for key in twice {
                let version = nextVersion[key, default: 2]
                nextVersion[key] = version + 1
                secondVersions.append(version)
                tokens.append(ChangeToken(key: key, version: version))
            }
            var expected: [Int64: Int32] = [:]
            for token in tokens { expected[token.key] = max(expected[token.key] ?? 0, token.version) }

            outcome.transactions += 1
            let note = "w\(index)-t\(outcome.transactions)"
            progress.set(index, "transaction \(outcome.transactions)")
            do {
                let active = connection
                let statements = (insertKeys, updates, firstVersions, twice, secondVersions)
                try await abandoning(after: .seconds(20), "writer \(index) transaction") {
                    let (insertKeys, updates, firstVersions, twice, secondVersions) = statements
                    try await active.query("BEGIN", logger: quietLogger)
                    if !insertKeys.isEmpty {
                        try await active.query(
                            "INSERT INTO rel.items (k, version, note) SELECT x, 1, \(note) FROM unnest(\(insertKeys)::bigint[]) AS x",
                            logger: quietLogger
                        )
                    }
                    if !updates.isEmpty {
                        try await active.query(
                            "UPDATE rel.items AS t SET version = d.v, note = \(note) FROM unnest(\(updates)::bigint[], \(firstVersions)::integer[]) AS d(k, v) WHERE t.k = d.k",
                            logger: quietLogger
                        )
                    }
                    if !twice.isEmpty {
                        try await active.query(
                            "UPDATE rel.items AS t SET version = d.v FROM unnest(\(twice)::bigint[], \(secondVersions)::integer[]) AS d(k, v) WHERE t.k = d.k",
                            logger: quietLogger
                        )
                    }
                    try await active.query(rollback ? "ROLLBACK" : "COMMIT", logger: quietLogger)
                }
                if rollback {
                    outcome.rolledBack += tokens
                    outcome.rolledBackTransactions += 1
                } else {
                    outcome.committed += tokens
                    live += insertKeys
                    mine += tokens.count
                    progress.committed.withLock { $0 += tokens.count }
                }
            } catch {
                // The connection broke (the database restart): whether the transaction committed is read back from
                // the table. The writer owns its keys, so nobody else changed them.
                outcome.interrupted += 1
                if outcome.interruptions.count < 3 { outcome.interruptions.append(String(describing: error)) }
                let keys = Array(expected.keys)
                var found: [Int64: Int32] = [:]
                var attempt = 0
                while true {
                    attempt += 1
                    progress.set(index, "resolving transaction \(outcome.transactions), attempt \(attempt)")
                    let old = connection
                    try? await abandoning(after: .seconds(5), "close") { try await old.close() }
                    do {
                        connection = try await cluster.connect(id: index)
                        holder.withLock { $0 = connection }
                        let active = connection
                        found = try await abandoning(after: .seconds(20), "writer \(index) read-back") {
                            var found: [Int64: Int32] = [:]
                            let rows = try await active.query(
                                "SELECT k, version FROM rel.items WHERE k = ANY(\(keys)::bigint[])",
                                logger: quietLogger
                            )
                            for try await (key, version) in rows.decode((Int64, Int32).self) { found[key] = version }
                            return found
                        }
                        break
                    } catch {
                        if attempt >= 100 { throw error }
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }
                let applied = expected.filter { found[$0.key] == $0.value }.count
                if applied == expected.count && !rollback {
                    outcome.committed += tokens
                    outcome.interruptedCommitted += 1
                    live += insertKeys
                    mine += tokens.count
                    progress.committed.withLock { $0 += tokens.count }
                } else if applied == 0 {
                    outcome.rolledBack += tokens
                    outcome.rolledBackTransactions += 1
                } else {
                    throw ReliabilityFailure(
                        description: "writer \(index): a transaction was applied partly (\(applied)/\(expected.count))"
                    )
                }
            }
        }
        progress.set(index, "closing")
        let last = connection
        try? await abandoning(after: .seconds(5), "close") { try await last.close() }
        progress.set(index, "done")
        return outcome
    }
}

// MARK: - Relay processes

/// One `dblambda relay` process, started with ``ChildProcess``; a waiter reaps it when it ends.
final class RelayProcess: Sendable {
    let instance: Int
    let pid: pid_t
    let stderrURL: URL
    private let exit: ReliabilityLocked<Int32?>
    private let waiter: Task<Int32, any Error>

    init(instance: Int, pid: pid_t, stderrURL: URL) {
        self.instance = instance
        self.pid = pid
        self.stderrURL = stderrURL
        let exit = ReliabilityLocked<Int32?>(nil)
        self.exit = exit
        waiter = Task {
            let status = try await ChildProcess.wait(pid)
            exit.withLock { $0 = status }
            return status
        }
    }

    var isRunning: Bool { exit.withLock { $0 == nil } }

    /// Sends `signal` and waits for the process to end; returns its exit status (128 + signal when killed).
    @discardableResult
    func stop(signal: Int32) async throws -> Int32 {
        if isRunning { _ = kill(pid, signal) }
        return try await waiter.value
    }

    func stderrTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

/// Finds the `dblambda` binary the way `Tests/dblambdaTests/CLIRunner.swift` does: `$DBLAMBDA_BINARY`, else next to
/// the test bundle in the build directory (`swift test` builds it: `dblambdaTests` depends on it).
func dblambdaBinary() throws -> URL {
    if let explicit = ProcessInfo.processInfo.environment["DBLAMBDA_BINARY"], !explicit.isEmpty {
        return URL(fileURLWithPath: explicit)
    }
    var candidates: [URL] = []
    let argument0 = URL(fileURLWithPath: CommandLine.arguments[0])
    var directory = argument0.deletingLastPathComponent()
    for _ in 0..<4 {
        candidates.append(directory.appendingPathComponent("dblambda"))
        directory = directory.deletingLastPathComponent()
    }
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("dblambda"))
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
        return candidate
    }
    throw ReliabilityFailure(
        description: "dblambda binary not found near \(argument0.path) (run `swift build --product dblambda` or set "
            + "DBLAMBDA_BINARY)"
    )
}
