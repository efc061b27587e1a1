import Foundation
import Testing

/// A running `dblambda relay` process, its standard error collected in a file.
final class RelayProcess: Sendable {
    let process: Process
    let stderrURL: URL

    init(_ arguments: [String], environment: [String: String]) throws {
        stderrURL = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process = Process()
        process.executableURL = try CLIRunner.binary()
        process.arguments = ["relay"] + arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits up to 20 seconds for the exit; the exit status, or nil when it did not exit.
    func stop(with signal: Int32) async throws -> Int32? {
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let process = process
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            _ = try await offCooperativePool { process.waitUntilExit() }
            return nil
        }
        return try await offCooperativePool {
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    deinit { try? FileManager.default.removeItem(at: stderrURL) }
}

@Suite("dblambda relay (black box)")
struct RelayCommandTests {
    /// An environment without AWS settings or a database URL, so nothing leaks in from the machine.
    static let environment = ["PATH": "/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED": "true", "HOME": "/nonexistent"]

    static func expectBadInput(
        _ result: CLIRunner.Result,
        contains fragment: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == 2, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("error: "), sourceLocation: sourceLocation)
        #expect(result.stderr.contains(fragment), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    }

    static let database = ["--database", "postgres://relay:s3cret-pw@127.0.0.1:1/app?sslmode=disable"]

    /// Arguments (each run adds `--check`) and a fragment of the one error line.
    static let badInputs: [([String], String)] = {
        let f: [String] = ["--function", "f"]
        let d: [String] = database
        var cases: [([String], String)] = []
        cases.append((f, "no database URL"))
        cases.append((d, "no function"))
        cases.append((f + ["--database", "mysql://u@h/db"], "postgres://"))
        cases.append((f + ["--database", "postgres://h"], "user"))
        cases.append((f + d + ["--batch-size", "0"], "--batch-size must be 1-10000, got 0"))
        cases.append((f + d + ["--concurrency", "65"], "--concurrency"))
        cases.append((f + d + ["--ordering", "partition_key"], "--ordering must be none or partition-key"))
        cases.append((f + d + ["--invocation-type", "DryRun"], "--invocation-type"))
        cases.append((f + d + ["--retention-hours", "soon"], "--retention-hours"))
        cases.append((f + d + ["--retry-base-seconds", "10", "--retry-max-seconds", "5"], "retryMax"))
        cases.append((f + d + ["--poll-interval-ms", "1"], "--poll-interval-ms"))
        cases.append((f + d + ["--schema", ""], "--schema"))
        cases.append((d + ["--function", "bad function name!"], "function"))
        cases.append((f + d + ["--region", "nowhere 1"], "region"))
        cases.append((f + d + ["--batch-size", "ten"], "batch-size"))
        cases.append((d + ["/nonexistent/dblambda.yaml"], "/nonexistent/dblambda.yaml"))
        return cases
    }()

    @Test("bad input is exit 2 with one error line, before any connection", arguments: badInputs)
    func badInput(arguments: [String], fragment: String) async throws {
        let result = try await CLIRunner.run(["relay"] + arguments + ["--check"], environment: Self.environment)
        Self.expectBadInput(result, contains: fragment)
        #expect(!result.stderr.contains("s3cret-pw"))
    }

    @Test("a config with delivery direct is bad input naming the delivery")
    func directConfig() async throws {
        let path = CLIRunner.repositoryRoot.appendingPathComponent("Examples/rds-postgresql/dblambda.yaml").path
        let result = try await CLIRunner.run(["relay", path, "--check"] + Self.database, environment: Self.environment)
        Self.expectBadInput(result, contains: "delivery: outbox")
    }

    @Test("--check merges the config and the flags (flags win) and prints them without the password")
    func checkMerges() async throws {
        let path = CLIRunner.repositoryRoot.appendingPathComponent("Examples/rds-postgresql-outbox/dblambda.yaml").path
        var environment = Self.environment
        environment["DBLAMBDA_DATABASE_URL"] = "postgres://relay:env-secret@db.internal/orders?sslmode=require"
        let fromConfig = try await CLIRunner.run(["relay", path, "--check"], environment: environment)
        #expect(fromConfig.status == 0, "\(fromConfig.stderr)")
        #expect(!fromConfig.stdoutText.contains("env-secret"))
        let config = try #require(try JSONSerialization.jsonObject(with: fromConfig.stdout) as? [String: Any])
        #expect(config["function"] as? String == "arn:aws:lambda:us-east-1:123456789012:function:orders-handler")
        #expect(config["qualifier"] as? String == "live")
        #expect(config["region"] as? String == "us-east-1")
        #expect(config["ordering"] as? String == "partition-key")
        #expect(config["maxAttempts"] as? Int == 8)
        #expect(config["retentionHours"] as? Int == 48)
        #expect(config["database"] as? String == "postgres://relay:***@db.internal:5432/orders?sslmode=require")

        let overridden = try await CLIRunner.run(
            [
                "relay", path, "--check", "--database", "postgres://other@127.0.0.1:6543/x", "--batch-size", "7",
                "--ordering", "none", "--qualifier", "blue", "--invocation-type", "RequestResponse", "--schema", "ev",
                "--channel", "ev_wake", "--retention-hours", "forever", "--concurrency", "3", "--region", "eu-west-1",
            ],
            environment: environment
        )
        #expect(overridden.status == 0, "\(overridden.stderr)")
        let flags = try #require(try JSONSerialization.jsonObject(with: overridden.stdout) as? [String: Any])
        #expect(flags["batchSize"] as? Int == 7)
        #expect(flags["ordering"] as? String == "none")
        #expect(flags["qualifier"] as? String == "blue")
        #expect(flags["invocationType"] as? String == "RequestResponse")
        #expect(flags["schema"] as? String == "ev")
        #expect(flags["channel"] as? String == "ev_wake")
        #expect(flags["retentionHours"] is NSNull)
        #expect(flags["concurrency"] as? Int == 3)
        #expect(flags["region"] as? String == "eu-west-1")
        #expect(flags["maxAttempts"] as? Int == 8, "unset flags keep the config's values")
        #expect((flags["database"] as? String)?.hasPrefix("postgres://other@127.0.0.1:6543/x") == true)
        let keys = overridden.stdoutText.split(separator: "\n").compactMap { line -> String? in
            guard let quote = line.firstIndex(of: "\""),
                let end = line[line.index(after: quote)...].firstIndex(of: "\"")
            else { return nil }
            return String(line[line.index(after: quote)..<end])
        }
        #expect(keys == keys.sorted(), "sorted keys")
    }

    @Test("delivers committed rows (never rolled-back ones) to serve-local, then exits 0 on SIGTERM")
    func deliversAndStopsOnSIGTERM() async throws {
        let database = try await OutboxTestDatabase.create()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relay-fn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let received = folder.appendingPathComponent("received.jsonl")
        let server = try await ServeLocalProcess.start([
            "--handler", "cat >> '\(received.path)'; echo >> '\(received.path)'; echo '{}'",
        ])
        let inserted = try await database.psql(
            """
            BEGIN; INSERT INTO public.items VALUES (1, 'committed-one'), (2, 'committed-two'); COMMIT;
            BEGIN; INSERT INTO public.items VALUES (3, 'rolled-back-three'); ROLLBACK;
            UPDATE public.items SET name = 'committed-update' WHERE id = 1;
            """
        )
        try #require(inserted.status == 0, "\(inserted.stderr)")
        var environment = Self.environment
        environment["AWS_ACCESS_KEY_ID"] = "AKIDRELAYTEST0000001"
        environment["AWS_SECRET_ACCESS_KEY"] = "relay-test-secret"
        environment["DBLAMBDA_DATABASE_URL"] = database.url
        let relay = try RelayProcess(
            [
                "--function", "items", "--endpoint-url", server.url, "--region", "us-east-1",
                "--invocation-type", "RequestResponse", "--poll-interval-ms", "100", "--batch-size", "2",
            ],
            environment: environment
        )
        var delivered = ""
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            delivered = try await database.scalar(
                "SELECT count(*) FILTER (WHERE delivered_at IS NOT NULL) || '/' || count(*) FROM dblambda.outbox"
            )
            if delivered == "3/3" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let status = try await relay.stop(with: SIGTERM)
        let serverStatus = try await server.stop(with: SIGTERM)
        let log = relay.stderr
        let eventIDs = try await database.scalar(
            "SELECT string_agg(event_id::text, ',' ORDER BY id) FROM dblambda.outbox"
        )
        await database.drop()
        #expect(delivered == "3/3", "relay log: \(log)")
        #expect(status == 0, "relay log: \(log)")
        #expect(serverStatus == 0)
        let payloads = (try? String(contentsOf: received, encoding: .utf8)) ?? ""
        for id in eventIDs.split(separator: ",") {
            #expect(payloads.contains(String(id)), "event \(id) was not delivered")
        }
        #expect(payloads.contains("committed-update"))
        #expect(!payloads.contains("rolled-back-three"))
        #expect(!log.contains(OutboxTestDatabase.password), "the log shows the database password")
        #expect(log.contains("relay starting"))
    }

    @Test("SIGTERM during an invocation lets the batch finish and commit (exit 0); an idle relay exits 0 on SIGINT")
    func gracefulShutdown() async throws {
        let database = try await OutboxTestDatabase.create()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relay-fn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let started = folder.appendingPathComponent("started")
        let received = folder.appendingPathComponent("received.jsonl")
        let server = try await ServeLocalProcess.start([
            "--handler", "touch '\(started.path)'; sleep 1; cat >> '\(received.path)'; echo '{}'",
        ])
        let inserted = try await database.psql("INSERT INTO public.items VALUES (10, 'in-flight');")
        try #require(inserted.status == 0, "\(inserted.stderr)")
        var environment = Self.environment
        environment["AWS_ACCESS_KEY_ID"] = "AKIDRELAYTEST0000001"
        environment["AWS_SECRET_ACCESS_KEY"] = "relay-test-secret"
        environment["DBLAMBDA_DATABASE_URL"] = database.url
        let arguments = [
            "--function", "items", "--endpoint-url", server.url, "--region", "us-east-1",
            "--invocation-type", "RequestResponse", "--poll-interval-ms", "100",
        ]
        let busy = try RelayProcess(arguments, environment: environment)
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: started.path) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let sawInvocation = FileManager.default.fileExists(atPath: started.path)
        let busyStatus = try await busy.stop(with: SIGTERM)
        let delivered = try await database.scalar(
            "SELECT count(*) FILTER (WHERE delivered_at IS NOT NULL) || '/' || count(*) FROM dblambda.outbox"
        )
        let idle = try RelayProcess(arguments, environment: environment)
        // SIGINT only once the relay runs (its signal handlers are installed): a fixed sleep is too short for a
        // loaded machine to start the process.
        let idleDeadline = ContinuousClock.now + .seconds(30)
        while !idle.stderr.contains("relay started") && ContinuousClock.now < idleDeadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let idleStatus = try await idle.stop(with: SIGINT)
        let serverStatus = try await server.stop(with: SIGTERM)
        await database.drop()
        #expect(sawInvocation, "the relay never invoked: \(busy.stderr)")
        #expect(busyStatus == 0, "relay log: \(busy.stderr)")
        #expect(delivered == "1/1", "the in-flight batch was not committed: \(busy.stderr)")
        #expect(((try? String(contentsOf: received, encoding: .utf8)) ?? "").contains("in-flight"))
        #expect(idleStatus == 0, "relay log: \(idle.stderr)")
        #expect(serverStatus == 0)
    }
}
