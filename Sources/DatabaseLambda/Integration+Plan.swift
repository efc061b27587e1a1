import DBLambdaCore
import DBLambdaIAM
import DBLambdaNetwork
import DBLambdaSQL
import Foundation

extension Integration {
    /// The bytes the event envelope adds around the row images (ids, source, timestamps, column names); used to
    /// estimate the largest payload for ``PlanWarning`` `PAYLOAD_MAY_EXCEED_ASYNC_LIMIT`.
    public static let envelopeOverheadBytes = 2_048

    /// The default of `aws_lambda.request_timeout_ms` (PostgreSQL engines).
    public static let defaultRequestTimeoutMilliseconds = 3_000

    /// Plans the integration offline and deterministically: IAM documents, role association, parameter changes,
    /// SQL per table, network verdict, warnings and the four-step checklist.
    ///
    /// In delivery mode ``DeliveryMode/outbox`` the plan holds the outbox schema script, outbox triggers per table
    /// and the relay's settings; IAM is only the invoke policy of the relay's own role (``roleName``) and the
    /// function's resource permission; the network verdict is informational (the relay calls Lambda, not the
    /// database).
    ///
    /// - Throws: ``IntegrationError``: `networkFailed` when the network description cannot be read or does not list
    ///   the DB instance, `generationFailed` when a document cannot be generated, or the validation errors of
    ///   ``init(name:database:function:roleName:delivery:network:tables:outbox:relay:)``.
    public func plan() throws(IntegrationError) -> IntegrationPlan {
        try validate()
        let arn = database.arn
        let roleARN: IAMRoleARN
        var trustPolicy: PolicyDocument?
        let invokePolicy: PolicyDocument
        let permission: LambdaPermission
        var association: RoleAssociation?
        do {
            roleARN = try IAMRoleARN(partition: arn.partition, accountID: arn.accountID, name: roleName)
        } catch {
            throw IntegrationError(code: .invalidRoleName, message: error.description, field: "role.name")
        }
        do {
            invokePolicy = try PolicyTemplates.invokePolicy(functions: [invokedFunctionARN])
            permission = try LambdaPermission(
                function: invokedFunctionARN,
                grantee: .role(roleARN),
                statementID: "dblambda-\(name)"
            )
            if delivery == .direct {
                trustPolicy = try PolicyTemplates.rdsTrustPolicy(databases: [arn])
                association = try RoleAssociation(
                    database: arn,
                    role: roleARN,
                    engine: roleAssociationEngine,
                    clusterParameterGroup: database.engine == .auroraMySQL ? database.parameterGroup : nil
                )
            }
        } catch {
            throw IntegrationError(code: .generationFailed, message: error.description)
        }
        let model = try networkModel()
        let report = try networkReport(model)
        var tableScripts: [TableSQL] = []
        for (index, table) in tables.enumerated() {
            tableScripts.append(try tableSQL(for: table, index: index))
        }
        // A change the DB parameter group already holds (describe-db-parameters.json) is not planned again.
        let current = model?.dbParameters ?? [:]
        let changes =
            delivery == .outbox
            ? [] : parameterChanges(roleARN: roleARN, report: report).filter { current[$0.name] != $0.value }
        let warnings = planWarnings(invokePolicy: invokePolicy, report: report)
        let plan = IntegrationPlan(
            name: name,
            database: database,
            function: function,
            roleARN: roleARN,
            trustPolicy: trustPolicy,
            invokePolicy: invokePolicy,
            invokePolicyName: "dblambda-\(name)-invoke",
            resourcePermission: permission,
            roleAssociation: association,
            parameterChanges: changes,
            tables: tableScripts,
            network: report,
            warnings: warnings,
            checklist: [],
            delivery: delivery,
            outbox: try outboxPlan()
        )
        var result = plan
        result.checklist = Self.checklist(for: plan)
        return result
    }

    /// The outbox part of the plan; `nil` in direct mode.
    func outboxPlan() throws(IntegrationError) -> OutboxPlan? {
        guard delivery == .outbox else { return nil }
        let names = try outboxNames()
        let schema: PostgreSQLOutboxSchema
        do {
            schema = try PostgreSQLOutboxSchema(names: names, relayRole: outbox.relayRole)
        } catch {
            throw IntegrationError(code: .invalidValue, message: error.message, field: "outbox.relayRole")
        }
        return OutboxPlan(
            names: names,
            relayRole: outbox.relayRole,
            sql: schema.render(),
            relay: relay,
            relayArguments: relayArguments(names: names)
        )
    }

    /// `relay --function … [--qualifier …] --region …` and every setting that differs from the relay's default.
    func relayArguments(names: OutboxNames) -> [String] {
        let function = invokedFunctionARN
        var arguments = ["relay", "--function", function.unqualified.description]
        if let qualifier = function.qualifier { arguments += ["--qualifier", qualifier.value] }
        arguments += ["--region", function.region.name]
        let defaults = Relay()
        if relay.invocationType != defaults.invocationType {
            arguments += ["--invocation-type", relay.invocationType.rawValue]
        }
        let integers: [(String, Int, Int)] = [
            ("--batch-size", relay.batchSize, defaults.batchSize),
            ("--concurrency", relay.concurrency, defaults.concurrency),
            ("--max-attempts", relay.maxAttempts, defaults.maxAttempts),
            ("--retry-base-seconds", relay.retryBaseSeconds, defaults.retryBaseSeconds),
            ("--retry-max-seconds", relay.retryMaxSeconds, defaults.retryMaxSeconds),
            ("--poll-interval-ms", relay.pollIntervalMilliseconds, defaults.pollIntervalMilliseconds),
        ]
        for (flag, value, standard) in integers where value != standard {
            arguments += [flag, String(value)]
        }
        if relay.ordering != defaults.ordering { arguments += ["--ordering", relay.ordering.rawValue] }
        if relay.retentionHours != defaults.retentionHours {
            arguments += ["--retention-hours", relay.retentionHours.map(String.init) ?? "forever"]
        }
        if names.schema != OutboxNames.standard.schema { arguments += ["--schema", names.schema] }
        if names.channel != OutboxNames.standard.channel { arguments += ["--channel", names.channel] }
        return arguments
    }

    var roleAssociationEngine: RoleAssociation.Engine {
        switch database.engine {
        case .postgres: .postgreSQL
        case .auroraPostgreSQL: .auroraPostgreSQL
        case .auroraMySQL: .auroraMySQL
        }
    }

    // MARK: Network

    /// The network model: imported from the AWS CLI JSON folder or the one built in code; `nil` when not checked.
    func networkModel() throws(IntegrationError) -> AWSNetwork? {
        switch network {
        case .none:
            return nil
        case .model(let model):
            return model
        case .awsCLIJSON(let directory):
            do {
                return try AWSCLIImporter.importDirectory(at: directory)
            } catch {
                throw IntegrationError(code: .networkFailed, message: error.description, field: "network.awsJSON")
            }
        }
    }

    func networkReport(_ model: AWSNetwork?) throws(IntegrationError) -> NetworkReport? {
        guard let model else { return nil }
        let instanceID: String
        if let known = networkInstanceID {
            instanceID = known
        } else if let cluster = model.clusters.first(where: { $0.identifier == database.arn.identifier }),
            let member = cluster.memberInstanceIDs.sorted().first
        {
            instanceID = member
        } else {
            throw IntegrationError(
                code: .networkFailed,
                message: "name the DB instance whose network is checked: cluster \(database.arn.identifier) has no "
                    + "member listed in the network description",
                field: "database.instance"
            )
        }
        do {
            return try NetworkAnalyzer.analyze(model, instanceID: instanceID)
        } catch {
            throw IntegrationError(code: .networkFailed, message: error.description, field: "database.instance")
        }
    }

    // MARK: Parameters

    func parameterChanges(roleARN: IAMRoleARN, report: NetworkReport?) -> [ParameterChange] {
        var changes: [ParameterChange] = []
        switch database.engine {
        case .auroraMySQL:
            changes.append(
                ParameterChange(
                    parameterGroup: database.parameterGroup,
                    name: "aws_default_lambda_role",
                    value: roleARN.description,
                    applyMethod: "pending-reboot",
                    reason: "Aurora MySQL invokes Lambda with the role named in the DB cluster parameter "
                        + "aws_default_lambda_role; reboot the writer instance after the change"
                )
            )
        case .postgres, .auroraPostgreSQL:
            if report?.route == .vpcEndpoint
                || report?.blockers.contains(where: { $0.code == .customDNSResolutionOff }) == true
            {
                changes.append(
                    ParameterChange(
                        parameterGroup: database.parameterGroup,
                        name: "rds.custom_dns_resolution",
                        value: "1",
                        applyMethod: "pending-reboot",
                        reason: "the database reaches Lambda through an interface VPC endpoint; PostgreSQL resolves "
                            + "its private DNS name only with rds.custom_dns_resolution = 1 (reboot after the change)"
                    )
                )
            }
            if let timeout = database.requestTimeoutMilliseconds {
                changes.append(
                    ParameterChange(
                        parameterGroup: database.parameterGroup,
                        name: "aws_lambda.request_timeout_ms",
                        value: String(timeout),
                        applyMethod: "immediate",
                        reason: "how long aws_lambda.invoke waits for Lambda's answer (default 3000 ms)"
                    )
                )
            }
        }
        return changes
    }

    // MARK: Warnings

    func planWarnings(invokePolicy: PolicyDocument, report: NetworkReport?) -> [PlanWarning] {
        var warnings: [PlanWarning] = []
        for table in tables where table.invocationType == .requestResponse {
            warnings.append(
                PlanWarning(
                    code: "SYNC_TRIGGER_HOLDS_LOCKS",
                    message: "the trigger on \(table.table) invokes with RequestResponse: every write to the table "
                        + "waits for the function to finish while it holds its row locks, and a function error "
                        + (table.errorPolicy == .raise ? "rolls back the write" : "is only reported as a warning"),
                    fix: "use invocationType: Event unless the write must wait for the function's answer"
                )
            )
        }
        if database.engine != .auroraMySQL, let seconds = function.timeoutSeconds {
            let explicit = database.requestTimeoutMilliseconds
            let effective = explicit ?? Self.defaultRequestTimeoutMilliseconds
            let hasSync = tables.contains { $0.invocationType == .requestResponse }
            if effective < seconds * 1_000, explicit != nil || hasSync {
                warnings.append(
                    PlanWarning(
                        code: "REQUEST_TIMEOUT_SHORTER_THAN_FUNCTION",
                        message: "aws_lambda.request_timeout_ms is \(effective) ms"
                            + (explicit == nil ? " (the default)" : "")
                            + " but the function may run \(seconds) s: a synchronous invoke gives up before the "
                            + "function finishes and fails the write",
                        fix: "set database.requestTimeoutMs to at least \(seconds * 1_000) (the parameter "
                            + "aws_lambda.request_timeout_ms), or shorten the function's timeout"
                    )
                )
            }
        }
        for table in tables {
            guard let rowBytes = table.maxRowBytes else { continue }
            let invocationType = delivery == .outbox ? relay.invocationType : table.invocationType
            let limit = invocationType == .event ? LambdaPayloadLimits.event : LambdaPayloadLimits.requestResponse
            let estimate = rowBytes * 2 + Self.envelopeOverheadBytes
            if estimate > limit, delivery == .outbox {
                warnings.append(
                    PlanWarning(
                        code: "PAYLOAD_MAY_EXCEED_ASYNC_LIMIT",
                        message: "an UPDATE on \(table.table) carries the old and the new row: up to \(estimate) bytes "
                            + "with the envelope, over the \(limit)-byte limit of one \(invocationType) invoke; "
                            + "the relay moves such an event to the dead letter at once",
                        fix: "list only the columns the function needs (columns / excludeColumns)"
                            + (invocationType == .event ? ", or set relay.invocationType: RequestResponse (6 MB)" : "")
                    )
                )
            } else if estimate > limit {
                warnings.append(
                    PlanWarning(
                        code: "PAYLOAD_MAY_EXCEED_ASYNC_LIMIT",
                        message: "an UPDATE on \(table.table) carries the old and the new row: up to \(estimate) bytes "
                            + "with the envelope, over the \(limit)-byte limit of one \(table.invocationType) invoke; "
                            + "the invoke then fails (and so does the write when onError is raise)",
                        fix: "list only the columns the function needs (columns / excludeColumns)"
                            + (table.invocationType == .event ? ", or use RequestResponse (6 MB)" : "")
                    )
                )
            }
        }
        let findings = PolicyLinter(policyType: .identity).lint(invokePolicy).filter { $0.severity != .suggestion }
        if invokedFunctionARN.qualifier == nil {
            warnings.append(
                PlanWarning(
                    code: "ROLE_POLICY_BROADER_THAN_NEEDED",
                    message:
                        "the invoke policy grants \(invokedFunctionARN) and \(invokedFunctionARN.wildcardQualified) "
                        + "(every version and alias) because no qualifier is set; the trigger only needs one of them",
                    fix: "set function.qualifier to the alias the database should invoke (e.g. live)"
                )
            )
        }
        for finding in findings {
            warnings.append(
                PlanWarning(
                    code: "ROLE_POLICY_BROADER_THAN_NEEDED",
                    message: "the invoke policy: \(finding.issueCode) at \(finding.path): \(finding.message)",
                    fix: "narrow the policy to the function ARN the trigger invokes"
                )
            )
        }
        if delivery == .outbox {
            warnings += outboxWarnings()
        } else if case .none = network {
            warnings.append(
                PlanWarning(
                    code: "NETWORK_NOT_CHECKED",
                    message: "no network description was given, so it is unknown whether the database can reach "
                        + "the Lambda endpoint over HTTPS",
                    fix: "save the AWS CLI JSON the network guide lists into a folder and set network.awsJSON"
                )
            )
        }
        return warnings
    }

    private func outboxWarnings() -> [PlanWarning] {
        var warnings: [PlanWarning] = []
        if outbox.relayRole == nil {
            warnings.append(
                PlanWarning(
                    code: "OUTBOX_RELAY_ROLE_NOT_SET",
                    message: "no database role is named for the relay, so the outbox script grants nothing and the "
                        + "relay must connect as the owner of the outbox schema (or a superuser)",
                    fix: "create a role for the relay and name it in outbox.relayRole"
                )
            )
        }
        if relay.retentionHours == nil {
            warnings.append(
                PlanWarning(
                    code: "OUTBOX_RETENTION_OFF",
                    message: "relay.retentionHours is forever: delivered rows are never deleted, so the outbox "
                        + "table and its indexes grow with every change",
                    fix: "set relay.retentionHours (default 24; 0 deletes rows once delivered), or run "
                        + "dblambda outbox cleanup on a schedule"
                )
            )
        }
        return warnings
    }

    // MARK: Checklist

    static func checklist(for plan: IntegrationPlan) -> [ChecklistItem] {
        [
            functionItem(plan),
            networkItem(plan),
            permissionItem(plan),
            triggerItem(plan),
        ]
    }

    private static func functionItem(_ plan: IntegrationPlan) -> ChecklistItem {
        let function = plan.function
        let qualifier = function.qualifier ?? function.arn.qualifier
        return ChecklistItem(
            step: .functionSetup,
            title: ChecklistItem.Step.functionSetup.title,
            status: .ready,
            details: [
                "Function: \(function.arn.unqualified)",
                "Qualifier: " + (qualifier.map { "\($0.value) (\($0.kind))" } ?? "none (the unqualified function)"),
                "Timeout: " + (function.timeoutSeconds.map { "\($0) s" } ?? "not given"),
            ]
        )
    }

    private static func networkItem(_ plan: IntegrationPlan) -> ChecklistItem {
        if plan.delivery == .outbox { return outboxNetworkItem(plan) }
        guard let report = plan.network else {
            return ChecklistItem(
                step: .networkConfiguration,
                title: ChecklistItem.Step.networkConfiguration.title,
                status: .unknown,
                details: ["Not checked: no network description (network.awsJSON) was given."]
            )
        }
        let status: ChecklistItem.Status
        switch report.verdict {
        case .reachable: status = .ready
        case .unreachable: status = .blocked
        case .unknown: status = .unknown
        }
        var details = [
            "DB instance \(report.instanceID) -> \(report.endpointHost ?? "the Lambda endpoint"):443: "
                + report.verdict.rawValue + (report.route.map { " via \($0.rawValue)" } ?? "")
        ]
        for finding in report.blockers {
            details.append("Blocker \(finding.code) \(finding.component): \(finding.message) Fix: \(finding.fix)")
        }
        let label = report.verdict == .unknown ? "Unknown" : "Warning"
        for finding in report.warnings {
            details.append("\(label) \(finding.code) \(finding.component): \(finding.message) Fix: \(finding.fix)")
        }
        for change in plan.parameterChanges where change.name == "rds.custom_dns_resolution" {
            details.append(parameterCommand(change, engine: plan.database.engine, region: plan.database.arn.region))
        }
        return ChecklistItem(
            step: .networkConfiguration,
            title: ChecklistItem.Step.networkConfiguration.title,
            status: status,
            details: details
        )
    }

    /// Outbox mode: the database needs no route to Lambda; the relay does. The verdict is informational.
    private static func outboxNetworkItem(_ plan: IntegrationPlan) -> ChecklistItem {
        let function = plan.function.arn
        let host = function.partition.hostname(service: "lambda", region: function.region)
        var details = [
            "Outbox delivery: the database never calls Lambda, so it needs no route to the Lambda endpoint "
                + "(no NAT gateway, VPC endpoint or parameter change).",
            "The relay needs the route instead: a connection to the database (PostgreSQL port) and HTTPS to "
                + "\(host):443 from where it runs.",
        ]
        if let report = plan.network {
            details.append(
                "Informational: DB instance \(report.instanceID) -> \(report.endpointHost ?? "the Lambda endpoint"):443: "
                    + report.verdict.rawValue + (report.route.map { " via \($0.rawValue)" } ?? "")
                    + " (not needed in outbox mode)"
            )
        }
        return ChecklistItem(
            step: .networkConfiguration,
            title: ChecklistItem.Step.networkConfiguration.title,
            status: .ready,
            details: details
        )
    }

    private static func permissionItem(_ plan: IntegrationPlan) -> ChecklistItem {
        ChecklistItem(
            step: .permissionAssignment,
            title: ChecklistItem.Step.permissionAssignment.title,
            status: .actionRequired,
            details: plan.permissionCommands + [
                plan.resourcePermissionRequired
                    ? "Cross-account: the function's resource policy must allow the role (add-permission above)."
                    : "Same account: the role's invoke policy is enough; the add-permission statement is optional."
            ]
                + (plan.delivery == .outbox
                    ? [
                        "Outbox delivery: \(plan.roleARN.name) is the relay's own role (the one it runs as); the "
                            + "database assumes no role, so there is no trust policy for RDS and no role association."
                    ] : [])
        )
    }

    private static func triggerItem(_ plan: IntegrationPlan) -> ChecklistItem {
        var details: [String] = []
        for change in plan.parameterChanges where change.name == "aws_lambda.request_timeout_ms" {
            details.append(parameterCommand(change, engine: plan.database.engine, region: plan.database.arn.region))
        }
        if plan.outbox != nil {
            details.append(
                "Run the outbox schema script once, before the triggers (psql -v ON_ERROR_STOP=1 < the script)."
            )
        }
        for table in plan.tables {
            let client = table.dialect == "mysql" ? "mysql" : "psql -v ON_ERROR_STOP=1"
            details.append("Run the \(table.dialect) script for \(table.table) (\(client) < the script).")
        }
        if let outbox = plan.outbox {
            details.append(
                "Run the relay beside the database (with DBLAMBDA_DATABASE_URL set, as the role "
                    + "\(plan.roleARN.name)): \(outbox.relayCommand)"
            )
        }
        let blocked = plan.delivery == .direct && plan.network?.verdict == .unreachable
        if blocked {
            details.insert("Blocked until the database can reach the Lambda endpoint (network step).", at: 0)
        }
        return ChecklistItem(
            step: .triggerSetup,
            title: ChecklistItem.Step.triggerSetup.title,
            status: blocked ? .blocked : .actionRequired,
            details: details
        )
    }

    /// The AWS CLI command that applies one parameter change.
    static func parameterCommand(_ change: ParameterChange, engine: Engine, region: Region) -> String {
        let cluster = engine == .auroraMySQL
        let group = change.parameterGroup ?? (cluster ? "<cluster-parameter-group>" : "<db-parameter-group>")
        let command = cluster ? "modify-db-cluster-parameter-group" : "modify-db-parameter-group"
        let option = cluster ? "--db-cluster-parameter-group-name" : "--db-parameter-group-name"
        let parameters =
            "ParameterName=\(change.name),ParameterValue=\(change.value),ApplyMethod=\(change.applyMethod)"
        return "aws rds \(command) \(option) '\(group)' --parameters '\(parameters)' --region \(region.name)"
    }
}
