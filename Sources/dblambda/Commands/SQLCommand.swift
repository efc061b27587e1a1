import ArgumentParser
import DBLambdaCore
import DBLambdaSQL

/// `dblambda sql postgres|mysql`: prints the complete, idempotent setup SQL for one table.
struct SQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Print the setup SQL (extension or grants, trigger function, triggers) for one table.",
        discussion: """
            ENGINE is postgres (RDS for PostgreSQL, Aurora PostgreSQL: aws_lambda.invoke) or mysql (Aurora MySQL \
            version 2 or 3: lambda_async / lambda_sync). Names are raw, never SQL-quoted: --table is split at its \
            first dot into schema (MySQL: database) and table. MySQL needs --columns. The triggers send the \
            DatabaseLambda event envelope, version 1.
            """
    )

    @Argument(help: ArgumentHelp("The database engine.", valueName: "postgres|mysql"))
    var engine: String

    @Option(name: .long, help: ArgumentHelp("The Lambda function ARN to invoke.", valueName: "ARN"))
    var function: String

    @Option(
        name: .long,
        help: ArgumentHelp("The table, SCHEMA.TABLE (split at the first dot).", valueName: "SCHEMA.TABLE")
    )
    var table: String

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
            when: when
        ).render()
        CLIIO.writeLine(output.hasSuffix("\n") ? String(output.dropLast()) : output)
    }
}

/// The validation of `dblambda sql`'s options, separate from argument parsing.
struct SQLCommandInput {
    var engine: String
    var function: String
    var table: String
    var operations: String?
    var invocationType: String?
    var columns: String?
    var excludeColumns: String?
    var mysqlVersion: String?
    var onError: String?
    var grantTo: String?
    var when: String?

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
        default:
            throw CLIFailure(message: "unknown engine \"\(engine)\": expected postgres or mysql")
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
        guard isMySQL else {
            if mysqlVersion != nil {
                throw CLIFailure(message: "--mysql-version applies to mysql only")
            }
            return try PostgreSQLTriggerScript(configuration).render()
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
}
