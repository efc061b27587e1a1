import DBLambdaEvents
import Testing

/// Debezium fixtures follow the PostgreSQL connector's documented change events:
/// https://debezium.io/documentation/reference/stable/connectors/postgresql.html ("Data change events":
/// `before`, `after`, `source` with `connector`/`name`/`db`/`schema`/`table`/`txId`/`lsn`, `op` c/u/d/r/t,
/// `ts_ms`; the `schema`/`payload` wrapper when the JSON converter has `schemas.enable=true`).
@Suite("Debezium PostgreSQL connector events")
struct DebeziumTests {
    @Test("an insert wrapped in schema/payload decodes; the schema part is ignored")
    func insertWithSchema() throws {
        let event = try #require(try Fixture.events("debezium-postgres-insert-with-schema.json").first)
        #expect(event.format == .debezium)
        #expect(event.operation == .insert)
        #expect(
            event.source
                == .init(
                    engine: "postgresql",
                    database: "postgres",
                    schema: "public",
                    table: "customers",
                    server: "PostgreSQL_server"
                )
        )
        #expect(event.transactionID == "555")
        #expect(event.old == nil)
        #expect(event.new?.keys == ["id", "first_name", "last_name", "email"])
        #expect(event.new?["email"] == "annek@noanswer.org")
        #expect(event.timestamp == "2019-05-28T08:58:24.863000Z")
        #expect(event.id == "PostgreSQL_server:24023128:c")
    }

    @Test("a schemaless update passes values through exactly and computes changed columns")
    func schemalessUpdate() throws {
        let event = try #require(try Fixture.events("debezium-postgres-update-schemaless.json").first)
        #expect(event.operation == .update)
        #expect(event.changedColumns == ["first_name"])
        #expect(event.new?["balance"]?.numberValue?.text == "12345678901234567890.12345678901234567890")
        #expect(event.transactionID == "556")
    }

    @Test("an update without a before image (REPLICA IDENTITY DEFAULT) has old nil and no changed columns")
    func updateWithoutBefore() throws {
        let event = try #require(try Fixture.events("debezium-postgres-update-no-before.json").first)
        #expect(event.operation == .update)
        #expect(event.old == nil)
        #expect(event.new?["first_name"] == "Anne Marie")
        #expect(event.changedColumns.isEmpty)
    }

    @Test("delete (with schema), snapshot read r as insert, and truncate t")
    func otherOperations() throws {
        let delete = try #require(try Fixture.events("debezium-postgres-delete.json").first)
        #expect(delete.operation == .delete)
        #expect(delete.new == nil)
        #expect(delete.old?["id"] == 1)
        let read = try #require(try Fixture.events("debezium-postgres-snapshot-read.json").first)
        #expect(read.operation == .insert)
        #expect(read.source.schema == "inventory")
        #expect(read.id == nil)
        let truncate = try #require(try Fixture.events("debezium-postgres-truncate.json").first)
        #expect(truncate.operation == .truncate)
        #expect(truncate.old == nil && truncate.new == nil)
        #expect(truncate.source.table == "customers")
    }

    @Test("an unknown op is an invalid envelope that names $.op")
    func unknownOp() throws {
        do {
            let error = try #require(
                caughtEventsError {
                    _ = try ChangeEvent.decode(from: #"{"op":"m","source":{"connector":"postgresql"},"message":{}}"#)
                }
            )
            #expect(error.code == .invalidEnvelope)
            #expect(error.message.contains("$.op"))
        }
    }

    @Test(
        "a ts_ms too large for a microsecond count is an invalid envelope naming the field, not an overflow",
        arguments: [
            #"{"op":"d","source":{"connector":"postgresql","ts_ms":15590339048623128},"before":{"id":1}}"#,
            #"{"op":"d","source":{"connector":"postgresql"},"ts_ms":-9223372036854775808,"before":{"id":1}}"#,
        ]
    )
    func timestampOverflow(envelope: String) throws {
        let error = try #require(caughtEventsError { _ = try ChangeEvent.decode(from: envelope) })
        #expect(error.code == .invalidEnvelope)
        #expect(error.message.contains("ts_ms"))
        // The largest value that fits still decodes, to a year far in the future.
        let largest = #"{"op":"d","source":{"connector":"postgresql","ts_ms":9223372036854775},"before":{"id":1}}"#
        #expect(try ChangeEvent.decode(from: largest).first?.timestamp?.hasPrefix("294247-") == true)
    }
}

/// Supabase fixtures follow the documented database webhook payload:
/// https://supabase.com/docs/guides/database/webhooks ("Payload": `type` INSERT/UPDATE/DELETE, `table`,
/// `schema`, `record`, `old_record`).
@Suite("Supabase database webhooks")
struct SupabaseTests {
    @Test("insert, update and delete payloads decode")
    func operations() throws {
        let insert = try #require(try Fixture.events("supabase-insert.json").first)
        #expect(insert.format == .supabase)
        #expect(insert.operation == .insert)
        #expect(insert.source == .init(engine: "postgresql", database: nil, schema: "public", table: "profiles"))
        #expect(insert.old == nil)
        #expect(insert.new?["balance"]?.numberValue?.text == "9223372036854775807")
        #expect(insert.id == nil)

        let update = try #require(try Fixture.events("supabase-update.json").first)
        #expect(update.operation == .update)
        #expect(update.changedColumns == ["username", "updated_at"])
        #expect(update.old?["username"] == "anne")

        let delete = try #require(try Fixture.events("supabase-delete.json").first)
        #expect(delete.operation == .delete)
        #expect(delete.new == nil)
        #expect(delete.old?["username"] == "anne-marie")
    }

    @Test("an unknown type is an invalid envelope")
    func unknownType() {
        #expect(throws: EventsError.invalidEnvelope) {
            try ChangeEvent.decode(
                from: #"{"type":"UPSERT","table":"t","schema":"public","record":{},"old_record":null}"#
            )
        }
    }
}

/// Hasura fixtures follow the documented event trigger payload:
/// https://hasura.io/docs/latest/event-triggers/payload/ (`event.op` INSERT/UPDATE/DELETE/MANUAL,
/// `event.data.old`/`new`, `created_at`, `id`, `trigger.name`, `table.schema`/`name`, `delivery_info`;
/// the page shows the body inside a `payload` member, which is accepted too).
@Suite("Hasura event triggers")
struct HasuraTests {
    @Test("insert, update and a payload-wrapped delete decode with id and created_at")
    func operations() throws {
        let insert = try #require(try Fixture.events("hasura-insert.json").first)
        #expect(insert.format == .hasura)
        #expect(insert.operation == .insert)
        #expect(insert.id == "85558393-c75d-4d2f-9c15-e80591b83894")
        #expect(insert.timestamp == "2026-11-27T04:27:52.123456")
        #expect(insert.source == .init(engine: "postgresql", database: nil, schema: "public", table: "author"))
        #expect(insert.new?["price"]?.numberValue?.text == "10.50")

        let update = try #require(try Fixture.events("hasura-update.json").first)
        #expect(update.operation == .update)
        #expect(update.changedColumns == ["price"])

        let delete = try #require(try Fixture.events("hasura-delete-wrapped.json").first)
        #expect(delete.operation == .delete)
        #expect(delete.old?["name"] == "Warren")
        #expect(delete.new == nil)
    }

    @Test("MANUAL invocations are not row changes: invalid envelope naming $.event.op")
    func manual() throws {
        do {
            let error = try #require(caughtEventsError { _ = try Fixture.events("hasura-manual.json") })
            #expect(error.code == .invalidEnvelope)
            #expect(error.message.contains("$.event.op"))
        }
    }

    @Test("format detection picks the right reader for every fixture")
    func detection() throws {
        let expected: [(String, ChangeEvent.Format)] = [
            ("debezium-postgres-insert-with-schema.json", .debezium),
            ("debezium-postgres-truncate.json", .debezium),
            ("supabase-update.json", .supabase),
            ("hasura-insert.json", .hasura),
            ("hasura-delete-wrapped.json", .hasura),
        ]
        for (name, format) in expected {
            #expect(ChangeEvent.detectFormat(try JSONValue(parsing: try Fixture.bytes(name))) == format)
        }
    }
}
