import DBLambdaCore
import DBLambdaEvents
import DBLambdaSQL
import Foundation
import Testing

/// Column selection, error policies, the WHEN condition, grants and hostile names on a real PostgreSQL 15.
@Suite("PostgreSQL trigger options on a real PostgreSQL 15", .serialized)
struct SQLPostgresOptionsTests {
    static func setUpTable(_ schema: String) async throws {
        try await PostgresServer.prepare()
        try await PostgresServer.run(
            """
            DROP SCHEMA IF EXISTS \(schema) CASCADE;
            CREATE SCHEMA \(schema);
            CREATE TABLE \(schema).orders (id integer PRIMARY KEY, status text, secret text, total numeric(12,2));
            """
        )
    }

    @Test("--columns: only the selected columns are sent, and updates of other columns send nothing")
    func selectedColumns() async throws {
        try await Self.setUpTable("dblambdasql_only")
        let function = try SQLPostgresTests.function("dblambdasql-only")
        let script = try PostgreSQLTriggerScript(
            TriggerConfiguration(
                function: function,
                table: TableName(schema: "dblambdasql_only", table: "orders"),
                operations: [.insert, .update],
                columns: .only(["total", "id"])
            )
        ).render()
        try await PostgresServer.run(script)
        try await PostgresServer.run(
            """
            INSERT INTO dblambdasql_only.orders VALUES (1, 'new', 's1', 10.50);
            UPDATE dblambdasql_only.orders SET status = 'paid', secret = 's2';
            UPDATE dblambdasql_only.orders SET total = 11.00;
            DELETE FROM dblambdasql_only.orders;
            """
        )
        let events = try await SQLPostgresTests.recordedEvents(function)
        #expect(events.map(\.operation) == [.insert, .update])
        try #require(events.count == 2)
        #expect(events[0].new?.keys == ["id", "total"])
        #expect(events[0].new?["total"]?.numberValue?.text == "10.50")
        #expect(events[1].old?["total"]?.numberValue?.text == "10.50")
        #expect(events[1].new?["total"]?.numberValue?.text == "11.00")
        #expect(events[1].changedColumns == ["total"])
    }

    @Test("--exclude-columns: the excluded column never appears and its changes send nothing")
    func excludedColumns() async throws {
        try await Self.setUpTable("dblambdasql_excl")
        let function = try SQLPostgresTests.function("dblambdasql-excl")
        let script = try PostgreSQLTriggerScript(
            TriggerConfiguration(
                function: function,
                table: TableName(schema: "dblambdasql_excl", table: "orders"),
                columns: .excluding(["secret"])
            )
        ).render()
        try await PostgresServer.run(script)
        try await PostgresServer.run(
            """
            INSERT INTO dblambdasql_excl.orders VALUES (1, 'new', 's1', 1);
            UPDATE dblambdasql_excl.orders SET secret = 's2';
            UPDATE dblambdasql_excl.orders SET status = 'paid', secret = 's3';
            """
        )
        let events = try await SQLPostgresTests.recordedEvents(function)
        #expect(events.map(\.operation) == [.insert, .update])
        #expect(events.allSatisfy { $0.new?["secret"] == nil && $0.old?["secret"] == nil })
        #expect(events.last?.changedColumns == ["status"])
    }

    @Test("a selected column that does not exist stops the script before anything is created")
    func missingColumnIsAnError() async throws {
        try await Self.setUpTable("dblambdasql_missing")
        let script = try PostgreSQLTriggerScript(
            TriggerConfiguration(
                function: try SQLPostgresTests.function("dblambdasql-missing"),
                table: TableName(schema: "dblambdasql_missing", table: "orders"),
                columns: .only(["id", "totl"])
            )
        ).render()
        let output = try await PostgresServer.run(script, allowFailure: true)
        #expect(output.status != 0)
        #expect(output.stderr.contains("dblambda: table \"dblambdasql_missing\".\"orders\" has no column totl"))
        let functions = try await PostgresServer.texts(
            "SELECT proname::text FROM pg_proc WHERE pronamespace = 'dblambdasql_missing'::regnamespace"
        )
        #expect(functions.isEmpty)
    }

    @Test("error policy raise fails the write; warn keeps the write and raises a WARNING")
    func errorPolicies() async throws {
        try await Self.setUpTable("dblambdasql_fail")
        let failing = try SQLPostgresTests.function("dblambda-fail-pg")
        var configuration = TriggerConfiguration(
            function: failing,
            table: TableName(schema: "dblambdasql_fail", table: "orders"),
            operations: [.insert]
        )
        try await PostgresServer.run(try PostgreSQLTriggerScript(configuration).render())
        let raised = try await PostgresServer.run(
            "INSERT INTO dblambdasql_fail.orders VALUES (1, 'new', NULL, 1);",
            allowFailure: true
        )
        #expect(raised.status != 0)
        #expect(raised.stderr.contains("invoke API failed"))
        let countAfterFailure = try await PostgresServer.texts("SELECT count(*) FROM dblambdasql_fail.orders")
        #expect(countAfterFailure == ["0"])

        configuration.errorPolicy = .warn
        try await PostgresServer.run(try PostgreSQLTriggerScript(configuration).render())
        let warned = try await SQLClient.run(
            "psql",
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", PostgresServer.database, "-f", "-"],
            input: "INSERT INTO dblambdasql_fail.orders VALUES (2, 'new', NULL, 1);",
            extraEnvironment: PostgresServer.connection.merging(["PGOPTIONS": ""]) { $1 }
        )
        #expect(warned.status == 0)
        #expect(warned.stderr.contains("WARNING:  dblambda: invoking \(failing) for dblambdasql_fail.orders failed"))
        let countAfterWarning = try await PostgresServer.texts("SELECT count(*) FROM dblambdasql_fail.orders")
        #expect(countAfterWarning == ["1"])
    }

    @Test("RequestResponse and a WHEN condition: only matching rows are sent, synchronously")
    func conditionAndInvocationType() async throws {
        try await Self.setUpTable("dblambdasql_when")
        let function = try SQLPostgresTests.function("dblambdasql-when")
        let script = try PostgreSQLTriggerScript(
            TriggerConfiguration(
                function: function,
                table: TableName(schema: "dblambdasql_when", table: "orders"),
                operations: [.insert, .update],
                invocationType: .requestResponse,
                condition: "NEW.status = 'paid'"
            )
        ).render()
        try await PostgresServer.run(script)
        try await PostgresServer.run(
            """
            INSERT INTO dblambdasql_when.orders VALUES (1, 'new', NULL, 1), (2, 'paid', NULL, 2);
            UPDATE dblambdasql_when.orders SET status = 'paid' WHERE id = 1;
            """
        )
        let events = try await SQLPostgresTests.recordedEvents(function)
        #expect(events.map(\.operation) == [.insert, .update])
        #expect(events.map { $0.new?["id"] } == [.number(2), .number(1)])
        let types = try await PostgresServer.texts(
            "SELECT invocation_type FROM aws_lambda.recorded_calls WHERE function_name = '\(function)'"
        )
        #expect(types == ["RequestResponse", "RequestResponse"])
    }

    @Test("--grant-to: a non-superuser role that only got the generated grants can write and invoke")
    func grantsForANonSuperuser() async throws {
        try await Self.setUpTable("dblambdasql_grant")
        let function = try SQLPostgresTests.function("dblambdasql-grant")
        let role = "dblambdasql writer\"1"
        try await PostgresServer.run(
            """
            DROP ROLE IF EXISTS "dblambdasql writer""1";
            CREATE ROLE "dblambdasql writer""1";
            GRANT USAGE ON SCHEMA dblambdasql_grant TO "dblambdasql writer""1";
            GRANT INSERT ON dblambdasql_grant.orders TO "dblambdasql writer""1";
            """
        )
        let configuration = TriggerConfiguration(
            function: function,
            table: TableName(schema: "dblambdasql_grant", table: "orders"),
            operations: [.insert]
        )
        try await PostgresServer.run(try PostgreSQLTriggerScript(configuration).render())
        // Revoke what the stand-in's default PUBLIC grants allow, so only the generated grants count.
        try await PostgresServer.run(
            """
            REVOKE USAGE ON SCHEMA aws_lambda FROM PUBLIC;
            REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA aws_lambda FROM PUBLIC;
            """
        )
        let denied = try await PostgresServer.run(
            "SET ROLE \"dblambdasql writer\"\"1\";\nINSERT INTO dblambdasql_grant.orders VALUES (1, 'new', NULL, 1);",
            allowFailure: true
        )
        #expect(denied.status != 0)
        // The stand-in, like an extension created by a superuser, gives PUBLIC no USAGE on aws_commons.
        #expect(denied.stderr.contains("permission denied for schema aws_"))

        var granted = configuration
        granted.grantTo = role
        try await PostgresServer.run(try PostgreSQLTriggerScript(granted).render())
        try await PostgresServer.run(
            "SET ROLE \"dblambdasql writer\"\"1\";\nINSERT INTO dblambdasql_grant.orders VALUES (2, 'new', NULL, 1);"
        )
        let events = try await SQLPostgresTests.recordedEvents(function)
        #expect(events.map { $0.new?["id"] } == [.number(2)])
        try await PostgresServer.run(
            """
            GRANT USAGE ON SCHEMA aws_lambda TO PUBLIC;
            GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA aws_lambda TO PUBLIC;
            """
        )
    }

    @Test("property: 12 tables and columns with random hostile names get working triggers that report them exactly")
    func hostileNames() async throws {
        try await PostgresServer.prepare()
        var generator = SplitMix64(state: 4_040_404)
        let function = try SQLPostgresTests.function("dblambdasql-hostile")
        var expected: [(String, String, String)] = []
        for index in 0..<12 {
            let schema = "dblambdasql_h\(index) " + HostileNames.make(&generator, pieces: 4)
            let table = HostileNames.make(&generator, pieces: 5)
            let column = HostileNames.make(&generator, pieces: 5)
            guard (try? PostgreSQLQuoting.validateIdentifier(schema)) != nil,
                (try? PostgreSQLQuoting.validateIdentifier(table)) != nil,
                (try? PostgreSQLQuoting.validateIdentifier(column)) != nil, column != "id"
            else { continue }
            let qualified = try PostgreSQLQuoting.identifier(schema) + "." + PostgreSQLQuoting.identifier(table)
            try await PostgresServer.run(
                """
                DROP SCHEMA IF EXISTS \(try PostgreSQLQuoting.identifier(schema)) CASCADE;
                CREATE SCHEMA \(try PostgreSQLQuoting.identifier(schema));
                CREATE TABLE \(qualified) (id integer, \(try PostgreSQLQuoting.identifier(column)) text);
                """
            )
            let script = try PostgreSQLTriggerScript(
                TriggerConfiguration(
                    function: function,
                    table: TableName(schema: schema, table: table),
                    columns: .only([column])
                )
            ).render()
            try await PostgresServer.run(script)
            try await PostgresServer.run(script)
            try await PostgresServer.run(
                "INSERT INTO \(qualified) VALUES (\(index), \(try PostgreSQLQuoting.literal(column)));"
            )
            try await PostgresServer.run("DROP SCHEMA \(try PostgreSQLQuoting.identifier(schema)) CASCADE;")
            expected.append((schema, table, column))
        }
        #expect(expected.count >= 8)
        let allNames = expected.map { $0.0 + $0.1 + $0.2 }.joined()
        for piece in ["\\", "'", "\"", "`", ";", "--", "$$"] {
            #expect(allNames.contains(piece), "no generated name contains \(piece)")
        }
        let events = try await SQLPostgresTests.recordedEvents(function)
        #expect(events.count == expected.count)
        for (event, names) in zip(events, expected) {
            #expect(event.source.schema == names.0)
            #expect(event.source.table == names.1)
            #expect(event.new?.keys == [names.2])
            #expect(event.new?[names.2] == .string(names.2))
        }
    }
}
