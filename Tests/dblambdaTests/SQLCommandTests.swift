import Foundation
import Testing

@Suite("dblambda sql")
struct SQLCommandTests {
    static let function = "arn:aws:lambda:us-east-1:123456789012:function:orders"

    static func snapshot(_ name: String) throws -> String {
        let url = CLIRunner.repositoryRoot.appendingPathComponent("Tests/DBLambdaSQLTests/Snapshots")
            .appendingPathComponent(name)
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func expectBadInput(_ arguments: [String], mentioning text: String) async throws {
        let result = try await CLIRunner.run(["sql"] + arguments)
        #expect(result.status == 2, "\(arguments)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderrLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
        #expect(result.stderr.contains(text), "\(result.stderr)")
    }

    @Test("postgres with defaults prints the golden script for a schema with a quote and a table with a space")
    func postgresDefaults() async throws {
        let result = try await CLIRunner.run([
            "sql", "postgres", "--function", Self.function, "--table", "sales\"2026.Order Items",
        ])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdoutText == (try Self.snapshot("postgres-defaults.sql")))
    }

    @Test("postgres with every option prints the golden script")
    func postgresOptions() async throws {
        let result = try await CLIRunner.run([
            "sql", "postgres", "--function", Self.function, "--table", "public.orders", "--operations", "update,insert",
            "--invocation-type", "RequestResponse", "--columns", "id,select,status", "--on-error", "warn",
            "--grant-to", "app writer", "--when", "NEW.status <> 'draft'",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == (try Self.snapshot("postgres-options.sql")))
    }

    @Test("postgres with --exclude-columns prints the golden script")
    func postgresExclude() async throws {
        let result = try await CLIRunner.run([
            "sql", "postgres", "--function", Self.function, "--table", "public.users", "--exclude-columns",
            "password_hash",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == (try Self.snapshot("postgres-exclude.sql")))
    }

    @Test("mysql version 3 and version 2 print the golden scripts")
    func mysqlScripts() async throws {
        let v3 = try await CLIRunner.run([
            "sql", "mysql", "--function", Self.function, "--table", "shop.Order`Items", "--columns", "id,select,total",
            "--grant-to", "app@10.0.%",
        ])
        #expect(v3.status == 0, "\(v3.stderr)")
        #expect(v3.stdoutText == (try Self.snapshot("mysql-v3.sql")))
        let v2 = try await CLIRunner.run([
            "sql", "mysql", "--function", Self.function, "--table", "shop.orders", "--columns", "id,status",
            "--mysql-version", "2", "--invocation-type", "RequestResponse", "--on-error", "warn", "--operations",
            "update",
        ])
        #expect(v2.status == 0, "\(v2.stderr)")
        #expect(v2.stdoutText == (try Self.snapshot("mysql-v2.sql")))
    }

    @Test("the same arguments give byte-identical output")
    func deterministic() async throws {
        let arguments = ["sql", "mysql", "--function", Self.function, "--table", "a.b", "--columns", "x,y"]
        let first = try await CLIRunner.run(arguments)
        let second = try await CLIRunner.run(arguments)
        #expect(first.stdout == second.stdout)
    }

    @Test("bad input exits 2 with one error line")
    func badInput() async throws {
        let table = ["--table", "public.orders"]
        try await Self.expectBadInput(
            ["postgres", "--function", "arn:aws:lambda:us-east-1:12345:function:f"] + table,
            mentioning: "account"
        )
        try await Self.expectBadInput(["postgres", "--function", "orders"] + table, mentioning: "--function")
        try await Self.expectBadInput(["mysql", "--function", Self.function] + table, mentioning: "--columns")
        try await Self.expectBadInput(
            ["postgres", "--function", Self.function, "--table", "orders"],
            mentioning: "SCHEMA.TABLE"
        )
        try await Self.expectBadInput(
            ["postgres", "--function", Self.function, "--table", ".orders"],
            mentioning: "SCHEMA.TABLE"
        )
        try await Self.expectBadInput(
            ["postgres", "--function", Self.function, "--operations", "insert,upsert"] + table,
            mentioning: "upsert"
        )
        try await Self.expectBadInput(
            ["mysql", "--function", Self.function, "--columns", "id", "--operations", "truncate"] + table,
            mentioning: "TRUNCATE"
        )
        try await Self.expectBadInput(["oracle", "--function", Self.function] + table, mentioning: "oracle")
        try await Self.expectBadInput(
            ["postgres", "--function", Self.function, "--invocation-type", "event"] + table,
            mentioning: "--invocation-type"
        )
        try await Self.expectBadInput(
            ["postgres", "--function", Self.function, "--on-error", "ignore"] + table,
            mentioning: "--on-error"
        )
        try await Self.expectBadInput(
            ["mysql", "--function", Self.function, "--columns", "id", "--mysql-version", "4"] + table,
            mentioning: "--mysql-version"
        )
        try await Self.expectBadInput(
            ["postgres", "--function", Self.function, "--mysql-version", "3"] + table,
            mentioning: "mysql only"
        )
        try await Self.expectBadInput(
            ["postgres", "--function", Self.function, "--columns", "a", "--exclude-columns", "b"] + table,
            mentioning: "not both"
        )
        try await Self.expectBadInput(
            ["postgres", "--function", Self.function, "--table", "s." + String(repeating: "x", count: 64)],
            mentioning: "63"
        )
        try await Self.expectBadInput(
            ["mysql", "--function", Self.function, "--table", "s.t", "--columns", "a\nb"],
            mentioning: "control character"
        )
        try await Self.expectBadInput(["postgres"] + table, mentioning: "--function")
    }
}
