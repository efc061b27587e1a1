import DBLambdaCore
import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaInvoke
import DBLambdaLocal
import DBLambdaRelay
import DBLambdaSQL
import Foundation
import Histogram
import Logging
import PostgresNIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The outbox pipeline end to end, on one machine: `writers` connections insert single rows (one transaction each)
// into `bench.items`, whose outbox trigger (DBLambdaSQL, `TriggerDelivery.outbox`) writes the envelope to
// `dblambda.outbox` and notifies; an in-process `OutboxRelay` (invocation type Event) claims, invokes and marks;
// an in-process `LocalLambdaServer` answers, and its handler notes the arrival time of every row id it sees
// (`"bench_row": N` in the envelope's `new` row). Latency = arrival − the moment the writer's INSERT returned
// (autocommit: the statement's transaction has committed by then). All clocks are this process's monotonic clock.
//
// Phases (`RELAY_BENCH_PHASES`, comma-separated; each on a fresh database):
// - `baseline`: the same writers and the same trigger, no relay: the insert rate the database sustains.
// - `relay`: for each batch size, writers for `RELAY_BENCH_SECONDS` with the relay running, then the writers stop
//   and the relay drains; events/s = rows committed ÷ (last arrival − writers' start).
// - `paced`: the largest batch size with the writers paced at `RELAY_BENCH_PACED_RATE` rows/s in all (5000, the
//   issue's goal): latency at that rate rather than at saturation.
// - `drain`: for each batch size, `RELAY_BENCH_DRAIN_ROWS` rows inserted first, then the relay starts alone:
//   the relay's capacity without writers competing for the two cores.
// - `baseline-listen` (not in the default list): the baseline plus one connection that LISTENs on the outbox
//   channel and reads every notification: the database's cost of the relay's wake-ups alone.
// Every phase prints one `RELAYBENCH …` line of key=value pairs; `run.sh relay` turns them into the table.
//
// Environment: RELAY_BENCH_PG_HOST (127.0.0.1), RELAY_BENCH_PG_PORT (55442), RELAY_BENCH_WRITERS (4),
// RELAY_BENCH_SECONDS (10), RELAY_BENCH_BATCHES (1,10,100), RELAY_BENCH_PACED_RATE (5000), RELAY_BENCH_PHASES
// (baseline,relay,paced,drain), RELAY_BENCH_CONCURRENCY (relay workers; the relay's default: 2),
// RELAY_BENCH_RETENTION_SECONDS (the relay's default: one day; 0 deletes delivered rows at once),
// RELAY_BENCH_DRAIN_ROWS (20000), RELAY_BENCH_BODY_BYTES (200), RELAY_BENCH_DRAIN_TIMEOUT (120 s).

@main
struct RelayBenchmark {
    static func main() async throws {
        let options = Options(ProcessInfo.processInfo.environment)
        var logger = Logger(label: "relay-bench")
        logger.logLevel = .warning
        let bench = Bench(options: options, logger: logger)
        for phase in options.phases {
            switch phase {
            case "baseline":
                try await bench.baseline()
            case "baseline-listen":
                try await bench.baseline(listening: true)
            case "relay":
                for batch in options.batches { try await bench.relay(batch: batch) }
            case "paced":
                if let batch = options.batches.max() { try await bench.relay(batch: batch, rate: options.pacedRate) }
            case "drain":
                for batch in options.batches { try await bench.drain(batch: batch) }
            default:
                throw BenchFailure("unknown phase '\(phase)' (baseline, baseline-listen, relay, paced, drain)")
            }
        }
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct Options: Sendable {
    var host: String
    var port: Int
    var writers: Int
    var seconds: Double
    var batches: [Int]
    var pacedRate: Double
    var concurrency: Int?
    var retentionSeconds: Int?
    var drainRows: Int
    var bodyBytes: Int
    var phases: [String]
    var drainTimeout: Double

    init(_ environment: [String: String]) {
        func int(_ name: String, _ fallback: Int) -> Int { environment[name].flatMap { Int($0) } ?? fallback }
        host = environment["RELAY_BENCH_PG_HOST"] ?? "127.0.0.1"
        port = int("RELAY_BENCH_PG_PORT", 55442)
        writers = int("RELAY_BENCH_WRITERS", 4)
        seconds = environment["RELAY_BENCH_SECONDS"].flatMap { Double($0) } ?? 10
        batches = (environment["RELAY_BENCH_BATCHES"] ?? "1,10,100").split(separator: ",").compactMap { Int($0) }
        pacedRate = environment["RELAY_BENCH_PACED_RATE"].flatMap { Double($0) } ?? 5000
        concurrency = environment["RELAY_BENCH_CONCURRENCY"].flatMap { Int($0) }
        retentionSeconds = environment["RELAY_BENCH_RETENTION_SECONDS"].flatMap { Int($0) }
        drainRows = int("RELAY_BENCH_DRAIN_ROWS", 20_000)
        bodyBytes = int("RELAY_BENCH_BODY_BYTES", 200)
        phases = (environment["RELAY_BENCH_PHASES"] ?? "baseline,relay,paced,drain").split(separator: ",").map(
            String.init
        )
        drainTimeout = environment["RELAY_BENCH_DRAIN_TIMEOUT"].flatMap { Double($0) } ?? 120
    }
}

// MARK: - Clocks and CPU

/// This process's monotonic clock, in nanoseconds.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// CPU seconds: this process (user + system, all threads) and the whole machine (busy, idle) from /proc/stat.
struct CPUSample {
    var process: Double
    var machineBusy: Double
    var machineTotal: Double

    static func now() -> CPUSample {
        var usage = rusage()
        #if canImport(Glibc)
        let who = __rusage_who_t(RUSAGE_SELF.rawValue)
        #else
        let who = RUSAGE_SELF
        #endif
        getrusage(who, &usage)
        let process =
            Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
        var busy = 0.0
        var total = 0.0
        if let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        {
            // user nice system idle iowait irq softirq steal …, in clock ticks (100 per second)
            let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            if fields.count >= 8 {
                total = fields.prefix(8).reduce(0, +) / 100
                busy = total - (fields[3] + fields[4]) / 100
            }
        }
        return CPUSample(process: process, machineBusy: busy, machineTotal: total)
    }

    /// `ours=… cores, machine=… cores` over the wall time since `start`.
    func summary(since start: CPUSample, wall: Double) -> String {
        let ours = (process - start.process) / wall
        let machine = (machineBusy - start.machineBusy) / wall
        return String(format: "cpu_bench=%.2f cpu_machine=%.2f", ours, machine)
    }
}

// MARK: - What the function saw

/// First arrival time per row id, the number of duplicate deliveries and of invocations; filled by the handler.
final class Arrivals: @unchecked Sendable {
    private let lock = NSLock()
    private var first: [Int64: UInt64] = [:]
    private var duplicates = 0
    private var invocations = 0

    init(capacity: Int) { first.reserveCapacity(capacity) }

    func record(_ ids: [Int64], at time: UInt64) {
        lock.lock()
        invocations += 1
        for id in ids {
            if first[id] == nil { first[id] = time } else { duplicates += 1 }
        }
        lock.unlock()
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return first.count
    }

    func snapshot() -> (arrivals: [Int64: UInt64], duplicates: Int, invocations: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (first, duplicates, invocations)
    }
}

/// A counter shared between tasks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}

private let rowKey = Array(#""bench_row":"#.utf8)

/// The values of every `"bench_row": N` in a payload (a single envelope or a batch of them).
func rowIDs(in payload: [UInt8]) -> [Int64] {
    var ids: [Int64] = []
    payload.withUnsafeBufferPointer { bytes in
        let count = bytes.count
        let keyCount = rowKey.count
        var index = 0
        scan: while index + keyCount < count {
            guard bytes[index] == UInt8(ascii: "\"") else {
                index += 1
                continue
            }
            for offset in 1..<keyCount where bytes[index + offset] != rowKey[offset] {
                index += 1
                continue scan
            }
            index += keyCount
            while index < count, bytes[index] == UInt8(ascii: " ") { index += 1 }
            var value: Int64 = 0
            while index < count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                value = value * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            ids.append(value)
        }
    }
    return ids
}

// MARK: - The benchmark

struct WriterResult {
    var ids: [Int64] = []
    var commits: [UInt64] = []
}

struct Bench {
    let options: Options
    let logger: Logger
    let functionName = "bench-relay"

    func connectionConfiguration(database: String) -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: options.host,
            port: options.port,
            username: "postgres",
            password: nil,
            database: database,
            tls: .disable
        )
        configuration.options.requireBackendKeyData = false
        return configuration
    }

    /// A fresh database with the outbox schema, `bench.items` and its outbox trigger (insert only), set up with
    /// `psql` (the scripts are multi-statement; postgres-nio sends one statement per query).
    func prepareDatabase(_ name: String) throws {
        try psql(database: "postgres", "DROP DATABASE IF EXISTS \(name) WITH (FORCE);\nCREATE DATABASE \(name);")
        let schema = try PostgreSQLOutboxSchema(names: .standard).render()
        let trigger = try PostgreSQLTriggerScript(
            TriggerConfiguration(
                function: try LambdaFunctionARN(
                    parsing: "arn:aws:lambda:us-east-1:123456789012:function:\(functionName)"
                ),
                table: TableName(schema: "bench", table: "items"),
                operations: [.insert],
                delivery: .outbox(.standard)
            )
        ).render()
        let table = """
            CREATE SCHEMA bench;
            CREATE TABLE bench.items (
                bench_row bigint PRIMARY KEY,
                writer integer NOT NULL,
                status text NOT NULL,
                amount numeric(12, 2) NOT NULL,
                body text NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            """
        try psql(database: name, schema + "\n" + table + "\n" + trigger)
    }

    func psql(database: String, _ script: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", options.host, "-p", String(options.port), "-U",
            "postgres", "-d", database, "-f", "-",
        ]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchFailure("psql on \(database) failed with status \(process.terminationStatus)")
        }
    }

    /// Runs the writers until `deadline` (monotonic ns) or until each wrote `rowsPerWriter` rows.
    func runWriters(
        database: String,
        run: Int = 0,
        deadline: UInt64?,
        rowsPerWriter: Int?,
        rate: Double = 0
    ) async throws -> [WriterResult] {
        let body = String(repeating: "x", count: options.bodyBytes)
        let writers = options.writers
        // Paced (open loop): writer k's n-th row is due at start + n × writers / rate; a late writer catches up.
        let interval: UInt64? = rate > 0 ? UInt64(Double(writers) / rate * 1e9) : nil
        return try await withThrowingTaskGroup(of: WriterResult.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    let connection = try await PostgresConnection.connect(
                        configuration: connectionConfiguration(database: database),
                        id: 100 + writer,
                        logger: logger
                    )
                    var result = WriterResult()
                    result.ids.reserveCapacity(200_000)
                    result.commits.reserveCapacity(200_000)
                    let start = monotonicNanoseconds()
                    var sequence: Int64 = 0
                    while true {
                        let now = monotonicNanoseconds()
                        if let deadline, now >= deadline { break }
                        if let rowsPerWriter, sequence >= rowsPerWriter { break }
                        if let interval {
                            let due = start + UInt64(sequence) * interval
                            if due > now { try await Task.sleep(nanoseconds: due - now) }
                        }
                        let id = Int64(run) << 50 | Int64(writer) << 40 | sequence
                        let amount = Double(sequence % 100_000) / 100
                        let rows = try await connection.query(
                            """
                            INSERT INTO bench.items (bench_row, writer, status, amount, body)
                            VALUES (\(id), \(Int32(writer)), 'new', \(amount)::numeric(12, 2), \(body))
                            """,
                            logger: logger
                        )
                        for try await _ in rows {}
                        result.commits.append(monotonicNanoseconds())
                        result.ids.append(id)
                        sequence += 1
                    }
                    try await connection.close()
                    return result
                }
            }
            var results: [WriterResult] = []
            for try await result in group { results.append(result) }
            return results
        }
    }

    func startFunction(_ arrivals: Arrivals) async throws -> LocalLambdaServer {
        var configuration = LocalLambdaServer.Configuration(
            defaultHandler: .closure { invocation in
                let time = monotonicNanoseconds()
                arrivals.record(rowIDs(in: invocation.payload), at: time)
                return LocalInvocationResponse()
            }
        )
        configuration.logger = logger
        return try await LocalLambdaServer.start(configuration)
    }

    func makeRelay(database: String, batch: Int, endpoint: String) throws -> (OutboxRelay, AsyncHTTPClientTransport) {
        var clientConfiguration = LambdaClient.Configuration(region: .usEast1, endpoint: endpoint)
        clientConfiguration.maxAttempts = 1
        let transport = AsyncHTTPClientTransport(defaultTimeout: .seconds(30))
        let client = LambdaClient(
            configuration: clientConfiguration,
            credentialProvider: StaticCredentialProvider(accessKeyID: "AKIDBENCH", secretAccessKey: "bench-secret"),
            transport: transport
        )
        var configuration = RelayConfiguration(function: functionName)
        configuration.invocationType = .event
        configuration.batchSize = batch
        if let concurrency = options.concurrency { configuration.concurrency = concurrency }
        if let retention = options.retentionSeconds { configuration.retention = .seconds(retention) }
        let url = try DatabaseURL("postgres://postgres@\(options.host):\(options.port)/\(database)?sslmode=disable")
        let relay = OutboxRelay(configuration: configuration, database: url, lambda: client, logger: logger)
        return (relay, transport)
    }

    /// Waits until `expected` distinct rows arrived or the timeout passed; returns whether all arrived.
    func waitForArrivals(_ arrivals: Arrivals, expected: Int) async throws -> Bool {
        let limit = monotonicNanoseconds() + UInt64(options.drainTimeout * 1e9)
        while arrivals.count < expected {
            if monotonicNanoseconds() > limit { return false }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        return true
    }

    func pending(database: String) async throws -> Int {
        let connection = try await PostgresConnection.connect(
            configuration: connectionConfiguration(database: database),
            id: 3,
            logger: logger
        )
        var count = 0
        let rows = try await connection.query(
            "SELECT count(*)::bigint FROM dblambda.outbox WHERE delivered_at IS NULL",
            logger: logger
        )
        for try await row in rows { count = Int(try row.decode(Int64.self)) }
        try await connection.close()
        return count
    }

    // MARK: Phases

    /// The database alone; with `listening`, one more connection LISTENs on the outbox channel and reads every
    /// notification (what the relay's listener costs the database, without any claim or invoke).
    func baseline(listening: Bool = false) async throws {
        let database = listening ? "relay_bench_baseline_listen" : "relay_bench_baseline"
        try prepareDatabase(database)
        let notifications = Counter()
        var listener: Task<Void, Never>?
        if listening {
            let connection = try await PostgresConnection.connect(
                configuration: connectionConfiguration(database: database),
                id: 4,
                logger: logger
            )
            listener = Task {
                // Ends with a cancellation error when the phase is over.
                try? await connection.listen(on: OutboxNames.standard.channel) { sequence in
                    for try await _ in sequence { notifications.increment() }
                }
                try? await connection.close()
            }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        _ = try await runWriters(
            database: database,
            run: 1,
            deadline: monotonicNanoseconds() + 1_000_000_000,
            rowsPerWriter: nil
        )
        let cpu = CPUSample.now()
        let start = monotonicNanoseconds()
        let results = try await runWriters(
            database: database,
            deadline: start + UInt64(options.seconds * 1e9),
            rowsPerWriter: nil
        )
        let wall = Double(monotonicNanoseconds() - start) / 1e9
        let rows = results.reduce(0) { $0 + $1.ids.count }
        var latency = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        for result in results {
            var previous: UInt64?
            for commit in result.commits {
                if let previous { _ = latency.record(commit - previous) }
                previous = commit
            }
        }
        print(
            "RELAYBENCH phase=\(listening ? "baseline_listen" : "baseline") writers=\(options.writers) rows=\(rows) "
                + "seconds=\(fmt(wall)) notifications=\(notifications.value) "
                + "inserts_per_s=\(fmt(Double(rows) / wall, 0)) insert_p50_ms=\(ms(latency.valueAtPercentile(50))) "
                + "insert_p99_ms=\(ms(latency.valueAtPercentile(99))) \(CPUSample.now().summary(since: cpu, wall: wall))"
        )
        listener?.cancel()
        _ = await listener?.result
    }

    func relay(batch: Int, rate: Double = 0) async throws {
        let database = rate > 0 ? "relay_bench_paced_b\(batch)" : "relay_bench_b\(batch)"
        try prepareDatabase(database)
        let arrivals = Arrivals(capacity: 400_000)
        let server = try await startFunction(arrivals)
        let (relay, transport) = try makeRelay(database: database, batch: batch, endpoint: server.endpoint)
        let relayTask = Task { try await relay.run() }
        // Let the relay connect and LISTEN before the first row.
        try await Task.sleep(nanoseconds: 500_000_000)

        let cpu = CPUSample.now()
        let start = monotonicNanoseconds()
        let writersEnd = start + UInt64(options.seconds * 1e9)
        let results = try await runWriters(database: database, deadline: writersEnd, rowsPerWriter: nil, rate: rate)
        let stopped = monotonicNanoseconds()
        let arrivedAtStop = arrivals.count
        let committed = results.reduce(0) { $0 + $1.ids.count }
        let complete = try await waitForArrivals(arrivals, expected: committed)
        let drained = monotonicNanoseconds()
        let cpuSummary = CPUSample.now().summary(since: cpu, wall: Double(drained - start) / 1e9)
        let leftPending = try await pending(database: database)
        relayTask.cancel()
        _ = await relayTask.result
        try await server.shutdown()
        try await transport.shutdown()

        let report = Report(results: results, arrivals: arrivals, start: start)
        let wall = Double(report.lastArrival.map { $0 - start } ?? (drained - start)) / 1e9
        print(
            "RELAYBENCH phase=\(rate > 0 ? "paced" : "relay") batch=\(batch) writers=\(options.writers) "
                + "rate_target=\(fmt(rate, 0)) "
                + "committed=\(committed) delivered=\(report.delivered) lost=\(committed - report.delivered) "
                + "duplicates=\(report.duplicates) invocations=\(report.invocations) complete=\(complete) "
                + "pending_after=\(leftPending) "
                + "insert_seconds=\(fmt(Double(stopped - start) / 1e9)) "
                + "inserts_per_s=\(fmt(Double(committed) / (Double(stopped - start) / 1e9), 0)) "
                + "backlog_at_stop=\(committed - min(committed, arrivedAtStop)) "
                + "drain_after_stop_s=\(fmt(Double((report.lastArrival ?? drained) - min(stopped, report.lastArrival ?? stopped)) / 1e9)) "
                + "events_per_s=\(fmt(Double(report.delivered) / wall, 0)) "
                + "p50_ms=\(ms(report.latency.valueAtPercentile(50))) p90_ms=\(ms(report.latency.valueAtPercentile(90))) "
                + "p99_ms=\(ms(report.latency.valueAtPercentile(99))) p999_ms=\(ms(report.latency.valueAtPercentile(99.9))) "
                + "max_ms=\(ms(report.latency.max)) arrived_before_commit_returned=\(report.early) \(cpuSummary)"
        )
    }

    func drain(batch: Int) async throws {
        let database = "relay_bench_drain_b\(batch)"
        try prepareDatabase(database)
        let perWriter = max(1, options.drainRows / options.writers)
        let results = try await runWriters(database: database, deadline: nil, rowsPerWriter: perWriter)
        let committed = results.reduce(0) { $0 + $1.ids.count }
        let arrivals = Arrivals(capacity: committed)
        let server = try await startFunction(arrivals)
        let (relay, transport) = try makeRelay(database: database, batch: batch, endpoint: server.endpoint)
        let cpu = CPUSample.now()
        let start = monotonicNanoseconds()
        let relayTask = Task { try await relay.run() }
        let complete = try await waitForArrivals(arrivals, expected: committed)
        let end = monotonicNanoseconds()
        let cpuSummary = CPUSample.now().summary(since: cpu, wall: Double(end - start) / 1e9)
        relayTask.cancel()
        _ = await relayTask.result
        try await server.shutdown()
        try await transport.shutdown()
        let snapshot = arrivals.snapshot()
        let first = snapshot.arrivals.values.min() ?? start
        let last = snapshot.arrivals.values.max() ?? end
        print(
            "RELAYBENCH phase=drain batch=\(batch) rows=\(committed) delivered=\(snapshot.arrivals.count) "
                + "duplicates=\(snapshot.duplicates) invocations=\(snapshot.invocations) complete=\(complete) "
                + "first_arrival_ms=\(fmt(Double(first - start) / 1e6)) "
                + "events_per_s=\(fmt(Double(snapshot.arrivals.count) / (Double(last - start) / 1e9), 0)) "
                + "steady_events_per_s=\(fmt(Double(snapshot.arrivals.count) / max(1e-9, Double(last - first) / 1e9), 0)) "
                + cpuSummary
        )
    }
}

/// Latencies of one relay phase.
struct Report {
    var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three)
    var delivered = 0
    var duplicates = 0
    var invocations = 0
    var early = 0
    var lastArrival: UInt64?

    init(results: [WriterResult], arrivals: Arrivals, start: UInt64) {
        let snapshot = arrivals.snapshot()
        duplicates = snapshot.duplicates
        invocations = snapshot.invocations
        for result in results {
            for (id, commit) in zip(result.ids, result.commits) {
                guard let arrival = snapshot.arrivals[id] else { continue }
                delivered += 1
                lastArrival = max(lastArrival ?? arrival, arrival)
                if arrival < commit {
                    early += 1
                    _ = latency.record(0)
                } else {
                    _ = latency.record(arrival - commit)
                }
            }
        }
    }
}

func fmt(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }
func ms(_ nanoseconds: UInt64) -> String { String(format: "%.3f", Double(nanoseconds) / 1e6) }
