public import DBLambdaCore
public import DBLambdaIAM
public import DBLambdaNetwork
public import DBLambdaSQL

/// One database → Lambda integration: the database, the function, the role the database assumes, the delivery
/// mode, where the network description comes from and the tables whose changes are sent.
///
/// Load it from a config file with ``load(contentsOf:)`` or build it in code, then call ``plan()``.
public struct Integration: Sendable, Hashable {
    /// The database engine.
    public enum Engine: String, Sendable, Hashable, CaseIterable, Codable {
        /// RDS for PostgreSQL (a DB instance).
        case postgres
        /// Aurora PostgreSQL (a DB cluster).
        case auroraPostgreSQL = "aurora-postgresql"
        /// Aurora MySQL version 2 or 3 (a DB cluster).
        case auroraMySQL = "aurora-mysql"
    }

    /// How the events reach the function.
    public enum DeliveryMode: String, Sendable, Hashable, Codable {
        /// The database invokes Lambda itself (`aws_lambda.invoke` / `lambda_async`).
        case direct
        /// Through an outbox table and a relay (arrives with the relay; ``Integration/plan()`` rejects it).
        case outbox
    }

    /// The database side.
    public struct Database: Sendable, Hashable {
        /// The DB instance (RDS for PostgreSQL) or DB cluster (Aurora) ARN.
        public var arn: RDSDatabaseARN
        /// The engine.
        public var engine: Engine
        /// The engine version, e.g. `15.5` or `3.05.2` (decides the Aurora MySQL major version).
        public var engineVersion: String?
        /// The DB instance whose network is checked; default: the ARN's identifier when it is an instance.
        public var instanceID: String?
        /// The DB parameter group (PostgreSQL) or DB cluster parameter group (Aurora MySQL) to change.
        public var parameterGroup: String?
        /// `aws_lambda.request_timeout_ms` (PostgreSQL engines).
        public var requestTimeoutMilliseconds: Int?

        /// Creates the database side.
        public init(
            arn: RDSDatabaseARN,
            engine: Engine,
            engineVersion: String? = nil,
            instanceID: String? = nil,
            parameterGroup: String? = nil,
            requestTimeoutMilliseconds: Int? = nil
        ) {
            self.arn = arn
            self.engine = engine
            self.engineVersion = engineVersion
            self.instanceID = instanceID
            self.parameterGroup = parameterGroup
            self.requestTimeoutMilliseconds = requestTimeoutMilliseconds
        }
    }

    /// The function the database invokes.
    public struct Function: Sendable, Hashable {
        /// The function ARN (unqualified or qualified).
        public var arn: LambdaFunctionARN
        /// The version or alias to invoke, if any.
        public var qualifier: LambdaQualifier?
        /// The function's configured timeout in seconds (used for warnings).
        public var timeoutSeconds: Int?

        /// Creates the function side.
        public init(arn: LambdaFunctionARN, qualifier: LambdaQualifier? = nil, timeoutSeconds: Int? = nil) {
            self.arn = arn
            self.qualifier = qualifier
            self.timeoutSeconds = timeoutSeconds
        }
    }

    /// One table whose changes are sent.
    public struct Table: Sendable, Hashable {
        /// The table (`schema.table`; MySQL: `database.table`).
        public var table: TableName
        /// The operations that send an event.
        public var operations: [TriggerOperation]
        /// `Event` or `RequestResponse`.
        public var invocationType: TriggerInvocationType
        /// Which columns the events carry.
        public var columns: ColumnSelection
        /// What the trigger does when the invoke fails.
        public var errorPolicy: TriggerErrorPolicy
        /// The role (PostgreSQL) or account (MySQL) that gets the grants.
        public var grantTo: String?
        /// The largest row the user expects, in bytes (for the async payload warning).
        public var maxRowBytes: Int?

        /// Creates a table with the defaults: insert, update, delete; `Event`; all columns; `raise`.
        public init(
            table: TableName,
            operations: [TriggerOperation] = [.insert, .update, .delete],
            invocationType: TriggerInvocationType = .event,
            columns: ColumnSelection = .all,
            errorPolicy: TriggerErrorPolicy = .raise,
            grantTo: String? = nil,
            maxRowBytes: Int? = nil
        ) {
            self.table = table
            self.operations = operations
            self.invocationType = invocationType
            self.columns = columns
            self.errorPolicy = errorPolicy
            self.grantTo = grantTo
            self.maxRowBytes = maxRowBytes
        }
    }

    /// Where the description of the database's network comes from.
    public enum NetworkSource: Sendable, Hashable {
        /// Not checked.
        case none
        /// A folder of AWS CLI JSON files, as `dblambda network check` reads them.
        case awsCLIJSON(directory: String)
        /// A network model built in code.
        case model(AWSNetwork)
    }

    /// The integration's name (`[A-Za-z0-9_-]{1,40}`), used in generated names.
    public var name: String
    /// The database.
    public var database: Database
    /// The function.
    public var function: Function
    /// The name of the IAM role the database assumes (in the database's account).
    public var roleName: String
    /// The delivery mode.
    public var delivery: DeliveryMode
    /// The network description.
    public var network: NetworkSource
    /// The tables.
    public var tables: [Table]

    /// Creates an integration after validating it.
    ///
    /// - Throws: ``IntegrationError`` naming the field: an invalid name or role name, an engine that does not fit
    ///   the ARN (PostgreSQL needs a DB instance, Aurora a DB cluster), no table, a repeated table, an empty
    ///   operation list, or an Aurora MySQL table without `columns` (`mysqlColumnsRequired`).
    public init(
        name: String,
        database: Database,
        function: Function,
        roleName: String,
        delivery: DeliveryMode = .direct,
        network: NetworkSource = .none,
        tables: [Table]
    ) throws(IntegrationError) {
        self.name = name
        self.database = database
        self.function = function
        self.roleName = roleName
        self.delivery = delivery
        self.network = network
        self.tables = tables
        try validate()
    }
}
