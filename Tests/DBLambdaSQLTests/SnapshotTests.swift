import DBLambdaCore
import DBLambdaSQL
import Foundation
import Testing

/// Golden files in `Snapshots/`: the exact scripts users get. Set `DBLAMBDA_RECORD_SNAPSHOTS=1` to rewrite them
/// after an intended change, then review the diff.
@Suite("Golden trigger scripts")
struct SnapshotTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Snapshots")

    static func check(_ name: String, _ text: String) throws {
        let url = directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["DBLAMBDA_RECORD_SNAPSHOTS"] == "1" {
            try Data(text.utf8).write(to: url)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "\(name) differs from the golden file")
    }

    static func configuration(_ table: String, columns: ColumnSelection = .all) throws -> TriggerConfiguration {
        TriggerConfiguration(
            function: try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:123456789012:function:orders"),
            table: try TableName(parsing: table),
            columns: columns
        )
    }

    @Test("PostgreSQL, defaults, tricky names")
    func postgresDefaults() throws {
        try Self.check(
            "postgres-defaults.sql",
            try PostgreSQLTriggerScript(Self.configuration("sales\"2026.Order Items")).render()
        )
    }

    @Test("PostgreSQL, selected columns, warn, RequestResponse, grants, WHEN condition")
    func postgresOptions() throws {
        var configuration = try Self.configuration("public.orders", columns: .only(["id", "select", "status"]))
        configuration.operations = [.insert, .update]
        configuration.invocationType = .requestResponse
        configuration.errorPolicy = .warn
        configuration.grantTo = "app writer"
        configuration.condition = "NEW.status <> 'draft'"
        try Self.check("postgres-options.sql", try PostgreSQLTriggerScript(configuration).render())
    }

    @Test("PostgreSQL, excluded columns")
    func postgresExclude() throws {
        let configuration = try Self.configuration("public.users", columns: .excluding(["password_hash"]))
        try Self.check("postgres-exclude.sql", try PostgreSQLTriggerScript(configuration).render())
    }

    @Test("Aurora MySQL v3, backtick table, grant")
    func mysqlV3() throws {
        var configuration = try Self.configuration("shop.Order`Items", columns: .only(["id", "select", "total"]))
        configuration.grantTo = "app@10.0.%"
        try Self.check("mysql-v3.sql", try MySQLTriggerScript(configuration, version: .v3).render())
    }

    @Test("Aurora MySQL v2, lambda_sync, warn, commented grant")
    func mysqlV2() throws {
        var configuration = try Self.configuration("shop.orders", columns: .only(["id", "status"]))
        configuration.invocationType = .requestResponse
        configuration.errorPolicy = .warn
        configuration.operations = [.update]
        try Self.check("mysql-v2.sql", try MySQLTriggerScript(configuration, version: .v2).render())
    }
}
