import DBLambdaCore
import DBLambdaSQL
import Foundation
import Testing

@Suite("Outbox-mode trigger scripts")
struct OutboxTriggerScriptTests {
    static func configuration(
        table: String = "sales\"2026.Order Items",
        columns: ColumnSelection = .all,
        names: OutboxNames = .standard
    ) throws -> TriggerConfiguration {
        TriggerConfiguration(
            function: try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:123456789012:function:orders"),
            table: try TableName(parsing: table),
            columns: columns,
            delivery: .outbox(names)
        )
    }

    /// The part of the script between two markers.
    static func section(_ sql: String, from start: String, to end: String) throws -> Substring {
        let lower = try #require(sql.range(of: start)).lowerBound
        let upper = try #require(sql.range(of: end, range: lower..<sql.endIndex)).upperBound
        return sql[lower..<upper]
    }

    @Test("delivery defaults to direct, and direct output does not mention the outbox")
    func defaultIsDirect() throws {
        let configuration = TriggerConfiguration(
            function: try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:123456789012:function:orders"),
            table: try TableName(parsing: "public.orders")
        )
        #expect(configuration.delivery == .direct)
        let sql = try PostgreSQLTriggerScript(configuration).render()
        #expect(sql.contains("aws_lambda.invoke("))
        #expect(!sql.contains("outbox\"") && !sql.contains("SECURITY DEFINER") && !sql.contains("pg_notify"))
    }

    @Test("outbox mode: no extension, no aws_lambda grant, a SECURITY DEFINER function with a pinned search_path")
    func noExtension() throws {
        var configuration = try Self.configuration()
        configuration.grantTo = "app_writer"
        let sql = try PostgreSQLTriggerScript(configuration).render()
        #expect(!sql.contains("aws_lambda"))
        #expect(!sql.contains("aws_commons"))
        let statements = sql.split(separator: "\n").filter { !$0.hasPrefix("--") }
        #expect(!statements.contains { $0.contains("CREATE EXTENSION") })
        #expect(!statements.contains { $0.hasPrefix("GRANT") })
        let header = try Self.section(sql, from: "CREATE OR REPLACE FUNCTION", to: "AS $dblambda$")
        #expect(header.contains("\nSECURITY DEFINER\nSET search_path = pg_catalog, pg_temp\n"))
        #expect(sql.contains("REVOKE ALL ON FUNCTION \"sales\"\"2026\".\"dblambda_Order Items\"() FROM PUBLIC;"))
    }

    @Test("outbox mode reuses the direct-mode envelope code verbatim")
    func sameEnvelope() throws {
        var direct = try Self.configuration(columns: .only(["id", "status"]))
        direct.delivery = .direct
        let outbox = try Self.configuration(columns: .only(["id", "status"]))
        let directSQL = try PostgreSQLTriggerScript(direct).render()
        let outboxSQL = try PostgreSQLTriggerScript(outbox).render()
        let start = "    IF TG_OP IN ('UPDATE', 'DELETE') THEN"
        let end = "'changedColumns', dbl_changed);"
        #expect(
            try Self.section(directSQL, from: start, to: end) == (try Self.section(outboxSQL, from: start, to: end))
        )
    }

    @Test("the event goes into the configured outbox, then an empty notification on the configured channel")
    func insertAndNotify() throws {
        let names = try OutboxNames(schema: "ev'ents", channel: "wake \"up\"")
        let sql = try PostgreSQLTriggerScript(Self.configuration(names: names)).render()
        #expect(sql.contains("    INSERT INTO \"ev'ents\".\"outbox\" (event_id, partition_key, envelope)\n"))
        #expect(sql.contains("    VALUES ((dbl_payload ->> 'id')::uuid, dbl_key, dbl_payload);\n"))
        #expect(sql.contains("    PERFORM pg_notify('wake \"up\"', '');\n"))
        #expect(sql.contains("pg_catalog.to_regclass('\"ev''ents\".\"outbox\"') IS NULL"))
    }

    @Test("row triggers get the primary-key columns as arguments at install time; truncate gets none")
    func keyArguments() throws {
        let sql = try PostgreSQLTriggerScript(Self.configuration(table: "public.orders")).render()
        #expect(sql.contains("WHERE i.indrelid = '\"public\".\"orders\"'::pg_catalog.regclass AND i.indisprimary;"))
        #expect(
            sql.contains(
                "    EXECUTE 'CREATE TRIGGER \"dblambda_insert\" AFTER INSERT ON \"public\".\"orders\" FOR EACH ROW "
                    + "EXECUTE FUNCTION \"public\".\"dblambda_orders\"(' || dbl_key_columns || ')';"
            )
        )
        #expect(
            sql.contains(
                "CREATE TRIGGER \"dblambda_truncate\" AFTER TRUNCATE ON \"public\".\"orders\" FOR EACH STATEMENT "
                    + "EXECUTE FUNCTION \"public\".\"dblambda_orders\"();"
            )
        )
        for operation in TriggerOperation.allCases {
            #expect(sql.contains("DROP TRIGGER IF EXISTS \"dblambda_\(operation.rawValue)\" ON \"public\".\"orders\";"))
        }
    }

    @Test("with a column selection the key is read from the whole row, not the reduced row objects")
    func keyFromWholeRow() throws {
        let all = try PostgreSQLTriggerScript(Self.configuration()).render()
        #expect(all.contains("dbl_key_row := coalesce(dbl_new, dbl_old);"))
        let only = try PostgreSQLTriggerScript(Self.configuration(columns: .only(["status"]))).render()
        #expect(only.contains("dbl_key_row := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;"))
        let excluding = try PostgreSQLTriggerScript(Self.configuration(columns: .excluding(["id"]))).render()
        #expect(excluding.contains("ELSE to_jsonb(NEW) END;"))
    }

    @Test("a WHEN condition with quotes and a backslash survives the dynamic CREATE TRIGGER as one literal")
    func conditionInLiteral() throws {
        var configuration = try Self.configuration(table: "public.orders")
        configuration.condition = #"NEW.note <> 'a\b'"#
        configuration.operations = [.update]
        let sql = try PostgreSQLTriggerScript(configuration).render()
        #expect(
            sql.contains(
                #"    EXECUTE E'CREATE TRIGGER "dblambda_update" AFTER UPDATE ON "public"."orders" FOR EACH ROW "#
                    + #"WHEN (NEW.note <> ''a\\b'') EXECUTE FUNCTION "public"."dblambda_orders"(' || "#
                    + "dbl_key_columns || ')';"
            )
        )
        #expect(!sql.contains("dblambda_insert\" AFTER"))
        #expect(!sql.contains("AFTER TRUNCATE"))
    }

    @Test("truncate alone needs no key lookup")
    func truncateOnly() throws {
        var configuration = try Self.configuration(table: "public.orders")
        configuration.operations = [.truncate]
        let sql = try PostgreSQLTriggerScript(configuration).render()
        #expect(!sql.contains("dbl_key_columns"))
        #expect(sql.contains("AFTER TRUNCATE ON \"public\".\"orders\" FOR EACH STATEMENT"))
    }

    @Test("invalid outbox names are rejected when the script is created")
    func invalidNames() throws {
        var names = OutboxNames.standard
        names.channel = String(repeating: "c", count: 64)
        #expect(throws: SQLError.identifierTooLong) { try PostgreSQLTriggerScript(Self.configuration(names: names)) }
        names = .standard
        names.schema = "a\u{0}"
        #expect(throws: SQLError.invalidCharacter) { try PostgreSQLTriggerScript(Self.configuration(names: names)) }
    }

    @Test("MySQL has no outbox mode")
    func mysqlRejectsOutbox() throws {
        let configuration = try Self.configuration(table: "shop.orders", columns: .only(["id"]))
        #expect(throws: SQLError.invalidOption) { try MySQLTriggerScript(configuration, version: .v3) }
    }

    @Test("the outbox script is deterministic and in one transaction")
    func deterministic() throws {
        let configuration = try Self.configuration()
        let first = try PostgreSQLTriggerScript(configuration).render()
        #expect(first == (try PostgreSQLTriggerScript(configuration).render()))
        #expect(first.contains("\nBEGIN;\n") && first.hasSuffix("\nCOMMIT;\n"))
    }

    @Test("golden file: outbox mode, defaults, tricky names")
    func goldenDefaults() throws {
        try SnapshotTests.check("postgres-outbox.sql", try PostgreSQLTriggerScript(Self.configuration()).render())
    }

    @Test("golden file: outbox mode, selected columns, condition, custom names")
    func goldenOptions() throws {
        var configuration = try Self.configuration(
            table: "public.orders",
            columns: .only(["id", "select", "status"]),
            names: try OutboxNames(schema: "events", channel: "orders_outbox")
        )
        configuration.operations = [.insert, .update]
        configuration.condition = "NEW.status <> 'draft'"
        try SnapshotTests.check("postgres-outbox-options.sql", try PostgreSQLTriggerScript(configuration).render())
    }
}
