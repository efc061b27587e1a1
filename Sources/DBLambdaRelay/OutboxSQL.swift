import DBLambdaSQL
import PostgresNIO

/// The relay's statements for one outbox, built once from the (validated, quoted) names; values are always bound.
struct OutboxSQL: Sendable {
    let names: OutboxNames
    let ordering: RelayConfiguration.Ordering
    /// Retention zero: delivered events are deleted instead of marked.
    let deleteDelivered: Bool

    let claimSQL: String

    init(names: OutboxNames, ordering: RelayConfiguration.Ordering, deleteDelivered: Bool) {
        self.names = names
        self.ordering = ordering
        self.deleteDelivered = deleteDelivered
        let outbox = names.qualifiedOutbox
        var sql =
            "SELECT o.id, o.event_id::text, o.partition_key, o.envelope::text, o.attempts, o.created_at "
            + "FROM \(outbox) AS o WHERE o.delivered_at IS NULL AND o.next_attempt_at <= clock_timestamp()"
        if ordering == .partitionKey {
            // An event waits while an earlier event of its key waits for a retry; the advisory lock (per outbox and
            // key, held until COMMIT) keeps two workers from delivering one key at the same time.
            sql +=
                " AND NOT EXISTS (SELECT 1 FROM \(outbox) AS e WHERE e.partition_key = o.partition_key"
                + " AND e.id < o.id AND e.delivered_at IS NULL AND e.next_attempt_at > clock_timestamp())"
                + " AND pg_try_advisory_xact_lock(hashtext($2), hashtext(o.partition_key))"
        }
        sql += " ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED"
        self.claimSQL = sql
    }

    /// The advisory-lock class of this outbox (hashed in SQL): its quoted, qualified name.
    var lockClass: String { names.qualifiedOutbox }

    func claimQuery(limit: Int) -> PostgresQuery {
        var binds = PostgresBindings(capacity: 2)
        binds.append(Int64(limit))
        if ordering == .partitionKey { binds.append(lockClass) }
        return PostgresQuery(unsafeSQL: claimSQL, binds: binds)
    }

    /// Per-key ordering's second look (run with the claim's advisory locks held, in a new snapshot): for each
    /// claimed key, the first undelivered event of that key the claim did not return (one still waiting for its
    /// retry, or skipped). Claimed events of the key after it must wait.
    func firstGapsQuery(keys: [String], claimedIDs: [Int64]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: 2)
        binds.append(keys)
        binds.append(claimedIDs)
        return PostgresQuery(
            unsafeSQL: "SELECT e.partition_key, min(e.id) FROM \(names.qualifiedOutbox) AS e "
                + "WHERE e.partition_key = ANY($1::text[]) AND e.delivered_at IS NULL AND e.id <> ALL($2::int8[]) "
                + "GROUP BY e.partition_key",
            binds: binds
        )
    }

    /// The statement that writes a batch's outcome (`nil` when there is nothing to write). One statement whatever
    /// the mix: data-modifying CTEs when more than one kind of mark is present.
    func markQuery(_ marks: BatchMarks) -> PostgresQuery? {
        guard
            let sql = markSQL(
                delivered: !marks.delivered.isEmpty,
                retries: !marks.retries.isEmpty,
                dead: !marks.dead.isEmpty
            )
        else { return nil }
        var binds = PostgresBindings(capacity: 8)
        if !marks.delivered.isEmpty { binds.append(marks.delivered) }
        if !marks.retries.isEmpty {
            binds.append(marks.retries.map(\.id))
            binds.append(marks.retries.map(\.error))
            binds.append(marks.retries.map(\.delayMilliseconds))
        }
        if !marks.dead.isEmpty {
            binds.append(marks.dead.map(\.id))
            binds.append(marks.dead.map(\.error))
            binds.append(marks.dead.map { Int32($0.attempted ? 1 : 0) })
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// The SQL of ``markQuery(_:)`` for a mix of marks; parameters are numbered in the order delivered (1),
    /// retries (3), dead (3).
    func markSQL(delivered: Bool, retries: Bool, dead: Bool) -> String? {
        let outbox = names.qualifiedOutbox
        var parameter = 0
        func next() -> String {
            parameter += 1
            return "$\(parameter)"
        }
        var statements: [(name: String, sql: String)] = []
        if delivered {
            let ids = next()
            statements.append(
                (
                    "delivered",
                    deleteDelivered
                        ? "DELETE FROM \(outbox) WHERE id = ANY(\(ids)::int8[])"
                        : "UPDATE \(outbox) SET delivered_at = clock_timestamp(), attempts = attempts + 1, "
                            + "last_error = NULL WHERE id = ANY(\(ids)::int8[])"
                )
            )
        }
        if retries {
            let (ids, errors, delays) = (next(), next(), next())
            statements.append(
                (
                    "retried",
                    "UPDATE \(outbox) AS o SET attempts = o.attempts + 1, last_error = r.error, "
                        + "next_attempt_at = clock_timestamp() + r.delay_ms * interval '1 millisecond' "
                        + "FROM unnest(\(ids)::int8[], \(errors)::text[], \(delays)::int8[]) AS r(id, error, delay_ms) "
                        + "WHERE o.id = r.id"
                )
            )
        }
        if dead {
            let (ids, errors, attempted) = (next(), next(), next())
            statements.append(
                (
                    "moved",
                    "DELETE FROM \(outbox) AS o USING unnest(\(ids)::int8[], \(errors)::text[], \(attempted)::int4[]) "
                        + "AS d(id, error, attempted) WHERE o.id = d.id RETURNING o.id, o.event_id, o.partition_key, "
                        + "o.envelope, o.created_at, o.attempts + d.attempted AS attempts, d.error"
                )
            )
        }
        guard !statements.isEmpty else { return nil }
        var ctes = statements
        let primary: String
        if dead {
            primary =
                "INSERT INTO \(names.qualifiedDeadLetter) (id, event_id, partition_key, envelope, created_at, attempts, "
                + "last_error) SELECT id, event_id, partition_key, envelope, created_at, attempts, error FROM moved "
                + "ON CONFLICT (id) DO UPDATE SET attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error, "
                + "dead_at = clock_timestamp()"
        } else {
            primary = ctes.removeLast().sql
        }
        guard !ctes.isEmpty else { return primary }
        return "WITH " + ctes.map { "\($0.name) AS (\($0.sql))" }.joined(separator: ", ") + " " + primary
    }

    func cleanupQuery(retention: Duration, limit: Int) -> PostgresQuery {
        var binds = PostgresBindings(capacity: 2)
        binds.append(Self.milliseconds(retention))
        binds.append(Int32(clamping: limit))
        return PostgresQuery(
            unsafeSQL: "SELECT \(names.qualifiedCleanup)($1::int8 * interval '1 millisecond', $2::int4)",
            binds: binds
        )
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension PostgresQuery {
    /// The number of bound values (for the relay's tests).
    var boundValueCount: Int { binds.count }
    /// The SQL text (for the relay's tests).
    var text: String { sql }
}
