-- DatabaseLambda: the outbox for committed-only delivery to AWS Lambda (PostgreSQL 13 or later,
-- RDS, Aurora or self-managed; no extension needed)
-- schema:     events"x
-- channel:    Wake Up
-- relay role: dblambda_relay
--
-- Run it with: psql -v ON_ERROR_STOP=1 -f this-file.sql, before the outbox-mode triggers
-- (dblambda sql postgres --delivery outbox). It is idempotent: it creates what is missing, replaces
-- the cleanup function and never drops or changes data, so running it again is harmless.
--
-- How it works: each outbox-mode trigger inserts its event into the outbox table inside the writer's
-- transaction and sends an empty NOTIFY on the channel. A ROLLBACK removes both, so only committed
-- events are ever visible. The relay (dblambda relay) claims pending rows with FOR UPDATE SKIP LOCKED,
-- invokes the function and marks them delivered; failures are retried with backoff and, after the
-- last attempt, moved to the dead letter. Delivery is at least once: consumers de-duplicate on the
-- envelope "id" (the outbox's event_id).

BEGIN;

-- 1. The schema. Only its owner (the role running this script) and the relay role get into it:
-- writers need no grant, the triggers run as SECURITY DEFINER functions owned by the installer.
CREATE SCHEMA IF NOT EXISTS "events""x";

-- 2. The outbox: one row per event, written by the triggers in the writer's transaction.
CREATE TABLE IF NOT EXISTS "events""x"."outbox" (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- claim order, per-key order
    event_id        uuid        NOT NULL, -- = envelope "id" (consumers de-duplicate on it)
    partition_key   text        NOT NULL, -- 'schema.table:' || JSON array of primary-key values
    envelope        jsonb       NOT NULL, -- the event envelope v1, exactly what direct mode sends
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(), -- the relay compares with clock_timestamp()
    last_error      text,
    delivered_at    timestamptz -- NULL = pending
);

-- 3. Indexes. All three are partial, so each stays as small as the rows it serves.
-- The claim query: WHERE delivered_at IS NULL AND next_attempt_at <= clock_timestamp() ORDER BY id
-- LIMIT n FOR UPDATE SKIP LOCKED reads pending rows in id order.
CREATE INDEX IF NOT EXISTS "outbox_pending" ON "events""x"."outbox" (id) WHERE delivered_at IS NULL;
-- Per-key ordering: is an earlier event with the same partition key still pending?
CREATE INDEX IF NOT EXISTS "outbox_pending_key" ON "events""x"."outbox" (partition_key, id) WHERE delivered_at IS NULL;
-- Cleanup: delivered rows older than the retention.
CREATE INDEX IF NOT EXISTS "outbox_delivered" ON "events""x"."outbox" (delivered_at) WHERE delivered_at IS NOT NULL;

-- 4. The dead letter: events the relay gave up on (too many failed attempts, or an event that can
-- never be delivered), with their last error. `dblambda outbox replay` moves them back to the outbox.
CREATE TABLE IF NOT EXISTS "events""x"."dead_letter" (
    id            bigint      PRIMARY KEY, -- the event's outbox id
    event_id      uuid        NOT NULL,
    partition_key text        NOT NULL,
    envelope      jsonb       NOT NULL,
    created_at    timestamptz NOT NULL,
    attempts      integer     NOT NULL,
    last_error    text,
    dead_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- 5. Retention: deletes delivered rows older than `retention`, at most `batch_size` per call (so one
-- call never holds many locks for long), and returns how many it deleted. Pending rows are never
-- touched. Call it until it returns less than batch_size, e.g. SELECT "events""x"."cleanup"('1 day');
CREATE OR REPLACE FUNCTION "events""x"."cleanup"(retention interval, batch_size integer DEFAULT 10000)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $dblambda$
DECLARE
    deleted bigint;
BEGIN
    IF retention IS NULL OR retention < interval '0' THEN
        RAISE EXCEPTION 'dblambda: cleanup retention must be zero or positive, got %', retention;
    END IF;
    IF batch_size IS NULL OR batch_size < 1 THEN
        RAISE EXCEPTION 'dblambda: cleanup batch_size must be at least 1, got %', batch_size;
    END IF;
    -- Oldest first through outbox_delivered; rows another session holds are skipped, not waited for.
    DELETE FROM "events""x"."outbox" AS o
    WHERE o.id IN (
        SELECT d.id FROM "events""x"."outbox" AS d
        WHERE d.delivered_at IS NOT NULL AND d.delivered_at < clock_timestamp() - retention
        ORDER BY d.delivered_at
        LIMIT batch_size
        FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END;
$dblambda$;

-- Only the owner and the relay role may run it (it deletes with the caller's own privileges).
REVOKE ALL ON FUNCTION "events""x"."cleanup"(interval, integer) FROM PUBLIC;

-- 6. Grants for the relay's role: claim, mark delivered or retried, delete (retention zero), move to
-- and from the dead letter, clean up. It needs nothing else; writers need nothing at all.
GRANT USAGE ON SCHEMA "events""x" TO "dblambda_relay";
GRANT SELECT, UPDATE, DELETE ON TABLE "events""x"."outbox" TO "dblambda_relay";
GRANT SELECT, INSERT, DELETE ON TABLE "events""x"."dead_letter" TO "dblambda_relay";
GRANT EXECUTE ON FUNCTION "events""x"."cleanup"(interval, integer) TO "dblambda_relay";

COMMIT;
