import DBLambdaCore
import DBLambdaIAM
import DBLambdaSQL

extension Integration {
    /// The Aurora MySQL major version the engine version names (`3.x`, `8.0.mysql_aurora.3.x` → 3; `2.x`,
    /// `5.7.mysql_aurora.2.x` → 2); version 3 when no engine version is given. `nil` for PostgreSQL engines.
    ///
    /// - Throws: ``IntegrationError`` (`invalidValue`, field `database.engineVersion`) for an Aurora MySQL
    ///   version that is neither.
    public func auroraMySQLVersion() throws(IntegrationError) -> AuroraMySQLVersion? {
        guard database.engine == .auroraMySQL else { return nil }
        guard let version = database.engineVersion else { return .v3 }
        let parts = version.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let major: String
        if parts.count >= 3, parts[2] == "mysql_aurora", parts.count >= 4 {
            major = parts[3]
        } else {
            major = parts.first ?? ""
        }
        switch major {
        case "2": return .v2
        case "3", "4": return .v3
        default:
            throw IntegrationError(
                code: .invalidValue,
                message: "Aurora MySQL engine version \"\(version)\" is neither version 2 (2.x, 5.7.mysql_aurora.2.x) "
                    + "nor version 3 (3.x, 8.0.mysql_aurora.3.x)",
                field: "database.engineVersion"
            )
        }
    }

    /// The DB instance whose network is checked: ``Database/instanceID`` or the ARN's identifier for an instance.
    public var networkInstanceID: String? {
        if let instanceID = database.instanceID { return instanceID }
        if case .instance(let arn) = database.arn { return arn.identifier }
        return nil
    }

    /// The function ARN the database invokes: the configured ARN with ``Function/qualifier`` applied.
    public var invokedFunctionARN: LambdaFunctionARN {
        guard let qualifier = function.qualifier else { return function.arn }
        return function.arn.withQualifier(qualifier)
    }

    /// The trigger configuration of one table (outbox triggers in delivery mode outbox).
    func triggerConfiguration(for table: Table) throws(IntegrationError) -> TriggerConfiguration {
        var configuration = TriggerConfiguration(
            function: invokedFunctionARN,
            table: table.table,
            operations: table.operations,
            invocationType: table.invocationType,
            columns: table.columns,
            errorPolicy: table.errorPolicy,
            grantTo: table.grantTo
        )
        if delivery == .outbox { configuration.delivery = .outbox(try outboxNames()) }
        return configuration
    }

    /// The setup SQL of one table.
    func tableSQL(for table: Table, index: Int) throws(IntegrationError) -> TableSQL {
        let configuration = try triggerConfiguration(for: table)
        do {
            if let version = try auroraMySQLVersion() {
                let script = try MySQLTriggerScript(configuration, version: version)
                return TableSQL(table: table.table.description, dialect: "mysql", sql: script.render())
            }
            let script = try PostgreSQLTriggerScript(configuration)
            return TableSQL(table: table.table.description, dialect: "postgresql", sql: script.render())
        } catch let error as SQLError {
            let code: IntegrationError.Code =
                database.engine == .auroraMySQL && error.code == .invalidColumns ? .mysqlColumnsRequired : .invalidTable
            throw IntegrationError(code: code, message: error.message, field: "tables[\(index)]")
        } catch let error as IntegrationError {
            throw error
        } catch {
            throw IntegrationError(code: .generationFailed, message: "\(error)", field: "tables[\(index)]")
        }
    }

    func validate() throws(IntegrationError) {
        try Self.validateName(name)
        do {
            _ = try IAMRoleARN(partition: database.arn.partition, accountID: database.arn.accountID, name: roleName)
        } catch {
            throw IntegrationError(
                code: .invalidRoleName,
                message: "invalid IAM role name \"\(roleName)\": expected 1-64 characters of A-Z, a-z, 0-9 and +=,.@_-",
                field: "role.name"
            )
        }
        try validateEngine()
        try validateFunction()
        try validateOutbox()
        try validateTables()
    }

    /// The outbox names as DBLambdaSQL validates them.
    func outboxNames() throws(IntegrationError) -> OutboxNames {
        do {
            return try OutboxNames(schema: outbox.schema, channel: outbox.channel)
        } catch {
            let field = error.message.hasPrefix("outbox channel") ? "outbox.channel" : "outbox.schema"
            throw IntegrationError(code: .invalidValue, message: error.message, field: field)
        }
    }

    private func validateOutbox() throws(IntegrationError) {
        guard delivery == .outbox else { return }
        guard database.engine != .auroraMySQL else {
            throw IntegrationError(
                code: .deliveryModeUnavailable,
                message: "delivery mode outbox needs PostgreSQL (RDS for PostgreSQL or Aurora PostgreSQL); "
                    + "Aurora MySQL supports direct only",
                field: "delivery"
            )
        }
        if database.requestTimeoutMilliseconds != nil {
            throw IntegrationError(
                code: .invalidValue,
                message: "requestTimeoutMs sets aws_lambda.request_timeout_ms, which delivery mode outbox does not "
                    + "use (the relay invokes the function, not the database)",
                field: "database.requestTimeoutMs"
            )
        }
        _ = try outboxNames()
        if let role = outbox.relayRole {
            do {
                try PostgreSQLQuoting.validateIdentifier(role)
            } catch {
                throw IntegrationError(
                    code: .invalidValue,
                    message: "outbox relay role: \(error.message)",
                    field: "outbox.relayRole"
                )
            }
        }
        for (index, table) in tables.enumerated() where table.invocationType == .requestResponse {
            throw IntegrationError(
                code: .invalidValue,
                message: "in delivery mode outbox the trigger only writes to the outbox and the relay invokes the "
                    + "function: set relay.invocationType instead",
                field: "tables[\(index)].invocationType"
            )
        }
        let ranges: [(String, Int, ClosedRange<Int>)] = [
            ("relay.batchSize", relay.batchSize, 1...10_000),
            ("relay.concurrency", relay.concurrency, 1...64),
            ("relay.maxAttempts", relay.maxAttempts, 1...1_000),
            ("relay.retryBaseSeconds", relay.retryBaseSeconds, 1...3_600),
            ("relay.retryMaxSeconds", relay.retryMaxSeconds, 1...86_400),
            ("relay.pollIntervalMs", relay.pollIntervalMilliseconds, 10...3_600_000),
            ("relay.retentionHours", relay.retentionHours ?? 0, 0...87_600),
        ]
        for (field, value, range) in ranges where !range.contains(value) {
            throw IntegrationError(
                code: .invalidValue,
                message:
                    "\(field.dropFirst("relay.".count)) must be \(range.lowerBound)-\(range.upperBound), got \(value)",
                field: field
            )
        }
        if relay.retryMaxSeconds < relay.retryBaseSeconds {
            throw IntegrationError(
                code: .invalidValue,
                message:
                    "retryMaxSeconds (\(relay.retryMaxSeconds)) is below retryBaseSeconds (\(relay.retryBaseSeconds))",
                field: "relay.retryMaxSeconds"
            )
        }
    }

    static func validateName(_ name: String) throws(IntegrationError) {
        let valid =
            (1...40).contains(name.count)
            && name.unicodeScalars.allSatisfy {
                ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                    || $0 == "_"
            }
        if !valid {
            throw IntegrationError(
                code: .invalidName,
                message: "invalid name \"\(name)\": expected 1-40 characters of A-Z, a-z, 0-9, - and _",
                field: "name"
            )
        }
    }

    private func validateEngine() throws(IntegrationError) {
        switch (database.engine, database.arn) {
        case (.postgres, .instance), (.auroraPostgreSQL, .cluster), (.auroraMySQL, .cluster):
            break
        case (.postgres, .cluster):
            throw IntegrationError(
                code: .engineMismatch,
                message: "engine postgres (RDS for PostgreSQL) needs a DB instance ARN (…:db:ID), got \(database.arn)",
                field: "database.arn"
            )
        case (_, .instance):
            throw IntegrationError(
                code: .engineMismatch,
                message:
                    "engine \(database.engine.rawValue) needs a DB cluster ARN (…:cluster:ID), got \(database.arn)",
                field: "database.arn"
            )
        }
        _ = try auroraMySQLVersion()
        if let timeout = database.requestTimeoutMilliseconds {
            guard database.engine != .auroraMySQL else {
                throw IntegrationError(
                    code: .invalidValue,
                    message: "requestTimeoutMs sets aws_lambda.request_timeout_ms, which only PostgreSQL engines have",
                    field: "database.requestTimeoutMs"
                )
            }
            guard (1...900_000).contains(timeout) else {
                throw IntegrationError(
                    code: .invalidValue,
                    message: "aws_lambda.request_timeout_ms must be 1-900000, got \(timeout)",
                    field: "database.requestTimeoutMs"
                )
            }
        }
        if let instance = database.instanceID, instance.isEmpty {
            throw IntegrationError(code: .invalidValue, message: "the instance id is empty", field: "database.instance")
        }
        if let group = database.parameterGroup, group.isEmpty {
            throw IntegrationError(
                code: .invalidValue,
                message: "the parameter group name is empty",
                field: "database.parameterGroup"
            )
        }
    }

    private func validateFunction() throws(IntegrationError) {
        if let timeout = function.timeoutSeconds, !(1...900).contains(timeout) {
            throw IntegrationError(
                code: .invalidValue,
                message: "a Lambda function timeout is 1-900 seconds, got \(timeout)",
                field: "function.timeoutSeconds"
            )
        }
        if let qualifier = function.qualifier, let inARN = function.arn.qualifier, inARN != qualifier {
            throw IntegrationError(
                code: .invalidValue,
                message: "qualifier \"\(qualifier)\" conflicts with the ARN's qualifier \"\(inARN)\"",
                field: "function.qualifier"
            )
        }
        let qualifier = invokedFunctionARN.qualifier
        if qualifier?.kind == .latest || qualifier?.kind == .latestPublished {
            throw IntegrationError(
                code: .invalidValue,
                message: "qualifier \(qualifier?.value ?? "$LATEST") cannot carry a resource policy; "
                    + "use a version or an alias, or none",
                field: "function.qualifier"
            )
        }
    }

    private func validateTables() throws(IntegrationError) {
        guard !tables.isEmpty else {
            throw IntegrationError(code: .invalidTable, message: "at least one table is needed", field: "tables")
        }
        var seen: Set<TableName> = []
        for (index, table) in tables.enumerated() {
            guard seen.insert(table.table).inserted else {
                throw IntegrationError(
                    code: .invalidTable,
                    message: "table \(table.table) is listed twice",
                    field: "tables[\(index)].table"
                )
            }
            if let bytes = table.maxRowBytes, bytes < 1 {
                throw IntegrationError(
                    code: .invalidValue,
                    message: "maxRowBytes must be positive, got \(bytes)",
                    field: "tables[\(index)].maxRowBytes"
                )
            }
            if database.engine == .auroraMySQL {
                guard case .only(let columns) = table.columns, !columns.isEmpty else {
                    throw IntegrationError(
                        code: .mysqlColumnsRequired,
                        message: "Aurora MySQL has no row-to-JSON function: list the columns to send in `columns`",
                        field: "tables[\(index)].columns"
                    )
                }
            }
            _ = try tableSQL(for: table, index: index)
        }
    }
}
