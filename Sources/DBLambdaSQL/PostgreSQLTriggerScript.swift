import DBLambdaCore

/// The setup SQL for one table on RDS for PostgreSQL or Aurora PostgreSQL: the `aws_lambda` extension, the
/// grants, a PL/pgSQL trigger function that builds the package's event envelope (version 1) and calls
/// `aws_lambda.invoke`, and the triggers.
///
/// ```swift
/// let script = try PostgreSQLTriggerScript(
///     TriggerConfiguration(
///         function: try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:123456789012:function:orders"),
///         table: try TableName(parsing: "public.orders"),
///         grantTo: "app"
///     )
/// )
/// print(script.render())   // run it with psql -f
/// ```
///
/// The script runs in one transaction and is idempotent: running it again replaces the function and the
/// triggers (and drops the triggers of operations no longer selected). Row objects are `to_jsonb(OLD/NEW)`
/// reduced to the selected columns; an `UPDATE` that changes none of them sends nothing.
public struct PostgreSQLTriggerScript: Sendable, Hashable {
    /// The validated configuration.
    public let configuration: TriggerConfiguration
    /// The operations the triggers fire on (default: insert, update, delete, truncate).
    public let operations: [TriggerOperation]
    /// The raw name of the trigger function, created in the table's schema.
    public let functionName: String

    /// Validates `configuration` for PostgreSQL.
    ///
    /// - Throws: ``SQLError`` for a name (including the outbox schema and channel) that is empty, has a NUL byte
    ///   or is longer than 63 bytes, an empty operation list, a column list with an empty or repeated name, or a
    ///   condition with a NUL byte.
    public init(_ configuration: TriggerConfiguration) throws(SQLError) {
        try PostgreSQLQuoting.validateIdentifier(configuration.table.schema)
        try PostgreSQLQuoting.validateIdentifier(configuration.table.table)
        let operations = configuration.operations ?? TriggerOperation.allCases
        guard !operations.isEmpty else {
            throw SQLError(code: .invalidOperation, message: "no operation selected")
        }
        switch configuration.columns {
        case .all: break
        case .only(let names), .excluding(let names):
            guard !names.isEmpty else {
                throw SQLError(code: .invalidColumns, message: "empty column list")
            }
            guard Set(names).count == names.count else {
                throw SQLError(code: .invalidColumns, message: "a column name repeats in the column list")
            }
            for name in names { try PostgreSQLQuoting.validateIdentifier(name) }
        }
        if let grantee = configuration.grantTo {
            do {
                try PostgreSQLQuoting.validateIdentifier(grantee)
            } catch {
                throw SQLError(code: .invalidGrantee, message: "--grant-to: \(error.message)")
            }
        }
        if let condition = configuration.condition {
            guard !condition.utf8.contains(0), !condition.allSatisfy(\.isWhitespace) else {
                throw SQLError(code: .invalidOption, message: "the WHEN condition is empty or contains a NUL byte")
            }
        }
        if case .outbox(let names) = configuration.delivery {
            try names.validate()
        }
        self.configuration = configuration
        self.operations = operations
        self.functionName = GeneratedNames.fitting(
            prefix: "dblambda_",
            middle: configuration.table.table,
            suffix: "",
            hashInput: configuration.table.description,
            limit: PostgreSQLQuoting.maximumIdentifierBytes,
            length: { $0.utf8.count }
        )
    }

    /// The raw name of the trigger for `operation` (unique per table, as PostgreSQL requires).
    public static func triggerName(for operation: TriggerOperation) -> String {
        "dblambda_" + operation.rawValue
    }

    /// The complete script, ready for `psql -v ON_ERROR_STOP=1 -f`.
    public func render() -> String {
        // Every name was validated in `init`, so quoting cannot fail here; `Quoted` keeps it total.
        let q = Quoted()
        switch configuration.delivery {
        case .direct: return renderDirect(q: q)
        case .outbox(let names): return renderOutbox(names, q: q)
        }
    }

    private func renderDirect(q: Quoted) -> String {
        let table = configuration.table
        let qualifiedTable = q.identifier(table.schema) + "." + q.identifier(table.table)
        let qualifiedFunction = q.identifier(table.schema) + "." + q.identifier(functionName)
        let function = configuration.function
        var lines: [String] = []
        lines += [
            "-- DatabaseLambda: change events from a PostgreSQL table to AWS Lambda",
            "-- (RDS for PostgreSQL / Aurora PostgreSQL, aws_lambda extension; envelope version 1)",
            SQLComment.line("table:      \(table.schema).\(table.table)"),
            SQLComment.line("function:   \(function.description)"),
            SQLComment.line("operations: \(operations.map(\.rawValue).joined(separator: ", "))"),
            SQLComment.line(
                "invocation: \(configuration.invocationType.rawValue), on error: \(configuration.errorPolicy)"
            ),
            SQLComment.line("columns:    \(columnsSummary)"),
            "--",
            "-- Run it with: psql -v ON_ERROR_STOP=1 -f this-file.sql. It is idempotent: running it again replaces",
            "-- the trigger function and the triggers.",
            "--",
            "-- The invoke is an HTTPS call made while the statement runs. A later ROLLBACK cannot undo it: with",
            "-- Event the function may already have run. Lambda may also deliver an Event more than once, so",
            "-- consumers de-duplicate on the event \"id\". For committed-only delivery use an outbox instead.",
            "--",
            "-- aws_lambda.request_timeout_ms (default 3000) and aws_lambda.connect_timeout_ms (default 1000) bound",
            "-- how long each invoke may wait; a RequestResponse function that runs longer fails the statement",
            "-- unless you raise them, e.g. ALTER ROLE app SET aws_lambda.request_timeout_ms = 10000;",
            "-- statement_timeout still applies on top.",
            "--",
            "-- gen_random_uuid() is built in from PostgreSQL 13; on older versions run CREATE EXTENSION pgcrypto.",
            "",
            "BEGIN;",
            "",
            "-- 1. The extension (needs rds_superuser). CASCADE also installs aws_commons.",
            "CREATE EXTENSION IF NOT EXISTS aws_lambda CASCADE;",
            "",
            "-- 2. Grants. The trigger function runs with the privileges of the role that writes to the table,",
            "-- so that role needs these (a superuser or rds_superuser needs none).",
        ]
        let grants = [
            "GRANT USAGE ON SCHEMA aws_lambda TO %@;",
            "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA aws_lambda TO %@;",
            "GRANT USAGE ON SCHEMA aws_commons TO %@;",
            "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA aws_commons TO %@;",
        ]
        if let grantee = configuration.grantTo {
            let role = q.identifier(grantee)
            lines += grants.map { $0.replacing("%@", with: role) }
        } else {
            lines.append("-- No --grant-to role was given; for a role named app_writer run:")
            lines += grants.map { "-- " + $0.replacing("%@", with: "app_writer") }
        }
        lines.append("")
        lines += columnCheck(qualifiedTable: qualifiedTable, q: q)
        lines += [
            "-- 3. The trigger function: builds the envelope and invokes the function.",
            "CREATE OR REPLACE FUNCTION \(qualifiedFunction)() RETURNS trigger",
            "LANGUAGE plpgsql",
            "SET search_path = pg_catalog, pg_temp",
        ]
        let body = functionBody(q: q)
        let tag = DollarTag.choose(avoiding: body)
        lines.append("AS \(tag)")
        lines.append(body)
        lines.append("\(tag);")
        lines.append("")
        lines.append("-- 4. The triggers (AFTER, so only rows that were really written are sent).")
        lines += dropTriggers(qualifiedTable: qualifiedTable, q: q)
        for operation in operations {
            lines.append(createTrigger(operation, qualifiedTable: qualifiedTable, qualifiedFunction: qualifiedFunction))
        }
        lines += ["", "COMMIT;", ""]
        return lines.joined(separator: "\n")
    }

    private func renderOutbox(_ names: OutboxNames, q: Quoted) -> String {
        let table = configuration.table
        let qualifiedTable = q.identifier(table.schema) + "." + q.identifier(table.table)
        let qualifiedFunction = q.identifier(table.schema) + "." + q.identifier(functionName)
        var lines: [String] = [
            "-- DatabaseLambda: change events from a PostgreSQL table to AWS Lambda through an outbox",
            "-- (PostgreSQL 13 or later: RDS, Aurora or self-managed; no extension; envelope version 1)",
            SQLComment.line("table:      \(table.schema).\(table.table)"),
            SQLComment.line("function:   \(configuration.function.description) (invoked by the relay)"),
            SQLComment.line("operations: \(operations.map(\.rawValue).joined(separator: ", "))"),
            SQLComment.line("outbox:     \(names.schema).outbox, channel \(names.channel)"),
            SQLComment.line("columns:    \(columnsSummary)"),
            "--",
            "-- Run it with: psql -v ON_ERROR_STOP=1 -f this-file.sql, after the outbox schema script",
            "-- (dblambda sql outbox-schema). It is idempotent: running it again replaces the trigger function and",
            "-- the triggers.",
            "--",
            "-- Delivery: the trigger does not call Lambda. It stores the event in the outbox inside the writer's",
            "-- own transaction and sends an empty NOTIFY, so only committed changes are ever delivered: a ROLLBACK",
            "-- removes the event together with the change. The relay (dblambda relay) delivers the committed events",
            "-- at least once, retrying failures, so consumers de-duplicate on the event \"id\". The invocation",
            "-- type and the retry policy are the relay's settings; an error here (say, a missing outbox) fails the",
            "-- writer's statement.",
            "--",
            "-- gen_random_uuid() is built in from PostgreSQL 13; on older versions run CREATE EXTENSION pgcrypto.",
            "",
            "BEGIN;",
            "",
            "-- 1. The outbox must exist (no extension is needed in outbox mode).",
        ]
        let check = [
            "BEGIN",
            "    IF pg_catalog.to_regclass(\(q.literal(names.qualifiedOutbox))) IS NULL THEN",
            "        RAISE EXCEPTION 'dblambda: the outbox table % does not exist',",
            "            \(q.literal(names.qualifiedOutbox))",
            "            USING HINT = 'Run the script of dblambda sql outbox-schema first.';",
            "    END IF;",
            "END",
        ].joined(separator: "\n")
        let checkTag = DollarTag.choose(avoiding: check)
        lines += ["DO \(checkTag)", check, "\(checkTag);", ""]
        lines += [
            "-- 2. No grants: the trigger function is SECURITY DEFINER, so it writes to the outbox with the",
            "-- privileges of its owner (the role running this script, which must be able to insert into the",
            "-- outbox). Writers to the table need no privilege on the outbox, and cannot read it.",
        ]
        if let grantee = configuration.grantTo {
            lines.append(SQLComment.line("(--grant-to \(grantee) is not needed in outbox mode.)"))
        }
        lines.append("")
        lines += columnCheck(qualifiedTable: qualifiedTable, q: q)
        lines += [
            "-- 3. The trigger function: builds the envelope and stores it in the outbox. search_path is pinned,",
            "-- as a SECURITY DEFINER function needs, so no object of the writer's can take its place.",
            "CREATE OR REPLACE FUNCTION \(qualifiedFunction)() RETURNS trigger",
            "LANGUAGE plpgsql",
            "SECURITY DEFINER",
            "SET search_path = pg_catalog, pg_temp",
        ]
        let body = functionBody(q: q)
        let tag = DollarTag.choose(avoiding: body)
        lines += ["AS \(tag)", body, "\(tag);"]
        lines.append("REVOKE ALL ON FUNCTION \(qualifiedFunction)() FROM PUBLIC;")
        lines.append("")
        lines += [
            "-- 4. The triggers (AFTER, so only rows that were really written are stored). The primary-key columns",
            "-- are looked up now and passed to the row triggers as arguments, so the partition key costs no",
            "-- catalog lookup per row: run this script again after changing the table's primary key.",
        ]
        lines += dropTriggers(qualifiedTable: qualifiedTable, q: q)
        let rowOperations = operations.filter { $0 != .truncate }
        if !rowOperations.isEmpty {
            var block = [
                "DECLARE",
                "    dbl_key_columns text;",
                "BEGIN",
                "    -- The primary-key column names in key order as string literals; '' without a primary key.",
                "    SELECT coalesce(string_agg(pg_catalog.quote_literal(a.attname::text), ', ' ORDER BY k.ord), '')",
                "    INTO dbl_key_columns",
                "    FROM pg_catalog.pg_index AS i",
                "    CROSS JOIN LATERAL pg_catalog.unnest(i.indkey::pg_catalog.int2[])",
                "        WITH ORDINALITY AS k(attnum, ord)",
                "    JOIN pg_catalog.pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum",
                "    WHERE i.indrelid = \(q.literal(qualifiedTable))::pg_catalog.regclass AND i.indisprimary;",
            ]
            for operation in rowOperations {
                let statement = createTrigger(operation, qualifiedTable: qualifiedTable, qualifiedFunction: "")
                block.append(
                    "    EXECUTE \(q.literal(statement + qualifiedFunction + "("))"
                        + " || dbl_key_columns || ')';"
                )
            }
            block.append("END")
            let body = block.joined(separator: "\n")
            let blockTag = DollarTag.choose(avoiding: body)
            lines += ["DO \(blockTag)", body, "\(blockTag);"]
        }
        if operations.contains(.truncate) {
            lines.append(createTrigger(.truncate, qualifiedTable: qualifiedTable, qualifiedFunction: qualifiedFunction))
        }
        lines += ["", "COMMIT;", ""]
        return lines.joined(separator: "\n")
    }

    private func dropTriggers(qualifiedTable: String, q: Quoted) -> [String] {
        TriggerOperation.allCases.map { operation in
            "DROP TRIGGER IF EXISTS \(q.identifier(Self.triggerName(for: operation))) ON \(qualifiedTable);"
        }
    }

    /// The `CREATE TRIGGER` statement; with an empty `qualifiedFunction` it stops after `EXECUTE FUNCTION ` so
    /// the outbox script can append the function and its arguments.
    private func createTrigger(
        _ operation: TriggerOperation,
        qualifiedTable: String,
        qualifiedFunction: String
    )
        -> String
    {
        let name = Quoted().identifier(Self.triggerName(for: operation))
        let call = qualifiedFunction.isEmpty ? "" : qualifiedFunction + "();"
        if operation == .truncate {
            return "CREATE TRIGGER \(name) AFTER TRUNCATE ON \(qualifiedTable) FOR EACH STATEMENT "
                + "EXECUTE FUNCTION " + call
        }
        var trigger = "CREATE TRIGGER \(name) AFTER \(operation.keyword) ON \(qualifiedTable) FOR EACH ROW"
        if let condition = configuration.condition {
            trigger += " WHEN (\(condition))"
        }
        return trigger + " EXECUTE FUNCTION " + call
    }

    private var columnsSummary: String {
        switch configuration.columns {
        case .all: return "all"
        case .only(let names): return names.joined(separator: ", ")
        case .excluding(let names): return "all except " + names.joined(separator: ", ")
        }
    }

    private func columnCheck(qualifiedTable: String, q: Quoted) -> [String] {
        let names: [String]
        switch configuration.columns {
        case .all: return []
        case .only(let list), .excluding(let list): names = list
        }
        let body = [
            "DECLARE",
            "    missing text;",
            "BEGIN",
            "    SELECT string_agg(pg_catalog.quote_ident(c.name), ', ' ORDER BY c.ordinality) INTO missing",
            "    FROM unnest(\(q.textArray(names))) WITH ORDINALITY AS c(name, ordinality)",
            "    WHERE NOT EXISTS (",
            "        SELECT 1 FROM pg_catalog.pg_attribute AS a",
            "        WHERE a.attrelid = \(q.literal(qualifiedTable))::regclass",
            "          AND a.attnum > 0 AND NOT a.attisdropped AND a.attname::text = c.name);",
            "    IF missing IS NOT NULL THEN",
            "        RAISE EXCEPTION 'dblambda: table % has no column %', \(q.literal(qualifiedTable)), missing;",
            "    END IF;",
            "END",
        ].joined(separator: "\n")
        let tag = DollarTag.choose(avoiding: body)
        return ["-- Every named column must exist (a typo would silently drop it from the events).", "DO \(tag)"]
            + [body, "\(tag);", ""]
    }

    private func rowExpression(_ variable: String, q: Quoted) -> String {
        switch configuration.columns {
        case .all:
            return "to_jsonb(\(variable))"
        case .excluding(let names):
            return "to_jsonb(\(variable)) - \(q.textArray(names))"
        case .only(let names):
            return
                "(SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb) FROM jsonb_each(to_jsonb(\(variable)))"
                + " AS e WHERE e.key = ANY (\(q.textArray(names))))"
        }
    }

    /// The trigger function's body: the envelope (the same code in both delivery modes), then the delivery.
    private func functionBody(q: Quoted) -> String {
        var lines = ["DECLARE", "    dbl_old jsonb;", "    dbl_new jsonb;", "    dbl_changed jsonb := '[]'::jsonb;"]
        lines.append("    dbl_payload jsonb;")
        switch configuration.delivery {
        case .direct:
            lines += envelope(q: q)
            lines += directDelivery(q: q)
        case .outbox(let names):
            lines += [
                "    dbl_key text;",
                "    dbl_key_row jsonb;",
                "    dbl_key_values jsonb;",
                "    dbl_index integer;",
            ]
            lines += envelope(q: q)
            lines += outboxDelivery(names, q: q)
        }
        lines += ["    RETURN NULL;", "END;"]
        return lines.joined(separator: "\n")
    }

    /// From `BEGIN` to the assignment of `dbl_payload`: the row objects, the changed columns (an unchanged
    /// `UPDATE` returns early) and the envelope version 1.
    private func envelope(q: Quoted) -> [String] {
        [
            "BEGIN",
            "    IF TG_OP IN ('UPDATE', 'DELETE') THEN",
            "        dbl_old := \(rowExpression("OLD", q: q));",
            "    END IF;",
            "    IF TG_OP IN ('INSERT', 'UPDATE') THEN",
            "        dbl_new := \(rowExpression("NEW", q: q));",
            "    END IF;",
            "    IF TG_OP = 'UPDATE' THEN",
            "        -- The selected columns whose JSON text differs, in table order; none means nothing to send.",
            "        SELECT coalesce(jsonb_agg(a.attname::text ORDER BY a.attnum), '[]'::jsonb) INTO dbl_changed",
            "        FROM pg_catalog.pg_attribute AS a",
            "        WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped",
            "          AND (dbl_old -> a.attname::text)::text IS DISTINCT FROM (dbl_new -> a.attname::text)::text;",
            "        IF dbl_changed = '[]'::jsonb THEN",
            "            RETURN NULL;",
            "        END IF;",
            "    END IF;",
            "    dbl_payload := jsonb_build_object(",
            "        'dblambda', 1,",
            "        'id', gen_random_uuid()::text,",
            "        'operation', lower(TG_OP),",
            "        'source', jsonb_build_object(",
            "            'engine', 'postgresql',",
            "            'database', current_database(),",
            "            'schema', TG_TABLE_SCHEMA,",
            "            'table', TG_TABLE_NAME),",
            "        'transactionId', txid_current()::text,",
            "        'timestamp', to_jsonb(clock_timestamp()),",
            "        'old', dbl_old,",
            "        'new', dbl_new,",
            "        'changedColumns', dbl_changed);",
        ]
    }

    /// Outbox delivery: the partition key, the outbox row and the wake-up.
    private func outboxDelivery(_ names: OutboxNames, q: Quoted) -> [String] {
        // The key needs the whole row: with a column selection the key columns may not be in dbl_new/dbl_old.
        let keyRow =
            configuration.columns == .all
            ? "coalesce(dbl_new, dbl_old)"
            : "CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END"
        return [
            "    -- The partition key: schema.table, and for a row of a table with a primary key ':' and the JSON",
            "    -- array of its primary-key values (NEW for insert and update, OLD for delete). The trigger",
            "    -- arguments are the primary-key columns, looked up when the setup script ran.",
            "    dbl_key := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;",
            "    IF TG_LEVEL = 'ROW' AND TG_NARGS > 0 THEN",
            "        dbl_key_row := \(keyRow);",
            "        dbl_key_values := '[]'::jsonb;",
            "        FOR dbl_index IN 0 .. TG_NARGS - 1 LOOP",
            "            dbl_key_values := dbl_key_values || jsonb_build_array(dbl_key_row -> TG_ARGV[dbl_index]);",
            "        END LOOP;",
            "        dbl_key := dbl_key || ':' || dbl_key_values::text;",
            "    END IF;",
            "    -- Stored in the writer's transaction: the relay sees it only after COMMIT, and a ROLLBACK",
            "    -- removes it (committed-only delivery). The relay delivers it at least once.",
            "    INSERT INTO \(names.qualifiedOutbox) (event_id, partition_key, envelope)",
            "    VALUES ((dbl_payload ->> 'id')::uuid, dbl_key, dbl_payload);",
            "    -- Wakes the relay. PostgreSQL sends it at COMMIT only and merges repeats within a transaction;",
            "    -- it never carries the event (NOTIFY payloads are limited to 8000 bytes).",
            "    PERFORM pg_notify(\(q.literal(names.channel)), '');",
        ]
    }

    /// Direct delivery: `aws_lambda.invoke` with the error policy.
    private func directDelivery(q: Quoted) -> [String] {
        let function = configuration.function
        let invoke = [
            "PERFORM aws_lambda.invoke(",
            "    aws_commons.create_lambda_function_arn(\(q.literal(function.description)), "
                + "\(q.literal(function.region.name))),",
            "    dbl_payload,",
            "    invocation_type => \(q.literal(configuration.invocationType.rawValue)));",
        ]
        var lines: [String] = []
        switch configuration.errorPolicy {
        case .raise:
            lines.append("    -- An invoke error fails the statement (error policy raise).")
            lines += invoke.map { "    " + $0 }
        case .warn:
            lines.append("    -- An invoke error becomes a WARNING and the write goes on (error policy warn).")
            lines.append("    BEGIN")
            lines += invoke.map { "        " + $0 }
            lines += [
                "    EXCEPTION WHEN OTHERS THEN",
                "        RAISE WARNING 'dblambda: invoking % for %.% failed: % (SQLSTATE %)',",
                "            \(q.literal(function.description)), TG_TABLE_SCHEMA, TG_TABLE_NAME, SQLERRM, SQLSTATE;",
                "    END;",
            ]
        }
        return lines
    }
}

/// Quoting for values that were validated before: total functions for the renderer.
private struct Quoted {
    func identifier(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }

    func literal(_ text: String) -> String {
        // Validated texts carry no NUL byte; fall back to an empty literal rather than trap.
        (try? PostgreSQLQuoting.literal(text)) ?? "''"
    }

    func textArray(_ names: [String]) -> String {
        "ARRAY[" + names.map(literal).joined(separator: ", ") + "]::text[]"
    }
}

/// Picks a dollar-quote tag that does not occur in the quoted text.
enum DollarTag {
    static func choose(avoiding body: String) -> String {
        var tag = "$dblambda$"
        var counter = 0
        while body.contains(tag) || body.hasSuffix("$dblambda") {
            counter += 1
            tag = "$dblambda\(counter)$"
        }
        return tag
    }
}
