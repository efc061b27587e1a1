import DBLambdaCore
import DBLambdaEvents
import DBLambdaSQL
import Foundation
import Testing

/// The generated PostgreSQL setup SQL, run with `psql` on a real PostgreSQL 15 with a stand-in `aws_lambda`
/// extension (the documented signatures; each call is recorded in `aws_lambda.recorded_calls`).
@Suite("Generated PostgreSQL trigger SQL on a real PostgreSQL 15", .serialized)
struct SQLPostgresTests {
    static let schema = "sales\"2026"
    static let table = "Order Items"
    static let qualified = "\"sales\"\"2026\".\"Order Items\""

    static func function(_ name: String) throws -> LambdaFunctionARN {
        try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:123456789012:function:\(name)")
    }

    /// The recorded payloads sent to `function`, oldest first, decoded as events.
    static func recordedEvents(_ function: LambdaFunctionARN) async throws -> [ChangeEvent] {
        let payloads = try await PostgresServer.texts(
            "SELECT payload FROM aws_lambda.recorded_calls WHERE function_name = '\(function)' ORDER BY seq"
        )
        return try payloads.map { payload in
            let events = try ChangeEvent.decode(from: payload)
            try #require(events.count == 1, "one event per payload: \(payload)")
            return events[0]
        }
    }

    /// `to_jsonb(t)` of every row, keyed by the `id` column's text.
    static func referenceRows(_ qualifiedTable: String, timeZone: String) async throws -> [String: JSONObject] {
        let texts = try await PostgresServer.texts(
            "SELECT to_jsonb(t) FROM \(qualifiedTable) AS t ORDER BY id",
            prelude: "SET TIME ZONE '\(timeZone)';"
        )
        var rows: [String: JSONObject] = [:]
        for text in texts {
            let object = try #require(try JSONValue(parsing: text).objectValue)
            let id = try #require(object["id"]?.numberValue?.text)
            rows[id] = object
        }
        return rows
    }

    /// Compares every member of `row` with `reference` (same keys in the same order, same exact values) and
    /// returns how many values were compared.
    @discardableResult
    static func expectSameRow(_ row: JSONObject?, _ reference: JSONObject?, _ context: String) -> Int {
        guard let row, let reference else {
            #expect(row == nil && reference == nil, "\(context): one side is missing")
            return 0
        }
        #expect(row.keys == reference.keys, "\(context): columns differ")
        var compared = 0
        for key in reference.keys {
            #expect(row[key] == reference[key], "\(context): column \(key) differs")
            compared += 1
        }
        return compared
    }

    static let tableDefinition = """
        DROP SCHEMA IF EXISTS "sales""2026" CASCADE;
        CREATE SCHEMA "sales""2026";
        CREATE TYPE "sales""2026"."Mood" AS ENUM ('happy', 'sad', 'o''k', 'ünï 😀');
        CREATE TABLE "sales""2026"."Order Items" (
            id integer PRIMARY KEY,
            "select" text,
            small bigint,
            large bigint,
            n numeric(40,20),
            plain numeric,
            r real,
            d double precision,
            ts timestamptz,
            local_ts timestamp,
            dt date,
            b bytea,
            j jsonb,
            arr integer[],
            tarr text[],
            m "sales""2026"."Mood",
            flag boolean,
            uid uuid,
            note text
        );
        """

    static let inserts = #"""
        INSERT INTO "sales""2026"."Order Items" VALUES
        (1, E'it''s \\ "q" ü 😀\nnew line\ttab', -9223372036854775808, 9223372036854775807,
         12345678901234567890.12345678901234567890, 1e30, 'NaN', 'Infinity',
         '2026-11-27 04:27:52.123456+00', '2026-11-27 04:27:52.000001', '2026-02-28', '\xdeadbeef00',
         '{"a": [1, 2.50, {"b": null}], "big": 1e30, "s": "\u00e9\ud83d\ude00", "neg": -0.0}',
         '{1,NULL,3}', '{"a,b","c\"d",NULL}', 'o''k', true, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', NULL),
        (2, '', 0, -1, -0.00000000000000000001, 0.1, '-Infinity', 1.7976931348623157e308,
         '2026-01-01 00:00:00.000001+05:30', '1970-01-01 00:00:00', '0001-01-01', '\x', '[]', '{}', '{}',
         'ünï 😀', false, NULL, 'x'),
        (3, NULL, NULL, NULL, NULL, NULL, 3.4028235e38, -0.0, NULL, NULL, NULL, NULL, 'null', NULL, NULL,
         NULL, NULL, NULL, NULL);
        """#

    @Test("every type and tricky name: the recorded payloads equal to_jsonb of each row, value for value")
    func everyTypeRoundTrips() async throws {
        try await PostgresServer.prepare()
        let function = try Self.function("dblambdasql-types")
        let script = try PostgreSQLTriggerScript(
            TriggerConfiguration(function: function, table: TableName(schema: Self.schema, table: Self.table))
        ).render()
        try await PostgresServer.run(Self.tableDefinition)
        // Applied twice: the second run must succeed and leave exactly one set of triggers.
        try await PostgresServer.run(script)
        try await PostgresServer.run(script)
        let triggers = try await PostgresServer.texts(
            "SELECT tgname::text FROM pg_trigger WHERE tgrelid = '\(Self.qualified)'::regclass "
                + "AND NOT tgisinternal ORDER BY tgname"
        )
        #expect(triggers == ["dblambda_delete", "dblambda_insert", "dblambda_truncate", "dblambda_update"])

        let zone = "Asia/Kolkata"
        let set = "SET TIME ZONE '\(zone)';\n"
        try await PostgresServer.run(set + Self.inserts)
        let afterInsert = try await Self.referenceRows(Self.qualified, timeZone: zone)
        // An update that changes no value sends nothing.
        try await PostgresServer.run(set + "UPDATE \(Self.qualified) SET \"select\" = \"select\", n = n;")
        try await PostgresServer.run(set + "UPDATE \(Self.qualified) SET flag = NOT flag, n = n + 1 WHERE id = 1;")
        let afterUpdate = try await Self.referenceRows(Self.qualified, timeZone: zone)
        // A rolled-back insert: the stand-in's recording is rolled back with it. A real aws_lambda.invoke has
        // already sent its HTTPS request at that point and cannot be undone.
        try await PostgresServer.run(
            set + "BEGIN;\nINSERT INTO \(Self.qualified) (id, note) VALUES (4, 'rolled back');\nROLLBACK;"
        )
        try await PostgresServer.run(set + "DELETE FROM \(Self.qualified) WHERE id = 2;")
        try await PostgresServer.run(set + "TRUNCATE \(Self.qualified);")

        let events = try await Self.recordedEvents(function)
        #expect(events.map(\.operation) == [.insert, .insert, .insert, .update, .delete, .truncate])
        try #require(events.count == 6)
        var compared = 0
        for (index, id) in ["1", "2", "3"].enumerated() {
            #expect(events[index].old == nil)
            compared += Self.expectSameRow(events[index].new, afterInsert[id], "insert \(id)")
        }
        compared += Self.expectSameRow(events[3].old, afterInsert["1"], "update old")
        compared += Self.expectSameRow(events[3].new, afterUpdate["1"], "update new")
        #expect(events[3].changedColumns == ["n", "flag"])
        compared += Self.expectSameRow(events[4].old, afterUpdate["2"], "delete old")
        #expect(events[4].new == nil)
        #expect(events[5].old == nil && events[5].new == nil && events[5].changedColumns.isEmpty)
        #expect(compared == 19 * 6)

        // The exact texts, digit for digit, as PostgreSQL renders them.
        let row1 = try #require(events[0].new)
        #expect(row1["small"] == .number(JSONNumber(-9_223_372_036_854_775_808 as Int64)))
        #expect(row1["large"]?.numberValue?.text == "9223372036854775807")
        #expect(row1["n"]?.numberValue?.text == "12345678901234567890.12345678901234567890")
        #expect(row1["plain"]?.numberValue?.text == "1000000000000000000000000000000")
        #expect(row1["r"] == .string("NaN"))
        #expect(row1["d"] == .string("Infinity"))
        #expect(row1["ts"] == .string("2026-11-27T09:57:52.123456+05:30"))
        #expect(row1["local_ts"] == .string("2026-11-27T04:27:52.000001"))
        #expect(row1["b"] == .string("\\xdeadbeef00"))
        #expect(row1["select"] == .string("it's \\ \"q\" ü 😀\nnew line\ttab"))
        #expect(row1["j"]?["a"]?[1]?.numberValue?.text == "2.50")
        #expect(row1["j"]?["s"] == .string("é😀"))
        #expect(row1["tarr"] == .array([.string("a,b"), .string("c\"d"), .null]))
        #expect(row1["m"] == .string("o'k"))
        #expect(row1["flag"] == .bool(true))
        #expect(row1["note"] == .null)
        let row2 = try #require(events[1].new)
        #expect(row2["n"]?.numberValue?.text == "-0.00000000000000000001")
        #expect(row2["d"]?.numberValue?.text == "17976931348623157" + String(repeating: "0", count: 292))
        #expect(row2["ts"] == .string("2026-01-01T00:00:00.000001+05:30"))
        #expect(row2["m"] == .string("ünï 😀"))
        let row3 = try #require(events[2].new)
        #expect(row3["j"] == .null)

        // The envelope: ids unique, source names raw, a transaction id, a timestamp.
        #expect(Set(events.compactMap(\.id)).count == 6)
        for event in events {
            #expect(event.source.engine == "postgresql")
            #expect(event.source.database == PostgresServer.database)
            #expect(event.source.schema == Self.schema)
            #expect(event.source.table == Self.table)
            #expect(event.transactionID.flatMap { UInt64($0) } != nil)
            #expect(event.timestamp?.hasSuffix("+05:30") == true)
        }
        let calls = try await PostgresServer.texts(
            "SELECT overload || ' ' || invocation_type || ' ' || region FROM aws_lambda.recorded_calls "
                + "WHERE function_name = '\(function)' ORDER BY seq"
        )
        #expect(calls == Array(repeating: "arn/jsonb Event us-east-1", count: 6))
    }
}
