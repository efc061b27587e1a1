import Foundation
import Testing

@Suite("dblambda sql: outbox delivery and outbox-schema")
struct SQLOutboxCommandTests {
    static let function = SQLCommandTests.function

    @Test("outbox-schema with defaults prints the golden schema script")
    func schemaDefaults() async throws {
        let result = try await CLIRunner.run(["sql", "outbox-schema"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdoutText == (try SQLCommandTests.snapshot("postgres-outbox-schema.sql")))
    }

    @Test("outbox-schema with --schema, --channel and --relay-role prints the golden custom script")
    func schemaOptions() async throws {
        let result = try await CLIRunner.run([
            "sql", "outbox-schema", "--schema", "events\"x", "--channel", "Wake Up", "--relay-role", "dblambda_relay",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == (try SQLCommandTests.snapshot("postgres-outbox-schema-custom.sql")))
    }

    @Test("postgres --delivery outbox prints the golden outbox trigger script")
    func outboxTriggers() async throws {
        let result = try await CLIRunner.run([
            "sql", "postgres", "--function", Self.function, "--table", "sales\"2026.Order Items", "--delivery",
            "outbox",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdoutText == (try SQLCommandTests.snapshot("postgres-outbox.sql")))
    }

    @Test("postgres --delivery outbox with columns, a condition and custom outbox names prints the golden script")
    func outboxTriggerOptions() async throws {
        let result = try await CLIRunner.run([
            "sql", "postgres", "--function", Self.function, "--table", "public.orders", "--operations",
            "update,insert", "--columns", "id,select,status", "--when", "NEW.status <> 'draft'", "--delivery",
            "outbox", "--outbox-schema", "events", "--outbox-channel", "orders_outbox",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == (try SQLCommandTests.snapshot("postgres-outbox-options.sql")))
    }

    @Test("--delivery direct is the default: the output is byte-identical to no --delivery")
    func directIsDefault() async throws {
        let result = try await CLIRunner.run([
            "sql", "postgres", "--function", Self.function, "--table", "sales\"2026.Order Items", "--delivery",
            "direct",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == (try SQLCommandTests.snapshot("postgres-defaults.sql")))
    }

    @Test("bad outbox input exits 2 with one error line naming the problem")
    func badInput() async throws {
        let table = ["--table", "public.orders"]
        let postgres = ["postgres", "--function", Self.function] + table
        try await SQLCommandTests.expectBadInput(postgres + ["--delivery", "queue"], mentioning: "--delivery")
        try await SQLCommandTests.expectBadInput(postgres + ["--outbox-schema", "x"], mentioning: "--delivery outbox")
        try await SQLCommandTests.expectBadInput(postgres + ["--outbox-channel", "x"], mentioning: "--delivery outbox")
        try await SQLCommandTests.expectBadInput(postgres + ["--schema", "x"], mentioning: "--outbox-schema")
        try await SQLCommandTests.expectBadInput(postgres + ["--relay-role", "x"], mentioning: "--relay-role")
        try await SQLCommandTests.expectBadInput(
            postgres + ["--delivery", "outbox", "--outbox-schema", ""],
            mentioning: "outbox schema"
        )
        try await SQLCommandTests.expectBadInput(
            postgres + ["--delivery", "outbox", "--outbox-channel", String(repeating: "c", count: 64)],
            mentioning: "outbox channel"
        )
        try await SQLCommandTests.expectBadInput(
            ["mysql", "--function", Self.function, "--columns", "id", "--delivery", "outbox"] + table,
            mentioning: "postgres only"
        )
        try await SQLCommandTests.expectBadInput(["postgres", "--function", Self.function], mentioning: "--table")
        try await SQLCommandTests.expectBadInput(
            ["outbox-schema", "--function", Self.function],
            mentioning: "--function"
        )
        try await SQLCommandTests.expectBadInput(["outbox-schema"] + table, mentioning: "--table")
        try await SQLCommandTests.expectBadInput(["outbox-schema", "--outbox-schema", "x"], mentioning: "--schema")
        try await SQLCommandTests.expectBadInput(["outbox-schema", "--grant-to", "x"], mentioning: "--relay-role")
        try await SQLCommandTests.expectBadInput(["outbox-schema", "--schema", ""], mentioning: "outbox schema")
        try await SQLCommandTests.expectBadInput(
            ["outbox-schema", "--relay-role", String(repeating: "r", count: 64)],
            mentioning: "relay role"
        )
        try await SQLCommandTests.expectBadInput(["oracle"], mentioning: "outbox-schema")
    }
}
