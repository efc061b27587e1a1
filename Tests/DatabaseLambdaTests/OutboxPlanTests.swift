import Foundation
import Testing

@testable import DatabaseLambda

/// Delivery mode `outbox` in the façade: the config sections, `plan()` and the four renderings.
@Suite("Outbox delivery in the plan")
struct OutboxPlanTests {
    /// An outbox config (line numbers matter to the tests: keep the layout).
    static let yaml = """
        version: 1
        name: orders
        database:
          arn: arn:aws:rds:us-east-1:123456789012:db:orders-db
          engine: postgres
        function:
          arn: arn:aws:lambda:us-east-1:123456789012:function:orders-handler
          qualifier: live
        role:
          name: orders-relay
        delivery: outbox
        outbox:
          schema: events
          channel: events_wakeup
          relayRole: relay_user
        relay:
          invocationType: RequestResponse
          batchSize: 50
          concurrency: 4
          ordering: partition-key
          maxAttempts: 5
          retryBaseSeconds: 2
          retryMaxSeconds: 60
          pollIntervalMs: 250
          retentionHours: 0
        tables:
          - table: public.orders
          - table: public.payments
            columns: [id, amount]

        """

    static let exampleName = "rds-postgresql-outbox"

    static func example() throws -> IntegrationPlan { try RendererFixtures.example(exampleName) }

    // MARK: Loading

    @Test("the outbox and relay sections are read into the integration")
    func loadsSections() throws {
        let integration = try FacadeFixtures.decode(Self.yaml)
        #expect(integration.delivery == .outbox)
        #expect(
            integration.outbox
                == Integration.Outbox(schema: "events", channel: "events_wakeup", relayRole: "relay_user")
        )
        #expect(
            integration.relay
                == Integration.Relay(
                    invocationType: .requestResponse,
                    batchSize: 50,
                    concurrency: 4,
                    ordering: .partitionKey,
                    maxAttempts: 5,
                    retryBaseSeconds: 2,
                    retryMaxSeconds: 60,
                    pollIntervalMilliseconds: 250,
                    retentionHours: 0
                )
        )
        let minimal = try FacadeFixtures.decode(
            Self.yaml.components(separatedBy: "outbox:\n  schema")[0] + "tables:\n  - table: a.b\n"
        )
        #expect(minimal.outbox == Integration.Outbox())
        #expect(minimal.relay == Integration.Relay())
        let forever = try FacadeFixtures.decode(
            FacadeFixtures.replacing("retentionHours: 0", with: "retentionHours: forever", in: Self.yaml)
        )
        #expect(forever.relay.retentionHours == nil)
    }

    @Test(
        "bad outbox and relay values are errors naming file, line and key",
        arguments: [
            ("  ordering: partition-key", "  ordering: partition_key", 20, "relay.ordering", "partition-key"),
            ("  batchSize: 50", "  batchSize: 0", 18, "relay.batchSize", "1-10000"),
            ("  concurrency: 4", "  concurrency: 65", 19, "relay.concurrency", "1-64"),
            ("  retryMaxSeconds: 60", "  retryMaxSeconds: 1", 23, "relay.retryMaxSeconds", "below"),
            ("  retentionHours: 0", "  retentionHours: -1", 25, "relay.retentionHours", "0-87600"),
            ("  retentionHours: 0", "  retentionHours: soon", 25, "relay.retentionHours", "forever"),
            ("  pollIntervalMs: 250", "  pollIntervalMs: fast", 24, "relay.pollIntervalMs", "integer"),
            ("  invocationType: RequestResponse", "  invocationType: DryRun", 17, "relay.invocationType", "Event"),
            ("  schema: events", "  schema: \"\"", 13, "outbox.schema", "schema"),
            ("  relayRole: relay_user", "  relayRole: \"\"", 15, "outbox.relayRole", "relay role"),
            ("  maxAttempts: 5", "  maxAttmpts: 5", 21, "relay.maxAttmpts", "maxAttempts"),
            (
                "  - table: public.orders", "  - table: public.orders\n    invocationType: RequestResponse", 28,
                "tables[0].invocationType", "relay.invocationType"
            ),
        ]
    )
    func badValues(target: String, replacement: String, line: Int, key: String, fragment: String) throws {
        let error = try #require(
            FacadeFixtures.configError(FacadeFixtures.replacing(target, with: replacement, in: Self.yaml))
        )
        #expect(error.line == line, "\(error)")
        #expect(error.key == key, "\(error)")
        #expect(error.message.contains(fragment), "\(error)")
        #expect(error.description.hasPrefix("dblambda.yaml:\(line): \(key): "))
    }

    @Test("outbox and relay sections under delivery direct, and outbox on Aurora MySQL, are errors at their key")
    func wrongMode() throws {
        let direct = try #require(
            FacadeFixtures.configError(
                FacadeFixtures.replacing("delivery: outbox", with: "delivery: direct", in: Self.yaml)
            )
        )
        #expect(direct.key == "outbox")
        #expect(direct.line == 12)
        let mysql = FacadeFixtures.replacing(
            "delivery: direct",
            with: "delivery: outbox",
            in: FacadeFixtures.auroraMySQLYAML.replacingOccurrences(of: "tables:", with: "delivery: direct\ntables:")
        )
        let error = try #require(FacadeFixtures.configError(mysql))
        #expect(error.key == "delivery")
        #expect(error.line == 13)
        #expect(error.message.contains("PostgreSQL"))
    }

    // MARK: Planning

    @Test("plan(): outbox schema and outbox triggers, only the relay role's invoke policy, no RDS role at all")
    func planContent() throws {
        let plan = try FacadeFixtures.decode(Self.yaml).plan()
        #expect(plan.delivery == .outbox)
        #expect(plan.trustPolicy == nil)
        #expect(plan.roleAssociation == nil)
        #expect(plan.parameterChanges.isEmpty)
        #expect(plan.roleARN.description == "arn:aws:iam::123456789012:role/orders-relay")
        let resources = plan.invokePolicy.statements.flatMap { $0.resource?.values ?? [] }
        #expect(resources == ["arn:aws:lambda:us-east-1:123456789012:function:orders-handler:live"])
        #expect(plan.invokePolicy.statements.flatMap { $0.action?.values ?? [] } == ["lambda:InvokeFunction"])
        #expect(plan.resourcePermission.grantee == .role(plan.roleARN))
        let outbox = try #require(plan.outbox)
        let names = try OutboxNames(schema: "events", channel: "events_wakeup")
        #expect(outbox.sql == (try PostgreSQLOutboxSchema(names: names, relayRole: "relay_user")).render())
        #expect(outbox.names == names)
        for table in plan.tables {
            #expect(table.dialect == "postgresql")
            #expect(table.sql.contains(#""events"."outbox""#), "\(table.table)")
            #expect(!table.sql.contains("aws_lambda.invoke"), "\(table.table)")
        }
        #expect(
            outbox.relayArguments == [
                "relay", "--function", "arn:aws:lambda:us-east-1:123456789012:function:orders-handler",
                "--qualifier", "live", "--region", "us-east-1", "--invocation-type", "RequestResponse",
                "--batch-size", "50", "--concurrency", "4", "--max-attempts", "5", "--retry-base-seconds", "2",
                "--retry-max-seconds", "60", "--poll-interval-ms", "250", "--ordering", "partition-key",
                "--retention-hours", "0", "--schema", "events", "--channel", "events_wakeup",
            ]
        )
        #expect(plan.awsCLICommands.count == 2)
        #expect(plan.awsCLICommands[0].hasPrefix("aws iam put-role-policy --role-name orders-relay"))
        #expect(plan.awsCLICommands[1] == plan.resourcePermission.awsCLICommand)
        #expect(plan.warnings.isEmpty, "\(plan.warnings.map(\.code))")
        #expect(plan.checklist.map(\.status) == [.ready, .ready, .actionRequired, .actionRequired])
        let trigger = plan.checklist[3].details
        #expect(trigger.first?.contains("outbox schema script") == true)
        #expect(trigger.last?.contains(outbox.relayCommand) == true)
    }

    @Test("warnings: no relay role, retention forever and the payload limit of the relay's invocation type")
    func warnings() throws {
        var text = FacadeFixtures.replacing("  relayRole: relay_user\n", with: "", in: Self.yaml)
        text = FacadeFixtures.replacing("retentionHours: 0", with: "retentionHours: forever", in: text)
        text = FacadeFixtures.replacing("invocationType: RequestResponse", with: "invocationType: Event", in: text)
        text = FacadeFixtures.replacing(
            "  - table: public.orders",
            with: "  - table: public.orders\n    maxRowBytes: 600000",
            in: text
        )
        let plan = try FacadeFixtures.decode(text).plan()
        #expect(
            plan.warnings.map(\.code) == [
                "PAYLOAD_MAY_EXCEED_ASYNC_LIMIT", "OUTBOX_RELAY_ROLE_NOT_SET", "OUTBOX_RETENTION_OFF",
            ]
        )
        #expect(plan.warnings[0].message.contains("dead letter"))
        #expect(!plan.warnings.map(\.code).contains("NETWORK_NOT_CHECKED"))
        #expect(!plan.warnings.map(\.code).contains("SYNC_TRIGGER_HOLDS_LOCKS"))
    }

    @Test("the network verdict is informational: a blocked database route blocks nothing in outbox mode")
    func networkInformational() throws {
        let folder = FacadeFixtures.packageRoot.appendingPathComponent("Examples/\(Self.exampleName)")
        var integration = try Integration.load(contentsOf: folder.appendingPathComponent("dblambda.yaml").path)
        var model = try AWSCLIImporter.importDirectory(at: folder.appendingPathComponent("network").path)
        model.natGateways = []
        integration.network = .model(model)
        let plan = try integration.plan()
        let verdict = try #require(plan.network?.verdict)
        #expect(verdict != .reachable)
        #expect(plan.parameterChanges.isEmpty)
        let network = plan.checklist[1]
        #expect(network.status == .ready)
        #expect(network.details.contains { $0.contains("needs no route") })
        #expect(network.details.contains { $0.hasPrefix("Informational:") && $0.contains(verdict.rawValue) })
        #expect(plan.checklist[3].status == .actionRequired)
    }

    // MARK: Rendering

    @Test("the example plans offline, reachable, with the four renderings matching their snapshots")
    func exampleSnapshots() async throws {
        let plan = try Self.example()
        #expect(plan.network?.verdict == .reachable)
        try Snapshot.check(plan.render(.markdown), named: "markdown-\(Self.exampleName).md")
        try Snapshot.check(plan.render(.json), named: "json-\(Self.exampleName).json")
        try Snapshot.check(plan.render(.shell), named: "shell-\(Self.exampleName).sh")
        let terraform = plan.render(.terraform)
        try Snapshot.check(terraform, named: "terraform-\(Self.exampleName).tf")
        if let formatted = try await TerraformRendererTests.terraformFormat(terraform) {
            #expect(formatted.status == 0, "terraform fmt: \(formatted.stderr)")
            #expect(formatted.stdout == terraform, "terraform fmt changes the outbox rendering")
        }
    }

    @Test("JSON: delivery outbox, the outbox object, null trust policy and role association, sorted keys")
    func json() throws {
        let plan = try FacadeFixtures.decode(Self.yaml).plan()
        let root = try #require(try JSONSerialization.jsonObject(with: Data(plan.render(.json).utf8)) as? [String: Any])
        #expect(root["delivery"] as? String == "outbox")
        #expect(root["roleAssociation"] is NSNull)
        let role = try #require(root["role"] as? [String: Any])
        #expect(role["trustPolicy"] is NSNull)
        let outbox = try #require(root["outbox"] as? [String: Any])
        #expect(outbox["schema"] as? String == "events")
        #expect(outbox["sql"] as? String == plan.outbox?.sql)
        let relay = try #require(outbox["relay"] as? [String: Any])
        #expect(relay["ordering"] as? String == "partition-key")
        #expect(relay["retentionHours"] as? Int == 0)
        let direct = try FacadeFixtures.decode(FacadeFixtures.postgresYAML).plan().render(.json)
        let directRoot = try #require(try JSONSerialization.jsonObject(with: Data(direct.utf8)) as? [String: Any])
        #expect(directRoot["delivery"] as? String == "direct")
        #expect(directRoot["outbox"] is NSNull)
    }

    @Test("Markdown and Terraform: no RDS trust, no role association, the relay's role as a data source")
    func markdownAndTerraform() throws {
        let plan = try Self.example()
        let markdown = plan.render(.markdown)
        #expect(!markdown.contains("rds.amazonaws.com"))
        #expect(!markdown.contains("add-role-to-db"))
        #expect(markdown.contains("### The outbox (run once, before the triggers)"))
        #expect(markdown.contains("### The relay"))
        #expect(markdown.contains("outbox (the triggers write to"))
        let terraform = plan.render(.terraform)
        #expect(terraform.contains(#"data "aws_iam_role" "dblambda_orders_outbox""#))
        #expect(terraform.contains("role = data.aws_iam_role.dblambda_orders_outbox.id"))
        #expect(terraform.contains("data.aws_iam_role.dblambda_orders_outbox.arn"))
        #expect(!terraform.contains(#"resource "aws_iam_role" "#))
        #expect(!terraform.contains("role_association"))
        #expect(!terraform.contains("rds.amazonaws.com"))
    }

    @Test("the shell script runs against a stand-in aws: policy and permission only, SQL files with the outbox first")
    func shellRuns() async throws {
        let plan = try Self.example()
        let aws = try FakeAWS()
        defer { aws.remove() }
        let (result, calls) = try await aws.run(plan.render(.shell))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            calls.map(\.operation) == [
                "lambda get-function-configuration", "iam get-role", "iam put-role-policy",
                "lambda remove-permission", "lambda add-permission",
            ]
        )
        let put = try #require(calls.first { $0.operation == "iam put-role-policy" })
        #expect(put.value("--role-name") == "orders-relay")
        #expect(put.files.values.first == plan.invokePolicy.jsonString() + "\n")
        #expect(
            aws.sqlFile(PlanCommands.outboxFileName)
                == plan.outbox.map { $0.sql.hasSuffix("\n") ? $0.sql : $0.sql + "\n" }
        )
        for (index, table) in plan.tables.enumerated() {
            let file = PlanCommands.sqlFileName(index: index, table: table)
            #expect(aws.sqlFile(file) == (table.sql.hasSuffix("\n") ? table.sql : table.sql + "\n"))
        }
        let missing = try await aws.run(plan.render(.shell), failures: ["iam get-role": "NoSuchEntity"])
        #expect(missing.result.status == 1)
        #expect(missing.result.stderr.contains("the relay's role orders-relay does not exist"))
        #expect(!missing.calls.contains { $0.operation == "iam put-role-policy" })
    }
}
