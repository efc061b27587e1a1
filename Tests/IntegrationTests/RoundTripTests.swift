import DBLambdaEvents
import DBLambdaIAM
import DBLambdaInvoke
import DBLambdaLocal
import DBLambdaTesting
import DatabaseLambda
import Foundation
import Testing

/// The whole product without AWS: a config → `plan()` → the plan's SQL on the real PostgreSQL and MariaDB (with the
/// recording stand-ins for `aws_lambda` / `lambda_async`) → DML → the recorded payloads decoded into `ChangeEvent`s →
/// `DatabaseLambda.deliver` through `LambdaClient` to `LocalLambdaServer` (SigV4 checked, the plan's resource
/// permission enforced) → a Swift handler that decodes the typed events and sees every change.
@Suite("Round trip without AWS: config, plan, SQL, DML, deliver, local Lambda", .serialized)
struct RoundTripTests {
    /// Starts the local Lambda with the plan's resource-based permission enforced (the signing key is mapped to
    /// the plan's role), delivers `events`, and returns what the handler saw.
    static func deliver(
        _ events: [ChangeEvent],
        integration: Integration,
        plan: IntegrationPlan,
        principal: String? = nil
    ) async throws -> (outcomes: [DeliveryOutcome], inbox: RoundTripInbox) {
        let inbox = RoundTripInbox()
        var configuration = LocalLambdaServer.Configuration(
            functions: [integration.function.arn.functionName: inbox.handler],
            accountID: integration.function.arn.accountID.value,
            region: integration.function.arn.region
        )
        configuration.resourcePolicy = plan.resourcePermission.policy
        configuration.principals = [LocalLambdaTestKeys.accessKeyID: principal ?? plan.roleARN.description]
        let outcomes = try await withLocalLambda(configuration: configuration) { server, client in
            let lambda = DatabaseLambda(integration: integration, client: client)
            let outcomes = await lambda.deliver(events)
            await server.waitForEventInvocations()
            return outcomes
        }
        return (outcomes, inbox)
    }

    static let postgresConfig = """
        version: 1
        name: roundtrip-pg
        database:
          arn: arn:aws:rds:us-east-1:123456789012:db:roundtrip-db
          engine: postgres
          engineVersion: "15.5"
        function:
          arn: arn:aws:lambda:us-east-1:123456789012:function:roundtrip-orders-pg
        role:
          name: roundtrip-db-invoke
        delivery: direct
        tables:
          - table: roundtrip_pg.orders
            operations: [insert, update, delete]
            invocationType: Event
        """

    @Test("PostgreSQL: 3 inserts, 2 updates, 1 delete and a rolled-back transaction arrive as 6 typed events")
    func postgres() async throws {
        let integration = try Integration.decode(
            yaml: Self.postgresConfig,
            file: "roundtrip-pg.yaml",
            baseDirectory: "/"
        )
        let plan = try integration.plan()
        let sql = plan.tables.filter { $0.dialect == "postgresql" }.map(\.sql)
        try #require(sql.count == 1)
        do {
            try await PostgresServer.prepare()
            try await PostgresServer.run(
                """
                DROP SCHEMA IF EXISTS roundtrip_pg CASCADE;
                CREATE SCHEMA roundtrip_pg;
                CREATE TABLE roundtrip_pg.orders (id bigint PRIMARY KEY, status text NOT NULL, total numeric(12,2));
                DELETE FROM aws_lambda.recorded_calls WHERE function_name LIKE '%roundtrip-orders-pg%';
                """
            )
            for script in sql { try await PostgresServer.run(script) }
            try await PostgresServer.run(
                """
                INSERT INTO roundtrip_pg.orders VALUES (1, 'new', 10.50), (2, 'new', 20.00);
                INSERT INTO roundtrip_pg.orders VALUES (3, 'new', 99999999.99);
                UPDATE roundtrip_pg.orders SET status = 'paid' WHERE id = 1;
                UPDATE roundtrip_pg.orders SET total = 25.25 WHERE id = 2;
                DELETE FROM roundtrip_pg.orders WHERE id = 3;
                BEGIN;
                INSERT INTO roundtrip_pg.orders VALUES (4, 'never', 1);
                UPDATE roundtrip_pg.orders SET status = 'never' WHERE id = 1;
                ROLLBACK;
                """
            )
        }
        let payloads = try await PostgresServer.texts(
            "SELECT payload FROM aws_lambda.recorded_calls WHERE function_name LIKE '%roundtrip-orders-pg%' "
                + "ORDER BY seq"
        )
        let recorded = try payloads.flatMap { try ChangeEvent.decode(from: $0) }
        #expect(recorded.count == 6)

        let (outcomes, inbox) = try await Self.deliver(recorded, integration: integration, plan: plan)
        #expect(outcomes.count == 6)
        #expect(outcomes.filter { !$0.isDelivered }.isEmpty, "\(outcomes)")
        let events = inbox.events
        #expect(operationCounts(events) == ["insert": 3, "update": 2, "delete": 1])
        #expect(events.map(\.operation) == [.insert, .insert, .insert, .update, .update, .delete])
        #expect(events.allSatisfy { $0.source.schema == "roundtrip_pg" && $0.source.table == "orders" })
        #expect(events.map { $0.value("id") ?? $0.value("id", old: true) } == ["1", "2", "3", "1", "2", "3"])
        #expect(events[2].value("total") == "99999999.99")
        #expect(events[3].value("status", old: true) == "new")
        #expect(events[3].value("status") == "paid")
        #expect(events[3].changedColumns == ["status"])
        #expect(events[4].value("total") == "25.25")
        #expect(events[5].new == nil)
        #expect(events[5].value("status", old: true) == "new")
        #expect(!events.contains { $0.value("status") == "never" })

        // The plan's resource permission is enforced: a caller that is not the plan's role is denied.
        let (denied, deniedInbox) = try await Self.deliver(
            recorded,
            integration: integration,
            plan: plan,
            principal: "arn:aws:iam::123456789012:role/someone-else"
        )
        #expect(denied.allSatisfy { "\($0)".contains("AccessDeniedException") }, "\(denied)")
        #expect(deniedInbox.events.isEmpty)
        print(
            "round trip (PostgreSQL): \(events.count) events, \(operationCounts(events).sorted { $0.key < $1.key }), \(inbox.invocations) invocation(s)"
        )
    }

    static let mysqlConfig = """
        version: 1
        name: roundtrip-my
        database:
          arn: arn:aws:rds:us-east-1:123456789012:cluster:roundtrip-cluster
          engine: aurora-mysql
          engineVersion: "8.0.mysql_aurora.3.05.2"
        function:
          arn: arn:aws:lambda:us-east-1:123456789012:function:roundtrip-orders-my
        role:
          name: roundtrip-db-invoke
        delivery: direct
        tables:
          - table: roundtrip_my.orders
            operations: [insert, update, delete]
            invocationType: Event
            columns: [id, status, total]
        """

    @Test("Aurora MySQL (on MariaDB): 3 inserts, 2 updates, 1 delete and a rolled-back transaction arrive as 6 events")
    func mysql() async throws {
        let integration = try Integration.decode(yaml: Self.mysqlConfig, file: "roundtrip-my.yaml", baseDirectory: "/")
        let plan = try integration.plan()
        let sql = plan.tables.filter { $0.dialect == "mysql" }.map(\.sql)
        try #require(sql.count == 1)
        let function = "arn:aws:lambda:us-east-1:123456789012:function:roundtrip-orders-my"
        do {
            try await MariaDBServer.freshDatabase("roundtrip_my")
            try await MariaDBServer.run(
                """
                CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(20) NOT NULL, total DECIMAL(12,2)) ENGINE=InnoDB;
                DELETE FROM \(MariaDBServer.database).recorded_calls WHERE function_arn LIKE '%roundtrip-orders-my%';
                """,
                database: "roundtrip_my"
            )
            for script in sql { try await MariaDBServer.run(script, database: "roundtrip_my") }
            try await MariaDBServer.run(
                """
                INSERT INTO orders VALUES (1, 'new', 10.50), (2, 'new', 20.00);
                INSERT INTO orders VALUES (3, 'new', 99999999.99);
                UPDATE orders SET status = 'paid' WHERE id = 1;
                UPDATE orders SET total = 25.25 WHERE id = 2;
                DELETE FROM orders WHERE id = 3;
                START TRANSACTION;
                INSERT INTO orders VALUES (4, 'never', 1);
                UPDATE orders SET status = 'never' WHERE id = 1;
                ROLLBACK;
                """,
                database: "roundtrip_my"
            )
        }
        let output = try await MariaDBServer.run(
            MariaDBServer.hexQuery(
                "SELECT payload AS v, seq FROM recorded_calls WHERE function_arn LIKE '\(function)%' ORDER BY seq"
            )
        )
        let recorded = try SQLClient.hexRows(output.stdout).flatMap { try ChangeEvent.decode(from: $0) }
        #expect(recorded.count == 6)

        let (outcomes, inbox) = try await Self.deliver(recorded, integration: integration, plan: plan)
        #expect(outcomes.count == 6)
        #expect(outcomes.filter { !$0.isDelivered }.isEmpty, "\(outcomes)")
        let events = inbox.events
        #expect(operationCounts(events) == ["insert": 3, "update": 2, "delete": 1])
        #expect(events.map(\.operation) == [.insert, .insert, .insert, .update, .update, .delete])
        #expect(events.allSatisfy { $0.source.schema == "roundtrip_my" && $0.source.table == "orders" })
        #expect(events.map { $0.value("id") ?? $0.value("id", old: true) } == ["1", "2", "3", "1", "2", "3"])
        #expect(events[2].value("total") == "99999999.99")
        #expect(events[3].value("status", old: true) == "new")
        #expect(events[3].value("status") == "paid")
        #expect(events[4].value("total") == "25.25")
        #expect(events[5].new == nil)
        #expect(!events.contains { $0.value("status") == "never" })
        print(
            "round trip (Aurora MySQL): \(events.count) events, \(operationCounts(events).sorted { $0.key < $1.key }), \(inbox.invocations) invocation(s)"
        )
    }
}
