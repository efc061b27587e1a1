/// Typed field access with errors that name the JSON path.
struct FieldReader {
    let object: JSONObject
    let path: String
    let envelope: String

    init(_ value: JSONValue, path: String, envelope: String) throws(EventsError) {
        guard let object = value.objectValue else {
            throw EventsError(
                code: .invalidEnvelope,
                message: "\(envelope): \(path) must be an object, found \(value.typeName)"
            )
        }
        self.object = object
        self.path = path
        self.envelope = envelope
    }

    func fieldPath(_ key: String) -> String { path + JSONPathText.component(key) }

    func invalid(_ key: String, _ expected: String, found: JSONValue?) -> EventsError {
        EventsError(
            code: .invalidEnvelope,
            message: "\(envelope): \(fieldPath(key)) must be \(expected), found \(found.map(\.typeName) ?? "nothing")"
        )
    }

    func string(_ key: String) throws(EventsError) -> String {
        guard let value = object[key]?.stringValue else { throw invalid(key, "a string", found: object[key]) }
        return value
    }

    func optionalString(_ key: String) throws(EventsError) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let string = value.stringValue else { throw invalid(key, "a string or null", found: value) }
        return string
    }

    /// A string, or a number rendered as its text (transaction ids), or null.
    func optionalText(_ key: String) throws(EventsError) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        if let string = value.stringValue { return string }
        if let number = value.numberValue { return number.text }
        throw invalid(key, "a string, a number or null", found: value)
    }

    func optionalRow(_ key: String) throws(EventsError) -> JSONObject? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let row = value.objectValue else { throw invalid(key, "an object or null", found: value) }
        return row
    }

    func child(_ key: String) throws(EventsError) -> FieldReader {
        guard let value = object[key] else { throw invalid(key, "an object", found: nil) }
        return try FieldReader(value, path: fieldPath(key), envelope: envelope)
    }
}

/// The package's own envelope, version 1.
enum EnvelopeReader {
    static let name = "DatabaseLambda envelope"

    static func read(_ document: JSONValue) throws(EventsError) -> [ChangeEvent] {
        let reader = try FieldReader(document, path: "$", envelope: name)
        try checkVersion(reader)
        guard let events = reader.object["events"] else {
            return [try readEvent(reader)]
        }
        guard let elements = events.arrayValue else {
            throw reader.invalid("events", "an array", found: events)
        }
        var result: [ChangeEvent] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let eventReader = try FieldReader(element, path: "$.events[\(index)]", envelope: name)
            if eventReader.object["dblambda"] != nil { try checkVersion(eventReader) }
            result.append(try readEvent(eventReader))
        }
        return result
    }

    static func checkVersion(_ reader: FieldReader) throws(EventsError) {
        let version = reader.object["dblambda"]
        guard let number = version?.numberValue else {
            throw reader.invalid("dblambda", "the version number 1", found: version)
        }
        guard number.text == "1" else {
            throw EventsError(
                code: .unsupportedVersion,
                message:
                    "\(name): \(reader.fieldPath("dblambda")) is version \(number.text); this reader knows version 1"
            )
        }
    }

    static func readEvent(_ reader: FieldReader) throws(EventsError) -> ChangeEvent {
        let operationText = try reader.string("operation")
        guard let operation = ChangeEvent.Operation(rawValue: operationText) else {
            throw EventsError(
                code: .invalidEnvelope,
                message:
                    "\(name): \(reader.fieldPath("operation")) is \"\(operationText)\"; expected insert, update, delete or truncate"
            )
        }
        let source = try reader.child("source")
        let old = try reader.optionalRow("old")
        let new = try reader.optionalRow("new")
        var changed: [String]
        if let columns = reader.object["changedColumns"], !columns.isNull {
            guard let elements = columns.arrayValue else {
                throw reader.invalid("changedColumns", "an array of strings", found: columns)
            }
            changed = []
            changed.reserveCapacity(elements.count)
            for element in elements {
                guard let column = element.stringValue else {
                    throw reader.invalid("changedColumns", "an array of strings", found: element)
                }
                changed.append(column)
            }
        } else {
            changed = operation == .update ? ChangeEvent.changedColumns(old: old, new: new) : []
        }
        return ChangeEvent(
            id: try reader.optionalString("id"),
            operation: operation,
            source: ChangeEvent.Source(
                engine: try source.string("engine"),
                database: try source.optionalString("database"),
                schema: try source.string("schema"),
                table: try source.string("table"),
                server: try source.optionalString("server")
            ),
            transactionID: try reader.optionalText("transactionId"),
            timestamp: try reader.optionalString("timestamp"),
            old: old,
            new: new,
            changedColumns: changed,
            format: .dblambda
        )
    }
}

/// Debezium change events (PostgreSQL connector, JSON converter), with or without the `schema`/`payload`
/// wrapper. Source: https://debezium.io/documentation/reference/stable/connectors/postgresql.html
/// ("Data change events"). Values pass through exactly as Debezium wrote them.
enum DebeziumReader {
    static let name = "Debezium event"

    static func read(_ document: JSONValue) throws(EventsError) -> ChangeEvent {
        var reader = try FieldReader(document, path: "$", envelope: name)
        if reader.object["payload"] != nil, reader.object["schema"] != nil {
            reader = try reader.child("payload")
        }
        let op = try reader.string("op")
        let operation: ChangeEvent.Operation
        switch op {
        case "c", "r": operation = .insert
        case "u": operation = .update
        case "d": operation = .delete
        case "t": operation = .truncate
        default:
            throw EventsError(
                code: .invalidEnvelope,
                message:
                    "\(name): \(reader.fieldPath("op")) is \"\(op)\"; expected c, r, u, d or t (m messages are not row changes)"
            )
        }
        let source = try reader.child("source")
        let database = try source.optionalString("db")
        let server = try source.optionalString("name")
        let lsn = try source.optionalText("lsn")
        let old = try reader.optionalRow("before")
        let new = try reader.optionalRow("after")
        var timestamp: String?
        if let micros = source.object["ts_us"]?.numberValue.flatMap({ Int64($0.text) }) {
            timestamp = TimestampText.iso8601(microsecondsSince1970: micros)
        } else if let millis = (source.object["ts_ms"] ?? reader.object["ts_ms"])?.numberValue.flatMap({
            Int64($0.text)
        }) {
            // Milliseconds beyond ±292 000 years do not fit a microsecond count: an error, never an overflow.
            let (micros, overflow) = millis.multipliedReportingOverflow(by: 1000)
            guard !overflow else {
                let holder = source.object["ts_ms"] != nil ? source : reader
                throw holder.invalid(
                    "ts_ms",
                    "milliseconds since 1970 within ±292 000 years",
                    found: .number(JSONNumber(millis))
                )
            }
            timestamp = TimestampText.iso8601(microsecondsSince1970: micros)
        }
        var id: String?
        if op != "r", let lsn {
            id = "\(server ?? "debezium"):\(lsn):\(op)"
        }
        return ChangeEvent(
            id: id,
            operation: operation,
            source: ChangeEvent.Source(
                engine: try source.optionalString("connector") ?? "postgresql",
                database: database,
                schema: try source.optionalString("schema") ?? database ?? "",
                table: try source.optionalString("table") ?? "",
                server: server
            ),
            transactionID: try source.optionalText("txId"),
            timestamp: timestamp,
            old: old,
            new: new,
            changedColumns: operation == .update ? ChangeEvent.changedColumns(old: old, new: new) : [],
            format: .debezium
        )
    }
}

/// Supabase database webhook payloads. Source: https://supabase.com/docs/guides/database/webhooks
/// ("Payload": `type`, `table`, `schema`, `record`, `old_record`).
enum SupabaseReader {
    static let name = "Supabase webhook"

    static func read(_ document: JSONValue) throws(EventsError) -> ChangeEvent {
        let reader = try FieldReader(document, path: "$", envelope: name)
        let type = try reader.string("type")
        let operation: ChangeEvent.Operation
        switch type {
        case "INSERT": operation = .insert
        case "UPDATE": operation = .update
        case "DELETE": operation = .delete
        case "TRUNCATE": operation = .truncate
        default:
            throw EventsError(
                code: .invalidEnvelope,
                message: "\(name): $.type is \"\(type)\"; expected INSERT, UPDATE or DELETE"
            )
        }
        let old = try reader.optionalRow("old_record")
        let new = try reader.optionalRow("record")
        return ChangeEvent(
            id: nil,
            operation: operation,
            source: ChangeEvent.Source(
                engine: "postgresql",
                database: nil,
                schema: try reader.string("schema"),
                table: try reader.string("table")
            ),
            old: operation == .insert ? nil : old,
            new: operation == .delete ? nil : new,
            changedColumns: operation == .update ? ChangeEvent.changedColumns(old: old, new: new) : [],
            format: .supabase
        )
    }
}

/// Hasura event trigger payloads. Source: https://hasura.io/docs/2.0/event-triggers/payload/
/// (`event.op`, `event.data.old`/`new`, `table.schema`/`name`, `id`, `created_at`, `trigger.name`).
enum HasuraReader {
    static let name = "Hasura event"

    static func read(_ document: JSONValue) throws(EventsError) -> ChangeEvent {
        var reader = try FieldReader(document, path: "$", envelope: name)
        if reader.object["event"] == nil, reader.object["payload"]?.objectValue != nil {
            // The documentation shows the body inside a "payload" member; accept both forms.
            reader = try reader.child("payload")
        }
        let event = try reader.child("event")
        let op = try event.string("op")
        let operation: ChangeEvent.Operation
        switch op {
        case "INSERT": operation = .insert
        case "UPDATE": operation = .update
        case "DELETE": operation = .delete
        default:
            throw EventsError(
                code: .invalidEnvelope,
                message:
                    "\(name): \(event.fieldPath("op")) is \"\(op)\"; expected INSERT, UPDATE or DELETE (MANUAL invocations are not row changes)"
            )
        }
        let data = try event.child("data")
        let old = try data.optionalRow("old")
        let new = try data.optionalRow("new")
        let table = try reader.child("table")
        return ChangeEvent(
            id: try reader.optionalText("id"),
            operation: operation,
            source: ChangeEvent.Source(
                engine: "postgresql",
                database: nil,
                schema: try table.string("schema"),
                table: try table.string("name")
            ),
            timestamp: try reader.optionalString("created_at"),
            old: old,
            new: new,
            changedColumns: operation == .update ? ChangeEvent.changedColumns(old: old, new: new) : [],
            format: .hasura
        )
    }
}
