import Foundation
import Testing

/// A failure of a database client process, with what it printed.
struct SQLClientFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs SQL on the real servers through their command-line clients (`psql`, `mariadb`), the way users run the
/// generated scripts. Results come back as hex-encoded UTF-8 so no client escaping can change a byte.
enum SQLClient {
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// Runs `executable arguments…` with `input` on standard input. The client is launched and waited for on a
    /// dedicated thread: a blocking wait on Swift's cooperative pool (only as many threads as cores) would stall
    /// every other test in the process, including loopback servers a trigger may be calling.
    static func run(
        _ executable: String,
        _ arguments: [String],
        input: String,
        extraEnvironment: [String: String] = [:]
    ) async throws -> Output {
        let environment = environment.merging(extraEnvironment) { $1 }
        return try await offCooperativePool {
            try runBlocking(executable, arguments, input: input, environment: environment)
        }
    }

    /// Launches the client and blocks the calling thread until it exits; only ever called on a dedicated thread.
    private static func runBlocking(
        _ executable: String,
        _ arguments: [String],
        input: String,
        environment: [String: String]
    ) throws -> Output {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dblambdasql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inURL = directory.appendingPathComponent("input.sql")
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        try Data(input.utf8).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let inHandle = try FileHandle(forReadingFrom: inURL)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.environment = environment
        process.standardInput = inHandle
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        process.waitUntilExit()
        try inHandle.close()
        try outHandle.close()
        try errHandle.close()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }

    /// Decodes the hex text one row per line into UTF-8 strings.
    static func hexRows(_ text: String) throws -> [String] {
        try text.split(separator: "\n").map { line in
            let hex = line.trimmingCharacters(in: .whitespaces)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(hex.utf8.count / 2)
            var iterator = hex.utf8.makeIterator()
            while let high = iterator.next() {
                guard let low = iterator.next(), let h = hexDigit(high), let l = hexDigit(low) else {
                    throw SQLClientFailure(description: "not hex: \(line)")
                }
                bytes.append(h << 4 | l)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// The PostgreSQL 15 server (`PGHOST`, `PGPORT`, `PGUSER`; defaults 127.0.0.1, 55432, postgres).
enum PostgresServer {
    static let database = "dblambdasql_pg"

    static var connection: [String: String] {
        let env = SQLClient.environment
        return [
            "PGHOST": env["PGHOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1",
            "PGPORT": env["PGPORT"].flatMap { $0.isEmpty ? nil : $0 } ?? "55432",
            "PGUSER": env["PGUSER"].flatMap { $0.isEmpty ? nil : $0 } ?? "postgres",
            "PGCONNECT_TIMEOUT": "5",
            "PGOPTIONS": "-c client_min_messages=warning",
        ]
    }

    /// Runs `sql` with `psql -v ON_ERROR_STOP=1` and returns standard output (`-A -t`: unaligned, tuples only).
    @discardableResult
    static func run(
        _ sql: String,
        database: String = database,
        allowFailure: Bool = false
    ) async throws -> SQLClient.Output {
        let output = try await SQLClient.run(
            "psql",
            ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database, "-f", "-"],
            input: sql,
            extraEnvironment: connection
        )
        if output.status != 0 && !allowFailure {
            throw SQLClientFailure(description: "psql exited \(output.status): \(output.stderr)")
        }
        return output
    }

    /// The values of a query that selects one text column, exactly (transported as hex).
    static func texts(_ query: String, prelude: String = "") async throws -> [String] {
        try SQLClient.hexRows(try await run(prelude + "\n" + hexQuery(query)).stdout)
    }

    /// Wraps a one-column query so each value comes back as hex.
    static func hexQuery(_ query: String) -> String {
        "SELECT encode(convert_to(q.v::text, 'UTF8'), 'hex') FROM (\(query)) AS q(v);"
    }

    /// Started on first use, awaited by every caller of `prepare()`.
    private static let preparation = Task<Result<Void, SQLClientFailure>, Never> {
        do {
            try await installStandInExtension()
            let probe = try await SQLClient.run(
                "psql",
                ["-X", "-A", "-t", "-d", "postgres", "-c", "SELECT 1"],
                input: "",
                extraEnvironment: connection
            )
            guard probe.status == 0 else {
                let c = connection
                return .failure(
                    SQLClientFailure(
                        description: "PostgreSQL is not reachable at PGHOST=\(c["PGHOST"] ?? "") "
                            + "PGPORT=\(c["PGPORT"] ?? "") PGUSER=\(c["PGUSER"] ?? ""): \(probe.stderr)"
                    )
                )
            }
            try await run(
                "DROP DATABASE IF EXISTS \(database) WITH (FORCE);\nCREATE DATABASE \(database);",
                database: "postgres"
            )
            // Installed once here: concurrent `CREATE EXTENSION IF NOT EXISTS` from suites running in parallel
            // would race. `SQLPostgresExtensionTests` checks that the script itself installs it.
            try await run("CREATE EXTENSION aws_lambda CASCADE;")
            return .success(())
        } catch let error as SQLClientFailure {
            return .failure(error)
        } catch {
            return .failure(SQLClientFailure(description: "cannot prepare PostgreSQL: \(error)"))
        }
    }

    /// Makes sure the server is reachable, the stand-in extension files are installed and a fresh test database
    /// exists (once per test process).
    static func prepare() async throws {
        try await preparation.value.get()
    }

    /// Writes the stand-in `aws_commons` and `aws_lambda` extensions into `$(pg_config --sharedir)/extension`.
    static func installStandInExtension() async throws {
        let pgConfig = SQLClient.environment["PG_CONFIG"] ?? "/usr/lib/postgresql/15/bin/pg_config"
        let output = try await SQLClient.run(pgConfig, ["--sharedir"], input: "")
        guard output.status == 0 else {
            throw SQLClientFailure(description: "\(pgConfig) --sharedir failed (set PG_CONFIG): \(output.stderr)")
        }
        let directory = URL(fileURLWithPath: output.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            .appendingPathComponent("extension")
        for (name, content) in AWSLambdaStandIn.postgresFiles {
            let url = directory.appendingPathComponent(name)
            if let existing = try? Data(contentsOf: url), existing == Data(content.utf8) { continue }
            do {
                try Data(content.utf8).write(to: url, options: .atomic)
            } catch {
                throw SQLClientFailure(
                    description: "cannot write \(url.path) (the tests install a stand-in aws_lambda extension there; "
                        + "run them as a user that may write it): \(error)"
                )
            }
        }
    }
}

/// The MariaDB 10.11 server (`MYSQL_HOST`, `MYSQL_PORT`; defaults 127.0.0.1, 53306; user root).
enum MariaDBServer {
    static let database = "dblambdasql_my"

    static var arguments: [String] {
        let env = SQLClient.environment
        let host = env["MYSQL_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        let port = env["MYSQL_PORT"].flatMap { $0.isEmpty ? nil : $0 } ?? "53306"
        let user = env["MYSQL_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "root"
        return [
            "--no-defaults", "-h", host, "-P", port, "-u", user, "--protocol=TCP", "--connect-timeout=5",
            "--default-character-set=utf8mb4", "-N", "-B",
        ]
    }

    /// Runs `sql` with the `mariadb` client reading it from standard input (as users run the generated script).
    @discardableResult
    static func run(
        _ sql: String,
        database: String? = database,
        allowFailure: Bool = false
    ) async throws -> SQLClient.Output {
        var arguments = arguments
        if let database { arguments.append(database) }
        let output = try await SQLClient.run("mariadb", arguments, input: sql)
        if output.status != 0 && !allowFailure {
            throw SQLClientFailure(description: "mariadb exited \(output.status): \(output.stderr)")
        }
        return output
    }

    /// Wraps a one-column query so each value comes back as hex.
    static func hexQuery(_ query: String) -> String {
        "SELECT HEX(q.v) FROM (\(query)) AS q;"
    }

    /// Started on first use, awaited by every caller of `prepare()`.
    private static let preparation = Task<Result<Void, SQLClientFailure>, Never> {
        do {
            let probe = try await run("SELECT 1;", database: nil, allowFailure: true)
            guard probe.status == 0 else {
                let env = SQLClient.environment
                return .failure(
                    SQLClientFailure(
                        description: "MariaDB is not reachable at MYSQL_HOST=\(env["MYSQL_HOST"] ?? "127.0.0.1") "
                            + "MYSQL_PORT=\(env["MYSQL_PORT"] ?? "53306"): \(probe.stderr)"
                    )
                )
            }
            try await run(
                """
                DROP DATABASE IF EXISTS \(database);
                CREATE DATABASE \(database) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
                CREATE TABLE \(database).recorded_calls (
                    seq BIGINT AUTO_INCREMENT PRIMARY KEY,
                    native_function VARCHAR(16) NOT NULL,
                    function_arn TEXT CHARACTER SET utf8mb4 NOT NULL,
                    payload LONGTEXT CHARACTER SET utf8mb4
                ) ENGINE=InnoDB;
                """,
                database: nil
            )
            return .success(())
        } catch let error as SQLClientFailure {
            return .failure(error)
        } catch {
            return .failure(SQLClientFailure(description: "cannot prepare MariaDB: \(error)"))
        }
    }

    /// Makes sure the server is reachable and the recording database exists (once per test process).
    static func prepare() async throws {
        try await preparation.value.get()
    }

    /// (Re)creates database `name` with the stand-in `lambda_async`/`lambda_sync` functions in it.
    static func freshDatabase(_ name: String) async throws {
        try await prepare()
        let quoted = "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
        try await run(
            "DROP DATABASE IF EXISTS \(quoted);\n"
                + "CREATE DATABASE \(quoted) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n"
                + "USE \(quoted);\n" + AWSLambdaStandIn.mariadbFunctions(recordingDatabase: database),
            database: nil
        )
    }
}
