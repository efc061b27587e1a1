public import DBLambdaCore

/// The steps that attach the DB role to the database so the engine can call Lambda.
public struct RoleAssociation: Sendable, Hashable {
    /// The database engine, which decides the commands.
    public enum Engine: String, Sendable, Hashable, CaseIterable {
        /// RDS for PostgreSQL (a DB instance; `add-role-to-db-instance --feature-name Lambda`).
        case postgreSQL
        /// Aurora PostgreSQL (a DB cluster; `add-role-to-db-cluster --feature-name Lambda`).
        case auroraPostgreSQL
        /// Aurora MySQL (a DB cluster; `add-role-to-db-cluster` and the `aws_default_lambda_role` parameter).
        case auroraMySQL
    }

    /// One step: what it does and the AWS CLI arguments (after `aws`).
    public struct Step: Sendable, Hashable {
        /// One sentence saying what the step does.
        public var summary: String
        /// The AWS CLI arguments after `aws`.
        public var arguments: [String]

        /// The shell command line, quoted where needed.
        public var command: String { (["aws"] + arguments.map(shellQuoted)).joined(separator: " ") }
    }

    /// The database.
    public var database: RDSDatabaseARN
    /// The role to associate.
    public var role: IAMRoleARN
    /// The engine.
    public var engine: Engine
    /// The DB cluster parameter group (Aurora MySQL only); `nil` renders a `<cluster-parameter-group>` placeholder.
    public var clusterParameterGroup: String?

    /// Creates the plan.
    ///
    /// - Throws: ``PolicyError`` (`invalidArgument`) when the engine needs a cluster but got an instance (Aurora) or
    ///   the other way round.
    public init(
        database: RDSDatabaseARN,
        role: IAMRoleARN,
        engine: Engine,
        clusterParameterGroup: String? = nil
    ) throws(PolicyError) {
        switch (engine, database) {
        case (.postgreSQL, .instance), (.auroraPostgreSQL, .cluster), (.auroraMySQL, .cluster):
            break
        default:
            throw PolicyError(
                code: .invalidArgument,
                message: "engine \(engine.rawValue) needs a DB \(engine == .postgreSQL ? "instance" : "cluster") ARN, "
                    + "got \(database)"
            )
        }
        self.database = database
        self.role = role
        self.engine = engine
        self.clusterParameterGroup = clusterParameterGroup
    }

    /// The steps, in order.
    public var steps: [Step] {
        let region = database.region.name
        switch engine {
        case .postgreSQL:
            return [
                Step(
                    summary: "Associate the role with the DB instance for the Lambda feature.",
                    arguments: [
                        "rds", "add-role-to-db-instance", "--db-instance-identifier", database.identifier,
                        "--feature-name", "Lambda", "--role-arn", role.description, "--region", region,
                    ]
                )
            ]
        case .auroraPostgreSQL:
            return [
                Step(
                    summary: "Associate the role with the DB cluster for the Lambda feature.",
                    arguments: [
                        "rds", "add-role-to-db-cluster", "--db-cluster-identifier", database.identifier,
                        "--feature-name", "Lambda", "--role-arn", role.description, "--region", region,
                    ]
                )
            ]
        case .auroraMySQL:
            let group = clusterParameterGroup ?? "<cluster-parameter-group>"
            return [
                Step(
                    summary: "Associate the role with the DB cluster (Aurora MySQL takes no feature name).",
                    arguments: [
                        "rds", "add-role-to-db-cluster", "--db-cluster-identifier", database.identifier,
                        "--role-arn", role.description, "--region", region,
                    ]
                ),
                Step(
                    summary: "Set aws_default_lambda_role in the cluster's parameter group, then reboot the writer.",
                    arguments: [
                        "rds", "modify-db-cluster-parameter-group", "--db-cluster-parameter-group-name", group,
                        "--parameters",
                        // JSON, not the CLI shorthand: a role name may contain `,`, which the shorthand splits on.
                        #"[{"ParameterName":"aws_default_lambda_role","ParameterValue":""#
                            + role.description + #"","ApplyMethod":"pending-reboot"}]"#,
                        "--region", region,
                    ]
                ),
            ]
        }
    }
}
