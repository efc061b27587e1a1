import DBLambdaCore
import DBLambdaSQL
import Foundation
import PostgresNIO
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The settings of one reliability run; the environment may change the size and the seed.
struct ReliabilitySettings: Sendable {
    /// Committed ordinary changes (`RELAY_RELIABILITY_EVENTS`).
    var events: Int
    /// The seed of every random choice (`RELAY_RELIABILITY_SEED`).
    var seed: UInt64
    var writers = 4
    var batchSize = 100
    var concurrency = 2
    /// The relay's `--max-attempts`.
    var maxAttempts = 6
    /// The most injected failures one event gets: a relay-level failure needs at least one, so an ordinary event
    /// fails at most this often, below `maxAttempts` (two attempts to spare).
    var injectedCap = 4
    var kills = 5
    /// How far (in committed events) the writers may run ahead of the deliveries.
    var backlog = 4_000
    /// Poison rows written after the load (committed), and poison rows rolled back.
    var poisonRows = 16
    var rolledBackPoisonRows = 4
    /// `RELAY_RELIABILITY_SKIP_DB_RESTART=1` leaves the database restart out (to tell its effects from the rest
    /// when a run fails); CI never sets it.
    var restartDatabase = true
    /// The whole run must end within this (a hung run fails with its progress instead of hanging CI).
    var deadline = Duration.seconds(240)

    static let defaultEvents = 100_000
    static let defaultSeed: UInt64 = 20_261_127

    static func fromEnvironment() -> ReliabilitySettings {
        let environment = ProcessInfo.processInfo.environment
        let events = environment["RELAY_RELIABILITY_EVENTS"].flatMap { Int($0) }.map { max(1_000, $0) }
        let seed = environment["RELAY_RELIABILITY_SEED"].flatMap { UInt64($0) }
        var settings = ReliabilitySettings(events: events ?? defaultEvents, seed: seed ?? defaultSeed)
        settings.backlog = min(settings.backlog, settings.events / 10)
        settings.restartDatabase = environment["RELAY_RELIABILITY_SKIP_DB_RESTART"] != "1"
        if let seconds = environment["RELAY_RELIABILITY_DEADLINE_SECONDS"].flatMap({ Int($0) }) {
            settings.deadline = .seconds(seconds)
        }
        return settings
    }
}

/// What the run does when the deliveries reach a fraction of the committed total.
enum ReliabilityAction: Sendable, CustomStringConvertible {
    case startSecondRelay
    case stopSecondRelay
    case kill
    case restartDatabase

    var description: String {
        switch self {
        case .startSecondRelay: "start a second relay"
        case .stopSecondRelay: "stop the second relay (SIGTERM)"
        case .kill: "SIGKILL a relay and start a new one"
        case .restartDatabase: "pg_ctl restart -m fast"
        }
    }

    /// The seeded plan: a second relay from 3 % to 40 %, the database restart between 40 % and 60 %, and the kills
    /// anywhere from 6 % to 94 %, at least 6 % apart and at least 8 % away from the restart.
    static func plan(_ settings: ReliabilitySettings) -> [(fraction: Double, action: ReliabilityAction)] {
        var generator = SeededGenerator(seed: settings.seed ^ 0x5C4E_D01E)
        let restart = Double.random(in: 0.4...0.6, using: &generator)
        var kills: [Double] = []
        var tries = 0
        while kills.count < settings.kills && tries < 10_000 {
            tries += 1
            let candidate = Double.random(in: 0.06...0.94, using: &generator)
            if abs(candidate - restart) < 0.08 { continue }
            if kills.contains(where: { abs($0 - candidate) < 0.06 }) { continue }
            kills.append(candidate)
        }
        var plan: [(fraction: Double, action: ReliabilityAction)] = [
            (0.03, .startSecondRelay), (0.40, .stopSecondRelay),
        ]
        if settings.restartDatabase { plan.append((restart, .restartDatabase)) }
        plan += kills.map { ($0, .kill) }
        return plan.sorted { $0.fraction < $1.fraction }
    }
}

/// The relay processes of the run: slot 0 always runs; slot 1 runs during the two-relay stretch.
final class RelayFleet {
    let binary: URL
    let directory: URL
    let arguments: [String]
    var slots: [RelayProcess?] = [nil, nil]
    var all: [RelayProcess] = []
    var killed: Set<Int> = []
    var gracefulStatuses: [Int: Int32] = [:]
    private var nextInstance = 1

    init(binary: URL, directory: URL, arguments: [String]) {
        self.binary = binary
        self.directory = directory
        self.arguments = arguments
    }

    /// Starts a new relay process (a new instance number, so a new access key) in `slot`.
    func launch(slot: Int) throws {
        let instance = nextInstance
        nextInstance += 1
        let stdoutURL = directory.appendingPathComponent("relay-\(instance).out")
        let stderrURL = directory.appendingPathComponent("relay-\(instance).err")
        let environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path,
            "AWS_ACCESS_KEY_ID": ReliabilityFunction.accessKey(instance: instance),
            "AWS_SECRET_ACCESS_KEY": "reliability/test/secret/not/a/secret/000",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": directory.appendingPathComponent("no-config").path,
            "AWS_SHARED_CREDENTIALS_FILE": directory.appendingPathComponent("no-credentials").path,
        ]
        let pid = try ChildProcess.spawn(
            binary.path,
            ["relay"] + arguments,
            environment: environment,
            stdout: stdoutURL.path,
            stderr: stderrURL.path
        )
        let relay = RelayProcess(instance: instance, pid: pid, stderrURL: stderrURL)
        slots[slot] = relay
        all.append(relay)
    }

    var running: [RelayProcess] { slots.compactMap { $0 } }

    /// SIGKILL the relay in `slot` (no chance to release or commit anything) and start a new one in its place.
    func killAndReplace(slot: Int) async throws {
        guard let relay = slots[slot] else { return }
        killed.insert(relay.instance)
        try await relay.stop(signal: SIGKILL)
        try launch(slot: slot)
    }

    /// SIGTERM the relay in `slot` (graceful: it finishes its batches and exits 0).
    func terminate(slot: Int) async throws {
        guard let relay = slots[slot] else { return }
        slots[slot] = nil
        gracefulStatuses[relay.instance] = try await relay.stop(signal: SIGTERM)
    }

    /// A relay that exited on its own (none should), with its standard error.
    func unexpectedExit() -> String? {
        for relay in running where !relay.isRunning {
            return "relay \(relay.instance) exited on its own: \(relay.stderrTail())"
        }
        return nil
    }

    /// Kills every relay still running (after a failure).
    func killAll() async {
        for relay in all where relay.isRunning {
            _ = try? await relay.stop(signal: SIGKILL)
        }
    }
}

@Suite("Outbox relay reliability: a private PostgreSQL, crashes, a database restart, failing function, two relays")
struct RelayReliabilityTests {
    @Test(
        "Every committed change is delivered, per-key order holds, nothing rolled back arrives, poison is dead-lettered, duplicates only after crashes",
        .timeLimit(.minutes(6))
    )
    func reliabilityRun() async throws {
        let settings = ReliabilitySettings.fromEnvironment()
        let cluster = try await ReliabilityCluster.start()
        do {
            try await Self.run(settings, cluster: cluster)
        } catch {
            Issue.record("PostgreSQL log (last lines):\n\(cluster.logTail())")
            await cluster.destroy()
            throw error
        }
        await cluster.destroy()
    }

    static func setUpDatabase(_ cluster: ReliabilityCluster) async throws {
        try await cluster.psql("CREATE DATABASE \(ReliabilityCluster.database);", database: "postgres")
        let function = try LambdaFunctionARN(
            parsing: "arn:aws:lambda:us-east-1:123456789012:function:\(ReliabilityFunction.functionName)"
        )
        var configuration = TriggerConfiguration(function: function, table: TableName(schema: "rel", table: "items"))
        configuration.operations = [.insert, .update]
        configuration.delivery = .outbox(.standard)
        try await cluster.psql(
            """
            CREATE SCHEMA rel;
            CREATE TABLE rel.items (
                k bigint PRIMARY KEY,
                version integer NOT NULL,
                poison boolean NOT NULL DEFAULT false,
                note text
            );
            """
        )
        try await cluster.psql(try PostgreSQLOutboxSchema().render())
        try await cluster.psql(try PostgreSQLTriggerScript(configuration).render())
    }

    static func count(_ sql: PostgresQuery, in cluster: ReliabilityCluster) async throws -> Int {
        try await cluster.withConnection { connection in
            let rows = try await connection.query(sql, logger: quietLogger)
            for try await value in rows.decode(Int64.self) { return Int(value) }
            return 0
        }
    }

    static func run(_ settings: ReliabilitySettings, cluster: ReliabilityCluster) async throws {
        let deadline = ContinuousClock.now + settings.deadline
        let binary = try dblambdaBinary()
        try await setUpDatabase(cluster)
        let ledger = ReliabilityLedger(seed: settings.seed, capPerEvent: settings.injectedCap)
        let function = try await ReliabilityFunction.start(ledger: ledger)
        let fleet = RelayFleet(
            binary: binary,
            directory: cluster.directory,
            arguments: [
                "--database", cluster.databaseURL, "--function", ReliabilityFunction.functionName,
                "--endpoint-url", function.endpoint, "--region", "us-east-1", "--invocation-type", "RequestResponse",
                "--batch-size", "\(settings.batchSize)", "--concurrency", "\(settings.concurrency)",
                "--ordering", "partition-key", "--max-attempts", "\(settings.maxAttempts)",
                "--retry-base-seconds", "1", "--retry-max-seconds", "2", "--poll-interval-ms", "200",
                "--retention-hours", "forever",
            ]
        )
        do {
            try await runPhases(settings, cluster: cluster, ledger: ledger, fleet: fleet, deadline: deadline)
        } catch {
            await fleet.killAll()
            await function.shutdown()
            for relay in fleet.all.suffix(3) {
                Issue.record("relay \(relay.instance) standard error (last lines):\n\(relay.stderrTail())")
            }
            throw error
        }
        await function.shutdown()
    }

    /// Shared between the writers and the monitor.
    final class WriterWatch: Sendable {
        let finished = ReliabilityLocked(0)
        let failure = ReliabilityLocked<String?>(nil)
    }

    static func runPhases(
        _ settings: ReliabilitySettings,
        cluster: ReliabilityCluster,
        ledger: ReliabilityLedger,
        fleet: RelayFleet,
        deadline: ContinuousClock.Instant
    ) async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let progress = WriterProgress()
        let watch = WriterWatch()
        var plan = ReliabilityAction.plan(settings)[...]
        var restartEpochs: (begin: Int, end: Int)?
        var relaysAtRestart = 0
        var committedAtRestart = 0
        var lastHeartbeat = clock.now
        try fleet.launch(slot: 0)

        // Phase 1: the load. Writers commit and roll back; the monitor starts, kills and stops relays and restarts
        // the database as the deliveries pass the plan's fractions.
        let outcomes = try await withThrowingTaskGroup(of: WriterOutcome.self) { group in
            let quota = settings.events / settings.writers
            for index in 0..<settings.writers {
                let writer = ReliabilityWriter(
                    index: index,
                    seed: settings.seed,
                    quota: index == 0 ? settings.events - quota * (settings.writers - 1) : quota,
                    cluster: cluster,
                    progress: progress,
                    backlog: settings.backlog,
                    delivered: { ledger.deliveredCount }
                )
                group.addTask {
                    do {
                        let outcome = try await writer.run()
                        watch.finished.withLock { $0 += 1 }
                        return outcome
                    } catch {
                        watch.failure.withLock { $0 = "writer \(index): \(error)" }
                        throw error
                    }
                }
            }
            while true {
                if let failure = watch.failure.withLock({ $0 }) { throw ReliabilityFailure(description: failure) }
                if let exit = fleet.unexpectedExit() { throw ReliabilityFailure(description: exit) }
                let delivered = ledger.deliveredCount
                let fraction = Double(delivered) / Double(settings.events)
                while let next = plan.first, next.fraction <= fraction {
                    plan.removeFirst()
                    switch next.action {
                    case .startSecondRelay:
                        try fleet.launch(slot: 1)
                    case .stopSecondRelay:
                        try await fleet.terminate(slot: 1)
                    case .kill:
                        let candidates = fleet.slots.indices.filter { fleet.slots[$0] != nil }
                        var generator = SeededGenerator(seed: settings.seed &+ UInt64(fleet.killed.count) &* 7_919)
                        let slot = candidates.randomElement(using: &generator) ?? 0
                        ledger.nextEpoch()
                        try await fleet.killAndReplace(slot: slot)
                    case .restartDatabase:
                        relaysAtRestart = fleet.running.count
                        committedAtRestart = progress.committed.withLock { $0 }
                        let begin = ledger.nextEpoch()
                        try await cluster.restart()
                        restartEpochs = (begin, ledger.nextEpoch())
                    }
                }
                if watch.finished.withLock({ $0 }) == settings.writers && plan.isEmpty
                    && delivered >= progress.committed.withLock({ $0 })
                {
                    let pending = try await count(
                        "SELECT count(*) FROM dblambda.outbox WHERE delivered_at IS NULL",
                        in: cluster
                    )
                    if pending == 0 { break }
                }
                if clock.now > deadline {
                    throw ReliabilityFailure(
                        description: "the load did not drain in time: delivered \(delivered) of "
                            + "\(progress.committed.withLock { $0 }) committed, plan left: \(plan.map(\.action))"
                    )
                }
                if clock.now > lastHeartbeat + .seconds(10) {
                    lastHeartbeat = clock.now
                    let phases = progress.phases.withLock { $0 }.sorted { $0.key < $1.key }.map {
                        "\($0.key): \($0.value)"
                    }
                    let line =
                        "relay reliability progress: committed \(progress.committed.withLock { $0 }) delivered "
                        + "\(delivered) relays \(fleet.running.map(\.instance)) writers [\(phases.joined(separator: "; "))]\n"
                    FileHandle.standardError.write(Data(line.utf8))
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            var outcomes: [WriterOutcome] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let loadSeconds = clock.now - started

        // Phase 2: poison rows, after the load (a poison event fails the whole invocation it travels in, so its
        // batch-mates' attempts would rise with it), and poison rows rolled back (never seen anywhere).
        ledger.setFaults(enabled: false)
        let poisonBase = Int64(900_000_000)
        let poisonKeys = (0..<Int64(settings.poisonRows)).map { poisonBase + $0 }
        let rolledBackPoisonKeys = (0..<Int64(settings.rolledBackPoisonRows)).map {
            poisonBase + 1_000 + $0
        }
        try await cluster.withConnection { connection in
            try await connection.query("BEGIN", logger: quietLogger)
            try await connection.query(
                "INSERT INTO rel.items (k, version, poison) SELECT x, 1, true FROM unnest(\(rolledBackPoisonKeys)::bigint[]) AS x",
                logger: quietLogger
            )
            try await connection.query("ROLLBACK", logger: quietLogger)
            for key in poisonKeys {
                try await connection.query(
                    "INSERT INTO rel.items (k, version, poison, note) VALUES (\(key), 1, true, 'poison')",
                    logger: quietLogger
                )
            }
        }
        while true {
            let dead = try await count("SELECT count(*) FROM dblambda.dead_letter", in: cluster)
            let pending = try await count(
                "SELECT count(*) FROM dblambda.outbox WHERE delivered_at IS NULL",
                in: cluster
            )
            if dead >= settings.poisonRows && pending == 0 { break }
            if let exit = fleet.unexpectedExit() { throw ReliabilityFailure(description: exit) }
            if clock.now > deadline {
                throw ReliabilityFailure(
                    description: "poison rows not dead-lettered in time: \(dead) dead, \(pending) pending"
                )
            }
            try await Task.sleep(for: .milliseconds(100))
        }

        // Phase 3: graceful stop (SIGTERM: finish the batches in flight, commit, exit 0).
        for slot in fleet.slots.indices where fleet.slots[slot] != nil {
            try await fleet.terminate(slot: slot)
        }
        let seconds = clock.now - started

        try await verify(
            settings,
            cluster: cluster,
            ledger: ledger,
            fleet: fleet,
            outcomes: outcomes,
            poisonKeys: poisonKeys,
            rolledBackPoisonKeys: rolledBackPoisonKeys,
            restartEpochs: restartEpochs,
            relaysAtRestart: relaysAtRestart,
            committedAtRestart: committedAtRestart,
            loadSeconds: loadSeconds,
            seconds: seconds
        )
    }

    static func verify(
        _ settings: ReliabilitySettings,
        cluster: ReliabilityCluster,
        ledger: ReliabilityLedger,
        fleet: RelayFleet,
        outcomes: [WriterOutcome],
        poisonKeys: [Int64],
        rolledBackPoisonKeys: [Int64],
        restartEpochs: (begin: Int, end: Int)?,
        relaysAtRestart: Int,
        committedAtRestart: Int,
        loadSeconds: Duration,
        seconds: Duration
    ) async throws {
        let state = ledger.state.withLock { $0 }
        let committed = Set(outcomes.flatMap(\.committed))
        let rolledBack = Set(outcomes.flatMap(\.rolledBack))
        let poisonCommitted = Set(poisonKeys.map { ChangeToken(key: $0, version: 1) })
        let poisonRolledBack = Set(rolledBackPoisonKeys.map { ChangeToken(key: $0, version: 1) })
        #expect(committed.count == settings.events, "the writers committed exactly the planned number of changes")
        #expect(committed.isDisjoint(with: rolledBack), "a token is committed or rolled back, never both")

        // The database's view: one outbox row per committed change (none for rolled-back ones), all delivered;
        // the dead letter holds exactly the committed poison rows, with the function's error as their last error.
        let (outboxRows, outboxPending) = try await cluster.withConnection { connection in
            let rows = try await connection.query(
                "SELECT count(*), count(*) FILTER (WHERE delivered_at IS NULL) FROM dblambda.outbox",
                logger: quietLogger
            )
            for try await (total, pending) in rows.decode((Int64, Int64).self) { return (Int(total), Int(pending)) }
            return (0, 0)
        }
        struct DeadRow: Sendable {
            var token: ChangeToken
            var attempts: Int32
            var lastError: String
        }
        let deadRows = try await cluster.withConnection { connection in
            let rows = try await connection.query(
                """
                SELECT (envelope->'new'->>'k')::bigint, (envelope->'new'->>'version')::integer, attempts,
                       coalesce(last_error, '') FROM dblambda.dead_letter ORDER BY id
                """,
                logger: quietLogger
            )
            var result: [DeadRow] = []
            for try await (key, version, attempts, lastError) in rows.decode((Int64, Int32, Int32, String).self) {
                result.append(
                    DeadRow(token: ChangeToken(key: key, version: version), attempts: attempts, lastError: lastError)
                )
            }
            return result
        }
        let deadTokens = Set(deadRows.map(\.token))
        #expect(outboxPending == 0, "nothing is left pending in the outbox")
        #expect(
            outboxRows == committed.count,
            "one outbox row per committed ordinary change, none for rolled-back ones"
        )
        #expect(deadTokens == poisonCommitted, "the dead letter holds exactly the committed poison rows")
        #expect(deadTokens.isDisjoint(with: poisonRolledBack), "rolled-back poison rows never reach the dead letter")
        for row in deadRows {
            // The function's error for the invocation the row last travelled in (it names that payload's first
            // poison row).
            let prefix = "after \(settings.maxAttempts) attempts: function error "
            let poisonMessage = ReliabilityFunction.poisonErrorType + ": poison row k="
            let functionsError = row.lastError.hasPrefix(prefix) && row.lastError.contains(poisonMessage)
            #expect(functionsError, "\(row.token): the last error is the function's: \(row.lastError)")
            #expect(row.attempts == Int32(settings.maxAttempts), "\(row.token): dead after --max-attempts attempts")
        }

        // At least once, nothing phantom.
        let delivered = state.delivered
        let lostOrdinary = committed.subtracting(delivered)
        let lostPoison = poisonCommitted.subtracting(deadTokens)
        let lost = lostOrdinary.count + lostPoison.count
        let phantom = delivered.subtracting(committed)
        #expect(lost == 0, "lost: \(lostOrdinary.sorted().prefix(10)) \(lostPoison.sorted().prefix(10))")
        #expect(phantom.isEmpty, "phantom: \(phantom.sorted().prefix(10))")
        #expect(delivered.isDisjoint(with: rolledBack), "no rolled-back change was ever delivered")
        #expect(delivered.isDisjoint(with: poisonCommitted), "no poison row was ever acknowledged by the function")
        #expect(state.malformed.isEmpty, "payloads the function could not read: \(state.malformed.prefix(3))")
        #expect(state.forwardErrors.isEmpty, "front door errors: \(state.forwardErrors.prefix(3))")

        // Per-key order: the versions of a key arrive in commit order. A delivery is either the key's next
        // committed version (after the highest one delivered so far) or a repeat of a version already delivered
        // (a redelivery after a crash); anything else — a version that skips one not yet delivered — breaks order.
        var committedVersions: [Int64: [Int32]] = [:]
        for token in committed { committedVersions[token.key, default: []].append(token.version) }
        for key in committedVersions.keys { committedVersions[key]?.sort() }
        var position: [Int64: Int] = [:]
        var seen: Set<ChangeToken> = []
        var orderViolations: [String] = []
        for delivery in state.deliveries {
            defer { seen.insert(delivery.token) }
            guard let versions = committedVersions[delivery.token.key] else { continue }
            let next = position[delivery.token.key, default: -1] + 1
            if next < versions.count && versions[next] == delivery.token.version {
                position[delivery.token.key] = next
            } else if !seen.contains(delivery.token) {
                let expected = next < versions.count ? "v=\(versions[next])" : "nothing more"
                orderViolations.append("\(delivery.token) arrived while \(expected) was next")
            }
        }
        #expect(orderViolations.isEmpty, "per-key order broken: \(orderViolations.prefix(5))")

        // Duplicates: every delivery beyond the first of a change. A change delivered m times needs m - 1
        // deliveries that were never acknowledged, each explained by a crash: sent by a relay process that was
        // later SIGKILLed, or sent in the epoch just before the database restart or during it.
        let duplicates = state.deliveries.count - delivered.count
        var byToken: [ChangeToken: [ReliabilityLedger.Delivery]] = [:]
        for delivery in state.deliveries { byToken[delivery.token, default: []].append(delivery) }
        var unexplained: [String] = []
        for (token, deliveries) in byToken where deliveries.count > 1 {
            let explained = deliveries.filter { delivery in
                if fleet.killed.contains(delivery.instance) { return true }
                guard let restartEpochs else { return false }
                return delivery.epoch == restartEpochs.begin - 1 || delivery.epoch == restartEpochs.begin
            }
            if explained.count < deliveries.count - 1 {
                unexplained.append(
                    "\(token): " + deliveries.map { "relay \($0.instance) epoch \($0.epoch)" }.joined(separator: ", ")
                )
            }
        }
        #expect(unexplained.isEmpty, "duplicates not explained by a crash: \(unexplained.prefix(5))")
        let inFlight = settings.concurrency * settings.batchSize
        let bound = (fleet.killed.count + relaysAtRestart) * inFlight
        #expect(
            duplicates <= bound,
            "duplicates \(duplicates) ≤ (kills \(fleet.killed.count) + relays at the restart \(relaysAtRestart)) × concurrency × batch size"
        )

        // The run did what it claims: kills, two relays at once, a restart while the writers were writing,
        // injected failures of each kind, rolled-back transactions, graceful stops that exit 0.
        #expect(fleet.killed.count == settings.kills)
        if settings.restartDatabase {
            #expect(restartEpochs != nil, "the database was restarted")
            #expect(committedAtRestart < settings.events, "the writers were still writing at the restart")
            #expect(relaysAtRestart >= 1)
        }
        for fault in InjectedFault.allCases {
            #expect(state.injected[fault, default: 0] > 0, "\(fault) injected")
        }
        #expect(outcomes.map(\.rolledBackTransactions).reduce(0, +) > 0)
        // Only the database restart breaks a writer's transaction (one per writer at most, with a margin).
        #expect(
            outcomes.map(\.interrupted).reduce(0, +) <= 2 * settings.writers,
            "\(outcomes.flatMap(\.interruptions).prefix(3))"
        )
        #expect(fleet.gracefulStatuses.values.allSatisfy { $0 == 0 }, "SIGTERM exits 0: \(fleet.gracefulStatuses)")

        let rolledBackTransactions = outcomes.map(\.rolledBackTransactions).reduce(0, +)
        let transactions = outcomes.map(\.transactions).reduce(0, +)
        let interrupted = outcomes.map(\.interrupted).reduce(0, +)
        let wholeSeconds = Int(seconds.components.seconds)
        print(
            "relay reliability: committed=\(committed.count + poisonCommitted.count) delivered=\(delivered.count) "
                + "duplicates=\(duplicates) lost=\(lost) phantom=\(phantom.count) dead-lettered=\(deadRows.count) "
                + "kills=\(fleet.killed.count) db-restarts=\(restartEpochs == nil ? 0 : 1) seconds=\(wholeSeconds)"
        )
        print(
            "relay reliability details: seed=\(settings.seed) transactions=\(transactions) "
                + "rolled-back=\(rolledBackTransactions) (changes \(rolledBack.count)) interrupted=\(interrupted) "
                + "relay-processes=\(fleet.all.count) injected 500=\(state.injected[.http500, default: 0]) "
                + "429=\(state.injected[.http429, default: 0]) function-errors=\(state.injected[.functionError, default: 0]) "
                + "poison-rejections=\(state.poisonRejections) requests=\(state.requests) duplicate-bound=\(bound) "
                + "load-seconds=\(loadSeconds.components.seconds)"
        )
    }
}
