/// One row change (or a truncate) captured from a database, whatever envelope carried it.
///
/// Decode payloads with ``ChangeEvent/decode(from:)-(Bytes)`` (auto-detects the package's own envelope, a
/// batch of them, Debezium, Supabase database webhooks and Hasura event triggers). Rows are ordered
/// ``JSONObject``s holding the database's exact JSON; decode them into your own type with
/// ``decodeNew(as:options:)`` / ``decodeOld(as:options:)``.
public struct ChangeEvent: Sendable, Hashable {
    /// What happened to the row.
    public enum Operation: String, Sendable, Hashable, CaseIterable {
        /// A row was inserted (Debezium snapshot reads `r` are inserts too).
        case insert
        /// A row was updated.
        case update
        /// A row was deleted.
        case delete
        /// The table was truncated (statement level: no rows).
        case truncate
    }

    /// Where the change happened.
    public struct Source: Sendable, Hashable {
        /// `postgresql` or `mysql` (or the connector name a foreign envelope gives).
        public var engine: String
        /// The database name, when the envelope carries one (Supabase and Hasura payloads do not).
        public var database: String?
        /// The schema (for MySQL: the database again).
        public var schema: String
        /// The table.
        public var table: String
        /// A server or cluster name, when known (Debezium: the topic prefix `source.name`).
        public var server: String?

        /// Creates a source.
        public init(engine: String, database: String?, schema: String, table: String, server: String? = nil) {
            self.engine = engine
            self.database = database
            self.schema = schema
            self.table = table
            self.server = server
        }
    }

    /// The envelope an event was read from.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// The package's own envelope, version 1 (`Documentation/Envelope.md`).
        case dblambda
        /// A Debezium change event (PostgreSQL connector, JSON converter, with or without schemas).
        case debezium
        /// A Supabase database webhook payload.
        case supabase
        /// A Hasura event trigger payload.
        case hasura
    }

    /// A unique id per event to de-duplicate on (`Event` invokes may be delivered twice). `nil` when the
    /// envelope has none (Supabase webhooks); for Debezium it is derived from the source position.
    public var id: String?
    /// What happened.
    public var operation: Operation
    /// Where it happened.
    public var source: Source
    /// The database transaction id as text, when known.
    public var transactionID: String?
    /// When it happened, as the envelope renders it (see ``timestampDate``).
    public var timestamp: String?
    /// The row before the change (updates and deletes; `nil` when there is no before image).
    public var old: JSONObject?
    /// The row after the change (inserts and updates).
    public var new: JSONObject?
    /// For updates: the columns whose values differ, in row order; otherwise empty.
    public var changedColumns: [String]
    /// The envelope this event was read from (``Format/dblambda`` for events you create).
    public var format: Format

    /// Creates an event.
    public init(
        id: String?,
        operation: Operation,
        source: Source,
        transactionID: String? = nil,
        timestamp: String? = nil,
        old: JSONObject? = nil,
        new: JSONObject? = nil,
        changedColumns: [String] = [],
        format: Format = .dblambda
    ) {
        self.id = id
        self.operation = operation
        self.source = source
        self.transactionID = transactionID
        self.timestamp = timestamp
        self.old = old
        self.new = new
        self.changedColumns = changedColumns
        self.format = format
    }

    /// The columns of `new` whose values differ from `old` (members compared by exact JSON), in `new`'s
    /// order; columns present in only one row count as changed. Empty unless both rows are present.
    public static func changedColumns(old: JSONObject?, new: JSONObject?) -> [String] {
        guard let old, let new else { return [] }
        var changed: [String] = []
        for member in new.members where old[member.key] != member.value && !changed.contains(member.key) {
            changed.append(member.key)
        }
        for member in old.members where new[member.key] == nil && !changed.contains(member.key) {
            changed.append(member.key)
        }
        return changed
    }
}

extension ChangeEvent {
    /// Decodes every event in one JSON document: the package's envelope (single event or batch), a
    /// Debezium, Supabase webhook or Hasura event trigger payload (detected automatically).
    ///
    /// - Throws: ``EventsError`` — ``EventsError/Code/invalidJSON``, ``EventsError/Code/nestingTooDeep``,
    ///   ``EventsError/Code/documentTooLarge`` (over 16 MiB), ``EventsError/Code/unknownEnvelope``,
    ///   ``EventsError/Code/unsupportedVersion`` or ``EventsError/Code/invalidEnvelope``.
    public static func decode<Bytes: Collection>(from bytes: Bytes) throws(EventsError) -> [ChangeEvent]
    where Bytes.Element == UInt8 {
        try decode(from: try JSONValue(parsing: bytes))
    }

    /// Decodes every event in one JSON document given as a string.
    public static func decode(from string: String) throws(EventsError) -> [ChangeEvent] {
        try decode(from: try JSONValue(parsing: string))
    }

    /// Decodes every event in an already parsed document (see ``decode(from:)-(Bytes)``).
    public static func decode(from document: JSONValue) throws(EventsError) -> [ChangeEvent] {
        guard let format = detectFormat(document) else {
            throw EventsError(
                code: .unknownEnvelope,
                message:
                    "the \(document.typeName) is none of the known envelopes (DatabaseLambda v1 with \"dblambda\", "
                    + "Debezium with \"op\"/\"source\", Supabase webhook with \"type\"/\"record\", Hasura with \"event\"/\"table\")"
            )
        }
        return try decode(from: document, format: format)
    }

    /// Decodes a document known to be in `format`.
    public static func decode(from document: JSONValue, format: Format) throws(EventsError) -> [ChangeEvent] {
        switch format {
        case .dblambda: return try EnvelopeReader.read(document)
        case .debezium: return [try DebeziumReader.read(document)]
        case .supabase: return [try SupabaseReader.read(document)]
        case .hasura: return [try HasuraReader.read(document)]
        }
    }

    /// Which envelope `document` is, or `nil` when it is none of the known ones.
    public static func detectFormat(_ document: JSONValue) -> Format? {
        guard let object = document.objectValue else { return nil }
        if object["dblambda"] != nil { return .dblambda }
        if let payload = object["payload"], object["schema"] != nil, payload.objectValue?["op"] != nil {
            return .debezium
        }
        if object["op"]?.stringValue != nil, object["source"]?.objectValue != nil { return .debezium }
        if object["event"]?.objectValue?["op"] != nil, object["table"]?.objectValue != nil { return .hasura }
        if let inner = object["payload"]?.objectValue, inner["event"]?.objectValue?["op"] != nil,
            inner["table"]?.objectValue != nil
        {
            return .hasura
        }
        if object["type"]?.stringValue != nil, object["table"]?.stringValue != nil,
            object["record"] != nil || object["old_record"] != nil
        {
            return .supabase
        }
        return nil
    }
}
