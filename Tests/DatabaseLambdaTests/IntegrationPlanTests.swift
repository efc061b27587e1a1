import DatabaseLambda
import Foundation
import Testing

@Suite("Integration.plan()")
struct IntegrationPlanTests {
    private func plan(_ yaml: String) throws -> IntegrationPlan {
        try FacadeFixtures.decode(yaml).plan()
    }

    private func resources(_ document: PolicyDocument) -> [String] {
        document.statements.flatMap { $0.resource?.values ?? [] }
    }

    @Test("RDS for PostgreSQL: documents bound to the instance and the qualified function")
    func postgresDocuments() throws {
        let plan = try plan(FacadeFixtures.postgresYAML)
        #expect(plan.roleARN.description == "arn:aws:iam::123456789012:role/orders-db-invoke")
        let trust = try #require(plan.trustPolicy).jsonString(pretty: false)
        #expect(trust.contains(#""Service":"rds.amazonaws.com""#))
        #expect(trust.contains(#""aws:SourceArn":"arn:aws:rds:us-east-1:123456789012:db:orders-db""#))
        #expect(trust.contains(#""aws:SourceAccount":"123456789012""#))
        #expect(resources(plan.invokePolicy) == ["arn:aws:lambda:us-east-1:123456789012:function:orders-handler:live"])
        #expect(plan.invokePolicyName == "dblambda-orders-invoke")
        #expect(plan.resourcePermission.grantee == .role(plan.roleARN))
        #expect(plan.resourcePermission.function.qualifier?.value == "live")
        #expect(plan.resourcePermission.statementID == "dblambda-orders")
        let steps = try #require(plan.roleAssociation).steps
        #expect(steps.count == 1)
        #expect(steps.first?.arguments.starts(with: ["rds", "add-role-to-db-instance"]) == true)
        #expect(steps.first?.arguments.contains("Lambda") == true)
    }

    @Test("RDS for PostgreSQL: SQL per table, the request timeout parameter, warnings and checklist")
    func postgresPlan() throws {
        let plan = try plan(FacadeFixtures.postgresYAML)
        #expect(plan.tables.map(\.table) == ["public.orders", "public.payments"])
        #expect(plan.tables.allSatisfy { $0.dialect == "postgresql" })
        for table in plan.tables {
            #expect(table.sql.contains("CREATE EXTENSION IF NOT EXISTS aws_lambda CASCADE"))
            #expect(table.sql.contains("orders-handler"))
        }
        #expect(plan.tables[1].sql.contains("RequestResponse"))
        #expect(
            plan.parameterChanges == [
                ParameterChange(
                    parameterGroup: "orders-pg15",
                    name: "aws_lambda.request_timeout_ms",
                    value: "3000",
                    applyMethod: "immediate",
                    reason: plan.parameterChanges.first?.reason ?? ""
                )
            ]
        )
        #expect(plan.network == nil)
        #expect(
            plan.warnings.map(\.code) == [
                "SYNC_TRIGGER_HOLDS_LOCKS", "REQUEST_TIMEOUT_SHORTER_THAN_FUNCTION", "NETWORK_NOT_CHECKED",
            ]
        )
        #expect(plan.warnings[0].message.contains("public.payments"))
        #expect(plan.warnings[1].fix.contains("30000"))
        #expect(plan.checklist.map(\.step) == ChecklistItem.Step.allCases)
        #expect(plan.checklist.map(\.status) == [.ready, .unknown, .actionRequired, .actionRequired])
        #expect(plan.checklist[0].details.contains("Timeout: 30 s"))
        #expect(plan.checklist[0].details.contains("Qualifier: live (alias)"))
        let permissions = plan.checklist[2].details
        #expect(permissions.contains { $0.hasPrefix("aws iam create-role --role-name orders-db-invoke") })
        #expect(permissions.contains { $0.hasPrefix("aws rds add-role-to-db-instance") })
        #expect(permissions.contains { $0.hasPrefix("aws lambda add-permission") })
        #expect(plan.checklist[3].details.contains { $0.contains("aws_lambda.request_timeout_ms") })
    }

    @Test("Aurora PostgreSQL without a qualifier: cluster association and a broader-than-needed policy warning")
    func auroraPostgreSQLPlan() throws {
        let plan = try plan(FacadeFixtures.auroraPostgreSQLYAML)
        #expect(
            resources(plan.invokePolicy) == [
                "arn:aws:lambda:eu-west-1:123456789012:function:billing",
                "arn:aws:lambda:eu-west-1:123456789012:function:billing:*",
            ]
        )
        #expect(plan.roleAssociation?.steps.map { $0.arguments.prefix(2) } == [["rds", "add-role-to-db-cluster"]])
        #expect(plan.roleAssociation?.steps.first?.arguments.contains("--feature-name") == true)
        #expect(plan.parameterChanges.isEmpty)
        #expect(plan.warnings.map(\.code) == ["ROLE_POLICY_BROADER_THAN_NEEDED", "NETWORK_NOT_CHECKED"])
        #expect(plan.tables.first?.sql.contains("public") == true)
        #expect(plan.checklist[0].details.contains("Timeout: not given"))
    }

    @Test("Aurora MySQL v2: MySQL SQL, aws_default_lambda_role, two association steps, payload warning")
    func auroraMySQLPlan() throws {
        let plan = try plan(FacadeFixtures.auroraMySQLYAML)
        #expect(plan.tables.map(\.dialect) == ["mysql"])
        let sql = try #require(plan.tables.first?.sql)
        #expect(sql.contains("GRANT INVOKE LAMBDA ON *.*"))
        #expect(sql.contains("lambda_async"))
        #expect(
            plan.parameterChanges.map { [$0.parameterGroup, $0.name, $0.value, $0.applyMethod] } == [
                [
                    "shop-aurora57", "aws_default_lambda_role", "arn:aws:iam::123456789012:role/shop-db-invoke",
                    "pending-reboot",
                ]
            ]
        )
        let steps = try #require(plan.roleAssociation).steps.map(\.command)
        #expect(steps.count == 2)
        #expect(steps[0].contains("add-role-to-db-cluster") && !steps[0].contains("--feature-name"))
        #expect(steps[1].contains("shop-aurora57"))
        #expect(plan.warnings.map(\.code) == ["PAYLOAD_MAY_EXCEED_ASYNC_LIMIT", "NETWORK_NOT_CHECKED"])
        #expect(plan.warnings[0].message.contains("1202048"))
    }

    @Test("Aurora MySQL v3 is chosen from 3.x and 8.0.mysql_aurora.3 versions and grants AWS_LAMBDA_ACCESS")
    func auroraMySQLVersions() throws {
        for version in ["3.05.2", "8.0.mysql_aurora.3.05.2"] {
            let yaml = FacadeFixtures.replacing(
                "5.7.mysql_aurora.2.11.2",
                with: version,
                in: FacadeFixtures.auroraMySQLYAML
            )
            let integration = try FacadeFixtures.decode(yaml)
            #expect(try integration.auroraMySQLVersion() == .v3)
            #expect(try integration.plan().tables.first?.sql.contains("AWS_LAMBDA_ACCESS") == true)
        }
        let bad = FacadeFixtures.replacing("5.7.mysql_aurora.2.11.2", with: "9.9", in: FacadeFixtures.auroraMySQLYAML)
        let error = try #require(FacadeFixtures.configError(bad))
        #expect(error.key == "database.engineVersion")
        #expect(error.line == 6)
    }

    @Test("Integration.init validates name, engine, tables, MySQL columns and qualifiers")
    func initValidation() throws {
        let base = try FacadeFixtures.decode(FacadeFixtures.postgresYAML)
        func rebuild(_ change: (inout Integration) -> Void) throws(IntegrationError) -> Integration {
            var copy = base
            change(&copy)
            return try Integration(
                name: copy.name,
                database: copy.database,
                function: copy.function,
                roleName: copy.roleName,
                delivery: copy.delivery,
                network: copy.network,
                tables: copy.tables
            )
        }
        #expect(throws: IntegrationError.invalidName) { try rebuild { $0.name = "" } }
        #expect(throws: IntegrationError.invalidRoleName) { try rebuild { $0.roleName = "bad role" } }
        #expect(throws: IntegrationError.engineMismatch) { try rebuild { $0.database.engine = .auroraMySQL } }
        #expect(throws: IntegrationError.invalidTable) { try rebuild { $0.tables = [] } }
        #expect(throws: IntegrationError.invalidTable) { try rebuild { $0.tables.append($0.tables[0]) } }
        #expect(throws: IntegrationError.invalidValue) { try rebuild { $0.function.timeoutSeconds = 901 } }
        #expect(throws: IntegrationError.invalidValue) { try rebuild { $0.database.requestTimeoutMilliseconds = 0 } }
        #expect(throws: IntegrationError.invalidValue) { try rebuild { $0.function.qualifier = .latest } }
        let mysql = try FacadeFixtures.decode(FacadeFixtures.auroraMySQLYAML)
        var table = mysql.tables[0]
        table.columns = .all
        do {
            _ = try Integration(
                name: mysql.name,
                database: mysql.database,
                function: mysql.function,
                roleName: mysql.roleName,
                tables: [table]
            )
            Issue.record("expected mysqlColumnsRequired")
        } catch {
            #expect(error == .mysqlColumnsRequired)
            #expect(error.field == "tables[0].columns")
            #expect(error.description.hasPrefix("tables[0].columns: Aurora MySQL"))
        }
    }

    @Test("the outbox delivery mode on Aurora MySQL is a typed error naming the delivery key")
    func outboxNeedsPostgreSQL() throws {
        #expect(throws: IntegrationError.deliveryModeUnavailable) {
            try Integration(
                name: "shop",
                database: Integration.Database(
                    arn: try RDSDatabaseARN(parsing: "arn:aws:rds:us-east-1:123456789012:cluster:shop"),
                    engine: .auroraMySQL
                ),
                function: Integration.Function(
                    arn: try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:123456789012:function:f")
                ),
                roleName: "r",
                delivery: .outbox,
                tables: [Integration.Table(table: TableName(schema: "shop", table: "orders"), columns: .only(["id"]))]
            )
        }
    }

    @Test("a reachable network makes the network step ready; a blocked one blocks the trigger step")
    func networkStatuses() throws {
        let source = FacadeFixtures.packageRoot.appendingPathComponent("Examples/rds-postgresql/network")
        let reachable = try FacadeFixtures.decode(
            FacadeFixtures.postgresYAML + "network:\n  awsJSON: \(source.path)\n"
        ).plan()
        #expect(reachable.network?.verdict == .reachable)
        #expect(reachable.checklist.map(\.status) == [.ready, .ready, .actionRequired, .actionRequired])
        #expect(!reachable.warnings.map(\.code).contains("NETWORK_NOT_CHECKED"))

        // The same network with the DB security group's egress removed.
        let directory = try FacadeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            var data = try Data(contentsOf: source.appendingPathComponent(name))
            if name == "describe-security-groups.json" {
                var root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                var groups = try #require(root["SecurityGroups"] as? [[String: Any]])
                for index in groups.indices { groups[index]["IpPermissionsEgress"] = [] as [Any] }
                root["SecurityGroups"] = groups
                data = try JSONSerialization.data(withJSONObject: root)
            }
            try data.write(to: directory.appendingPathComponent(name))
        }
        let blocked = try FacadeFixtures.decode(
            FacadeFixtures.postgresYAML + "network:\n  awsJSON: \(directory.path)\n"
        ).plan()
        #expect(blocked.network?.verdict == .unreachable)
        #expect(blocked.checklist.map(\.status) == [.ready, .blocked, .actionRequired, .blocked])
        #expect(blocked.checklist[1].details.contains { $0.hasPrefix("Blocker SG_EGRESS_BLOCKED") })
    }

    @Test("a network folder that does not exist is a typed network error")
    func missingNetworkFolder() throws {
        let integration = try FacadeFixtures.decode(
            FacadeFixtures.postgresYAML + "network:\n  awsJSON: /nonexistent/network\n"
        )
        #expect(throws: IntegrationError.networkFailed) { try integration.plan() }
    }

    @Test("planning is deterministic")
    func deterministic() throws {
        let first = try plan(FacadeFixtures.postgresYAML)
        let second = try plan(FacadeFixtures.postgresYAML)
        #expect(first == second)
        #expect(first.render(.json) == second.render(.json))
    }

    @Test("applying a verification replaces only the permission-assignment item")
    func applyingVerification() throws {
        let plan = try plan(FacadeFixtures.postgresYAML)
        let failed = plan.applying(
            VerificationResult(status: .failed, errorCode: "AccessDeniedException", message: "denied")
        )
        #expect(failed.checklist.map(\.status) == [.ready, .unknown, .failed, .actionRequired])
        #expect(failed.checklist[2].details == ["denied"])
        #expect(failed.checklist[2].title == plan.checklist[2].title)
        let verified = plan.applying(VerificationResult(status: .verified, message: "ok"))
        #expect(verified.checklist[2].status == .verified)
    }
}
