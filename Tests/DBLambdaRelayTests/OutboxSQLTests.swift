import DatabaseLambda
import Testing

@testable import DBLambdaRelay

@Suite("OutboxSQL: the relay's statements")
struct OutboxSQLTests {
    static let names: OutboxNames = {
        var names = OutboxNames.standard
        names.schema = #"Events "Q""#
        names.channel = "events_wake"
        return names
    }()

    @Test("the claim is one statement over the configured outbox: due, pending, in id order, FOR UPDATE SKIP LOCKED")
    func claim() {
        let sql = OutboxSQL(names: Self.names, ordering: .none, deleteDelivered: false)
        let outbox = #""Events ""Q"""."outbox""#
        #expect(
            sql.claimSQL
                == "SELECT o.id, o.event_id::text, o.partition_key, o.envelope::text, o.attempts, o.created_at FROM "
                + outbox + " AS o WHERE o.delivered_at IS NULL AND o.next_attempt_at <= clock_timestamp() "
                + "ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED"
        )
        #expect(!sql.claimSQL.contains("dblambda"))
        #expect(sql.claimQuery(limit: 100).boundValueCount == 1)
    }

    @Test("ordering adds the earlier-waiting-event check and a per-outbox, per-key advisory lock")
    func orderedClaim() {
        let sql = OutboxSQL(names: Self.names, ordering: .partitionKey, deleteDelivered: false)
        #expect(
            sql.claimSQL.contains(
                "AND NOT EXISTS (SELECT 1 FROM \"Events \"\"Q\"\"\".\"outbox\" AS e WHERE e.partition_key = "
                    + "o.partition_key AND e.id < o.id AND e.delivered_at IS NULL AND e.next_attempt_at > "
                    + "clock_timestamp())"
            )
        )
        #expect(sql.claimSQL.contains("AND pg_try_advisory_xact_lock(hashtext($2), hashtext(o.partition_key))"))
        #expect(sql.claimSQL.hasSuffix("ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED"))
        #expect(sql.claimQuery(limit: 5).boundValueCount == 2)
    }

    @Test("marks: one statement whatever the mix, parameters numbered in order, nothing when there is nothing")
    func marks() throws {
        let sql = OutboxSQL(names: .standard, ordering: .none, deleteDelivered: false)
        #expect(sql.markSQL(delivered: false, retries: false, dead: false) == nil)
        #expect(sql.markQuery(BatchMarks()) == nil)
        #expect(
            sql.markSQL(delivered: true, retries: false, dead: false)
                == #"UPDATE "dblambda"."outbox" SET delivered_at = clock_timestamp(), attempts = attempts + 1, "#
                + "last_error = NULL WHERE id = ANY($1::int8[])"
        )
        let retries = try #require(sql.markSQL(delivered: false, retries: true, dead: false))
        #expect(retries.hasPrefix(#"UPDATE "dblambda"."outbox" AS o SET attempts = o.attempts + 1"#))
        #expect(retries.contains("unnest($1::int8[], $2::text[], $3::int8[])"))
        let all = try #require(sql.markSQL(delivered: true, retries: true, dead: true))
        #expect(all.hasPrefix("WITH delivered AS (UPDATE "))
        #expect(all.contains("retried AS (UPDATE \"dblambda\".\"outbox\" AS o"))
        #expect(all.contains("unnest($2::int8[], $3::text[], $4::int8[])"))
        #expect(
            all.contains(
                "moved AS (DELETE FROM \"dblambda\".\"outbox\" AS o USING unnest($5::int8[], $6::text[], $7::int4[])"
            )
        )
        #expect(all.contains(#"INSERT INTO "dblambda"."dead_letter" (id, event_id, partition_key, envelope"#))
        let marks = BatchMarks(
            delivered: [1, 2],
            retries: [BatchMarks.Retry(id: 3, error: "boom", delayMilliseconds: 500)],
            dead: [BatchMarks.Dead(id: 4, error: "poison", attempted: false)]
        )
        #expect(try #require(sql.markQuery(marks)).boundValueCount == 7)
    }

    @Test("retention zero deletes delivered events instead of marking them")
    func deleteDelivered() {
        let sql = OutboxSQL(names: .standard, ordering: .none, deleteDelivered: true)
        #expect(
            sql.markSQL(delivered: true, retries: false, dead: false)
                == #"DELETE FROM "dblambda"."outbox" WHERE id = ANY($1::int8[])"#
        )
    }

    @Test("cleanup calls the schema's cleanup function with the retention in milliseconds and the batch size")
    func cleanup() {
        let sql = OutboxSQL(names: Self.names, ordering: .none, deleteDelivered: false)
        let query = sql.cleanupQuery(retention: .seconds(90), limit: 10_000)
        #expect(query.text == #"SELECT "Events ""Q"""."cleanup"($1::int8 * interval '1 millisecond', $2::int4)"#)
        #expect(query.boundValueCount == 2)
        #expect(OutboxSQL.milliseconds(.milliseconds(1500)) == 1500)
    }
}

@Suite("RetrySchedule: exponential backoff with full jitter")
struct RetryScheduleTests {
    @Test("the ceiling doubles from the base and stops at the maximum")
    func ceiling() {
        let schedule = RetrySchedule(base: .seconds(1), maximum: .seconds(300))
        let ceilings = (1...12).map { schedule.ceiling(attempt: $0) }
        #expect(
            ceilings == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300].map { Duration.seconds($0) }
        )
        #expect(schedule.ceiling(attempt: 10_000) == .seconds(300))
        #expect(schedule.ceiling(attempt: 0) == .seconds(1))
    }

    @Test("each delay is a random fraction of the ceiling: zero at 0, the ceiling's half at 0.5, below it at 0.999")
    func jitter() {
        for (fraction, expected) in [(0.0, Duration.zero), (0.5, .seconds(2)), (0.999, .milliseconds(3996))] {
            let schedule = RetrySchedule(base: .seconds(1), maximum: .seconds(300), random: { fraction })
            #expect(schedule.delay(attempt: 3) == expected)
        }
        let schedule = RetrySchedule(base: .milliseconds(250), maximum: .seconds(5))
        for attempt in 1...20 {
            let delay = schedule.delay(attempt: attempt)
            #expect(delay >= .zero && delay <= schedule.ceiling(attempt: attempt))
        }
    }
}
