import ArgumentParser
import DBLambdaCore
import DBLambdaSQL

/// `dblambda sql postgres|mysql`: prints the complete, idempotent setup SQL for one table;
/// `dblambda sql outbox-schema`: prints the outbox schema that outbox-mode PostgreSQL triggers write to.
struct SQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Print the setup SQL (extension or grants, trigger function, triggers) for one table.",
        discussion: """
            ENGINE is postgres (RDS for PostgreSQL, Aurora PostgreSQL: aws_lambda.invoke) or mysql (Aurora MySQL \
            version 2 or 3: lambda_async / lambda_sync). Names are raw, never SQL-quoted: --table is split at its \
            first dot into schema (MySQL: database) and table. MySQL needs --columns. The triggers send the \
            DatabaseLambda event envelope, version 1. \
            With --delivery outbox (PostgreSQL only) the trigger stores each event in an outbox table in the \
            writer's transaction instead of invoking, and `dblambda relay` delivers committed events; no extension \
            is needed. ENGINE outbox-schema prints that outbox's idempotent schema (--schema, --channel, \
            --relay-role) and takes no other option.
            """
    )

    @Argument(help: ArgumentHelp("The database engine, or outbox-schema.", valueName: "postgres|mysql|outbox-schema"))
    var engine: String

    @Option(
        name: .long,
        help: ArgumentHelp("The Lambda function ARN to invoke (postgres, mysql: required).", valueName: "ARN")
    )
    var function: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The table, SCHEMA.TABLE (split at the first dot; postgres, mysql: required).",
            valueName: "SCHEMA.TABLE"
        )
    )
    var table: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Comma-separated operations (default: insert,update,delete,truncate; MySQL: insert,update,delete).",
            valueName: "insert,update,delete,truncate"
        )
    )
    var operations: String?

    @Option(name: .long, help: ArgumentHelp("Event (default) or RequestResponse.", valueName: "Event|RequestResponse"))
    var invocationType: String?

    @Option(name: .long, help: ArgumentHelp("Comma-separated columns to send (MySQL: required).", valueName: "a,b,..."))
    var columns: String?

    @Option(name: .long, help: ArgumentHelp("Comma-separated columns to leave out (PostgreSQL).", valueName: "a,b,..."))
    var excludeColumns: String?

    @Option(name: .long, help: ArgumentHelp("Aurora MySQL major version (default 3).", valueName: "2|3"))
    var mysqlVersion: String?

    @Option(name: .long, help: ArgumentHelp("raise (default: fail the write) or warn.", valueName: "raise|warn"))
    var onError: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The role (MySQL: user@host) to grant to; without it the grants are commented guidance.",
            valueName: "ROLE"
        )
    )
    var grantTo: String?

    @Option(
        name: .long,
        help: ArgumentHelp("PostgreSQL: an SQL condition for the row triggers' WHEN.", valueName: "EXPR")
    )
    var when: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "PostgreSQL: direct (default: the trigger invokes) or outbox (the relay delivers).",
            valueName: "direct|outbox"
        )
    )
    var delivery: String?

    @Option(
        name: .long,
        help: ArgumentHelp("PostgreSQL, --delivery outbox: the outbox schema (default dblambda).", valueName: "S")
    )
    var outboxSchema: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "PostgreSQL, --delivery outbox: the NOTIFY channel (default dblambda_outbox).",
            valueName: "C"
        )
    )
    var outboxChannel: String?

    @Option(name: .long, help: ArgumentHelp("outbox-schema: the schema (default dblambda).", valueName: "S"))
    var schema: String?

    @Option(
        name: .long,
        help: ArgumentHelp("outbox-schema: the NOTIFY channel (default dblambda_outbox).", valueName: "C")
    )
    var channel: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "outbox-schema: the relay's role to grant to; without it the grants are commented guidance.",
            valueName: "R"
        )
    )
    var relayRole: String?

    func run() async throws {
        let output = try SQLCommandInput(
            engine: engine,
            function: function,
            table: table,
            operations: operations,
            invocationType: invocationType,
            columns: columns,
            excludeColumns: excludeColumns,
            mysqlVersion: mysqlVersion,
            onError: onError,
            grantTo: grantTo,
            when: when,
            delivery: delivery,
            outboxSchema: outboxSchema,
            outboxChannel: outboxChannel,
            schema: schema,
            channel: channel,
            relayRole: relayRole
        ).render()
        CLIIO.writeLine(output.hasSuffix("\n") ? String(output.dropLast()) : output)
    }
}

/// The validation of `dblambda sql`'s options, separate from argument parsing.
struct SQLCommandInput {
    var engine: String
    var function: String?
    var table: String?
    var operations: String?
    var invocationType: String?
    var columns: String?
    var excludeColumns: String?
    var mysqlVersion: String?
    var onError: String?
    var grantTo: String?
    var when: String?
    var delivery: String? = nil
    var outboxSchema: String? = nil
    var outboxChannel: String? = nil
    var schema: String? = nil
    var channel: String? = nil
    var relayRole: String? = nil

    /// The script, or a `CLIFailure` (exit 2) naming the bad input.
    func render() throws -> String {
        do {
            return try renderScript()
        } catch let error as SQLError {
            throw CLIFailure(message: error.description)
        } catch let error as ARNError {
            throw CLIFailure(message: "--function: \(error.description)")
        }
    }

    private func renderScript() throws -> String {
        let isMySQL: Bool
        switch engine {
        case "postgres", "postgresql": isMySQL = false
        case "mysql": isMySQL = true
        case "outbox-schema": return try renderOutboxSchema()
        default:
            throw CLIFailure(message: "unknown engine \"\(engine)\": expected postgres, mysql or outbox-schema")
        }
        if schema != nil || channel != nil {
            throw CLIFailure(
                message: "--schema and --channel apply to outbox-schema only (the triggers take --outbox-schema and "
                    + "--outbox-channel)"
            )
        }
        if relayRole != nil {
            throw CLIFailure(message: "--relay-role applies to outbox-schema only")
        }
        guard let function else {
            throw CLIFailure(message: "missing --function ARN (required for \(engine))")
        }
        guard let table else {
            throw CLIFailure(message: "missing --table SCHEMA.TABLE (required for \(engine))")
        }
        var configuration = TriggerConfiguration(
            function: try LambdaFunctionARN(parsing: function),
            table: try TableName(parsing: table)
        )
        if let operations {
            configuration.operations = try TriggerOperation.parseList(operations)
        }
        if let invocationType {
            guard let value = TriggerInvocationType(rawValue: invocationType) else {
                throw CLIFailure(
                    message: "invalid --invocation-type \"\(invocationType)\": expected Event or RequestResponse"
                )
            }
            configuration.invocationType = value
        }
        if let onError {
            guard let value = TriggerErrorPolicy(rawValue: onError) else {
                throw CLIFailure(message: "invalid --on-error \"\(onError)\": expected raise or warn")
            }
            configuration.errorPolicy = value
        }
        configuration.columns = try ColumnSelection.parse(columns: columns, excludeColumns: excludeColumns)
        configuration.grantTo = grantTo
        configuration.condition = when
        configuration.delivery = try parseDelivery()
        guard isMySQL else {
            if mysqlVersion != nil {
                throw CLIFailure(message: "--mysql-version applies to mysql only")
            }
            return try PostgreSQLTriggerScript(configuration).render()
        }
        if configuration.delivery != .direct {
            throw CLIFailure(message: "--delivery outbox is supported for postgres only")
        }
        var version = AuroraMySQLVersion.v3
        if let mysqlVersion {
            guard let number = Int(mysqlVersion), let value = AuroraMySQLVersion(rawValue: number) else {
                throw CLIFailure(message: "invalid --mysql-version \"\(mysqlVersion)\": expected 2 or 3")
            }
            version = value
        }
        return try MySQLTriggerScript(configuration, version: version).render()
    }

    /// `--delivery` with `--outbox-schema`/`--outbox-channel` (which need `--delivery outbox`).
    private func parseDelivery() throws -> TriggerDelivery {
        switch delivery {
        case nil, "direct":
            if outboxSchema != nil || outboxChannel != nil {
                throw CLIFailure(message: "--outbox-schema and --outbox-channel need --delivery outbox")
            }
            return .direct
        case "outbox":
            return .outbox(
                try OutboxNames(schema: outboxSchema ?? "dblambda", channel: outboxChannel ?? "dblambda_outbox")
            )
        case let other?:
            throw CLIFailure(message: "invalid --delivery \"\(other)\": expected direct or outbox")
        }
    }

    /// `dblambda sql outbox-schema`: only `--schema`, `--channel` and `--relay-role` apply.
    private func renderOutboxSchema() throws -> String {
        let triggerOptions: [(String, String?)] = [
            ("--function", function), ("--table", table), ("--operations", operations),
            ("--invocation-type", invocationType), ("--columns", columns), ("--exclude-columns", excludeColumns),
            ("--mysql-version", mysqlVersion), ("--on-error", onError), ("--grant-to", grantTo), ("--when", when),
            ("--delivery", delivery), ("--outbox-schema", outboxSchema), ("--outbox-channel", outboxChannel),
        ]
        if let (option, _) = triggerOptions.first(where: { $0.1 != nil }) {
            let hint: String
            switch option {
            case "--outbox-schema": hint = "; use --schema"
            case "--outbox-channel": hint = "; use --channel"
            case "--grant-to": hint = "; use --relay-role"
            default: hint = ""
            }
            throw CLIFailure(message: "\(option) does not apply to outbox-schema\(hint)")
        }
        let names = try OutboxNames(schema: schema ?? "dblambda", channel: channel ?? "dblambda_outbox")
        return try PostgreSQLOutboxSchema(names: names, relayRole: relayRole).render()
    }
}
