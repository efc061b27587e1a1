public import DBLambdaCore
public import DBLambdaIAM
public import DBLambdaNetwork
public import DBLambdaSQL

/// Everything an ``Integration`` needs, computed offline by ``Integration/plan()``: the IAM documents, the role
/// association steps, the parameter changes, the SQL per table, the network verdict, warnings and the checklist of
/// the four set-up steps.
///
/// In delivery mode ``Integration/DeliveryMode/outbox`` the database never calls Lambda: there is no trust policy,
/// no role association and no parameter change; ``roleARN`` is the relay's own role and ``outbox`` holds the outbox
/// schema script and the relay's settings.
public struct IntegrationPlan: Sendable, Hashable {
    /// The integration's name.
    public var name: String
    /// The database.
    public var database: Integration.Database
    /// The function.
    public var function: Integration.Function
    /// How the events reach the function.
    public var delivery: Integration.DeliveryMode
    /// The ARN of the role that invokes the function: the role the database assumes (direct) or the relay's own
    /// role (outbox).
    public var roleARN: IAMRoleARN
    /// The role's trust policy: `rds.amazonaws.com`, bound by `aws:SourceArn` and `aws:SourceAccount`; `nil` in
    /// outbox mode (the relay's role already trusts whatever runs the relay).
    public var trustPolicy: PolicyDocument?
    /// The role's permission policy: `lambda:InvokeFunction` on the function.
    public var invokePolicy: PolicyDocument
    /// The name of the role's inline permission policy, e.g. `dblambda-orders-invoke`.
    public var invokePolicyName: String
    /// The statement of the function's resource-based policy that lets the role invoke it.
    ///
    /// Required only when the function is in another account than the role
    /// (``resourcePermissionRequired``); in the same account the role's invoke policy alone allows the call
    /// and the statement is optional documentation of the grant.
    public var resourcePermission: LambdaPermission
    /// The steps that associate the role with the database; `nil` in outbox mode (the database assumes no role).
    public var roleAssociation: RoleAssociation?
    /// The parameter group changes the engine needs.
    public var parameterChanges: [ParameterChange]
    /// The complete setup SQL per table, in config order.
    public var tables: [TableSQL]
    /// The network analysis; `nil` when the network is not checked.
    public var network: NetworkReport?
    /// The warnings, in a stable order.
    public var warnings: [PlanWarning]
    /// The four set-up steps, in order: function, network, permissions, triggers.
    public var checklist: [ChecklistItem]
    /// The outbox schema and the relay (delivery mode outbox); `nil` in direct mode.
    public var outbox: OutboxPlan?

    /// Creates a plan from its parts.
    public init(
        name: String,
        database: Integration.Database,
        function: Integration.Function,
        roleARN: IAMRoleARN,
        trustPolicy: PolicyDocument?,
        invokePolicy: PolicyDocument,
        invokePolicyName: String,
        resourcePermission: LambdaPermission,
        roleAssociation: RoleAssociation?,
        parameterChanges: [ParameterChange],
        tables: [TableSQL],
        network: NetworkReport?,
        warnings: [PlanWarning],
        checklist: [ChecklistItem],
        delivery: Integration.DeliveryMode = .direct,
        outbox: OutboxPlan? = nil
    ) {
        self.name = name
        self.delivery = delivery
        self.outbox = outbox
        self.database = database
        self.function = function
        self.roleARN = roleARN
        self.trustPolicy = trustPolicy
        self.invokePolicy = invokePolicy
        self.invokePolicyName = invokePolicyName
        self.resourcePermission = resourcePermission
        self.roleAssociation = roleAssociation
        self.parameterChanges = parameterChanges
        self.tables = tables
        self.network = network
        self.warnings = warnings
        self.checklist = checklist
    }
}

/// The outbox part of a plan (delivery mode ``Integration/DeliveryMode/outbox``): the schema script to run once
/// before the triggers and the relay that delivers the outbox.
public struct OutboxPlan: Sendable, Hashable {
    /// The outbox schema and `NOTIFY` channel.
    public var names: OutboxNames
    /// The database role the relay connects as (it gets the grants), when one is configured.
    public var relayRole: String?
    /// The idempotent outbox schema script (DBLambdaSQL's `PostgreSQLOutboxSchema`): tables, indexes, cleanup, grants.
    public var sql: String
    /// The relay's settings.
    public var relay: Integration.Relay
    /// The `dblambda relay` arguments that run the relay with these settings (the database URL comes from
    /// `DBLAMBDA_DATABASE_URL`), e.g. `["relay", "--function", "arn:…", "--qualifier", "live", "--region", …]`.
    public var relayArguments: [String]

    /// Creates the outbox part.
    public init(
        names: OutboxNames,
        relayRole: String?,
        sql: String,
        relay: Integration.Relay,
        relayArguments: [String]
    ) {
        self.names = names
        self.relayRole = relayRole
        self.sql = sql
        self.relay = relay
        self.relayArguments = relayArguments
    }

    /// The relay command line: `dblambda` and the shell-quoted ``relayArguments``.
    public var relayCommand: String {
        (["dblambda"] + relayArguments.map(PlanShell.quote)).joined(separator: " ")
    }
}

/// One parameter to set in a DB (cluster) parameter group.
public struct ParameterChange: Sendable, Hashable, Codable {
    /// The parameter group; `nil` when the config names none (the renderers show a placeholder).
    public var parameterGroup: String?
    /// The parameter, e.g. `aws_default_lambda_role`.
    public var name: String
    /// The value.
    public var value: String
    /// `immediate` or `pending-reboot`.
    public var applyMethod: String
    /// Why the change is needed.
    public var reason: String

    /// Creates a change.
    public init(parameterGroup: String?, name: String, value: String, applyMethod: String, reason: String) {
        self.parameterGroup = parameterGroup
        self.name = name
        self.value = value
        self.applyMethod = applyMethod
        self.reason = reason
    }
}

/// The setup SQL of one table.
public struct TableSQL: Sendable, Hashable, Codable {
    /// The table, `schema.table` (MySQL: `database.table`).
    public var table: String
    /// `postgresql` or `mysql`.
    public var dialect: String
    /// The complete script.
    public var sql: String

    /// Creates a table script.
    public init(table: String, dialect: String, sql: String) {
        self.table = table
        self.dialect = dialect
        self.sql = sql
    }
}

/// Something in the plan that works but may surprise: a code, what happens and how to fix it.
public struct PlanWarning: Sendable, Hashable, Codable {
    /// A stable `SCREAMING_SNAKE` code, e.g. `SYNC_TRIGGER_HOLDS_LOCKS`.
    public var code: String
    /// What happens.
    public var message: String
    /// How to avoid it.
    public var fix: String

    /// Creates a warning.
    public init(code: String, message: String, fix: String) {
        self.code = code
        self.message = message
        self.fix = fix
    }
}

/// One of the four set-up steps and its status.
public struct ChecklistItem: Sendable, Hashable, Codable {
    /// The step.
    public enum Step: String, Sendable, Hashable, Codable, CaseIterable {
        /// The Lambda function is set up.
        case functionSetup = "function-setup"
        /// The database can reach the Lambda endpoint.
        case networkConfiguration = "network-configuration"
        /// The role, its policies and its association with the database.
        case permissionAssignment = "permission-assignment"
        /// The triggers are installed.
        case triggerSetup = "trigger-setup"
    }

    /// The status of a step.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Nothing to do.
        case ready
        /// The user has to run the listed commands.
        case actionRequired = "action-required"
        /// Cannot work until something else is fixed.
        case blocked
        /// Not known (e.g. the network was not checked).
        case unknown
        /// Checked live and working.
        case verified
        /// Checked live and failing.
        case failed
    }

    /// The step.
    public var step: Step
    /// A short title.
    public var title: String
    /// The status.
    public var status: Status
    /// Details: settings, commands to run, blockers.
    public var details: [String]

    /// Creates an item.
    public init(step: Step, title: String, status: Status, details: [String]) {
        self.step = step
        self.title = title
        self.status = status
        self.details = details
    }
}

/// The output formats of ``IntegrationPlan/render(_:)``.
public enum PlanFormat: String, Sendable, CaseIterable {
    /// Markdown for a pull request or a runbook.
    case markdown
    /// JSON for tooling (sorted keys).
    case json
    /// A `set -euo pipefail` shell script of AWS CLI commands.
    case shell
    /// Terraform HCL for the role, policies, role association and Lambda permission (outbox: the relay role's
    /// policy and the Lambda permission).
    case terraform
}

extension IntegrationPlan {
    /// Renders the plan in `format`. Deterministic: the same plan gives the same bytes.
    public func render(_ format: PlanFormat) -> String {
        switch format {
        case .markdown: MarkdownPlanRenderer.render(self)
        case .json: JSONPlanRenderer.render(self)
        case .shell: ShellPlanRenderer.render(self)
        case .terraform: TerraformPlanRenderer.render(self)
        }
    }
}

extension IntegrationPlan {
    /// Whether the function's resource-based policy must name the role: true when the role and the function
    /// are in different accounts (a cross-account call needs both the identity and the resource policy).
    public var resourcePermissionRequired: Bool {
        roleARN.accountID != resourcePermission.function.accountID
    }
}
