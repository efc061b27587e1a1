import Foundation
import Testing

/// A fresh PostgreSQL database on the dev server (`PGHOST`, `PGPORT`, `PGUSER`; defaults 127.0.0.1, 55432,
/// postgres) with the outbox installed, for the black-box tests of `dblambda relay` and `dblambda outbox`. SQL runs
/// through `psql`, the outbox script and the outbox triggers come from `dblambda plan --format json`. An unreachable
/// server is a test failure naming the variables, never a skip.
struct OutboxTestDatabase: Sendable {
    let name: String
    let host: String
    let port: String
    let user: String

    /// The URL for `--database` / `DBLAMBDA_DATABASE_URL`, with a password that trust auth ignores (so the tests can
    /// check it is never printed).
    static let password = "hunter2-never-printed"

    var url: String { "postgres://\(user):\(Self.password)@\(host):\(port)/\(name)?sslmode=disable" }

    /// The config whose plan supplies the outbox script and the trigger of `public.items`.
    static let config = """
        version: 1
        name: items
        database:
          arn: arn:aws:rds:us-east-1:123456789012:db:items-db
          engine: postgres
        function:
          arn: arn:aws:lambda:us-east-1:123456789012:function:items
        role:
          name: items-relay
        delivery: outbox
        tables:
          - table: public.items

        """

    /// Creates `relay_cli_<random>`, the table `public.items (id int primary key, name text)`, the outbox and the
    /// outbox trigger of the table.
    static func create() async throws -> OutboxTestDatabase {
        let environment = ProcessInfo.processInfo.environment
        func value(_ key: String, _ fallback: String) -> String {
            environment[key].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
        }
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let database = OutboxTestDatabase(
            name: "relay_cli_\(suffix)",
            host: value("PGHOST", "127.0.0.1"),
            port: value("PGPORT", "55432"),
            user: value("PGUSER", "postgres")
        )
        let created = try await database.psql("CREATE DATABASE \(database.name)", database: "postgres")
        let where_ = "PGHOST=\(database.host) PGPORT=\(database.port) PGUSER=\(database.user)"
        try #require(created.status == 0, "the PostgreSQL dev server is unreachable (\(where_)): \(created.stderr)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-cli-\(suffix)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let configURL = folder.appendingPathComponent("dblambda.yaml")
        try Data(config.utf8).write(to: configURL)
        let plan = try await CLIRunner.run(["plan", configURL.path, "--format", "json"])
        try #require(plan.status == 0, "dblambda plan: \(plan.stderr)")
        let root = try #require(try JSONSerialization.jsonObject(with: plan.stdout) as? [String: Any])
        let outboxSQL = try #require((root["outbox"] as? [String: Any])?["sql"] as? String)
        let triggerSQL = try #require((root["tables"] as? [[String: Any]])?.first?["sql"] as? String)
        let setup = try await database.psql(
            "CREATE TABLE public.items (id integer PRIMARY KEY, name text);\n" + outboxSQL + "\n" + triggerSQL
        )
        try #require(setup.status == 0, "installing the outbox: \(setup.stderr)")
        return database
    }

    /// Runs `sql` with `psql -v ON_ERROR_STOP=1 -At` in `database` (default: this one).
    func psql(_ sql: String, database: String? = nil) async throws -> CLIRunner.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["PGCONNECT_TIMEOUT"] = "5"
        return try await CLIRunner.runProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "psql", "-h", host, "-p", port, "-U", user, "-d", database ?? name, "-v", "ON_ERROR_STOP=1", "-At",
                "-q", "-f", "-",
            ],
            stdin: Data(sql.utf8),
            environment: environment
        )
    }

    /// The single value `sql` selects, trimmed; a failed query fails the test.
    func scalar(_ sql: String) async throws -> String {
        let result = try await psql(sql)
        try #require(result.status == 0, "\(sql): \(result.stderr)")
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Drops the database (after the relay's connections are gone).
    func drop() async {
        _ = try? await psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", database: "postgres")
    }
}
