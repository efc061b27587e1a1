import DBLambdaCore

/// The setup SQL for one table on Aurora MySQL version 3 (MySQL 8.0) or version 2 (MySQL 5.7): the
/// privilege grant, the IAM parameter step as comments, and one `AFTER … FOR EACH ROW` trigger per operation
/// that builds the package's event envelope (version 1) with `JSON_OBJECT` and calls `lambda_async` (`Event`)
/// or `lambda_sync` (`RequestResponse`).
///
/// ```swift
/// var configuration = TriggerConfiguration(
///     function: try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:123456789012:function:orders"),
///     table: try TableName(parsing: "shop.orders"),
///     columns: .only(["id", "status"])
/// )
/// let sql = try MySQLTriggerScript(configuration, version: .v3).render()   // run it with mysql < file
/// ```
///
/// MySQL has no row-to-JSON function, so the columns must be listed (``ColumnSelection/only(_:)``). The
/// script uses `DELIMITER $$` blocks, which the `mysql` (or `mariadb`) command-line client understands when it
/// reads the script from a file or standard input; other tools must send each `CREATE TRIGGER` as one statement.
/// It is idempotent (`DROP TRIGGER IF EXISTS` + `CREATE TRIGGER`; Aurora MySQL rejects
/// `CREATE OR REPLACE TRIGGER`).
public struct MySQLTriggerScript: Sendable, Hashable {
    /// The validated configuration.
    public let configuration: TriggerConfiguration
    /// The Aurora MySQL major version the grants are written for.
    public let version: AuroraMySQLVersion
    /// The operations the triggers fire on (default: insert, update, delete).
    public let operations: [TriggerOperation]
    /// The selected columns, in the order given.
    public let columns: [String]
    /// The grantee as `(user, host)`, when one was given.
    public let grantee: (user: String, host: String)?

    /// Validates `configuration` for MySQL.
    ///
    /// - Throws: ``SQLError/invalidColumns`` without a column list (or with an exclude list),
    ///   ``SQLError/invalidOperation`` for `truncate` (MySQL has no `TRUNCATE` triggers),
    ///   ``SQLError/invalidOption`` for a `WHEN` condition or outbox delivery (PostgreSQL only), and the quoting
    ///   errors of ``MySQLQuoting/identifier(_:)`` for the names.
    public init(_ configuration: TriggerConfiguration, version: AuroraMySQLVersion = .v3) throws(SQLError) {
        try MySQLQuoting.validateIdentifier(configuration.table.schema)
        try MySQLQuoting.validateIdentifier(configuration.table.table)
        switch configuration.columns {
        case .only(let names) where !names.isEmpty:
            guard Set(names).count == names.count else {
                throw SQLError(code: .invalidColumns, message: "a column name repeats in the column list")
            }
            for name in names { try MySQLQuoting.validateIdentifier(name) }
            self.columns = names
        case .excluding:
            throw SQLError(
                code: .invalidColumns,
                message: "MySQL needs --columns (it has no row-to-JSON function, so --exclude-columns cannot work)"
            )
        default:
            throw SQLError(
                code: .invalidColumns,
                message: "MySQL needs --columns: it has no row-to-JSON function, so list the columns to send"
            )
        }
        let operations = configuration.operations ?? [.insert, .update, .delete]
        guard !operations.isEmpty else {
            throw SQLError(code: .invalidOperation, message: "no operation selected")
        }
        guard !operations.contains(.truncate) else {
            throw SQLError(code: .invalidOperation, message: "MySQL has no TRUNCATE triggers; remove truncate")
        }
        guard configuration.condition == nil else {
            throw SQLError(code: .invalidOption, message: "a WHEN condition is supported for PostgreSQL only")
        }
        guard configuration.delivery == .direct else {
            throw SQLError(code: .invalidOption, message: "outbox delivery is supported for PostgreSQL only")
        }
        if let account = configuration.grantTo {
            self.grantee = try Self.parseAccount(account)
        } else {
            self.grantee = nil
        }
        self.configuration = configuration
        self.version = version
        self.operations = operations
    }

    /// Compares configuration and version (the derived properties follow from them).
    public static func == (lhs: MySQLTriggerScript, rhs: MySQLTriggerScript) -> Bool {
        lhs.configuration == rhs.configuration && lhs.version == rhs.version
    }

    /// Hashes configuration and version.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(configuration)
        hasher.combine(version)
    }

    private static func parseAccount(_ text: String) throws(SQLError) -> (user: String, host: String) {
        let user: String
        let host: String
        if let at = text.lastIndex(of: "@") {
            user = String(text[..<at])
            host = String(text[text.index(after: at)...])
        } else {
            user = text
            host = "%"
        }
        do {
            try MySQLQuoting.validateIdentifier(user)
            try MySQLQuoting.validateIdentifier(host)
        } catch {
            throw SQLError(code: .invalidGrantee, message: "--grant-to \(SQLText.quoted(text)): \(error.message)")
        }
        return (user, host)
    }

    /// The raw trigger name for `operation` on `table` (MySQL trigger names are unique per database, so the
    /// table's name is part of it; shortened with a hash beyond 64 characters).
    public static func triggerName(for operation: TriggerOperation, table: TableName) -> String {
        GeneratedNames.fitting(
            prefix: "dblambda_",
            middle: table.table,
            suffix: "_" + operation.rawValue,
            hashInput: table.description,
            limit: MySQLQuoting.maximumIdentifierCharacters,
            length: { $0.unicodeScalars.count }
        )
    }

    /// The complete script, for `mysql --default-character-set=utf8mb4 < file`.
    public func render() -> String {
        let table = configuration.table
        let database = ident(table.schema)
        let qualifiedTable = database + "." + ident(table.table)
        let function = configuration.function
        let native = configuration.invocationType == .event ? "lambda_async" : "lambda_sync"
        var lines: [String] = [
            "-- DatabaseLambda: change events from an Aurora MySQL table to AWS Lambda",
            "-- (Aurora MySQL version \(version.rawValue), native function \(native); envelope version 1)",
            SQLComment.line("table:      \(table.schema).\(table.table)"),
            SQLComment.line("function:   \(function.description)"),
            SQLComment.line("operations: \(operations.map(\.rawValue).joined(separator: ", "))"),
            SQLComment.line(
                "invocation: \(configuration.invocationType.rawValue), on error: \(configuration.errorPolicy)"
            ),
            SQLComment.line("columns:    \(columns.joined(separator: ", "))"),
            "--",
            "-- Run it with the mysql client from a file: mysql --default-character-set=utf8mb4 ... < this-file.sql",
            "-- The DELIMITER lines are commands of the mysql client (not SQL): they let each trigger body contain",
            "-- ';'. Tools that send statements one by one must drop them and send each CREATE TRIGGER whole.",
            "-- It is idempotent: DROP TRIGGER IF EXISTS + CREATE TRIGGER (Aurora MySQL has no CREATE OR REPLACE",
            "-- TRIGGER).",
            "--",
            "-- The invoke happens while the statement runs: a later ROLLBACK cannot undo it, and an Event may be",
            "-- delivered more than once, so consumers de-duplicate on the event \"id\".",
            "",
            "SET NAMES utf8mb4;",
            "",
            "-- 1. IAM (outside SQL): a role that rds.amazonaws.com may assume, allowed lambda:InvokeFunction on",
            SQLComment.line("   \(function.description), associated with the cluster:"),
            "--   aws rds add-role-to-db-cluster --db-cluster-identifier CLUSTER --role-arn ROLE_ARN",
            "-- and named in the DB cluster parameter group (family aurora-mysql\(version == .v3 ? "8.0" : "5.7")):",
            "--   aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name GROUP \\",
            "--     --parameters ParameterName=aws_default_lambda_role,ParameterValue=ROLE_ARN,ApplyMethod=pending-reboot",
            "-- then reboot the writer instance.",
            "",
            "-- 2. The privilege to invoke Lambda. Triggers run with the privileges of their DEFINER (by default the",
            "-- account that runs this script), so that account needs it.",
        ]
        lines += grantLines()
        lines.append("")
        lines.append("-- 3. The triggers.")
        for operation in [TriggerOperation.insert, .update, .delete] {
            let name = database + "." + ident(Self.triggerName(for: operation, table: table))
            lines.append("DROP TRIGGER IF EXISTS \(name);")
        }
        lines.append("")
        lines.append("DELIMITER $$")
        for operation in operations {
            lines += trigger(for: operation, database: database, qualifiedTable: qualifiedTable, native: native)
        }
        lines.append("DELIMITER ;")
        lines.append("")
        return lines.joined(separator: "\n")
    }

    private func grantLines() -> [String] {
        let account: String
        if let grantee {
            account = ident(grantee.user) + "@" + ident(grantee.host)
        } else {
            account = "`app_writer`@`%`"
        }
        var grant: [String]
        switch version {
        case .v3:
            grant = ["GRANT AWS_LAMBDA_ACCESS TO \(account);"]
        case .v2:
            grant = ["GRANT INVOKE LAMBDA ON *.* TO \(account);"]
        }
        if grantee == nil {
            grant = ["-- No --grant-to account was given; for app_writer@% run:"] + grant.map { "-- " + $0 }
        }
        if version == .v3 {
            grant += [
                "-- AWS_LAMBDA_ACCESS is a role: it only counts while active. Activate it for every session with the",
                "-- DB cluster parameter activate_all_roles_on_login = 1, or per session with SET ROLE AWS_LAMBDA_ACCESS",
                "-- (or make it a default role: SET DEFAULT ROLE AWS_LAMBDA_ACCESS TO the account). Without it writes",
                "-- fail with error 1227: Access denied; you need (at least one of) the Invoke Lambda privilege(s).",
            ]
        }
        return grant
    }

    private func trigger(
        for operation: TriggerOperation,
        database: String,
        qualifiedTable: String,
        native: String
    ) -> [String] {
        let name = database + "." + ident(Self.triggerName(for: operation, table: configuration.table))
        func row(_ prefix: String) -> String {
            "JSON_OBJECT("
                + columns.map { "\(MySQLQuoting.literal($0)), \(prefix).\(ident($0))" }.joined(separator: ", ")
                + ")"
        }
        let old = operation == .insert ? "NULL" : row("OLD")
        let new = operation == .delete ? "NULL" : row("NEW")
        let changed = operation == .update ? "JSON_EXTRACT(dblambda_changed, '$')" : "JSON_ARRAY()"
        let payload = [
            "JSON_OBJECT(",
            "    'dblambda', 1,",
            "    'id', UUID(),",
            "    'operation', '\(operation.rawValue)',",
            "    'source', JSON_OBJECT('engine', 'mysql', 'database', DATABASE(), 'schema', DATABASE(), "
                + "'table', \(MySQLQuoting.literal(configuration.table.table))),",
            "    'transactionId', NULL,",
            "    'timestamp', DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ'),",
            "    'old', \(old),",
            "    'new', \(new),",
            "    'changedColumns', \(changed))",
        ]
        var call = ["SELECT \(native)(\(MySQLQuoting.literal(configuration.function.description)),"]
        call += payload.map { "    " + $0 }
        call[call.count - 1] += ") INTO @dblambda_result;"
        var lines = [
            "CREATE TRIGGER \(name) AFTER \(operation.keyword) ON \(qualifiedTable) FOR EACH ROW",
            "BEGIN",
        ]
        var indent = "    "
        if operation == .update {
            lines.append("    DECLARE dblambda_changed JSON DEFAULT JSON_ARRAY();")
            lines.append(
                "    -- The selected columns whose stored bytes differ, in the order given; none means nothing to send."
            )
            for column in columns {
                let quoted = ident(column)
                lines += [
                    "    IF NOT (CAST(OLD.\(quoted) AS BINARY) <=> CAST(NEW.\(quoted) AS BINARY)) THEN",
                    "        SET dblambda_changed = JSON_ARRAY_APPEND(dblambda_changed, '$', \(MySQLQuoting.literal(column)));",
                    "    END IF;",
                ]
            }
            lines.append("    IF JSON_LENGTH(dblambda_changed) > 0 THEN")
            indent = "        "
        }
        switch configuration.errorPolicy {
        case .raise:
            lines += call.map { indent + $0 }
        case .warn:
            lines += [
                indent + "BEGIN",
                indent + "    -- Error policy warn: an invoke error is kept in @dblambda_error and the write goes on.",
                indent + "    DECLARE CONTINUE HANDLER FOR SQLEXCEPTION",
                indent + "        GET DIAGNOSTICS CONDITION 1 @dblambda_sqlstate = RETURNED_SQLSTATE, "
                    + "@dblambda_error = MESSAGE_TEXT;",
                indent + "    SET @dblambda_sqlstate = NULL, @dblambda_error = NULL;",
            ]
            lines += call.map { indent + "    " + $0 }
            lines.append(indent + "END;")
        }
        if operation == .update {
            lines.append("    END IF;")
        }
        lines.append("END$$")
        return lines
    }

    private func ident(_ name: String) -> String {
        "`" + name.replacing("`", with: "``") + "`"
    }
}
