import DBLambdaSQL
import Testing

@Suite("Outbox names and schema script")
struct OutboxSchemaTests {
    @Test("the standard names are schema dblambda and channel dblambda_outbox, quoted and qualified")
    func standardNames() throws {
        let names = OutboxNames.standard
        #expect(names.schema == "dblambda" && names.channel == "dblambda_outbox")
        #expect(names.qualifiedOutbox == "\"dblambda\".\"outbox\"")
        #expect(names.qualifiedDeadLetter == "\"dblambda\".\"dead_letter\"")
        #expect(names.qualifiedCleanup == "\"dblambda\".\"cleanup\"")
        #expect(names.quotedChannel == "\"dblambda_outbox\"")
        #expect(try OutboxNames() == names)
    }

    @Test("hostile names are quoted as one identifier token each")
    func hostileNames() throws {
        let names = try OutboxNames(schema: "ev\"ents; DROP", channel: "Wake Up\"")
        #expect(names.qualifiedOutbox == "\"ev\"\"ents; DROP\".\"outbox\"")
        #expect(names.quotedChannel == "\"Wake Up\"\"\"")
    }

    @Test("empty, NUL and over-long names are rejected with a message naming the field")
    func invalidNames() throws {
        #expect(throws: SQLError.emptyIdentifier) { try OutboxNames(schema: "") }
        #expect(throws: SQLError.invalidCharacter) { try OutboxNames(channel: "a\u{0}b") }
        #expect(throws: SQLError.identifierTooLong) { try OutboxNames(schema: String(repeating: "x", count: 64)) }
        do {
            _ = try OutboxNames(channel: "")
            Issue.record("an empty channel was accepted")
        } catch {
            #expect(error.message.hasPrefix("outbox channel:"))
        }
        var changed = OutboxNames.standard
        changed.schema = ""
        #expect(throws: SQLError.emptyIdentifier) { try PostgreSQLOutboxSchema(names: changed) }
    }

    @Test("a malformed relay role is an invalidGrantee error")
    func invalidRelayRole() throws {
        #expect(throws: SQLError.invalidGrantee) { try PostgreSQLOutboxSchema(relayRole: "") }
        #expect(throws: SQLError.invalidGrantee) { try PostgreSQLOutboxSchema(relayRole: "r\u{0}") }
    }

    @Test("the schema script has the fixed tables, the three indexes, cleanup and only idempotent statements")
    func scriptContents() throws {
        let sql = try PostgreSQLOutboxSchema().render()
        #expect(sql.contains("CREATE SCHEMA IF NOT EXISTS \"dblambda\";"))
        #expect(sql.contains("CREATE TABLE IF NOT EXISTS \"dblambda\".\"outbox\" ("))
        #expect(sql.contains("CREATE TABLE IF NOT EXISTS \"dblambda\".\"dead_letter\" ("))
        for index in ["outbox_pending", "outbox_pending_key", "outbox_delivered"] {
            #expect(sql.contains("CREATE INDEX IF NOT EXISTS \"\(index)\" ON \"dblambda\".\"outbox\""))
        }
        #expect(
            sql.contains(
                "CREATE OR REPLACE FUNCTION \"dblambda\".\"cleanup\"(retention interval, batch_size integer "
                    + "DEFAULT 10000)"
            )
        )
        #expect(!sql.contains("DROP "))
        #expect(!sql.contains("aws_lambda"))
        #expect(sql.contains("-- GRANT USAGE ON SCHEMA \"dblambda\" TO dblambda_relay;"))
        #expect(sql.hasPrefix("--") && sql.hasSuffix("COMMIT;\n"))
    }

    @Test("with a relay role the grants are real statements for exactly the relay's needs")
    func relayGrants() throws {
        let sql = try PostgreSQLOutboxSchema(relayRole: "relay \"one\"").render()
        let grants = sql.split(separator: "\n").filter { $0.hasPrefix("GRANT ") }
        #expect(
            grants == [
                "GRANT USAGE ON SCHEMA \"dblambda\" TO \"relay \"\"one\"\"\";",
                "GRANT SELECT, UPDATE, DELETE ON TABLE \"dblambda\".\"outbox\" TO \"relay \"\"one\"\"\";",
                "GRANT SELECT, INSERT, DELETE ON TABLE \"dblambda\".\"dead_letter\" TO \"relay \"\"one\"\"\";",
                "GRANT EXECUTE ON FUNCTION \"dblambda\".\"cleanup\"(interval, integer) TO \"relay \"\"one\"\"\";",
            ]
        )
    }

    @Test("a name with a line break cannot end a comment in the header")
    func lineBreakInComment() throws {
        let names = try OutboxNames(schema: "a\nDROP TABLE x;", channel: "c")
        let sql = try PostgreSQLOutboxSchema(names: names).render()
        #expect(sql.contains("\n-- schema:     a\\nDROP TABLE x;\n-- channel:    c\n"))
        #expect(sql.contains("\n-- GRANT USAGE ON SCHEMA \"a\\nDROP TABLE x;\" TO dblambda_relay;\n"))
        #expect(sql.contains("e.g. SELECT \"a\\nDROP TABLE x;\".\"cleanup\"('1 day');\n"))
        // Elsewhere the name stays inside its quoted identifier.
        for line in sql.split(separator: "\n") where line.hasPrefix("DROP TABLE x;") {
            #expect(line.hasPrefix("DROP TABLE x;\"") && !line.hasPrefix("DROP TABLE x;\" TO"), "\(line)")
        }
    }

    @Test("golden file: the default outbox schema")
    func goldenDefault() throws {
        try SnapshotTests.check("postgres-outbox-schema.sql", try PostgreSQLOutboxSchema().render())
    }

    @Test("golden file: custom names and a relay role")
    func goldenCustom() throws {
        let names = try OutboxNames(schema: "events\"x", channel: "Wake Up")
        try SnapshotTests.check(
            "postgres-outbox-schema-custom.sql",
            try PostgreSQLOutboxSchema(names: names, relayRole: "dblambda_relay").render()
        )
    }
}
