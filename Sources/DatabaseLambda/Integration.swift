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
        /// The triggers write each event to an outbox table in the same transaction and `dblambda relay` (the
        /// `DBLambdaRelay` module) invokes the function for committed rows only (PostgreSQL engines only).
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

    /// Where the outbox lives (delivery mode ``DeliveryMode/outbox``).
    public struct Outbox: Sendable, Hashable {
        /// The schema of the outbox and dead-letter tables; default `dblambda`.
        public var schema: String
        /// The `NOTIFY` channel that wakes the relay; default `dblambda_outbox`.
        public var channel: String
        /// The database role the relay connects as; it gets the grants on the outbox. `nil`: no grants.
        public var relayRole: String?

        /// Creates the outbox settings; the defaults are the standard names.
        public init(schema: String = "dblambda", channel: String = "dblambda_outbox", relayRole: String? = nil) {
            self.schema = schema
            self.channel = channel
            self.relayRole = relayRole
        }
    }

    /// How the relay delivers the outbox (delivery mode ``DeliveryMode/outbox``). `dblambda relay` reads these
    /// settings; its flags override them.
    public struct Relay: Sendable, Hashable {
        /// Whether events of one partition key (table and primary key) are delivered strictly in order.
        public enum Ordering: String, Sendable, Hashable, CaseIterable {
            /// No ordering between batches (the fastest).
            case none
            /// An event waits while an earlier one with the same partition key is pending.
            case partitionKey = "partition-key"
        }

        /// `Event` (the default) or `RequestResponse` (a function error then counts as a failure and is retried).
        public var invocationType: TriggerInvocationType
        /// Events claimed per transaction, 1-10000; default 100.
        public var batchSize: Int
        /// Workers, each with its own connection, 1-64; default 2.
        public var concurrency: Int
        /// The ordering mode; every relay on one outbox must use the same.
        public var ordering: Ordering
        /// Attempts before an event moves to the dead letter, 1-1000; default 10.
        public var maxAttempts: Int
        /// The first retry delay in seconds (exponential backoff with full jitter), 1-3600; default 1.
        public var retryBaseSeconds: Int
        /// The largest retry delay in seconds, at least ``retryBaseSeconds``, at most 86400; default 300.
        public var retryMaxSeconds: Int
        /// How often an idle worker polls when no notification arrives, in milliseconds, 10-3600000; default 1000.
        public var pollIntervalMilliseconds: Int
        /// How long delivered rows stay in the outbox, in hours (0 deletes them at once); `nil` keeps them
        /// forever. Default 24.
        public var retentionHours: Int?

        /// Creates relay settings; the defaults are the relay's own.
        public init(
            invocationType: TriggerInvocationType = .event,
            batchSize: Int = 100,
            concurrency: Int = 2,
            ordering: Ordering = .none,
            maxAttempts: Int = 10,
            retryBaseSeconds: Int = 1,
            retryMaxSeconds: Int = 300,
            pollIntervalMilliseconds: Int = 1_000,
            retentionHours: Int? = 24
        ) {
            self.invocationType = invocationType
            self.batchSize = batchSize
            self.concurrency = concurrency
            self.ordering = ordering
            self.maxAttempts = maxAttempts
            self.retryBaseSeconds = retryBaseSeconds
            self.retryMaxSeconds = retryMaxSeconds
            self.pollIntervalMilliseconds = pollIntervalMilliseconds
            self.retentionHours = retentionHours
        }
    }

    /// The integration's name (`[A-Za-z0-9_-]{1,40}`), used in generated names.
    public var name: String
    /// The database.
    public var database: Database
    /// The function.
    public var function: Function
    /// The name of the IAM role that invokes the function, in the database's account: the role the database
    /// assumes (``DeliveryMode/direct``) or the relay's own role (``DeliveryMode/outbox``).
    public var roleName: String
    /// The delivery mode.
    public var delivery: DeliveryMode
    /// The network description.
    public var network: NetworkSource
    /// The tables.
    public var tables: [Table]
    /// The outbox names (used by ``DeliveryMode/outbox`` only).
    public var outbox: Outbox
    /// The relay settings (used by ``DeliveryMode/outbox`` only).
    public var relay: Relay

    /// Creates an integration after validating it.
    ///
    /// - Throws: ``IntegrationError`` naming the field: an invalid name or role name, an engine that does not fit
    ///   the ARN (PostgreSQL needs a DB instance, Aurora a DB cluster), no table, a repeated table, an empty
    ///   operation list, an Aurora MySQL table without `columns` (`mysqlColumnsRequired`), outbox delivery on
    ///   Aurora MySQL (`deliveryModeUnavailable`), or outbox and relay settings out of range.
    public init(
        name: String,
        database: Database,
        function: Function,
        roleName: String,
        delivery: DeliveryMode = .direct,
        network: NetworkSource = .none,
        tables: [Table],
        outbox: Outbox = Outbox(),
        relay: Relay = Relay()
    ) throws(IntegrationError) {
        self.name = name
        self.database = database
        self.function = function
        self.roleName = roleName
        self.delivery = delivery
        self.network = network
        self.tables = tables
        self.outbox = outbox
        self.relay = relay
        try validate()
    }
}
