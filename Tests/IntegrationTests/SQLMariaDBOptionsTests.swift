import DBLambdaCore
import DBLambdaEvents
import DBLambdaSQL
import Foundation
import Testing

/// Error policies, `lambda_sync`, grants, BLOBs and hostile names on a real MariaDB 10.11.
@Suite("Aurora MySQL trigger options on a real MariaDB 10.11", .serialized)
struct SQLMariaDBOptionsTests {
    static let database = "dblambdasql_options"

    static func setUp(_ table: String, _ columns: String) async throws {
        try await MariaDBServer.freshDatabase(Self.database)
        try await MariaDBServer.run("CREATE TABLE \(table) (\(columns)) ENGINE=InnoDB;", database: Self.database)
    }

    @Test("error policy raise fails the write; warn keeps the write and leaves the error in @dblambda_error")
    func errorPolicies() async throws {
        try await Self.setUp("orders", "id INT PRIMARY KEY, status VARCHAR(20)")
        var configuration = TriggerConfiguration(
            function: try SQLMariaDBTests.function("dblambda-fail-my"),
            table: TableName(schema: Self.database, table: "orders"),
            operations: [.insert],
            columns: .only(["id", "status"])
        )
        try await MariaDBServer.run(try MySQLTriggerScript(configuration).render(), database: nil)
        let raised = try await MariaDBServer.run(
            "INSERT INTO orders VALUES (1, 'new');",
            database: Self.database,
            allowFailure: true
        )
        #expect(raised.status != 0)
        #expect(raised.stderr.contains("ERROR 1873"))
        let countAfterFailure = try await MariaDBServer.run("SELECT COUNT(*) FROM orders;", database: Self.database)
        #expect(countAfterFailure.stdout == "0\n")

        configuration.errorPolicy = .warn
        try await MariaDBServer.run(try MySQLTriggerScript(configuration).render(), database: nil)
        let warned = try await MariaDBServer.run(
            "INSERT INTO orders VALUES (2, 'new');\nSELECT @dblambda_sqlstate, @dblambda_error;",
            database: Self.database
        )
        #expect(
            warned.stdout
                == "HY000\tLambda API returned error: Network Connection. Unable to connect to endpoint\n"
        )
        let countAfterWarning = try await MariaDBServer.run("SELECT COUNT(*) FROM orders;", database: Self.database)
        #expect(countAfterWarning.stdout == "1\n")

        // A later successful invoke clears the error of an earlier failed one.
        configuration.function = try SQLMariaDBTests.function("dblambdasql-recovered")
        try await MariaDBServer.run(try MySQLTriggerScript(configuration).render(), database: nil)
        let recovered = try await MariaDBServer.run(
            "SET @dblambda_error = 'old';\nINSERT INTO orders VALUES (3, 'new');\nSELECT @dblambda_error IS NULL;",
            database: Self.database
        )
        #expect(recovered.stdout == "1\n")
    }

    @Test("RequestResponse calls lambda_sync, and only the listed operations fire")
    func lambdaSync() async throws {
        try await Self.setUp("orders", "id INT PRIMARY KEY, status VARCHAR(20)")
        let function = try SQLMariaDBTests.function("dblambdasql-sync")
        let configuration = TriggerConfiguration(
            function: function,
            table: TableName(schema: Self.database, table: "orders"),
            operations: [.update],
            invocationType: .requestResponse,
            columns: .only(["status"])
        )
        try await MariaDBServer.run(try MySQLTriggerScript(configuration, version: .v2).render(), database: nil)
        try await MariaDBServer.run(
            "INSERT INTO orders VALUES (1, 'new');\nUPDATE orders SET id = 2;\nUPDATE orders SET status = 'paid';\n"
                + "DELETE FROM orders;",
            database: Self.database
        )
        let events = try await SQLMariaDBTests.recordedEvents(function, native: "lambda_sync")
        #expect(events.map(\.operation) == [.update])
        #expect(events.first?.old == JSONObject([.init(key: "status", value: .string("new"))]))
        #expect(events.first?.changedColumns == ["status"])
        let recordedCount = try await SQLMariaDBTests.recordedCount(function)
        #expect(recordedCount == 1)
    }

    @Test("BLOB and binary columns: the payload equals JSON_OBJECT of the row")
    func binaryColumns() async throws {
        try await Self.setUp("files", "id INT PRIMARY KEY, name VARCHAR(20), data BLOB, tiny VARBINARY(8)")
        let function = try SQLMariaDBTests.function("dblambdasql-blob")
        let columns = ["id", "name", "data", "tiny"]
        let configuration = TriggerConfiguration(
            function: function,
            table: TableName(schema: Self.database, table: "files"),
            columns: .only(columns)
        )
        try await MariaDBServer.run(try MySQLTriggerScript(configuration).render(), database: nil)
        try await MariaDBServer.run(
            "INSERT INTO files VALUES (1, 'a.txt', 'plain text', 'abc'), (2, 'e', '', NULL);",
            database: Self.database
        )
        let reference = try await SQLMariaDBTests.referenceRows(
            database: Self.database,
            table: "files",
            columns: columns
        )
        let events = try await SQLMariaDBTests.recordedEvents(function)
        try #require(events.count == 2)
        SQLPostgresTests.expectSameRow(events[0].new, reference["1"], "blob row 1")
        SQLPostgresTests.expectSameRow(events[1].new, reference["2"], "blob row 2")
        #expect(events[0].new?["data"] == .string("plain text"))
    }

    @Test("--grant-to on version 3 grants the AWS_LAMBDA_ACCESS role to the account")
    func grantVersion3() async throws {
        try await Self.setUp("orders", "id INT PRIMARY KEY")
        try await MariaDBServer.run(
            """
            DROP USER IF EXISTS 'dblambdasql_w'@'%';
            CREATE USER 'dblambdasql_w'@'%';
            CREATE ROLE IF NOT EXISTS AWS_LAMBDA_ACCESS;
            """,
            database: nil
        )
        var configuration = TriggerConfiguration(
            function: try SQLMariaDBTests.function("dblambdasql-grant"),
            table: TableName(schema: Self.database, table: "orders"),
            columns: .only(["id"])
        )
        configuration.grantTo = "dblambdasql_w@%"
        try await MariaDBServer.run(try MySQLTriggerScript(configuration, version: .v3).render(), database: nil)
        let grants = try await MariaDBServer.run("SHOW GRANTS FOR 'dblambdasql_w'@'%';", database: nil)
        #expect(grants.stdout.contains("GRANT `AWS_LAMBDA_ACCESS` TO `dblambdasql_w`@`%`"))
        try await MariaDBServer.run("DROP USER 'dblambdasql_w'@'%';", database: nil)
    }

    @Test("property: 10 databases, tables and columns with random hostile names get working triggers")
    func hostileNames() async throws {
        var generator = SplitMix64(state: 7_070_707)
        let function = try SQLMariaDBTests.function("dblambdasql-hostile")
        var expected: [(String, String, String)] = []
        for index in 0..<60 where expected.count < 10 {
            let database = "dblambdasql_h\(index) " + HostileNames.make(&generator, pieces: 3)
            let table = HostileNames.make(&generator, pieces: 5)
            let column = HostileNames.make(&generator, pieces: 5)
            guard (try? MySQLQuoting.validateIdentifier(database)) != nil,
                (try? MySQLQuoting.validateIdentifier(table)) != nil,
                (try? MySQLQuoting.validateIdentifier(column)) != nil,
                column.lowercased() != "id"
            else { continue }
            try await MariaDBServer.freshDatabase(database)
            let qualified = try MySQLQuoting.identifier(database) + "." + MySQLQuoting.identifier(table)
            try await MariaDBServer.run(
                "CREATE TABLE \(qualified) (id INT, \(try MySQLQuoting.identifier(column)) TEXT);",
                database: nil
            )
            let script = try MySQLTriggerScript(
                TriggerConfiguration(
                    function: function,
                    table: TableName(schema: database, table: table),
                    columns: .only(["id", column])
                )
            ).render()
            try await MariaDBServer.run(script, database: nil)
            try await MariaDBServer.run(script, database: nil)
            try await MariaDBServer.run(
                "INSERT INTO \(qualified) VALUES (\(index), \(MySQLQuoting.literal(column)));",
                database: nil
            )
            try await MariaDBServer.run("DROP DATABASE \(try MySQLQuoting.identifier(database));", database: nil)
            expected.append((database, table, column))
        }
        #expect(expected.count == 10)
        let allNames = expected.map { $0.0 + $0.1 + $0.2 }.joined()
        for piece in ["\\", "'", "\"", "`", ";", "--", "$$"] {
            #expect(allNames.contains(piece), "no generated name contains \(piece)")
        }
        let events = try await SQLMariaDBTests.recordedEvents(function)
        #expect(events.count == expected.count)
        for (event, names) in zip(events, expected) {
            #expect(event.source.database == names.0)
            #expect(event.source.table == names.1)
            #expect(event.new?.keys == ["id", names.2])
            #expect(event.new?[names.2] == .string(names.2))
        }
    }
}
