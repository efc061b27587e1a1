/// The idempotent setup SQL for the PostgreSQL outbox: the schema, the `outbox` and `dead_letter` tables, the
/// indexes of the relay's queries, the `cleanup` function and, for an optional relay role, its grants.
///
/// ```swift
/// let schema = try PostgreSQLOutboxSchema(names: .standard, relayRole: "dblambda_relay")
/// print(schema.render())   // run it once with psql -f, before the outbox-mode triggers
/// ```
///
/// Outbox-mode triggers (``TriggerDelivery/outbox(_:)``) insert every event into the outbox in the writer's own
/// transaction, so a `ROLLBACK` removes it and only committed events are ever visible to the relay, which
/// claims them with `FOR UPDATE SKIP LOCKED`, invokes the function and marks them delivered (at least once).
/// The script only creates what is missing and never drops or changes data: running it again is harmless.
public struct PostgreSQLOutboxSchema: Sendable, Hashable {
    /// The schema and channel names.
    public let names: OutboxNames
    /// The role the relay connects as; `nil` writes its grants as commented guidance.
    public let relayRole: String?

    /// Validates the names and the relay role.
    ///
    /// - Throws: ``SQLError`` for a schema or channel name that is empty, has a NUL byte or is longer than
    ///   63 bytes, or ``SQLError/invalidGrantee`` for such a relay role.
    public init(names: OutboxNames = .standard, relayRole: String? = nil) throws(SQLError) {
        try names.validate()
        if let relayRole {
            do {
                try PostgreSQLQuoting.validateIdentifier(relayRole)
            } catch {
                throw SQLError(code: .invalidGrantee, message: "relay role: \(error.message)")
            }
        }
        self.names = names
        self.relayRole = relayRole
    }

    /// The complete script, ready for `psql -v ON_ERROR_STOP=1 -f`.
    public func render() -> String {
        let schema = names.quotedSchema
        let outbox = names.qualifiedOutbox
        let deadLetter = names.qualifiedDeadLetter
        let cleanup = names.qualifiedCleanup
        var lines: [String] = [
            "-- DatabaseLambda: the outbox for committed-only delivery to AWS Lambda (PostgreSQL 13 or later,",
            "-- RDS, Aurora or self-managed; no extension needed)",
            SQLComment.line("schema:     \(names.schema)"),
            SQLComment.line("channel:    \(names.channel)"),
            SQLComment.line("relay role: \(relayRole ?? "(none given)")"),
            "--",
            "-- Run it with: psql -v ON_ERROR_STOP=1 -f this-file.sql, before the outbox-mode triggers",
            "-- (dblambda sql postgres --delivery outbox). It is idempotent: it creates what is missing, replaces",
            "-- the cleanup function and never drops or changes data, so running it again is harmless.",
            "--",
            "-- How it works: each outbox-mode trigger inserts its event into the outbox table inside the writer's",
            "-- transaction and sends an empty NOTIFY on the channel. A ROLLBACK removes both, so only committed",
            "-- events are ever visible. The relay (dblambda relay) claims pending rows with FOR UPDATE SKIP LOCKED,",
            "-- invokes the function and marks them delivered; failures are retried with backoff and, after the",
            "-- last attempt, moved to the dead letter. Delivery is at least once: consumers de-duplicate on the",
            "-- envelope \"id\" (the outbox's event_id).",
            "",
            "BEGIN;",
            "",
            "-- 1. The schema. Only its owner (the role running this script) and the relay role get into it:",
            "-- writers need no grant, the triggers run as SECURITY DEFINER functions owned by the installer.",
            "CREATE SCHEMA IF NOT EXISTS \(schema);",
            "",
            "-- 2. The outbox: one row per event, written by the triggers in the writer's transaction.",
            "CREATE TABLE IF NOT EXISTS \(outbox) (",
            "    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- claim order, per-key order",
            "    event_id        uuid        NOT NULL, -- = envelope \"id\" (consumers de-duplicate on it)",
            "    partition_key   text        NOT NULL, -- 'schema.table:' || JSON array of primary-key values",
            "    envelope        jsonb       NOT NULL, -- the event envelope v1, exactly what direct mode sends",
            "    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),",
            "    attempts        integer     NOT NULL DEFAULT 0,",
            "    next_attempt_at timestamptz NOT NULL DEFAULT now(), -- the relay compares with clock_timestamp()",
            "    last_error      text,",
            "    delivered_at    timestamptz -- NULL = pending",
            ");",
            "",
            "-- 3. Indexes. All three are partial, so each stays as small as the rows it serves.",
            "-- The claim query: WHERE delivered_at IS NULL AND next_attempt_at <= clock_timestamp() ORDER BY id",
            "-- LIMIT n FOR UPDATE SKIP LOCKED reads pending rows in id order.",
            "CREATE INDEX IF NOT EXISTS \"outbox_pending\" ON \(outbox) (id) WHERE delivered_at IS NULL;",
            "-- Per-key ordering: is an earlier event with the same partition key still pending?",
            "CREATE INDEX IF NOT EXISTS \"outbox_pending_key\" ON \(outbox) (partition_key, id) "
                + "WHERE delivered_at IS NULL;",
            "-- Cleanup: delivered rows older than the retention.",
            "CREATE INDEX IF NOT EXISTS \"outbox_delivered\" ON \(outbox) (delivered_at) "
                + "WHERE delivered_at IS NOT NULL;",
            "",
            "-- 4. The dead letter: events the relay gave up on (too many failed attempts, or an event that can",
            "-- never be delivered), with their last error. `dblambda outbox replay` moves them back to the outbox.",
            "CREATE TABLE IF NOT EXISTS \(deadLetter) (",
            "    id            bigint      PRIMARY KEY, -- the event's outbox id",
            "    event_id      uuid        NOT NULL,",
            "    partition_key text        NOT NULL,",
            "    envelope      jsonb       NOT NULL,",
            "    created_at    timestamptz NOT NULL,",
            "    attempts      integer     NOT NULL,",
            "    last_error    text,",
            "    dead_at       timestamptz NOT NULL DEFAULT clock_timestamp()",
            ");",
            "",
            "-- 5. Retention: deletes delivered rows older than `retention`, at most `batch_size` per call (so one",
            "-- call never holds many locks for long), and returns how many it deleted. Pending rows are never",
            // The schema name goes through SQLComment.line: a line break in it must not end the comment.
            SQLComment.line("touched. Call it until it returns less than batch_size, e.g. SELECT \(cleanup)('1 day');"),
            "CREATE OR REPLACE FUNCTION \(cleanup)(retention interval, batch_size integer DEFAULT 10000)",
            "RETURNS bigint",
            "LANGUAGE plpgsql",
            "SET search_path = pg_catalog, pg_temp",
        ]
        let body = cleanupBody(outbox: outbox)
        let tag = DollarTag.choose(avoiding: body)
        lines += ["AS \(tag)", body, "\(tag);", ""]
        lines += [
            "-- Only the owner and the relay role may run it (it deletes with the caller's own privileges).",
            "REVOKE ALL ON FUNCTION \(cleanup)(interval, integer) FROM PUBLIC;",
            "",
            "-- 6. Grants for the relay's role: claim, mark delivered or retried, delete (retention zero), move to",
            "-- and from the dead letter, clean up. It needs nothing else; writers need nothing at all.",
        ]
        let grants = [
            "GRANT USAGE ON SCHEMA \(schema) TO %@;",
            "GRANT SELECT, UPDATE, DELETE ON TABLE \(outbox) TO %@;",
            "GRANT SELECT, INSERT, DELETE ON TABLE \(deadLetter) TO %@;",
            "GRANT EXECUTE ON FUNCTION \(cleanup)(interval, integer) TO %@;",
        ]
        if let relayRole {
            let role = OutboxNames.quote(relayRole)
            lines += grants.map { $0.replacing("%@", with: role) }
        } else {
            lines.append("-- No relay role was given; for a role named dblambda_relay run:")
            lines += grants.map { SQLComment.line($0.replacing("%@", with: "dblambda_relay")) }
        }
        lines += ["", "COMMIT;", ""]
        return lines.joined(separator: "\n")
    }

    private func cleanupBody(outbox: String) -> String {
        [
            "DECLARE",
            "    deleted bigint;",
            "BEGIN",
            "    IF retention IS NULL OR retention < interval '0' THEN",
            "        RAISE EXCEPTION 'dblambda: cleanup retention must be zero or positive, got %', retention;",
            "    END IF;",
            "    IF batch_size IS NULL OR batch_size < 1 THEN",
            "        RAISE EXCEPTION 'dblambda: cleanup batch_size must be at least 1, got %', batch_size;",
            "    END IF;",
            "    -- Oldest first through outbox_delivered; rows another session holds are skipped, not waited for.",
            "    DELETE FROM \(outbox) AS o",
            "    WHERE o.id IN (",
            "        SELECT d.id FROM \(outbox) AS d",
            "        WHERE d.delivered_at IS NOT NULL AND d.delivered_at < clock_timestamp() - retention",
            "        ORDER BY d.delivered_at",
            "        LIMIT batch_size",
            "        FOR UPDATE SKIP LOCKED);",
            "    GET DIAGNOSTICS deleted = ROW_COUNT;",
            "    RETURN deleted;",
            "END;",
        ].joined(separator: "\n")
    }
}
