public import DBLambdaCore

/// A table named by its schema (for MySQL: its database) and its own name, both raw (never SQL-quoted).
public struct TableName: Sendable, Hashable, CustomStringConvertible {
    /// The schema (PostgreSQL) or database (MySQL).
    public var schema: String
    /// The table's name.
    public var table: String

    /// Creates a table name from its raw parts.
    public init(schema: String, table: String) {
        self.schema = schema
        self.table = table
    }

    /// Splits `SCHEMA.TABLE` at its **first** dot: `sales"2026.Order Items` is schema `sales"2026`, table
    /// `Order Items`, and `a.b.c` is schema `a`, table `b.c`.
    ///
    /// - Throws: ``SQLError/invalidTableName`` when there is no dot or either side is empty.
    public init(parsing text: String) throws(SQLError) {
        guard let dot = text.firstIndex(of: ".") else {
            throw SQLError(
                code: .invalidTableName,
                message: "table \(SQLText.quoted(text)) is not SCHEMA.TABLE (no dot)"
            )
        }
        let schema = String(text[..<dot])
        let table = String(text[text.index(after: dot)...])
        guard !schema.isEmpty, !table.isEmpty else {
            throw SQLError(
                code: .invalidTableName,
                message:
                    "table \(SQLText.quoted(text)) is not SCHEMA.TABLE (empty \(schema.isEmpty ? "schema" : "table"))"
            )
        }
        self.init(schema: schema, table: table)
    }

    /// `schema.table`, unquoted.
    public var description: String { schema + "." + table }
}

/// A data-changing operation a trigger fires on.
public enum TriggerOperation: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `INSERT` (row level).
    case insert
    /// `UPDATE` (row level).
    case update
    /// `DELETE` (row level).
    case delete
    /// `TRUNCATE` (statement level; PostgreSQL only).
    case truncate

    /// The SQL keyword, e.g. `INSERT`.
    public var keyword: String { rawValue.uppercased() }

    /// The lowercase name the envelope uses (`insert`, …).
    public var description: String { rawValue }

    /// Parses a comma-separated list such as `insert,update` (case-insensitive, spaces allowed), keeping the
    /// canonical order insert, update, delete, truncate and dropping repeats.
    ///
    /// - Throws: ``SQLError/invalidOperation`` for an empty list or an unknown name.
    public static func parseList(_ text: String) throws(SQLError) -> [TriggerOperation] {
        var found: Set<TriggerOperation> = []
        for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = piece.trimmingSQLSpaces().lowercased()
            guard let operation = TriggerOperation(rawValue: name) else {
                throw SQLError(
                    code: .invalidOperation,
                    message: "unknown operation \(SQLText.quoted(String(piece))) in \(SQLText.quoted(text)); "
                        + "expected insert, update, delete or truncate"
                )
            }
            found.insert(operation)
        }
        return allCases.filter(found.contains)
    }
}

/// How the trigger invokes the function.
public enum TriggerInvocationType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Asynchronous (`Event`; Aurora MySQL `lambda_async`): the write waits only for Lambda to queue the event.
    case event = "Event"
    /// Synchronous (`RequestResponse`; Aurora MySQL `lambda_sync`): the write waits for the function to finish.
    case requestResponse = "RequestResponse"

    /// The Lambda API spelling, `Event` or `RequestResponse`.
    public var description: String { rawValue }
}

/// What the trigger does when the invoke fails.
public enum TriggerErrorPolicy: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Let the error fail the user's statement (and so roll back its transaction). The default.
    case raise
    /// Catch the error, report it as a warning and let the user's write go on (the event is lost).
    case warn

    /// `raise` or `warn`.
    public var description: String { rawValue }
}

/// Which columns go into the `old`/`new` row objects and count for `changedColumns`.
public enum ColumnSelection: Sendable, Hashable {
    /// Every column of the table (PostgreSQL only: MySQL has no row-to-JSON and needs a list).
    case all
    /// Exactly these columns (in this order for MySQL; PostgreSQL keeps table order for `changedColumns`).
    case only([String])
    /// Every column except these (PostgreSQL only).
    case excluding([String])

    /// Builds a selection from the raw comma-separated `--columns` and `--exclude-columns` values.
    ///
    /// - Throws: ``SQLError/invalidColumns`` when both are given, an entry is empty or a name repeats.
    public static func parse(columns: String?, excludeColumns: String?) throws(SQLError) -> ColumnSelection {
        switch (columns, excludeColumns) {
        case (nil, nil): return .all
        case (let columns?, nil): return .only(try parseList(columns, option: "--columns"))
        case (nil, let excluded?): return .excluding(try parseList(excluded, option: "--exclude-columns"))
        case (_?, _?):
            throw SQLError(code: .invalidColumns, message: "give either --columns or --exclude-columns, not both")
        }
    }

    private static func parseList(_ text: String, option: String) throws(SQLError) -> [String] {
        var names: [String] = []
        var seen: Set<String> = []
        for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = String(piece)
            guard !name.isEmpty else {
                throw SQLError(code: .invalidColumns, message: "empty column name in \(option) \(SQLText.quoted(text))")
            }
            guard seen.insert(name).inserted else {
                throw SQLError(code: .invalidColumns, message: "column \(SQLText.quoted(name)) repeats in \(option)")
            }
            names.append(name)
        }
        return names
    }
}

/// The Aurora MySQL major version, which decides how the privilege to invoke Lambda is granted.
public enum AuroraMySQLVersion: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Aurora MySQL version 2 (MySQL 5.7 compatible): `GRANT INVOKE LAMBDA ON *.* TO …`.
    case v2 = 2
    /// Aurora MySQL version 3 (MySQL 8.0 compatible): `GRANT AWS_LAMBDA_ACCESS TO …` plus role activation.
    case v3 = 3

    /// `2` or `3`.
    public var description: String { String(rawValue) }
}

/// Everything the setup SQL for one table depends on.
///
/// ```swift
/// var configuration = TriggerConfiguration(
///     function: try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:123456789012:function:orders"),
///     table: try TableName(parsing: "public.orders")
/// )
/// configuration.columns = .only(["id", "status"])
/// let sql = try PostgreSQLTriggerScript(configuration).render()
/// ```
public struct TriggerConfiguration: Sendable, Hashable {
    /// The function the trigger invokes.
    public var function: LambdaFunctionARN
    /// The table the trigger watches.
    public var table: TableName
    /// The operations that send an event, in canonical order. Default: all the engine supports.
    public var operations: [TriggerOperation]?
    /// `Event` (the default) or `RequestResponse`.
    public var invocationType: TriggerInvocationType
    /// Which columns the events carry. Default: all (PostgreSQL); MySQL needs ``ColumnSelection/only(_:)``.
    public var columns: ColumnSelection
    /// What the trigger does when the invoke fails. Default: ``TriggerErrorPolicy/raise``.
    public var errorPolicy: TriggerErrorPolicy
    /// The role (PostgreSQL) or account (MySQL, `user@host`; `user` alone means `user@%`) that gets the
    /// grants; `nil` writes the grants as commented guidance.
    public var grantTo: String?
    /// PostgreSQL only: an SQL boolean expression added as `WHEN (…)` to the row triggers. It is SQL written by
    /// the caller and is inserted as is (it is not a name or a value and is never quoted).
    public var condition: String?
    /// PostgreSQL only: invoke from the trigger (``TriggerDelivery/direct``, the default) or store the event in
    /// an outbox for the relay (``TriggerDelivery/outbox(_:)``). MySQL supports direct delivery only.
    public var delivery: TriggerDelivery

    /// Creates a configuration with the defaults: every operation, `Event`, all columns, `raise`, no grantee,
    /// direct delivery.
    public init(
        function: LambdaFunctionARN,
        table: TableName,
        operations: [TriggerOperation]? = nil,
        invocationType: TriggerInvocationType = .event,
        columns: ColumnSelection = .all,
        errorPolicy: TriggerErrorPolicy = .raise,
        grantTo: String? = nil,
        condition: String? = nil,
        delivery: TriggerDelivery = .direct
    ) {
        self.function = function
        self.table = table
        self.operations = operations
        self.invocationType = invocationType
        self.columns = columns
        self.errorPolicy = errorPolicy
        self.grantTo = grantTo
        self.condition = condition
        self.delivery = delivery
    }
}

extension StringProtocol {
    func trimmingSQLSpaces() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}

/// A 64-bit FNV-1a hash, used to keep generated names unique and short.
enum FNV1a {
    static func hash(_ text: String) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
        return value
    }

    static func hex8(_ text: String) -> String {
        let value = hash(text) & 0xFFFF_FFFF
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
