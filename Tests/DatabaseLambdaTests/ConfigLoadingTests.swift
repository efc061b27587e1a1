import DatabaseLambda
import Foundation
import Testing

@Suite("Config loading")
struct ConfigLoadingTests {
    @Test("a complete YAML config decodes into every field of Integration")
    func decodesYAML() throws {
        let integration = try FacadeFixtures.decode(FacadeFixtures.postgresYAML)
        #expect(integration.name == "orders")
        #expect(integration.database.arn.description == "arn:aws:rds:us-east-1:123456789012:db:orders-db")
        #expect(integration.database.engine == .postgres)
        #expect(integration.database.engineVersion == "15.5")
        #expect(integration.database.parameterGroup == "orders-pg15")
        #expect(integration.database.requestTimeoutMilliseconds == 3000)
        #expect(integration.database.instanceID == nil)
        #expect(integration.networkInstanceID == "orders-db")
        #expect(integration.function.qualifier?.value == "live")
        #expect(integration.function.timeoutSeconds == 30)
        #expect(integration.invokedFunctionARN.description.hasSuffix(":function:orders-handler:live"))
        #expect(integration.roleName == "orders-db-invoke")
        #expect(integration.delivery == .direct)
        #expect(integration.network == .none)
        #expect(integration.tables.count == 2)
        let orders = integration.tables[0]
        #expect(orders.table == TableName(schema: "public", table: "orders"))
        #expect(orders.operations == [.insert, .update, .delete])
        #expect(orders.invocationType == .event)
        #expect(orders.columns == .excluding(["card_token"]))
        #expect(orders.errorPolicy == .raise)
        #expect(orders.grantTo == "app_writer")
        #expect(orders.maxRowBytes == 4096)
        let payments = integration.tables[1]
        #expect(payments.operations == [.insert, .update, .delete])
        #expect(payments.invocationType == .requestResponse)
        #expect(payments.columns == .only(["id", "amount"]))
        #expect(payments.grantTo == nil)
    }

    @Test("a JSON config decodes the same as YAML and its errors carry JSON line numbers")
    func decodesJSON() throws {
        let json = """
            {
              "version": 1,
              "name": "orders",
              "database": {"arn": "arn:aws:rds:us-east-1:123456789012:db:orders-db", "engine": "postgres"},
              "function": {"arn": "arn:aws:lambda:us-east-1:123456789012:function:orders-handler"},
              "role": {"name": "orders-db-invoke"},
              "tables": [
                {"table": "public.orders", "operations": ["insert"], "invocationType": "Event"}
              ]
            }
            """
        let directory = try FacadeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("dblambda.json")
        try Data(json.utf8).write(to: file)
        let integration = try Integration.load(contentsOf: file.path)
        #expect(integration.tables.map(\.operations) == [[.insert]])
        #expect(integration.function.qualifier == nil)

        let broken = json.replacingOccurrences(of: #""Event""#, with: #""Evnt""#)
        try Data(broken.utf8).write(to: file)
        #expect(throws: IntegrationConfigError.invalidValue) { try Integration.load(contentsOf: file.path) }
        do {
            _ = try Integration.load(contentsOf: file.path)
        } catch {
            #expect(error.line == 8)
            #expect(error.key == "tables[0].invocationType")
            #expect(
                error.description
                    == "\(file.path):8: tables[0].invocationType: expected Event or RequestResponse, got \"Evnt\""
            )
        }
    }

    @Test("a JSON file with escaped slashes and unicode escapes reads like JSON")
    func jsonEscapes() throws {
        let json = #"""
            {"version": 1, "name": "orders",
             "database": {"arn": "arn:aws:rds:us-east-1:123456789012:db:orders-db", "engine": "postgres",
                          "parameterGroup": "pg\/15\u0041"},
             "function": {"arn": "arn:aws:lambda:us-east-1:123456789012:function:orders-handler"},
             "role": {"name": "orders-db-invoke"},
             "tables": [{"table": "public.orders"}]}
            """#
        let integration = try FacadeFixtures.decode(json)
        #expect(integration.database.parameterGroup == "pg/15A")
    }

    @Test("tab-indented, single-line and minified JSON configs load")
    func jsonLayouts() throws {
        let object =
            #"{"version":1,"name":"orders","database":{"arn":"arn:aws:rds:us-east-1:123456789012:db:orders-db","#
            + #""engine":"postgres"},"function":{"arn":"arn:aws:lambda:us-east-1:123456789012:function:f"},"#
            + #""role":{"name":"r"},"tables":[{"table":"public.orders","operations":["insert","delete"]}]}"#
        #expect(try FacadeFixtures.decode(object).tables.first?.operations == [.insert, .delete])
        let tabbed = "{\n\t\"version\": 1,\n\t\"name\": \"orders\",\n" + object.dropFirst(29)
        let integration = try FacadeFixtures.decode(tabbed)
        #expect(integration.name == "orders")
        let typo = tabbed.replacingOccurrences(of: "\"role\"", with: "\"rol\"")
        let error = try #require(FacadeFixtures.configError(typo))
        #expect(error.code == .unknownKey)
        #expect(error.line == 4)
        #expect(error.message.contains("did you mean \"role\""))
    }

    @Test("an unknown key is an error naming the key, its line and a suggestion")
    func unknownKey() throws {
        let yaml = FacadeFixtures.replacing(
            "    invocationType: Event",
            with: "    invocatonType: Event",
            in: FacadeFixtures.postgresYAML
        )
        let error = try #require(FacadeFixtures.configError(yaml))
        #expect(error.code == .unknownKey)
        #expect(error.line == 19)
        #expect(error.key == "tables[0].invocatonType")
        #expect(
            error.description
                == "dblambda.yaml:19: tables[0].invocatonType: unknown key \"invocatonType\"; did you mean \"invocationType\"?"
        )
        let top = try #require(FacadeFixtures.configError(FacadeFixtures.postgresYAML + "colour: blue\n"))
        #expect(top.code == .unknownKey)
        #expect(top.line == 27)
        #expect(top.key == "colour")
    }

    @Test("a wrong enumeration value names the allowed values and the offending value")
    func invalidEnumValue() throws {
        let yaml = FacadeFixtures.replacing(
            "invocationType: Event",
            with: "invocationType: Evnt",
            in: FacadeFixtures.postgresYAML
        )
        let error = try #require(FacadeFixtures.configError(yaml))
        #expect(
            error.description
                == "dblambda.yaml:19: tables[0].invocationType: expected Event or RequestResponse, got \"Evnt\""
        )
        let engine = try #require(
            FacadeFixtures.configError(
                FacadeFixtures.replacing("engine: postgres", with: "engine: mysql", in: FacadeFixtures.postgresYAML)
            )
        )
        #expect(
            engine.description
                == "dblambda.yaml:5: database.engine: expected postgres, aurora-postgresql or aurora-mysql, got \"mysql\""
        )
        let operation = try #require(
            FacadeFixtures.configError(
                FacadeFixtures.replacing(
                    "[insert, update, delete]",
                    with: "[insert, upsert]",
                    in: FacadeFixtures.postgresYAML
                )
            )
        )
        #expect(operation.code == .invalidValue)
        #expect(operation.key == "tables[0].operations[1]")
        #expect(operation.line == 18)
    }

    @Test("a missing required key is reported at its parent mapping")
    func missingKey() throws {
        let yaml = FacadeFixtures.replacing(
            "  arn: arn:aws:lambda:us-east-1:123456789012:function:orders-handler\n",
            with: "",
            in: FacadeFixtures.postgresYAML
        )
        let error = try #require(FacadeFixtures.configError(yaml))
        #expect(error.code == .missingKey)
        #expect(error.key == "function.arn")
        #expect(error.line == 10)
        #expect(error.description == "dblambda.yaml:10: function.arn: missing required key \"arn\"")
        let noTables = try #require(
            FacadeFixtures.configError("version: 1\nname: x\n")
        )
        #expect(noTables.code == .missingKey)
        #expect(noTables.key == "database")
    }

    @Test("a value of the wrong type names what was expected and what was found")
    func typeMismatch() throws {
        let yaml = FacadeFixtures.replacing(
            "maxRowBytes: 4096",
            with: "maxRowBytes: [1]",
            in: FacadeFixtures.postgresYAML
        )
        let error = try #require(FacadeFixtures.configError(yaml))
        #expect(error.code == .typeMismatch)
        #expect(error.description == "dblambda.yaml:23: tables[0].maxRowBytes: expected an integer, got a list")
        let columns = try #require(
            FacadeFixtures.configError(
                FacadeFixtures.replacing("columns: [id, amount]", with: "columns: id", in: FacadeFixtures.postgresYAML)
            )
        )
        #expect(columns.code == .typeMismatch)
        #expect(columns.key == "tables[1].columns")
        let root = try #require(FacadeFixtures.configError("- a\n- b\n"))
        #expect(root.code == .typeMismatch)
    }

    @Test("version must be 1")
    func unsupportedVersion() throws {
        let error = try #require(
            FacadeFixtures.configError(
                FacadeFixtures.replacing("version: 1", with: "version: 2", in: FacadeFixtures.postgresYAML)
            )
        )
        #expect(error.code == .unsupportedVersion)
        #expect(error.description == "dblambda.yaml:1: version: expected 1, got 2")
    }

    @Test("broken YAML and duplicate keys are syntax errors with a line")
    func syntaxErrors() throws {
        let broken = try #require(FacadeFixtures.configError("version: 1\nname: [orders\n"))
        #expect(broken.code == .syntax)
        #expect(broken.line != nil)
        let duplicate = try #require(FacadeFixtures.configError("version: 1\nname: a\nname: b\n"))
        #expect(duplicate.code == .syntax)
        #expect(duplicate.message.contains("name"))
        let empty = try #require(FacadeFixtures.configError(""))
        #expect(empty.code == .syntax)
    }

    @Test(
        "invalid ARNs, a direct-only key under outbox and conflicting column options are invalid values at their line"
    )
    func invalidValues() throws {
        let arn = try #require(
            FacadeFixtures.configError(
                FacadeFixtures.replacing(":db:orders-db", with: ":snapshot:orders-db", in: FacadeFixtures.postgresYAML)
            )
        )
        #expect(arn.code == .invalidValue)
        #expect(arn.line == 4)
        #expect(arn.key == "database.arn")
        let outbox = try #require(
            FacadeFixtures.configError(
                FacadeFixtures.replacing("delivery: direct", with: "delivery: outbox", in: FacadeFixtures.postgresYAML)
            )
        )
        #expect(outbox.line == 8)
        #expect(outbox.key == "database.requestTimeoutMs")
        #expect(outbox.message.contains("outbox"))
        let both = try #require(
            FacadeFixtures.configError(
                FacadeFixtures.replacing(
                    "    columns: [id, amount]",
                    with: "    columns: [id, amount]\n    excludeColumns: [secret]",
                    in: FacadeFixtures.postgresYAML
                )
            )
        )
        #expect(both.key == "tables[1].excludeColumns")
        #expect(both.line == 27)
    }

    @Test("validation errors of Integration are placed at the line of their key")
    func validationErrorsHaveLines() throws {
        let name = try #require(
            FacadeFixtures.configError(
                FacadeFixtures.replacing("name: orders", with: "name: orders and more", in: FacadeFixtures.postgresYAML)
            )
        )
        #expect(name.key == "name")
        #expect(name.line == 2)
        let mismatch = try #require(
            FacadeFixtures.configError(
                FacadeFixtures.replacing(
                    "engine: postgres",
                    with: "engine: aurora-postgresql",
                    in: FacadeFixtures.postgresYAML
                )
            )
        )
        #expect(mismatch.key == "database.arn")
        #expect(mismatch.line == 4)
        let mysql = try #require(
            FacadeFixtures.configError(
                FacadeFixtures.replacing("    columns: [id, status]\n", with: "", in: FacadeFixtures.auroraMySQLYAML)
            )
        )
        #expect(mysql.key == "tables[0].columns")
        #expect(mysql.line == 14)
        #expect(mysql.message.contains("columns"))
    }

    @Test("load rejects unknown extensions and missing files, and resolves awsJSON next to the file")
    func loadFromFiles() throws {
        #expect(throws: IntegrationConfigError.unsupportedFormat) { try Integration.load(contentsOf: "config.toml") }
        #expect(throws: IntegrationConfigError.unreadable) {
            try Integration.load(contentsOf: "/nonexistent/dblambda.yaml")
        }
        let directory = try FacadeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("dblambda.yml")
        try Data((FacadeFixtures.postgresYAML + "network:\n  awsJSON: aws/json\n").utf8).write(to: file)
        let integration = try Integration.load(contentsOf: file.path)
        let expected = directory.appendingPathComponent("aws/json").standardizedFileURL.path
        #expect(integration.network == .awsCLIJSON(directory: expected))
    }
}
