/// Where the outbox lives in PostgreSQL: the schema that holds the `outbox` and `dead_letter` tables and the
/// `cleanup` function, and the `NOTIFY` channel the triggers use to wake the relay.
///
/// ```swift
/// let names = try OutboxNames(schema: "events", channel: "events_outbox")
/// names.qualifiedOutbox   // "\"events\".\"outbox\""
/// ```
///
/// Both names are validated like every PostgreSQL identifier in this module (not empty, no NUL byte, at most
/// 63 UTF-8 bytes) and are always written quoted, so any spelling is safe. The scripts that use them
/// (``PostgreSQLOutboxSchema``, ``PostgreSQLTriggerScript``) validate them again, so a name changed after `init`
/// is still checked.
public struct OutboxNames: Sendable, Hashable {
    /// The schema of the outbox objects, raw (never SQL-quoted). Default `dblambda`.
    public var schema: String
    /// The `LISTEN`/`NOTIFY` channel, raw (never SQL-quoted). Default `dblambda_outbox`.
    public var channel: String

    /// The default names: schema `dblambda`, channel `dblambda_outbox`.
    public static let standard = OutboxNames(validSchema: "dblambda", validChannel: "dblambda_outbox")

    /// Validates and stores the names.
    ///
    /// - Throws: ``SQLError/emptyIdentifier``, ``SQLError/invalidCharacter`` or ``SQLError/identifierTooLong``,
    ///   with a message that says which name was wrong.
    public init(schema: String = "dblambda", channel: String = "dblambda_outbox") throws(SQLError) {
        self.init(validSchema: schema, validChannel: channel)
        try validate()
    }

    private init(validSchema: String, validChannel: String) {
        self.schema = validSchema
        self.channel = validChannel
    }

    /// The outbox table, quoted and schema-qualified: `"dblambda"."outbox"`.
    public var qualifiedOutbox: String { Self.quote(schema) + "." + Self.quote("outbox") }

    /// The dead-letter table, quoted and schema-qualified: `"dblambda"."dead_letter"`.
    public var qualifiedDeadLetter: String { Self.quote(schema) + "." + Self.quote("dead_letter") }

    /// The cleanup function, quoted and schema-qualified (without arguments): `"dblambda"."cleanup"`.
    public var qualifiedCleanup: String { Self.quote(schema) + "." + Self.quote("cleanup") }

    /// The schema, quoted: `"dblambda"`.
    public var quotedSchema: String { Self.quote(schema) }

    /// The channel, quoted as an identifier for `LISTEN`/`UNLISTEN`: `"dblambda_outbox"`.
    public var quotedChannel: String { Self.quote(channel) }

    /// Checks both names again (they are `var`s and may have been changed after `init`).
    ///
    /// - Throws: ``SQLError`` as ``init(schema:channel:)`` does.
    public func validate() throws(SQLError) {
        do {
            try PostgreSQLQuoting.validateIdentifier(schema)
        } catch {
            throw SQLError(code: error.code, message: "outbox schema: \(error.message)")
        }
        do {
            try PostgreSQLQuoting.validateIdentifier(channel)
        } catch {
            throw SQLError(code: error.code, message: "outbox channel: \(error.message)")
        }
    }

    /// Quoting that cannot fail: doubling every `"` keeps any text one identifier token.
    static func quote(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }
}

/// How a PostgreSQL trigger delivers its events.
public enum TriggerDelivery: Sendable, Hashable {
    /// The trigger calls `aws_lambda.invoke` while the statement runs (RDS for PostgreSQL / Aurora PostgreSQL
    /// with the `aws_lambda` extension). A later `ROLLBACK` cannot undo the invoke. The default.
    case direct
    /// The trigger stores the event in the outbox table in the same transaction and sends a `NOTIFY`
    /// wake-up; the relay (`dblambda relay`) delivers committed events only, at least once. No extension.
    case outbox(OutboxNames)
}
