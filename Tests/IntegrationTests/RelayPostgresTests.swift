import DBLambdaCredentials
import DBLambdaEvents
import DBLambdaHTTP
import DBLambdaInvoke
import DBLambdaLocal
import DBLambdaRelay
import DBLambdaSQL
import DBLambdaTesting
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Testing

/// The relay on the real PostgreSQL 15 with `LocalLambdaServer` as the function: outbox schema and outbox-mode
/// triggers from `DBLambdaSQL`, rows committed by `psql`, events delivered through `LambdaClient` (SigV4 checked).
/// Each test has its own outbox schema and table in the suite's fresh database.
@Suite(
    "Relay on PostgreSQL: committed-only, at-least-once, retries, dead letter, ordering, wake-ups, shutdown",
    .serialized
)
struct RelayPostgresTests {
    /// No output, unless `RELAY_TEST_LOG` is set (then debug lines go to standard error).
    static let quiet: Logger = {
        guard ProcessInfo.processInfo.environment["RELAY_TEST_LOG"] != nil else {
            return Logger(label: "relay-it") { _ in SwiftLogNoOpLogHandler() }
        }
        var logger = Logger(label: "relay-it") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .debug
        return logger
    }()

    static func configuration(
        _ names: OutboxNames,
        invocationType: InvocationType = .event,
        ordering: RelayConfiguration.Ordering = .none,
        maxAttempts: Int = 10,
        batchSize: Int = 100,
        concurrency: Int = 2,
        pollInterval: Duration = .milliseconds(200)
    ) -> RelayConfiguration {
        RelayConfiguration(
            function: "relay-items",
            invocationType: invocationType,
            names: names,
            batchSize: batchSize,
            concurrency: concurrency,
            ordering: ordering,
            maxAttempts: maxAttempts,
            retryBaseDelay: .milliseconds(20),
            retryMaxDelay: .milliseconds(100),
            pollInterval: pollInterval
        )
    }

    static func relay(
        _ configuration: RelayConfiguration,
        client: LambdaClient,
        logger: Logger = quiet,
        metrics: RelayTestMetrics = RelayTestMetrics()
    ) throws -> OutboxRelay {
        OutboxRelay(
            configuration: configuration,
            database: try RelayDatabase.url,
            lambda: client,
            logger: logger,
            metricsFactory: metrics
        )
    }

    @Test("committed rows are delivered once and marked; rolled-back rows never are; no log line holds the password")
    func committedOnly() async throws {
        let names = try await RelayDatabase.install("r_happy")
        try await RelayDatabase.run(
            """
            INSERT INTO r_happy_app.items (id, note) VALUES (1, 'a'), (2, 'b'), (3, 'c');
            UPDATE r_happy_app.items SET note = 'b2' WHERE id = 2;
            DELETE FROM r_happy_app.items WHERE id = 3;
            BEGIN;
            INSERT INTO r_happy_app.items (id, note) VALUES (4, 'never');
            UPDATE r_happy_app.items SET note = 'never' WHERE id = 1;
            ROLLBACK;
            """
        )
        let outboxIDs = try await RelayDatabase.run("SELECT event_id FROM r_happy_outbox.outbox ORDER BY id")
            .split(separator: "\n").map(String.init)
        #expect(outboxIDs.count == 5)
        let inbox = RelayInbox()
        let recorder = RelayLogRecorder()
        recorder.logLevel = .debug
        let logger = Logger(label: "relay-it") { _ in recorder }
        let metrics = RelayTestMetrics()
        try await withLocalLambda(handler: inbox.handler) { server, client in
            let relay = try Self.relay(Self.configuration(names), client: client, logger: logger, metrics: metrics)
            try await withRelays([relay], logger: Self.quiet) {
                try await expectEventually { inbox.events.count == 5 }
                try await expectEventually {
                    try await RelayDatabase.integer(
                        "SELECT count(*) FROM r_happy_outbox.outbox WHERE delivered_at IS NOT NULL AND attempts = 1"
                    ) == 5
                }
            }
            await server.waitForEventInvocations()
        }
        let events = inbox.events
        #expect(events.map(\.operation) == [.insert, .insert, .insert, .update, .delete])
        #expect(events.compactMap(\.id) == outboxIDs)
        #expect(!events.contains { $0.new?["note"]?.stringValue == "never" || $0.new?["id"]?.numberValue?.text == "4" })
        #expect(metrics.total("dblambda_relay_delivered_total") == 5)
        #expect(metrics.values("dblambda_relay_lag_seconds").count == 5)
        let stats = try await OutboxAdmin(database: try RelayDatabase.url, names: names, logger: Self.quiet).stats()
        #expect(stats == OutboxStats(pending: 0, due: 0, retrying: 0, delivered: 5, dead: 0, oldestPendingAge: nil))
        let lines = recorder.all
        #expect(lines.contains { $0.contains("relay started") })
        #expect(lines.contains { $0.contains("relay.database=postgres://postgres:***@") })
        #expect(!lines.contains { $0.contains(RelayDatabase.password) })
    }

    @Test("a function error, a 500 and a 429 are retried with backoff, then the event is delivered")
    func retriesThenDelivers() async throws {
        let names = try await RelayDatabase.install("r_retry")
        try await RelayDatabase.run("INSERT INTO r_retry_app.items (id, note) VALUES (1, 'x');")
        // Call 1 of the function fails; HTTP requests 2 and 3 never reach it (a 500, then a 429).
        let inbox = RelayInbox(failure: { $0 == 1 ? "first call fails" : nil })
        let metrics = RelayTestMetrics()
        var configuration = LocalLambdaServer.Configuration()
        configuration.defaultHandler = inbox.handler
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.credentials = [LocalLambdaTestKeys.accessKeyID: LocalLambdaTestKeys.secretAccessKey]
        let server = try await LocalLambdaServer.start(configuration)
        let base = AsyncHTTPClientTransport()
        let transport = FaultInjectingTransport(base: base) { request in
            switch request {
            case 2: (500, "ServiceException")
            case 3: (429, "TooManyRequestsException")
            default: nil
            }
        }
        let client = LambdaClient(
            configuration: LambdaClient.Configuration(
                region: configuration.region,
                endpoint: server.endpoint,
                maxAttempts: 1
            ),
            credentialProvider: StaticCredentialProvider(
                accessKeyID: LocalLambdaTestKeys.accessKeyID,
                secretAccessKey: LocalLambdaTestKeys.secretAccessKey
            ),
            transport: transport
        )
        do {
            let relay = try Self.relay(
                Self.configuration(names, invocationType: .requestResponse),
                client: client,
                metrics: metrics
            )
            try await withRelays([relay], logger: Self.quiet) {
                try await expectEventually { inbox.events.count == 1 }
                try await expectEventually {
                    try await RelayDatabase.integer(
                        "SELECT count(*) FROM r_retry_outbox.outbox WHERE delivered_at IS NOT NULL AND attempts = 4"
                    ) == 1
                }
            }
            try await base.shutdown()
            try await server.shutdown()
        } catch {
            try? await base.shutdown()
            try? await server.shutdown()
            throw error
        }
        #expect(metrics.total("dblambda_relay_invocations_total", outcome: "function_error") == 1)
        #expect(metrics.total("dblambda_relay_invocations_total", outcome: "error") == 1)
        #expect(metrics.total("dblambda_relay_invocations_total", outcome: "throttled") == 1)
        #expect(metrics.total("dblambda_relay_invocations_total", outcome: "success") == 1)
        #expect(metrics.total("dblambda_relay_retried_total") == 3)
    }

    @Test("an always-failing function dead-letters after maxAttempts; OutboxAdmin lists, replays and cleans up")
    func deadLetterAndAdmin() async throws {
        let names = try await RelayDatabase.install("r_dead")
        try await RelayDatabase.run("INSERT INTO r_dead_app.items (id, note) VALUES (1, 'x'), (2, 'y');")
        let admin = OutboxAdmin(database: try RelayDatabase.url, names: names, logger: Self.quiet)
        let failing = RelayInbox(failure: { _ in "always down" })
        try await withLocalLambda(handler: failing.handler) { _, client in
            let relay = try Self.relay(
                Self.configuration(names, invocationType: .requestResponse, maxAttempts: 3, batchSize: 1),
                client: client
            )
            try await withRelays([relay], logger: Self.quiet) {
                try await expectEventually { try await admin.stats().dead == 2 }
            }
        }
        let dead = try await admin.listDead(limit: 10)
        #expect(dead.count == 2)
        #expect(dead.allSatisfy { $0.attempts == 3 })
        #expect(dead.allSatisfy { $0.lastError == "after 3 attempts: function error InjectedFailure: always down" })
        #expect(dead.map(\.partitionKey) == ["r_dead_app.items:[1]", "r_dead_app.items:[2]"])
        #expect(
            dead.allSatisfy {
                $0.envelope.contains(#""operation": "insert""#) || $0.envelope.contains(#""operation":"insert""#)
            }
        )
        #expect(try await admin.listDead(limit: 1).count == 1)
        await #expect(throws: RelayError.invalidArgument) { try await admin.listDead(limit: 0) }
        var stats = try await admin.stats()
        #expect(stats.pending == 0 && stats.dead == 2)

        // Replay one by id, then the rest, to a function that works now.
        #expect(try await admin.replay(ids: [dead[0].id]) == 1)
        #expect(try await admin.replay(ids: []) == 0)
        stats = try await admin.stats()
        #expect(stats.pending == 1 && stats.due == 1 && stats.dead == 1 && stats.oldestPendingAge != nil)
        #expect(try await admin.replay(ids: nil) == 1)
        let inbox = RelayInbox()
        try await withLocalLambda(handler: inbox.handler) { _, client in
            let relay = try Self.relay(Self.configuration(names, invocationType: .requestResponse), client: client)
            try await withRelays([relay], logger: Self.quiet) {
                try await expectEventually { inbox.events.count == 2 }
                try await expectEventually { try await admin.stats().delivered == 2 }
            }
        }
        #expect(Set(inbox.events.compactMap(\.id)) == Set(dead.map(\.eventID)))
        stats = try await admin.stats()
        #expect(stats.dead == 0 && stats.pending == 0 && stats.delivered == 2)
        #expect(try await admin.cleanup(retention: .seconds(3600)) == 0)
        #expect(try await admin.cleanup(retention: .zero) == 2)
        #expect(try await admin.stats().delivered == 0)
    }

    @Test("two relays side by side deliver every one of 600 events exactly once")
    func twoRelays() async throws {
        let names = try await RelayDatabase.install("r_two")
        let inbox = RelayInbox()
        try await withLocalLambda(handler: inbox.handler) { server, client in
            let configuration = Self.configuration(names, batchSize: 25, concurrency: 2)
            let relays = [try Self.relay(configuration, client: client), try Self.relay(configuration, client: client)]
            try await withRelays(relays, logger: Self.quiet) {
                for chunk in 0..<6 {
                    try await RelayDatabase.run(
                        "INSERT INTO r_two_app.items (id, k) SELECT g, g % 7 FROM generate_series(\(chunk * 100 + 1), "
                            + "\(chunk * 100 + 100)) AS g;"
                    )
                }
                try await expectEventually {
                    try await RelayDatabase.integer(
                        "SELECT count(*) FROM r_two_outbox.outbox WHERE delivered_at IS NOT NULL"
                    ) == 600
                }
                await server.waitForEventInvocations()
            }
        }
        let ids = inbox.events.compactMap(\.id)
        #expect(ids.count == 600)
        #expect(Set(ids).count == 600)
        #expect(try await RelayDatabase.integer("SELECT count(*) FROM r_two_outbox.outbox WHERE attempts <> 1") == 0)
    }

    @Test("per-key ordering keeps each row's events in commit order while invocations fail")
    func orderingUnderFailures() async throws {
        let names = try await RelayDatabase.install("r_order")
        try await RelayDatabase.run(
            "INSERT INTO r_order_app.items (id, k, seq) SELECT g, g, 0 FROM generate_series(1, 8) AS g;"
        )
        for seq in 1...8 {
            try await RelayDatabase.run("UPDATE r_order_app.items SET seq = \(seq) WHERE id BETWEEN 1 AND 8;")
        }
        // Every third invocation fails; failed events wait for their retry and block their key.
        let inbox = RelayInbox(failure: { $0 % 3 == 0 ? "every third call fails" : nil })
        try await withLocalLambda(handler: inbox.handler) { _, client in
            let configuration = Self.configuration(
                names,
                invocationType: .requestResponse,
                ordering: .partitionKey,
                batchSize: 5,
                concurrency: 3
            )
            let relays = [try Self.relay(configuration, client: client), try Self.relay(configuration, client: client)]
            try await withRelays(relays, logger: Self.quiet) {
                try await expectEventually(timeout: .seconds(60)) {
                    try await RelayDatabase.integer(
                        "SELECT count(*) FROM r_order_outbox.outbox WHERE delivered_at IS NULL"
                    ) == 0
                }
            }
        }
        #expect(try await RelayDatabase.integer("SELECT count(*) FROM r_order_outbox.outbox WHERE attempts > 1") > 0)
        var perKey: [String: [Int]] = [:]
        for event in inbox.events {
            let id = event.new?["id"]?.numberValue?.text ?? "?"
            perKey[id, default: []].append(Int(event.new?["seq"]?.numberValue?.text ?? "") ?? -1)
        }
        #expect(perKey.count == 8)
        for (key, sequence) in perKey {
            #expect(sequence == Array(0...8), "row \(key): \(sequence)")
        }
    }

    @Test("an event committed while the relay is idle is delivered within 5 s although the poll interval is 30 s")
    func notifyLatency() async throws {
        let names = try await RelayDatabase.install("r_notify")
        let inbox = RelayInbox()
        try await withLocalLambda(handler: inbox.handler) { _, client in
            let relay = try Self.relay(
                Self.configuration(names, invocationType: .requestResponse, pollInterval: .seconds(30)),
                client: client
            )
            try await withRelays([relay], logger: Self.quiet) {
                // Wait until the listener is registered and the workers had their first (empty) look.
                try await expectEventually {
                    try await RelayDatabase.integer(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            + "AND query LIKE 'LISTEN %r_notify_wake%'"
                    ) == 1
                }
                try await Task.sleep(for: .milliseconds(500))
                let committed = ContinuousClock.now
                try await RelayDatabase.run("INSERT INTO r_notify_app.items (id) VALUES (1);")
                // The poll would come after 30 s: anything well below that was the NOTIFY (generous bound for a
                // loaded CI machine; typically a few milliseconds).
                try await expectEventually(timeout: .seconds(25)) { inbox.events.count == 1 }
                let latency = committed.duration(to: .now)
                #expect(latency < .seconds(5), "delivered after \(latency)")
            }
        }
    }

    @Test("graceful shutdown finishes and commits the batch in flight and claims nothing more")
    func gracefulShutdown() async throws {
        let names = try await RelayDatabase.install("r_stop")
        try await RelayDatabase.run("INSERT INTO r_stop_app.items (id) SELECT g FROM generate_series(1, 5) AS g;")
        let release = AsyncStream<Void>.makeStream()
        let started = AsyncStream<Void>.makeStream()
        let inbox = RelayInbox(gate: {
            started.continuation.yield()
            for await _ in release.stream { break }
        })
        try await withLocalLambda(handler: inbox.handler) { _, client in
            let relay = try Self.relay(
                Self.configuration(names, invocationType: .requestResponse, batchSize: 2, concurrency: 1),
                client: client
            )
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [relay], logger: Self.quiet))
            let running = Task { try await group.run() }
            for await _ in started.stream { break }
            await group.triggerGracefulShutdown()
            // Time for the relay to see the shutdown before the batch in flight finishes (generous: a loaded CI
            // machine); a relay that missed it would claim the next batch and the counts below would say so.
            try await Task.sleep(for: .seconds(2))
            release.continuation.yield()
            release.continuation.finish()
            try await running.value
        }
        #expect(inbox.events.count == 2)
        #expect(
            try await RelayDatabase.integer("SELECT count(*) FROM r_stop_outbox.outbox WHERE delivered_at IS NOT NULL")
                == 2
        )
        #expect(try await RelayDatabase.integer("SELECT count(*) FROM r_stop_outbox.outbox WHERE attempts = 0") == 3)
    }

    @Test("cancelling the relay mid-batch rolls back: the events stay pending and unlocked")
    func cancellationReleases() async throws {
        let names = try await RelayDatabase.install("r_cancel")
        try await RelayDatabase.run("INSERT INTO r_cancel_app.items (id) SELECT g FROM generate_series(1, 3) AS g;")
        let started = AsyncStream<Void>.makeStream()
        let inbox = RelayInbox(gate: {
            started.continuation.yield()
            try? await Task.sleep(for: .seconds(30))
        })
        try await withLocalLambda(handler: inbox.handler) { _, client in
            let relay = try Self.relay(
                Self.configuration(names, invocationType: .requestResponse, concurrency: 1),
                client: client
            )
            let running = Task { try await relay.run() }
            for await _ in started.stream { break }
            running.cancel()
            try await running.value
        }
        try await expectEventually {
            try await RelayDatabase.integer(
                "BEGIN; SELECT count(*) FROM (SELECT id FROM r_cancel_outbox.outbox WHERE delivered_at IS NULL "
                    + "AND attempts = 0 FOR UPDATE SKIP LOCKED) AS free; ROLLBACK;"
            ) == 3
        }
    }

    @Test("after the database drops every relay connection (as in a restart) the relay reconnects and delivers")
    func reconnectsAfterRestart() async throws {
        let names = try await RelayDatabase.install("r_restart")
        let inbox = RelayInbox()
        let recorder = RelayLogRecorder()
        recorder.logLevel = .warning
        try await withLocalLambda(handler: inbox.handler) { _, client in
            let relay = try Self.relay(
                Self.configuration(names, invocationType: .requestResponse),
                client: client,
                logger: Logger(label: "relay-it") { _ in recorder }
            )
            try await withRelays([relay], logger: Self.quiet) {
                try await RelayDatabase.run("INSERT INTO r_restart_app.items (id) VALUES (1);")
                try await expectEventually { inbox.events.count == 1 }
                try await RelayDatabase.run(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND pid <> pg_backend_pid() AND application_name = '';"
                )
                try await RelayDatabase.run("INSERT INTO r_restart_app.items (id) VALUES (2);")
                try await expectEventually { inbox.events.count == 2 }
                try await expectEventually {
                    try await RelayDatabase.integer(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            + "AND query LIKE 'LISTEN %r_restart_wake%'"
                    ) == 1
                }
                try await RelayDatabase.run("INSERT INTO r_restart_app.items (id) VALUES (3);")
                try await expectEventually { inbox.events.count == 3 }
            }
        }
        #expect(recorder.all.contains { $0.contains("lost the database") })
        #expect(!recorder.all.contains { $0.contains(RelayDatabase.password) })
    }

    @Test("a backlog of 5 000 committed events drains at batch 100 with every event delivered once")
    func drainRate() async throws {
        let names = try await RelayDatabase.install("r_rate")
        try await RelayDatabase.run(
            "INSERT INTO r_rate_app.items (id, note) SELECT g, 'row ' || g FROM generate_series(1, 5000) AS g;"
        )
        let inbox = RelayInbox()
        let metrics = RelayTestMetrics()
        let started = ContinuousClock.now
        try await withLocalLambda(handler: inbox.handler) { server, client in
            let relay = try Self.relay(
                Self.configuration(names, batchSize: 100, concurrency: 2),
                client: client,
                metrics: metrics
            )
            try await withRelays([relay], logger: Self.quiet) {
                try await expectEventually(timeout: .seconds(60)) {
                    metrics.total("dblambda_relay_delivered_total") == 5000
                }
            }
            let elapsed = started.duration(to: .now)
            await server.waitForEventInvocations()
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("relay drain: 5000 events in \(elapsed) (\(Int(5000 / seconds)) events/s, batch 100, concurrency 2)")
        }
        let ids = inbox.events.compactMap(\.id)
        #expect(ids.count == 5000 && Set(ids).count == 5000)
        #expect(metrics.values("dblambda_relay_batch_size").allSatisfy { $0 <= 100 })
    }

    @Test("DatabaseURL gives postgres-nio the parsed settings and the sslmode as TLS")
    func postgresConfiguration() throws {
        let url = try DatabaseURL("postgres://relay:pw@db.example.com:6543/app?sslmode=disable&connect_timeout=3")
        let configuration = url.postgresConfiguration
        #expect(configuration.host == "db.example.com" && configuration.port == 6543)
        #expect(configuration.username == "relay" && configuration.password == "pw" && configuration.database == "app")
        #expect(configuration.options.connectTimeout == .seconds(3))
    }
}
