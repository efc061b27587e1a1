import DBLambdaCore
import DBLambdaEvents
import DBLambdaSQL
import Foundation
import Testing

/// The outbox schema and outbox-mode triggers, run with `psql` on the real PostgreSQL 15. Each test works in its
/// own fresh database (no `aws_lambda` extension in it: outbox mode needs none), so the tests run in parallel.
@Suite("Outbox schema and outbox-mode triggers on a real PostgreSQL 15")
struct SQLPostgresOutboxTests {
    static let function = "arn:aws:lambda:us-east-1:123456789012:function:outbox"

    /// A random lowercase suffix for databases and (cluster-wide) roles.
    static func randomSuffix() -> String {
        String(UUID().uuidString.lowercased().filter { $0 != "-" }.prefix(12))
    }

    /// Creates a fresh database, runs `body` with its name, drops it again (also when `body` throws).
    static func withDatabase(_ body: (String) async throws -> Void) async throws {
        try await PostgresServer.prepare()
        let database = "sqloutbox_" + randomSuffix()
        try await PostgresServer.run("CREATE DATABASE \(database);", database: "postgres")
        do {
            try await body(database)
        } catch {
            _ = try? await PostgresServer.run(
                "DROP DATABASE IF EXISTS \(database) WITH (FORCE);",
                database: "postgres"
            )
            throw error
        }
        try await PostgresServer.run("DROP DATABASE IF EXISTS \(database) WITH (FORCE);", database: "postgres")
    }

    /// Runs `sql` in `database`.
    @discardableResult
    static func run(_ sql: String, in database: String, allowFailure: Bool = false) async throws -> SQLClient.Output {
        try await PostgresServer.run(sql, database: database, allowFailure: allowFailure)
    }

    /// The values of a one-column query in `database`, exactly.
    static func texts(_ query: String, in database: String) async throws -> [String] {
        try SQLClient.hexRows(try await run(PostgresServer.hexQuery(query), in: database).stdout)
    }

    static func triggerScript(
        _ table: TableName,
        names: OutboxNames = .standard,
        columns: ColumnSelection = .all
    ) throws -> String {
        try PostgreSQLTriggerScript(
            TriggerConfiguration(
                function: try LambdaFunctionARN(parsing: function),
                table: table,
                columns: columns,
                delivery: .outbox(names)
            )
        ).render()
    }

    /// One outbox row as the relay reads it.
    struct OutboxRow {
        var id: Int
        var eventID: String
        var partitionKey: String
        var envelope: String
        var event: ChangeEvent
    }

    static func outboxRows(in database: String, names: OutboxNames = .standard) async throws -> [OutboxRow] {
        let texts = try await texts(
            "SELECT jsonb_build_object('id', id, 'event_id', event_id::text, 'key', partition_key, "
                + "'envelope', envelope::text)::text FROM \(names.qualifiedOutbox) ORDER BY id",
            in: database
        )
        return try texts.map { text in
            let object = try #require(try JSONValue(parsing: text).objectValue)
            let envelope = try #require(object["envelope"]?.stringValue)
            let idText = try #require(object["id"]?.numberValue?.text)
            let events = try ChangeEvent.decode(from: envelope)
            try #require(events.count == 1)
            return OutboxRow(
                id: try #require(Int(idText)),
                eventID: try #require(object["event_id"]?.stringValue),
                partitionKey: try #require(object["key"]?.stringValue),
                envelope: envelope,
                event: events[0]
            )
        }
    }

    @Test("the schema script runs twice and leaves exactly the specified tables, columns, indexes and function")
    func schemaIsIdempotent() async throws {
        try await Self.withDatabase { database in
            let script = try PostgreSQLOutboxSchema().render()
            try await Self.run(script, in: database)
            try await Self.run(
                "INSERT INTO dblambda.outbox (event_id, partition_key, envelope) "
                    + "VALUES (gen_random_uuid(), 'k', '{}');",
                in: database
            )
            try await Self.run(script, in: database)
            #expect(try await Self.texts("SELECT count(*) FROM dblambda.outbox", in: database) == ["1"])
            let columns = try await Self.texts(
                "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' "
                    + "|| coalesce(column_default, '-') FROM information_schema.columns WHERE table_schema = "
                    + "'dblambda' ORDER BY table_name, ordinal_position",
                in: database
            )
            #expect(
                columns == [
                    "dead_letter.id bigint NO -",
                    "dead_letter.event_id uuid NO -",
                    "dead_letter.partition_key text NO -",
                    "dead_letter.envelope jsonb NO -",
                    "dead_letter.created_at timestamp with time zone NO -",
                    "dead_letter.attempts integer NO -",
                    "dead_letter.last_error text YES -",
                    "dead_letter.dead_at timestamp with time zone NO clock_timestamp()",
                    "outbox.id bigint NO -",
                    "outbox.event_id uuid NO -",
                    "outbox.partition_key text NO -",
                    "outbox.envelope jsonb NO -",
                    "outbox.created_at timestamp with time zone NO clock_timestamp()",
                    "outbox.attempts integer NO 0",
                    "outbox.next_attempt_at timestamp with time zone NO now()",
                    "outbox.last_error text YES -",
                    "outbox.delivered_at timestamp with time zone YES -",
                ]
            )
            #expect(
                try await Self.texts(
                    "SELECT is_identity || identity_generation FROM information_schema.columns "
                        + "WHERE table_schema = 'dblambda' AND table_name = 'outbox' AND column_name = 'id'",
                    in: database
                ) == ["YESALWAYS"]
            )
            let indexes = try await Self.texts(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = 'dblambda' ORDER BY indexname",
                in: database
            )
            #expect(
                indexes == [
                    "CREATE UNIQUE INDEX dead_letter_pkey ON dblambda.dead_letter USING btree (id)",
                    "CREATE INDEX outbox_delivered ON dblambda.outbox USING btree (delivered_at) "
                        + "WHERE (delivered_at IS NOT NULL)",
                    "CREATE INDEX outbox_pending ON dblambda.outbox USING btree (id) WHERE (delivered_at IS NULL)",
                    "CREATE INDEX outbox_pending_key ON dblambda.outbox USING btree (partition_key, id) "
                        + "WHERE (delivered_at IS NULL)",
                    "CREATE UNIQUE INDEX outbox_pkey ON dblambda.outbox USING btree (id)",
                ]
            )
            #expect(
                try await Self.texts(
                    "SELECT p.oid::regprocedure::text || ' ' || pg_get_function_result(p.oid) || ' ' "
                        + "|| pg_get_function_arguments(p.oid) FROM pg_proc AS p "
                        + "WHERE p.pronamespace = 'dblambda'::regnamespace",
                    in: database
                ) == [
                    "dblambda.cleanup(interval,integer) bigint retention interval, batch_size integer DEFAULT 10000"
                ]
            )
            #expect(
                try await Self.texts("SELECT count(*) FROM pg_extension WHERE extname = 'aws_lambda'", in: database)
                    == ["0"]
            )
        }
    }

    @Test("committed insert, update and delete become outbox rows with the envelope, its id and the partition key")
    func committedChanges() async throws {
        try await Self.withDatabase { database in
            try await Self.run(try PostgreSQLOutboxSchema().render(), in: database)
            try await Self.run(
                "CREATE TABLE public.orders (id integer PRIMARY KEY, status text, total numeric(10,2));",
                in: database
            )
            let script = try Self.triggerScript(TableName(schema: "public", table: "orders"))
            try await Self.run(script, in: database)
            try await Self.run(script, in: database)
            try await Self.run(
                """
                BEGIN;
                INSERT INTO public.orders VALUES (1, 'new', 9.50), (2, 'new', 1.00);
                UPDATE public.orders SET status = 'paid' WHERE id = 1;
                DELETE FROM public.orders WHERE id = 2;
                COMMIT;
                """,
                in: database
            )
            let rows = try await Self.outboxRows(in: database)
            try #require(rows.count == 4)
            #expect(rows.map(\.event.operation) == [.insert, .insert, .update, .delete])
            #expect(
                rows.map(\.partitionKey) == [
                    "public.orders:[1]", "public.orders:[2]", "public.orders:[1]", "public.orders:[2]",
                ]
            )
            for row in rows {
                #expect(row.event.id == row.eventID)
                #expect(
                    row.event.source
                        == ChangeEvent.Source(
                            engine: "postgresql",
                            database: database,
                            schema: "public",
                            table: "orders"
                        )
                )
                #expect(row.envelope.contains("\"dblambda\": 1"))
            }
            #expect(Set(rows.map(\.eventID)).count == 4)
            #expect(Set(rows.map { $0.event.transactionID }).count == 1)
            #expect(rows[0].event.new?["total"] == .number(try #require(JSONNumber("9.50"))))
            #expect(rows[0].event.old == nil)
            #expect(rows[2].event.changedColumns == ["status"])
            #expect(rows[2].event.old?["status"] == .string("new"))
            #expect(rows[2].event.new?["status"] == .string("paid"))
            #expect(rows[3].event.old?["id"] == .number(2))
            #expect(rows[3].event.new == nil)
            let state = try await Self.texts(
                "SELECT attempts || ' ' || (delivered_at IS NULL) || ' ' || (last_error IS NULL) || ' ' "
                    + "|| (next_attempt_at <= clock_timestamp()) FROM dblambda.outbox",
                in: database
            )
            #expect(state == Array(repeating: "0 true true true", count: 4))

            // A rolled-back transaction leaves nothing; an update that changes no value sends nothing.
            try await Self.run(
                """
                BEGIN;
                INSERT INTO public.orders VALUES (3, 'rolled back', 0);
                UPDATE public.orders SET status = 'cancelled';
                DELETE FROM public.orders;
                ROLLBACK;
                UPDATE public.orders SET status = status, total = total;
                """,
                in: database
            )
            #expect(try await Self.outboxRows(in: database).count == 4)

            try await Self.run("TRUNCATE public.orders;", in: database)
            let truncate = try #require(try await Self.outboxRows(in: database).last)
            #expect(truncate.event.operation == .truncate)
            #expect(truncate.partitionKey == "public.orders")
        }
    }

    @Test("the trigger's notification arrives on LISTEN at commit, empty, and never for a rolled-back change")
    func notification() async throws {
        try await Self.withDatabase { database in
            let names = try OutboxNames(schema: "dblambda", channel: "Wake \"Up\"")
            try await Self.run(try PostgreSQLOutboxSchema(names: names).render(), in: database)
            try await Self.run("CREATE TABLE public.t (id integer PRIMARY KEY);", in: database)
            try await Self.run(
                try Self.triggerScript(TableName(schema: "public", table: "t"), names: names),
                in: database
            )
            // psql prints each notification it received after the command that was running when it arrived.
            let output = try await Self.run(
                """
                LISTEN \(names.quotedChannel);
                \\echo after-listen
                BEGIN;
                INSERT INTO public.t VALUES (1);
                ROLLBACK;
                \\echo after-rollback
                BEGIN;
                INSERT INTO public.t VALUES (2), (3);
                UPDATE public.t SET id = 4 WHERE id = 3;
                \\echo before-commit
                COMMIT;
                \\echo after-commit
                """,
                in: database
            )
            let lines = output.stdout.split(separator: "\n").map(String.init)
            let notice = try #require(lines.first { $0.hasPrefix("Asynchronous notification") })
            #expect(notice.hasPrefix("Asynchronous notification \"Wake \"Up\"\" received from server process"))
            #expect(!notice.contains("payload"), "the notification carries no payload: \(notice)")
            // Exactly one notification for the committed transaction (repeats are merged), none before COMMIT.
            #expect(
                lines.map { $0.hasPrefix("Asynchronous notification") ? "notification" : $0 } == [
                    "after-listen", "after-rollback", "before-commit", "notification", "after-commit",
                ]
            )
            #expect(try await Self.outboxRows(in: database, names: names).count == 3)
        }
    }

    @Test("a table without a primary key gets the key schema.table; a composite key lists values in key order")
    func partitionKeys() async throws {
        try await Self.withDatabase { database in
            try await Self.run(try PostgreSQLOutboxSchema().render(), in: database)
            try await Self.run(
                """
                CREATE TABLE public.log (line text);
                CREATE TABLE public.lines (a integer, note text, b text, c date, PRIMARY KEY (c, b, a));
                """,
                in: database
            )
            try await Self.run(try Self.triggerScript(TableName(schema: "public", table: "log")), in: database)
            try await Self.run(
                try Self.triggerScript(TableName(schema: "public", table: "lines"), columns: .only(["note"])),
                in: database
            )
            try await Self.run(
                """
                INSERT INTO public.log VALUES ('x');
                DELETE FROM public.log;
                INSERT INTO public.lines VALUES (1, 'n', 'it''s "b"', '2026-11-27');
                UPDATE public.lines SET a = 2, note = 'm';
                DELETE FROM public.lines;
                """,
                in: database
            )
            let rows = try await Self.outboxRows(in: database)
            #expect(
                rows.map(\.partitionKey) == [
                    "public.log", "public.log",
                    #"public.lines:["2026-11-27", "it's \"b\"", 1]"#,
                    #"public.lines:["2026-11-27", "it's \"b\"", 2]"#,
                    #"public.lines:["2026-11-27", "it's \"b\"", 2]"#,
                ]
            )
            // The key columns are read from the whole row even though the events carry only `note`.
            #expect(rows[2].event.new?.keys == ["note"])
        }
    }

    @Test("property: hostile schema, table, key-column, outbox-schema and channel names work and are reported exactly")
    func hostileNames() async throws {
        try await Self.withDatabase { database in
            var generator = SplitMix64(state: 8_080_808)
            var checked = 0
            var allNames = ""
            for index in 0..<10 {
                let schema = "o\(index) " + HostileNames.make(&generator, pieces: 4)
                let table = HostileNames.make(&generator, pieces: 5)
                let column = HostileNames.make(&generator, pieces: 5)
                let outboxSchema = "ob\(index) " + HostileNames.make(&generator, pieces: 4)
                let channel = HostileNames.make(&generator, pieces: 5)
                guard let names = try? OutboxNames(schema: outboxSchema, channel: channel),
                    (try? PostgreSQLQuoting.validateIdentifier(schema)) != nil,
                    (try? PostgreSQLQuoting.validateIdentifier(table)) != nil,
                    (try? PostgreSQLQuoting.validateIdentifier(column)) != nil, column != "v"
                else { continue }
                let quotedSchema = try PostgreSQLQuoting.identifier(schema)
                let qualified = quotedSchema + "." + (try PostgreSQLQuoting.identifier(table))
                let quotedColumn = try PostgreSQLQuoting.identifier(column)
                try await Self.run(try PostgreSQLOutboxSchema(names: names).render(), in: database)
                try await Self.run(
                    "CREATE SCHEMA \(quotedSchema);\n"
                        + "CREATE TABLE \(qualified) (v integer, \(quotedColumn) text PRIMARY KEY);",
                    in: database
                )
                let script = try Self.triggerScript(TableName(schema: schema, table: table), names: names)
                try await Self.run(script, in: database)
                try await Self.run(script, in: database)
                let value = HostileNames.make(&generator, pieces: 3)
                try await Self.run(
                    "INSERT INTO \(qualified) VALUES (\(index), \(try PostgreSQLQuoting.literal(value)));",
                    in: database
                )
                let rows = try await Self.outboxRows(in: database, names: names)
                try #require(rows.count == 1)
                let keyValue = try #require(
                    try await Self.texts(
                        "SELECT jsonb_build_array(\(try PostgreSQLQuoting.literal(value)))::text",
                        in: database
                    ).first
                )
                #expect(rows[0].partitionKey == schema + "." + table + ":" + keyValue)
                #expect(rows[0].event.source.schema == schema && rows[0].event.source.table == table)
                #expect(rows[0].event.new?[column] == .string(value))
                checked += 1
                allNames += schema + table + column + outboxSchema + channel
            }
            #expect(checked >= 6)
            for piece in ["\\", "'", "\"", ";", "$$"] {
                #expect(allNames.contains(piece), "no generated name contains \(piece)")
            }
        }
    }

    @Test("cleanup() deletes only delivered rows older than the retention, at most batch_size per call")
    func cleanup() async throws {
        try await Self.withDatabase { database in
            try await Self.run(try PostgreSQLOutboxSchema().render(), in: database)
            try await Self.run(
                """
                INSERT INTO dblambda.outbox (event_id, partition_key, envelope, delivered_at)
                SELECT gen_random_uuid(), 'k' || n, jsonb_build_object('n', n),
                       CASE WHEN n <= 3 THEN clock_timestamp() - interval '2 days'
                            WHEN n <= 5 THEN clock_timestamp() - interval '1 hour'
                            ELSE NULL END
                FROM generate_series(1, 7) AS n;
                UPDATE dblambda.outbox SET created_at = clock_timestamp() - interval '3 days'
                WHERE partition_key = 'k7';
                """,
                in: database
            )
            #expect(try await Self.texts("SELECT dblambda.cleanup('1 day', 2)", in: database) == ["2"])
            #expect(try await Self.texts("SELECT dblambda.cleanup('1 day')", in: database) == ["1"])
            #expect(try await Self.texts("SELECT dblambda.cleanup('1 day')", in: database) == ["0"])
            #expect(
                try await Self.texts("SELECT partition_key FROM dblambda.outbox ORDER BY id", in: database)
                    == ["k4", "k5", "k6", "k7"]
            )
            #expect(try await Self.texts("SELECT dblambda.cleanup('0 seconds')", in: database) == ["2"])
            #expect(
                try await Self.texts("SELECT partition_key FROM dblambda.outbox ORDER BY id", in: database)
                    == ["k6", "k7"]
            )
            let negative = try await Self.run("SELECT dblambda.cleanup('-1 day');", in: database, allowFailure: true)
            #expect(negative.status != 0 && negative.stderr.contains("retention must be zero or positive"))
            let zero = try await Self.run("SELECT dblambda.cleanup('1 day', 0);", in: database, allowFailure: true)
            #expect(zero.status != 0 && zero.stderr.contains("batch_size must be at least 1"))
        }
    }

    @Test("EXPLAIN: the relay's claim query reads the outbox_pending index")
    func claimQueryUsesPendingIndex() async throws {
        try await Self.withDatabase { database in
            try await Self.run(try PostgreSQLOutboxSchema().render(), in: database)
            try await Self.run(
                """
                INSERT INTO dblambda.outbox (event_id, partition_key, envelope, delivered_at)
                SELECT gen_random_uuid(), 'public.t:[' || n || ']', jsonb_build_object('n', n),
                       CASE WHEN n <= 49000 THEN clock_timestamp() END
                FROM generate_series(1, 50000) AS n;
                ANALYZE dblambda.outbox;
                """,
                in: database
            )
            let plan = try await Self.run(
                """
                EXPLAIN SELECT id, event_id, partition_key, envelope::text, attempts, created_at FROM dblambda.outbox
                 WHERE delivered_at IS NULL AND next_attempt_at <= clock_timestamp()
                 ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED;
                """,
                in: database
            ).stdout
            #expect(plan.contains("Index Scan using outbox_pending on outbox"), "\(plan)")
            #expect(!plan.contains("Seq Scan"), "\(plan)")
        }
    }

    @Test("SECURITY DEFINER: a writer with no grant on the outbox writes; the relay role's grants are enough")
    func privileges() async throws {
        try await Self.withDatabase { database in
            let suffix = Self.randomSuffix()
            let writer = "\"outbox writer \(suffix)\""
            let relay = "\"outbox relay \(suffix)\""
            try await Self.run("CREATE ROLE \(writer);\nCREATE ROLE \(relay);", in: database)
            do {
                try await Self.run(
                    try PostgreSQLOutboxSchema(relayRole: "outbox relay \(suffix)").render(),
                    in: database
                )
                try await Self.run(
                    """
                    CREATE SCHEMA app;
                    CREATE TABLE app.orders (id integer PRIMARY KEY, status text);
                    GRANT USAGE ON SCHEMA app TO \(writer);
                    GRANT SELECT, INSERT, UPDATE, DELETE ON app.orders TO \(writer);
                    """,
                    in: database
                )
                try await Self.run(try Self.triggerScript(TableName(schema: "app", table: "orders")), in: database)
                try await Self.run(
                    """
                    SET ROLE \(writer);
                    INSERT INTO app.orders VALUES (1, 'new');
                    UPDATE app.orders SET status = 'paid';
                    DELETE FROM app.orders;
                    """,
                    in: database
                )
                #expect(try await Self.outboxRows(in: database).count == 3)
                let denied = try await Self.run(
                    "SET ROLE \(writer);\nSELECT count(*) FROM dblambda.outbox;",
                    in: database,
                    allowFailure: true
                )
                #expect(denied.status != 0 && denied.stderr.contains("permission denied for schema dblambda"))

                // The relay's statements, as its own role: claim, mark delivered, retry, dead-letter, cleanup.
                let relayWork = try await Self.run(
                    """
                    SET ROLE \(relay);
                    BEGIN;
                    SELECT id FROM dblambda.outbox WHERE delivered_at IS NULL AND next_attempt_at <= clock_timestamp()
                     ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED;
                    UPDATE dblambda.outbox SET delivered_at = clock_timestamp(), attempts = attempts + 1
                     WHERE id = (SELECT min(id) FROM dblambda.outbox);
                    UPDATE dblambda.outbox SET attempts = attempts + 1, last_error = 'boom',
                     next_attempt_at = clock_timestamp() + interval '1 second'
                     WHERE id = (SELECT max(id) FROM dblambda.outbox);
                    WITH moved AS (DELETE FROM dblambda.outbox WHERE id = (SELECT max(id) FROM dblambda.outbox)
                     RETURNING id, event_id, partition_key, envelope, created_at, attempts, last_error)
                    INSERT INTO dblambda.dead_letter (id, event_id, partition_key, envelope, created_at, attempts,
                     last_error) SELECT * FROM moved;
                    SELECT dblambda.cleanup('0 seconds');
                    DELETE FROM dblambda.dead_letter;
                    COMMIT;
                    """,
                    in: database,
                    allowFailure: true
                )
                #expect(relayWork.status == 0, "\(relayWork.stderr)")
                #expect(try await Self.texts("SELECT count(*) FROM dblambda.outbox", in: database) == ["1"])
                let relayInsert = try await Self.run(
                    "SET ROLE \(relay);\nINSERT INTO dblambda.outbox (event_id, partition_key, envelope) "
                        + "VALUES (gen_random_uuid(), 'k', '{}');",
                    in: database,
                    allowFailure: true
                )
                #expect(relayInsert.status != 0 && relayInsert.stderr.contains("permission denied for table outbox"))
            } catch {
                _ = try? await Self.dropRoles(writer, relay, database: database)
                throw error
            }
            try await Self.dropRoles(writer, relay, database: database)
        }
    }

    /// Drops the roles' privileges in `database`, then the (cluster-wide) roles.
    static func dropRoles(_ roles: String..., database: String) async throws {
        let list = roles.joined(separator: ", ")
        try await run("DROP OWNED BY \(list);\nDROP ROLE IF EXISTS \(list);", in: database)
    }
}
