-- DatabaseLambda: change events from a PostgreSQL table to AWS Lambda
-- (RDS for PostgreSQL / Aurora PostgreSQL, aws_lambda extension; envelope version 1)
-- table:      public.orders
-- function:   arn:aws:lambda:us-east-1:123456789012:function:orders
-- operations: insert, update
-- invocation: RequestResponse, on error: warn
-- columns:    id, select, status
--
-- Run it with: psql -v ON_ERROR_STOP=1 -f this-file.sql. It is idempotent: running it again replaces
-- the trigger function and the triggers.
--
-- The invoke is an HTTPS call made while the statement runs. A later ROLLBACK cannot undo it: with
-- Event the function may already have run. Lambda may also deliver an Event more than once, so
-- consumers de-duplicate on the event "id". For committed-only delivery use an outbox instead.
--
-- aws_lambda.request_timeout_ms (default 3000) and aws_lambda.connect_timeout_ms (default 1000) bound
-- how long each invoke may wait; a RequestResponse function that runs longer fails the statement
-- unless you raise them, e.g. ALTER ROLE app SET aws_lambda.request_timeout_ms = 10000;
-- statement_timeout still applies on top.
--
-- gen_random_uuid() is built in from PostgreSQL 13; on older versions run CREATE EXTENSION pgcrypto.

BEGIN;

-- 1. The extension (needs rds_superuser). CASCADE also installs aws_commons.
CREATE EXTENSION IF NOT EXISTS aws_lambda CASCADE;

-- 2. Grants. The trigger function runs with the privileges of the role that writes to the table,
-- so that role needs these (a superuser or rds_superuser needs none).
GRANT USAGE ON SCHEMA aws_lambda TO "app writer";
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA aws_lambda TO "app writer";
GRANT USAGE ON SCHEMA aws_commons TO "app writer";
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA aws_commons TO "app writer";

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

-- 3. The trigger function: builds the envelope and invokes the function.
CREATE OR REPLACE FUNCTION "public"."dblambda_orders"() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $dblambda$
DECLARE
    dbl_old jsonb;
    dbl_new jsonb;
    dbl_changed jsonb := '[]'::jsonb;
    dbl_payload jsonb;
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
    -- An invoke error becomes a WARNING and the write goes on (error policy warn).
    BEGIN
        PERFORM aws_lambda.invoke(
            aws_commons.create_lambda_function_arn('arn:aws:lambda:us-east-1:123456789012:function:orders', 'us-east-1'),
            dbl_payload,
            invocation_type => 'RequestResponse');
    EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'dblambda: invoking % for %.% failed: % (SQLSTATE %)',
            'arn:aws:lambda:us-east-1:123456789012:function:orders', TG_TABLE_SCHEMA, TG_TABLE_NAME, SQLERRM, SQLSTATE;
    END;
    RETURN NULL;
END;
$dblambda$;

-- 4. The triggers (AFTER, so only rows that were really written are sent).
DROP TRIGGER IF EXISTS "dblambda_insert" ON "public"."orders";
DROP TRIGGER IF EXISTS "dblambda_update" ON "public"."orders";
DROP TRIGGER IF EXISTS "dblambda_delete" ON "public"."orders";
DROP TRIGGER IF EXISTS "dblambda_truncate" ON "public"."orders";
CREATE TRIGGER "dblambda_insert" AFTER INSERT ON "public"."orders" FOR EACH ROW WHEN (NEW.status <> 'draft') EXECUTE FUNCTION "public"."dblambda_orders"();
CREATE TRIGGER "dblambda_update" AFTER UPDATE ON "public"."orders" FOR EACH ROW WHEN (NEW.status <> 'draft') EXECUTE FUNCTION "public"."dblambda_orders"();

COMMIT;
