import DBLambdaCore
import DBLambdaIAM
import DBLambdaSQL
import Foundation
import Yams

extension ConfigReader {
    /// Builds the integration from the root node.
    mutating func integration(_ root: Node) throws(IntegrationConfigError) -> Integration {
        let top = try members(root, path: "", section: "")
        lines[""] = root.mark?.line ?? 1
        let versionNode = try required(top, "version", parent: root, path: "")
        let version = try integer(versionNode, key: "version")
        guard version == 1 else {
            throw error(.unsupportedVersion, "expected 1, got \(version)", at: versionNode, key: "version")
        }
        let name = try string(try required(top, "name", parent: root, path: ""), key: "name")
        let database = try database(try required(top, "database", parent: root, path: ""))
        let function = try function(try required(top, "function", parent: root, path: ""))
        let roleNode = try required(top, "role", parent: root, path: "")
        let role = try members(roleNode, path: "role", section: "role")
        let roleName = try string(try required(role, "name", parent: roleNode, path: "role"), key: "role.name")
        var delivery = Integration.DeliveryMode.direct
        if let node = top["delivery"], !Self.isNull(node) {
            delivery = try choice(node, key: "delivery", options: [("direct", .direct), ("outbox", .outbox)])
        }
        var outbox = Integration.Outbox()
        var relay = Integration.Relay()
        for section in ["outbox", "relay"] {
            guard let node = top[section], !Self.isNull(node) else { continue }
            guard delivery == .outbox else {
                throw IntegrationConfigError(
                    code: .invalidValue,
                    message: "the \(section) section applies to delivery: outbox only (delivery is direct)",
                    file: file,
                    line: lines[section] ?? node.mark?.line,
                    key: section
                )
            }
            if section == "outbox" {
                outbox = try self.outbox(node)
            } else {
                relay = try self.relay(node)
            }
        }
        var network = Integration.NetworkSource.none
        if let node = top["network"], !Self.isNull(node) {
            let section = try members(node, path: "network", section: "network")
            if let folder = try optionalString(section, "awsJSON", path: "network") {
                network = .awsCLIJSON(directory: resolve(folder))
            }
        }
        let tablesNode = try required(top, "tables", parent: root, path: "")
        guard case .sequence(let sequence) = tablesNode else {
            throw error(.typeMismatch, "expected a list, got \(Self.kind(tablesNode))", at: tablesNode, key: "tables")
        }
        guard !sequence.isEmpty else {
            throw error(.invalidValue, "at least one table is needed", at: tablesNode, key: "tables")
        }
        var tables: [Integration.Table] = []
        for (index, node) in sequence.enumerated() {
            tables.append(try table(node, index: index, engine: database.engine))
        }
        do {
            return try Integration(
                name: name,
                database: database,
                function: function,
                roleName: roleName,
                delivery: delivery,
                network: network,
                tables: tables,
                outbox: outbox,
                relay: relay
            )
        } catch {
            throw located(error)
        }
    }

    func resolve(_ folder: String) -> String {
        if folder.hasPrefix("/") { return folder }
        return URL(fileURLWithPath: baseDirectory).appendingPathComponent(folder).standardizedFileURL.path
    }

    private mutating func outbox(_ node: Node) throws(IntegrationConfigError) -> Integration.Outbox {
        let section = try members(node, path: "outbox", section: "outbox")
        lines["outbox"] = node.mark?.line
        var outbox = Integration.Outbox()
        if let schema = try optionalString(section, "schema", path: "outbox") { outbox.schema = schema }
        if let channel = try optionalString(section, "channel", path: "outbox") { outbox.channel = channel }
        outbox.relayRole = try optionalString(section, "relayRole", path: "outbox")
        return outbox
    }

    private mutating func relay(_ node: Node) throws(IntegrationConfigError) -> Integration.Relay {
        let section = try members(node, path: "relay", section: "relay")
        lines["relay"] = node.mark?.line
        var relay = Integration.Relay()
        if let node = section["invocationType"], !Self.isNull(node) {
            relay.invocationType = try choice(
                node,
                key: "relay.invocationType",
                options: [("Event", .event), ("RequestResponse", .requestResponse)]
            )
        }
        if let node = section["ordering"], !Self.isNull(node) {
            relay.ordering = try choice(
                node,
                key: "relay.ordering",
                options: Integration.Relay.Ordering.allCases.map { ($0.rawValue, $0) }
            )
        }
        let integers: [(String, WritableKeyPath<Integration.Relay, Int>)] = [
            ("batchSize", \.batchSize), ("concurrency", \.concurrency), ("maxAttempts", \.maxAttempts),
            ("retryBaseSeconds", \.retryBaseSeconds), ("retryMaxSeconds", \.retryMaxSeconds),
            ("pollIntervalMs", \.pollIntervalMilliseconds),
        ]
        for (name, keyPath) in integers {
            if let value = try optionalInteger(section, name, path: "relay") { relay[keyPath: keyPath] = value }
        }
        if let node = section["retentionHours"], !Self.isNull(node) {
            if case .scalar(let scalar) = node, Self.tag(scalar) == .str, scalar.string == "forever" {
                relay.retentionHours = nil
            } else {
                guard case .scalar(let scalar) = node, Self.tag(scalar) == .int, let hours = node.int else {
                    throw error(
                        .typeMismatch,
                        "expected a number of hours or forever, got \(Self.kind(node))",
                        at: node,
                        key: "relay.retentionHours"
                    )
                }
                relay.retentionHours = hours
            }
        }
        return relay
    }

    private mutating func database(_ node: Node) throws(IntegrationConfigError) -> Integration.Database {
        let section = try members(node, path: "database", section: "database")
        lines["database"] = node.mark?.line
        let arnNode = try required(section, "arn", parent: node, path: "database")
        let arnText = try string(arnNode, key: "database.arn")
        let arn: RDSDatabaseARN
        do {
            arn = try RDSDatabaseARN(parsing: arnText)
        } catch {
            throw self.error(.invalidValue, error.message, at: arnNode, key: "database.arn")
        }
        let engine = try choice(
            try required(section, "engine", parent: node, path: "database"),
            key: "database.engine",
            options: Integration.Engine.allCases.map { ($0.rawValue, $0) }
        )
        return Integration.Database(
            arn: arn,
            engine: engine,
            engineVersion: try optionalString(section, "engineVersion", path: "database"),
            instanceID: try optionalString(section, "instance", path: "database"),
            parameterGroup: try optionalString(section, "parameterGroup", path: "database"),
            requestTimeoutMilliseconds: try optionalInteger(section, "requestTimeoutMs", path: "database")
        )
    }

    private mutating func function(_ node: Node) throws(IntegrationConfigError) -> Integration.Function {
        let section = try members(node, path: "function", section: "function")
        lines["function"] = node.mark?.line
        let arnNode = try required(section, "arn", parent: node, path: "function")
        let arn: LambdaFunctionARN
        do {
            arn = try LambdaFunctionARN(parsing: try string(arnNode, key: "function.arn"))
        } catch let error as IntegrationConfigError {
            throw error
        } catch {
            throw self.error(.invalidValue, "\(error)", at: arnNode, key: "function.arn")
        }
        var qualifier: LambdaQualifier?
        if let text = try optionalString(section, "qualifier", path: "function") {
            do {
                qualifier = try LambdaQualifier(text)
            } catch {
                throw self.error(.invalidValue, error.description, at: section["qualifier"], key: "function.qualifier")
            }
        }
        return Integration.Function(
            arn: arn,
            qualifier: qualifier,
            timeoutSeconds: try optionalInteger(section, "timeoutSeconds", path: "function")
        )
    }

    private mutating func table(
        _ node: Node,
        index: Int,
        engine: Integration.Engine
    ) throws(IntegrationConfigError) -> Integration.Table {
        let path = "tables[\(index)]"
        let section = try members(node, path: path, section: "tables[]")
        lines[path] = node.mark?.line
        let nameNode = try required(section, "table", parent: node, path: path)
        let tableName: TableName
        do {
            tableName = try TableName(parsing: try string(nameNode, key: "\(path).table"))
        } catch let error as IntegrationConfigError {
            throw error
        } catch let error as SQLError {
            throw self.error(.invalidValue, error.message, at: nameNode, key: "\(path).table")
        } catch {
            throw self.error(.invalidValue, "\(error)", at: nameNode, key: "\(path).table")
        }
        var table = Integration.Table(table: tableName)
        if let node = section["operations"], !Self.isNull(node) {
            let key = "\(path).operations"
            var found: [TriggerOperation] = []
            for (position, (text, element)) in try stringList(node, key: key).enumerated() {
                let options = TriggerOperation.allCases.filter { engine != .auroraMySQL || $0 != .truncate }
                let operation = try choice(
                    element,
                    key: "\(key)[\(position)]",
                    options: options.map { ($0.rawValue, $0) }
                )
                guard !found.contains(operation) else {
                    throw error(
                        .invalidValue,
                        "\(Self.quoted(text)) is listed twice",
                        at: element,
                        key: "\(key)[\(position)]"
                    )
                }
                found.append(operation)
            }
            guard !found.isEmpty else { throw error(.invalidValue, "the list is empty", at: node, key: key) }
            table.operations = TriggerOperation.allCases.filter(found.contains)
        }
        if let node = section["invocationType"], !Self.isNull(node) {
            table.invocationType = try choice(
                node,
                key: "\(path).invocationType",
                options: [("Event", .event), ("RequestResponse", .requestResponse)]
            )
        }
        if let node = section["onError"], !Self.isNull(node) {
            table.errorPolicy = try choice(node, key: "\(path).onError", options: [("raise", .raise), ("warn", .warn)])
        }
        table.columns = try columns(section, path: path, engine: engine)
        table.grantTo = try optionalString(section, "grantTo", path: path)
        if let bytes = try optionalInteger(section, "maxRowBytes", path: path) {
            guard bytes > 0 else {
                throw error(
                    .invalidValue,
                    "expected a positive number of bytes, got \(bytes)",
                    at: section["maxRowBytes"],
                    key: "\(path).maxRowBytes"
                )
            }
            table.maxRowBytes = bytes
        }
        return table
    }

    private func columns(
        _ section: [String: Node],
        path: String,
        engine: Integration.Engine
    ) throws(IntegrationConfigError) -> ColumnSelection {
        func names(_ key: String) throws(IntegrationConfigError) -> [String]? {
            guard let node = section[key], !Self.isNull(node) else { return nil }
            let list = try stringList(node, key: "\(path).\(key)")
            guard !list.isEmpty else {
                throw error(.invalidValue, "the list is empty", at: node, key: "\(path).\(key)")
            }
            var seen: Set<String> = []
            for (position, (name, element)) in list.enumerated() {
                guard !name.isEmpty else {
                    throw error(
                        .invalidValue,
                        "a column name is empty",
                        at: element,
                        key: "\(path).\(key)[\(position)]"
                    )
                }
                guard seen.insert(name).inserted else {
                    throw error(
                        .invalidValue,
                        "column \(Self.quoted(name)) is listed twice",
                        at: element,
                        key: "\(path).\(key)[\(position)]"
                    )
                }
            }
            return list.map(\.0)
        }
        let included = try names("columns")
        let excluded = try names("excludeColumns")
        switch (included, excluded) {
        case (nil, nil): return .all
        case (let included?, nil): return .only(included)
        case (nil, let excluded?):
            guard engine != .auroraMySQL else {
                throw error(
                    .invalidValue,
                    "excludeColumns is PostgreSQL only: Aurora MySQL needs the columns listed in columns",
                    at: section["excludeColumns"],
                    key: "\(path).excludeColumns"
                )
            }
            return .excluding(excluded)
        case (_?, _?):
            throw error(
                .invalidValue,
                "give either columns or excludeColumns, not both",
                at: section["excludeColumns"],
                key: "\(path).excludeColumns"
            )
        }
    }
}
