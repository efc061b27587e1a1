import Foundation
import Testing

@Suite("dblambda outbox status|list-dead|replay|cleanup (black box, real PostgreSQL)")
struct OutboxCommandTests {
    static let environment = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"]

    static func run(_ arguments: [String], database: OutboxTestDatabase) async throws -> CLIRunner.Result {
        var environment = Self.environment
        environment["DBLAMBDA_DATABASE_URL"] = database.url
        return try await CLIRunner.run(["outbox"] + arguments, environment: environment)
    }

    static func json(_ result: CLIRunner.Result, sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
        #expect(result.status == 0, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, sourceLocation: sourceLocation)
        return try JSONSerialization.jsonObject(with: result.stdout)
    }

    @Test("status, list-dead, replay and cleanup report and change the outbox as documented")
    func lifecycle() async throws {
        let database = try await OutboxTestDatabase.create()
        do {
            try await Self.checkLifecycle(database)
        } catch {
            await database.drop()
            throw error
        }
        await database.drop()
    }

    private static func checkLifecycle(_ database: OutboxTestDatabase) async throws {
        let empty = try #require(try json(try await run(["status"], database: database)) as? [String: Any])
        #expect(empty["pending"] as? Int == 0)
        #expect(empty["dead"] as? Int == 0)
        #expect(empty["oldestPendingAgeSeconds"] is NSNull)
        #expect(Set(empty.keys) == ["pending", "due", "retrying", "delivered", "dead", "oldestPendingAgeSeconds"])

        let setup = try await database.psql(
            """
            INSERT INTO public.items VALUES (1, 'one'), (2, 'two');
            INSERT INTO dblambda.dead_letter (id, event_id, partition_key, envelope, created_at, attempts, last_error)
            VALUES (1001, '11111111-1111-4111-8111-111111111111', 'public.items:[7]',
                    '{"dblambda": 1, "id": "11111111-1111-4111-8111-111111111111", "url": "a/b"}',
                    '2026-01-02T03:04:05.678Z', 10, 'ServiceException: boom'),
                   (1002, '22222222-2222-4222-8222-222222222222', 'public.items:[8]',
                    '{"dblambda": 1, "id": "22222222-2222-4222-8222-222222222222"}',
                    '2026-01-02T03:04:06Z', 1, NULL);
            """
        )
        try #require(setup.status == 0, "\(setup.stderr)")
        let status = try #require(try json(try await run(["status"], database: database)) as? [String: Any])
        #expect(status["pending"] as? Int == 2)
        #expect(status["due"] as? Int == 2)
        #expect(status["dead"] as? Int == 2)
        #expect(((status["oldestPendingAgeSeconds"] as? Double) ?? -1) >= 0)

        let listed = try await run(["list-dead"], database: database)
        #expect(!listed.stdoutText.contains("\\/"), "slashes are not escaped")
        let dead = try #require(try json(listed) as? [[String: Any]])
        #expect(dead.map { $0["id"] as? Int } == [1001, 1002])
        let first = try #require(dead.first)
        #expect(first["eventId"] as? String == "11111111-1111-4111-8111-111111111111")
        #expect(first["partitionKey"] as? String == "public.items:[7]")
        #expect(first["attempts"] as? Int == 10)
        #expect(first["lastError"] as? String == "ServiceException: boom")
        #expect(first["createdAt"] as? String == "2026-01-02T03:04:05.678Z")
        #expect((first["deadAt"] as? String)?.hasSuffix("Z") == true)
        #expect((first["envelope"] as? [String: Any])?["url"] as? String == "a/b")
        #expect(dead.last?["lastError"] is NSNull)
        let limited = try #require(
            try json(try await run(["list-dead", "--limit", "1"], database: database)) as? [Any]
        )
        #expect(limited.count == 1)

        let one = try #require(
            try json(try await run(["replay", "--id", "1001"], database: database)) as? [String: Int]
        )
        #expect(one == ["replayed": 1])
        let missing = try #require(
            try json(try await run(["replay", "--id", "999999"], database: database)) as? [String: Int]
        )
        #expect(missing == ["replayed": 0])
        let remaining = try #require(try json(try await run(["list-dead"], database: database)) as? [[String: Any]])
        #expect(remaining.map { $0["id"] as? Int } == [1002])
        let back = try await database.scalar(
            "SELECT attempts || ':' || partition_key FROM dblambda.outbox "
                + "WHERE event_id = '11111111-1111-4111-8111-111111111111'"
        )
        #expect(back == "0:public.items:[7]")
        let all = try #require(try json(try await run(["replay", "--all"], database: database)) as? [String: Int])
        #expect(all == ["replayed": 1])
        let after = try #require(try json(try await run(["status"], database: database)) as? [String: Any])
        #expect(after["pending"] as? Int == 4)
        #expect(after["dead"] as? Int == 0)

        let delivered = try await database.psql(
            """
            UPDATE dblambda.outbox SET delivered_at = clock_timestamp() - interval '48 hours'
             WHERE id = (SELECT min(id) FROM dblambda.outbox);
            UPDATE dblambda.outbox SET delivered_at = clock_timestamp()
             WHERE id = (SELECT max(id) FROM dblambda.outbox);
            """
        )
        try #require(delivered.status == 0, "\(delivered.stderr)")
        let old = try #require(try json(try await run(["cleanup"], database: database)) as? [String: Int])
        #expect(old == ["deleted": 1], "the default retention (24 h) deletes only the 48-hour-old row")
        let rest = try #require(
            try json(try await run(["cleanup", "--retention-hours", "0"], database: database)) as? [String: Int]
        )
        #expect(rest == ["deleted": 1])
        let final = try #require(try json(try await run(["status"], database: database)) as? [String: Any])
        #expect(final["pending"] as? Int == 2)
        #expect(final["delivered"] as? Int == 0)
    }

    @Test(
        "bad input is exit 2 with one error line",
        arguments: [
            (["replay"], "--id N"),
            (["replay", "--id", "1", "--all"], "not both"),
            (["replay", "--id", "0"], "positive"),
            (["list-dead", "--limit", "0"], "--limit"),
            (["cleanup", "--retention-hours", "-1"], "--retention-hours"),
            (["status", "--schema", ""], "--schema"),
            (["status", "--database", "http://example.com"], "postgres://"),
        ]
    )
    func badInput(arguments: [String], fragment: String) async throws {
        var environment = Self.environment
        environment["DBLAMBDA_DATABASE_URL"] = "postgres://u:pw-not-shown@127.0.0.1:1/x?sslmode=disable"
        let result = try await CLIRunner.run(["outbox"] + arguments, environment: environment)
        RelayCommandTests.expectBadInput(result, contains: fragment)
        #expect(!result.stderr.contains("pw-not-shown"))
    }

    @Test("no database URL is exit 2; an unreachable database is exit 1; neither shows the password")
    func databaseProblems() async throws {
        let missing = try await CLIRunner.run(["outbox", "status"], environment: Self.environment)
        RelayCommandTests.expectBadInput(missing, contains: "DBLAMBDA_DATABASE_URL")
        let unreachable = try await CLIRunner.run(
            [
                "outbox", "status", "--database",
                "postgres://u:pw-not-shown@127.0.0.1:1/x?sslmode=disable&connect_timeout=2",
            ],
            environment: Self.environment
        )
        #expect(unreachable.status == 1, "\(unreachable.stderr)")
        #expect(unreachable.stdout.isEmpty)
        #expect(unreachable.stderrLines.count == 1, "\(unreachable.stderr)")
        #expect(unreachable.stderr.hasPrefix("error: "))
        #expect(!unreachable.stderr.contains("pw-not-shown"))
    }
}
