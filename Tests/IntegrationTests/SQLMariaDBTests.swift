import DBLambdaCore
import DBLambdaEvents
import DBLambdaSQL
import Foundation
import Testing

/// The generated Aurora MySQL setup SQL, run with the `mariadb` client on a real MariaDB 10.11 with stand-in
/// `lambda_async`/`lambda_sync` stored functions (Aurora's documented signatures) that record every call.
@Suite("Generated Aurora MySQL trigger SQL on a real MariaDB 10.11", .serialized)
struct SQLMariaDBTests {
    static func function(_ name: String) throws -> LambdaFunctionARN {
        try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:123456789012:function:\(name)")
    }

    static func recordedEvents(
        _ function: LambdaFunctionARN,
        native: String = "lambda_async"
    ) async throws -> [ChangeEvent] {
        let output = try await MariaDBServer.run(
            MariaDBServer.hexQuery(
                "SELECT payload AS v, seq FROM recorded_calls WHERE function_arn = '\(function)' "
                    + "AND native_function = '\(native)' ORDER BY seq"
            )
        )
        return try SQLClient.hexRows(output.stdout).map { payload in
            let events = try ChangeEvent.decode(from: payload)
            try #require(events.count == 1, "one event per payload: \(payload)")
            return events[0]
        }
    }

    static func recordedCount(_ function: LambdaFunctionARN) async throws -> Int {
        let output = try await MariaDBServer.run(
            "SELECT COUNT(*) FROM recorded_calls WHERE function_arn = '\(function)';"
        )
        return Int(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// `JSON_OBJECT(...)` over `columns` of every row, keyed by the `id` column's text.
    static func referenceRows(database: String, table: String, columns: [String]) async throws -> [String: JSONObject] {
        let object =
            "JSON_OBJECT("
            + columns.map { "'\($0)', t.\(backticked($0))" }.joined(separator: ", ") + ")"
        let output = try await MariaDBServer.run(
            MariaDBServer.hexQuery(
                "SELECT \(object) AS v, t.id FROM \(backticked(database)).\(backticked(table)) AS t ORDER BY t.id"
            ),
            database: database
        )
        var rows: [String: JSONObject] = [:]
        for text in try SQLClient.hexRows(output.stdout) {
            let object = try #require(try JSONValue(parsing: text).objectValue, "not an object: \(text)")
            let id = try #require(object["id"]?.numberValue?.text)
            rows[id] = object
        }
        return rows
    }

    static func backticked(_ name: String) -> String {
        "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
    }

    static let database = "dblambdasql_types"
    static let table = "Order`Items"
    static let qualified = "`dblambdasql_types`.`Order``Items`"
    static let columns = [
        "id", "select", "small", "large", "unsigned_max", "n", "d", "f", "ts", "dt", "tm", "j", "v", "t", "flag",
        "e", "note",
    ]

    static let tableDefinition = """
        CREATE TABLE `Order``Items` (
            id INT PRIMARY KEY,
            `select` VARCHAR(200) CHARACTER SET utf8mb4,
            small BIGINT,
            large BIGINT,
            unsigned_max BIGINT UNSIGNED,
            n DECIMAL(40,20),
            d DOUBLE,
            f FLOAT,
            ts DATETIME(6),
            dt DATE,
            tm TIME(6),
            j JSON,
            v VARCHAR(50) CHARACTER SET utf8mb4,
            t TEXT CHARACTER SET utf8mb4,
            flag BOOLEAN,
            e ENUM('happy', 'o''k', 'ünï'),
            note VARCHAR(10)
        ) ENGINE=InnoDB;
        """

    static let inserts = #"""
        INSERT INTO `Order``Items` VALUES
        (1, 'it''s \\ "q" ü 😀', -9223372036854775808, 9223372036854775807, 18446744073709551615,
         12345678901234567890.12345678901234567890, 1.5e300, 3.5, '2026-11-27 04:27:52.123456', '2026-02-28',
         '-838:59:59.000000', '{"a": [1, 2.50, {"b": null}], "big": 1e30, "s": "\u00e9"}', 'abc', 'x\ny', TRUE,
         'o''k', NULL),
        (2, '', 0, -1, 0, -0.00000000000000000001, -2.2250738585072014e-308, -0.5, '1000-01-01 00:00:00.000001',
         '9999-12-31', '00:00:00', '[]', 'ünï 😀', '', FALSE, 'ünï', 'x'),
        (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
        """#

    @Test("every type and tricky name: the recorded payloads equal JSON_OBJECT of each row, value for value")
    func everyTypeRoundTrips() async throws {
        try await MariaDBServer.freshDatabase(Self.database)
        let function = try Self.function("dblambdasql-types")
        let script = try MySQLTriggerScript(
            TriggerConfiguration(
                function: function,
                table: TableName(schema: Self.database, table: Self.table),
                columns: .only(Self.columns)
            ),
            version: .v3
        ).render()
        try await MariaDBServer.run(Self.tableDefinition, database: Self.database)
        try await MariaDBServer.run(script, database: nil)
        try await MariaDBServer.run(script, database: nil)
        let triggers = try await MariaDBServer.run(
            "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = '\(Self.database)' "
                + "ORDER BY trigger_name;"
        )
        #expect(
            triggers.stdout.split(separator: "\n") == [
                "dblambda_Order`Items_delete", "dblambda_Order`Items_insert", "dblambda_Order`Items_update",
            ]
        )

        // Writes run from another default database: the envelope still names the table's database.
        try await MariaDBServer.run(Self.inserts, database: Self.database)
        let afterInsert = try await Self.referenceRows(
            database: Self.database,
            table: Self.table,
            columns: Self.columns
        )
        try await MariaDBServer.run("UPDATE \(Self.qualified) SET `select` = `select`, n = n;", database: "test")
        // A case-only change is a change (the comparison is on the stored bytes, not the collation).
        try await MariaDBServer.run(
            "UPDATE \(Self.qualified) SET v = 'ABC', flag = NOT flag WHERE id = 1;",
            database: "test"
        )
        let afterUpdate = try await Self.referenceRows(
            database: Self.database,
            table: Self.table,
            columns: Self.columns
        )
        // A rolled-back insert: the stand-in's recording (InnoDB) is rolled back with it. Aurora's lambda_async
        // has already sent its request at that point and cannot be undone.
        try await MariaDBServer.run(
            "START TRANSACTION;\nINSERT INTO \(Self.qualified) (id, note) VALUES (4, 'rollback');\nROLLBACK;",
            database: "test"
        )
        try await MariaDBServer.run("DELETE FROM \(Self.qualified) WHERE id = 2;", database: "test")

        let events = try await Self.recordedEvents(function)
        #expect(events.map(\.operation) == [.insert, .insert, .insert, .update, .delete])
        try #require(events.count == 5)
        var compared = 0
        for (index, id) in ["1", "2", "3"].enumerated() {
            #expect(events[index].old == nil)
            compared += SQLPostgresTests.expectSameRow(events[index].new, afterInsert[id], "insert \(id)")
        }
        compared += SQLPostgresTests.expectSameRow(events[3].old, afterInsert["1"], "update old")
        compared += SQLPostgresTests.expectSameRow(events[3].new, afterUpdate["1"], "update new")
        #expect(events[3].changedColumns == ["v", "flag"])
        compared += SQLPostgresTests.expectSameRow(events[4].old, afterUpdate["2"], "delete old")
        #expect(events[4].new == nil)
        #expect(compared == Self.columns.count * 6)

        let row1 = try #require(events[0].new)
        #expect(row1["small"]?.numberValue?.text == "-9223372036854775808")
        #expect(row1["large"]?.numberValue?.text == "9223372036854775807")
        #expect(row1["unsigned_max"]?.numberValue?.text == "18446744073709551615")
        #expect(row1["n"]?.numberValue?.text == "12345678901234567890.12345678901234567890")
        #expect(row1["ts"] == .string("2026-11-27 04:27:52.123456"))
        #expect(row1["select"] == .string("it's \\ \"q\" ü 😀"))
        #expect(row1["j"]?["a"]?[1]?.numberValue?.text == "2.50")
        #expect(row1["j"]?["big"]?.numberValue?.text == "1e30")
        #expect(row1["t"] == .string("x\ny"))
        #expect(row1["e"] == .string("o'k"))
        #expect(row1["note"] == .null)
        #expect(events[1].new?["v"] == .string("ünï 😀"))
        #expect(events[1].new?["n"]?.numberValue?.text == "-0.00000000000000000001")

        #expect(Set(events.compactMap(\.id)).count == 5)
        for event in events {
            #expect(event.source.engine == "mysql")
            #expect(event.source.database == Self.database)
            #expect(event.source.schema == Self.database)
            #expect(event.source.table == Self.table)
            #expect(event.transactionID == nil)
            #expect(event.timestamp?.hasSuffix("Z") == true)
        }
    }
}
