-- DatabaseLambda: change events from a PostgreSQL table to AWS Lambda through an outbox
-- (PostgreSQL 13 or later: RDS, Aurora or self-managed; no extension; envelope version 1)
-- table:      public.orders
-- function:   arn:aws:lambda:us-east-1:123456789012:function:orders (invoked by the relay)
-- operations: insert, update
-- outbox:     events.outbox, channel orders_outbox
-- columns:    id, select, status
--
-- Run it with: psql -v ON_ERROR_STOP=1 -f this-file.sql, after the outbox schema script
-- (dblambda sql outbox-schema). It is idempotent: running it again replaces the trigger function and
-- the triggers.
--
-- Delivery: the trigger does not call Lambda. It stores the event in the outbox inside the writer's
-- own transaction and sends an empty NOTIFY, so only committed changes are ever delivered: a ROLLBACK
-- removes the event together with the change. The relay (dblambda relay) delivers the committed events
-- at least once, retrying failures, so consumers de-duplicate on the event "id". The invocation
-- type and the retry policy are the relay's settings; an error here (say, a missing outbox) fails the
-- writer's statement.
--
-- gen_random_uuid() is built in from PostgreSQL 13; on older versions run CREATE EXTENSION pgcrypto.

BEGIN;

-- 1. The outbox must exist (no extension is needed in outbox mode).
DO $dblambda$
BEGIN
    IF pg_catalog.to_regclass('"events"."outbox"') IS NULL THEN
        RAISE EXCEPTION 'dblambda: the outbox table % does not exist',
            '"events"."outbox"'
            USING HINT = 'Run the script of dblambda sql outbox-schema first.';
    END IF;
END
$dblambda$;

-- 2. No grants: the trigger function is SECURITY DEFINER, so it writes to the outbox with the
-- privileges of its owner (the role running this script, which must be able to insert into the
-- outbox). Writers to the table need no privilege on the outbox, and cannot read it.

-- Every named column must exist (a typo would silently drop it from the events).
DO $dblambda$
DECLARE
    missing text;
BEGIN
    SELECT string_agg(pg_catalog.quote_ident(c.name), ', ' ORDER BY c.ordinality) INTO missing
    FROM unnest(ARRAY['id', 'select', 'status']::text[]) WITH ORDINALITY AS c(name, ordinality)
    WHERE NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_attribute AS a
        WHERE a.attrelid = '"public"."orders"'::regclass
          AND a.attnum > 0 AND NOT a.attisdropped AND a.attname::text = c.name);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'dblambda: table % has no column %', '"public"."orders"', missing;
    END IF;
END
$dblambda$;

-- 3. The trigger function: builds the envelope and stores it in the outbox. search_path is pinned,
-- as a SECURITY DEFINER function needs, so no object of the writer's can take its place.
CREATE OR REPLACE FUNCTION "public"."dblambda_orders"() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $dblambda$
DECLARE
    dbl_old jsonb;
    dbl_new jsonb;
    dbl_changed jsonb := '[]'::jsonb;
    dbl_payload jsonb;
    dbl_key text;
    dbl_key_row jsonb;
    dbl_key_values jsonb;
    dbl_index integer;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        dbl_old := (SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb) FROM jsonb_each(to_jsonb(OLD)) AS e WHERE e.key = ANY (ARRAY['id', 'select', 'status']::text[]));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        dbl_new := (SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb) FROM jsonb_each(to_jsonb(NEW)) AS e WHERE e.key = ANY (ARRAY['id', 'select', 'status']::text[]));
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- The selected columns whose JSON text differs, in table order; none means nothing to send.
        SELECT coalesce(jsonb_agg(a.attname::text ORDER BY a.attnum), '[]'::jsonb) INTO dbl_changed
        FROM pg_catalog.pg_attribute AS a
        WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped
          AND (dbl_old -> a.attname::text)::text IS DISTINCT FROM (dbl_new -> a.attname::text)::text;
        IF dbl_changed = '[]'::jsonb THEN
            RETURN NULL;
        END IF;
    END IF;
    dbl_payload := jsonb_build_object(
        'dblambda', 1,
        'id', gen_random_uuid()::text,
        'operation', lower(TG_OP),
        'source', jsonb_build_object(
            'engine', 'postgresql',
            'database', current_database(),
            'schema', TG_TABLE_SCHEMA,
            'table', TG_TABLE_NAME),
        'transactionId', txid_current()::text,
        'timestamp', to_jsonb(clock_timestamp()),
        'old', dbl_old,
        'new', dbl_new,
        'changedColumns', dbl_changed);
    -- The partition key: schema.table, and for a row of a table with a primary key ':' and the JSON
    -- array of its primary-key values (NEW for insert and update, OLD for delete). The trigger
    -- arguments are the primary-key columns, looked up when the setup script ran.
    dbl_key := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
    IF TG_LEVEL = 'ROW' AND TG_NARGS > 0 THEN
        dbl_key_row := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
        dbl_key_values := '[]'::jsonb;
        FOR dbl_index IN 0 .. TG_NARGS - 1 LOOP
            dbl_key_values := dbl_key_values || jsonb_build_array(dbl_key_row -> TG_ARGV[dbl_index]);
        END LOOP;
        dbl_key := dbl_key || ':' || dbl_key_values::text;
    END IF;
    -- Stored in the writer's transaction: the relay sees it only after COMMIT, and a ROLLBACK
    -- removes it (committed-only delivery). The relay delivers it at least once.
    INSERT INTO "events"."outbox" (event_id, partition_key, envelope)
    VALUES ((dbl_payload ->> 'id')::uuid, dbl_key, dbl_payload);
    -- Wakes the relay. PostgreSQL sends it at COMMIT only and merges repeats within a transaction;
    -- it never carries the event (NOTIFY payloads are limited to 8000 bytes).
    PERFORM pg_notify('orders_outbox', '');
    RETURN NULL;
END;
$dblambda$;
REVOKE ALL ON FUNCTION "public"."dblambda_orders"() FROM PUBLIC;

-- 4. The triggers (AFTER, so only rows that were really written are stored). The primary-key columns
-- are looked up now and passed to the row triggers as arguments, so the partition key costs no
-- catalog lookup per row: run this script again after changing the table's primary key.
DROP TRIGGER IF EXISTS "dblambda_insert" ON "public"."orders";
DROP TRIGGER IF EXISTS "dblambda_update" ON "public"."orders";
DROP TRIGGER IF EXISTS "dblambda_delete" ON "public"."orders";
DROP TRIGGER IF EXISTS "dblambda_truncate" ON "public"."orders";
DO $dblambda$
DECLARE
    dbl_key_columns text;
BEGIN
    -- The primary-key column names in key order as string literals; '' without a primary key.
    SELECT coalesce(string_agg(pg_catalog.quote_literal(a.attname::text), ', ' ORDER BY k.ord), '')
    INTO dbl_key_columns
    FROM pg_catalog.pg_index AS i
    CROSS JOIN LATERAL pg_catalog.unnest(i.indkey::pg_catalog.int2[])
        WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_catalog.pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = '"public"."orders"'::pg_catalog.regclass AND i.indisprimary;
    EXECUTE 'CREATE TRIGGER "dblambda_insert" AFTER INSERT ON "public"."orders" FOR EACH ROW WHEN (NEW.status <> ''draft'') EXECUTE FUNCTION "public"."dblambda_orders"(' || dbl_key_columns || ')';
    EXECUTE 'CREATE TRIGGER "dblambda_update" AFTER UPDATE ON "public"."orders" FOR EACH ROW WHEN (NEW.status <> ''draft'') EXECUTE FUNCTION "public"."dblambda_orders"(' || dbl_key_columns || ')';
END
$dblambda$;

COMMIT;
