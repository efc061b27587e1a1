extension ChangeEvent {
    /// The event as a version 1 envelope object (`Documentation/Envelope.md`), fields in the documented
    /// order. `id` is left out when ``id`` is `nil`, `source.database` becomes `""` when unknown.
    public var envelope: JSONObject {
        var members: [JSONObject.Member] = []
        members.reserveCapacity(9)
        members.append(.init(key: "dblambda", value: .number(JSONNumber(1))))
        if let id { members.append(.init(key: "id", value: .string(id))) }
        members.append(.init(key: "operation", value: .string(operation.rawValue)))
        var sourceMembers: [JSONObject.Member] = [
            .init(key: "engine", value: .string(source.engine)),
            .init(key: "database", value: .string(source.database ?? "")),
            .init(key: "schema", value: .string(source.schema)),
            .init(key: "table", value: .string(source.table)),
        ]
        if let server = source.server { sourceMembers.append(.init(key: "server", value: .string(server))) }
        members.append(.init(key: "source", value: .object(JSONObject(sourceMembers))))
        members.append(.init(key: "transactionId", value: transactionID.map(JSONValue.string) ?? .null))
        members.append(.init(key: "timestamp", value: timestamp.map(JSONValue.string) ?? .null))
        members.append(.init(key: "old", value: old.map(JSONValue.object) ?? .null))
        members.append(.init(key: "new", value: new.map(JSONValue.object) ?? .null))
        members.append(.init(key: "changedColumns", value: .array(changedColumns.map(JSONValue.string))))
        return JSONObject(members)
    }

    /// The normalized form `dblambda events decode` prints:
    /// `{"operation","schema","table","old","new","changedColumns"}` in that order, rows as received.
    public var normalized: JSONObject {
        JSONObject([
            .init(key: "operation", value: .string(operation.rawValue)),
            .init(key: "schema", value: .string(source.schema)),
            .init(key: "table", value: .string(source.table)),
            .init(key: "old", value: old.map(JSONValue.object) ?? .null),
            .init(key: "new", value: new.map(JSONValue.object) ?? .null),
            .init(key: "changedColumns", value: .array(changedColumns.map(JSONValue.string))),
        ])
    }
}
