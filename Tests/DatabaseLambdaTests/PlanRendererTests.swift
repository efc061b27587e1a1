import DatabaseLambda
import Foundation
import Testing

/// Plans built in Swift for the renderer tests, the snapshot helper and a process runner.
enum RendererFixtures {
    static let account = "123456789012"

    /// RDS for PostgreSQL, a qualified function, a NAT path, one parameter change, SQL from the SQL module.
    static func postgres() throws -> IntegrationPlan {
        let database = try RDSDatabaseARN(parsing: "arn:aws:rds:us-east-1:123456789012:db:orders-db")
        let unqualified = try LambdaFunctionARN(
            parsing: "arn:aws:lambda:us-east-1:123456789012:function:orders-handler"
        )
        let qualifier = try LambdaQualifier("live")
        let function = unqualified.withQualifier(qualifier)
        let role = try IAMRoleARN(accountID: AccountID(account), name: "orders-db-invoke")
        let sql = try PostgreSQLTriggerScript(
            TriggerConfiguration(
                function: function,
                table: TableName(parsing: "public.orders"),
                operations: [.insert, .update, .delete],
                grantTo: "app_writer"
            )
        ).render()
        let network = NetworkReport(
            instanceID: "orders-db",
            endpointHost: "lambda.us-east-1.amazonaws.com",
            verdict: .reachable,
            route: .natGateway,
            blockers: [],
            warnings: [
                Finding(
                    code: .networkACLEphemeralPartial,
                    component: "acl-0a1b2c3d",
                    message: "The network ACL allows only ports 32768-65535 back in.",
                    fix: "Allow TCP 1024-65535 inbound in acl-0a1b2c3d."
                )
            ],
            subnets: [
                SubnetPath(subnetID: "subnet-0aaa", verdict: .reachable, route: .natGateway, hops: [], blockers: []),
                SubnetPath(subnetID: "subnet-0bbb", verdict: .reachable, route: .natGateway, hops: [], blockers: []),
            ]
        )
        return IntegrationPlan(
            name: "orders",
            database: Integration.Database(
                arn: database,
                engine: .postgres,
                engineVersion: "15.8",
                parameterGroup: "orders-pg15",
                requestTimeoutMilliseconds: 6000
            ),
            function: Integration.Function(arn: unqualified, qualifier: qualifier, timeoutSeconds: 5),
            roleARN: role,
            trustPolicy: try PolicyTemplates.rdsTrustPolicy(databases: [database]),
            invokePolicy: try PolicyTemplates.invokePolicy(functions: [function]),
            invokePolicyName: "dblambda-orders-invoke",
            resourcePermission: try LambdaPermission(
                function: function,
                grantee: .role(role),
                statementID: "dblambda-orders",
                sourceAccount: AccountID(account)
            ),
            roleAssociation: try RoleAssociation(database: database, role: role, engine: .postgreSQL),
            parameterChanges: [
                ParameterChange(
                    parameterGroup: "orders-pg15",
                    name: "aws_lambda.request_timeout_ms",
                    value: "6000",
                    applyMethod: "immediate",
                    reason: "The function may run 5 s; the default request timeout is 3 s."
                )
            ],
            tables: [TableSQL(table: "public.orders", dialect: "postgresql", sql: sql)],
            network: network,
            warnings: [
                PlanWarning(
                    code: "PAYLOAD_MAY_EXCEED_ASYNC_LIMIT",
                    message: "public.orders rows up to 600000 bytes may exceed the 1 MiB Event limit.",
                    fix: "Send fewer columns."
                )
            ],
            checklist: [
                ChecklistItem(
                    step: .functionSetup,
                    title: "Lambda function set-up",
                    status: .ready,
                    details: ["qualifier live", "timeout 5 s"]
                ),
                ChecklistItem(
                    step: .networkConfiguration,
                    title: "Database network configuration",
                    status: .ready,
                    details: ["reachable via nat-gateway"]
                ),
                ChecklistItem(
                    step: .permissionAssignment,
                    title: "Permission assignment",
                    status: .actionRequired,
                    details: ["create the role orders-db-invoke", "associate it with orders-db"]
                ),
                ChecklistItem(
                    step: .triggerSetup,
                    title: "Trigger set-up",
                    status: .actionRequired,
                    details: ["apply the SQL of public.orders"]
                ),
            ]
        )
    }

    /// The value of the hostile parameter change: every character that shells, HCL and Markdown treat specially.
    static let hostileValue = #"it's "${HOME}" | $(id) `x` 100%{y} \n back\slash"#
    /// The hostile table name.
    static let hostileTable = "shop.o`rd|ers ${x}"
    /// Hostile SQL: lines equal to the heredoc delimiters, a code fence, shell and HCL template syntax.
    static let hostileSQL = """
        -- it's $(rm -rf /tmp/nothing) and ${HOME} and %{if x}
        SELECT 'it''s' AS "quoted";
        SQL
        JSON
        EOT
        ```
        -- a Windows line break: \r
        SQL_1
        DELIMITER ;;

        """

    /// Aurora MySQL with no parameter group, a role with a path and every allowed odd character, a function in
    /// another account without qualifier, a blocked network, and hostile text in every free-text field.
    static func hostile() throws -> IntegrationPlan {
        let database = try RDSDatabaseARN(parsing: "arn:aws:rds:eu-west-1:210987654321:cluster:shop-cluster")
        let function = try LambdaFunctionARN(parsing: "arn:aws:lambda:eu-west-1:111122223333:function:shop-sync")
        let role = try IAMRoleARN(
            accountID: AccountID("210987654321"),
            path: "/dblambda/",
            name: "shop+db=invoke,role@x.y_z-1"
        )
        let network = NetworkReport(
            instanceID: "shop-instance-1",
            endpointHost: "lambda.eu-west-1.amazonaws.com",
            verdict: .unreachable,
            route: nil,
            blockers: [
                Finding(
                    code: .securityGroupEgressBlocked,
                    component: "sg-0123|4",
                    message: "No rule allows TCP 443 out.\r\necho INJECTED\nSecond line with `ticks` and | pipes.",
                    fix: "aws ec2 authorize-security-group-egress --group-id sg-0123 --ip-permissions "
                        + "'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]'"
                )
            ],
            warnings: [],
            subnets: [
                SubnetPath(subnetID: "subnet-0ccc", verdict: .unreachable, route: .natGateway, hops: [], blockers: [])
            ]
        )
        return IntegrationPlan(
            name: "shop-2_x",
            database: Integration.Database(
                arn: database,
                engine: .auroraMySQL,
                engineVersion: "8.0.mysql_aurora.3.05.2",
                instanceID: "shop-instance-1"
            ),
            function: Integration.Function(arn: function, timeoutSeconds: 900),
            roleARN: role,
            trustPolicy: try PolicyTemplates.rdsTrustPolicy(databases: [database]),
            invokePolicy: try PolicyTemplates.invokePolicy(functions: [function]),
            invokePolicyName: "dblambda-shop-2_x-invoke",
            resourcePermission: try LambdaPermission(
                function: function,
                grantee: .role(role),
                sourceAccount: AccountID("210987654321")
            ),
            roleAssociation: try RoleAssociation(database: database, role: role, engine: .auroraMySQL),
            parameterChanges: [
                ParameterChange(
                    parameterGroup: nil,
                    name: "aws_default_lambda_role",
                    value: role.description,
                    applyMethod: "pending-reboot",
                    reason: "The native functions use this role."
                ),
                ParameterChange(
                    parameterGroup: nil,
                    name: "odd_parameter",
                    value: hostileValue,
                    applyMethod: "immediate",
                    reason: "Reason with | pipe,\r\nnewline and \"quotes\"."
                ),
            ],
            tables: [TableSQL(table: hostileTable, dialect: "mysql", sql: hostileSQL)],
            network: network,
            warnings: [
                PlanWarning(code: "ODD_WARNING", message: "A | B\nC `D` ${E}", fix: "echo \"$(id)\" 'x'"),
                PlanWarning(code: "NETWORK_BLOCKED", message: "The network is blocked.", fix: "Fix sg-0123."),
            ],
            checklist: [
                ChecklistItem(step: .functionSetup, title: "Lambda function set-up", status: .ready, details: []),
                ChecklistItem(
                    step: .networkConfiguration,
                    title: "Database network configuration",
                    status: .blocked,
                    details: ["SG_EGRESS_BLOCKED sg-0123: $(id) `x` | y\nsecond line"]
                ),
                ChecklistItem(
                    step: .permissionAssignment,
                    title: "Permission assignment",
                    status: .failed,
                    details: ["DryRun: AccessDeniedException"]
                ),
                ChecklistItem(
                    step: .triggerSetup,
                    title: "Trigger set-up it's \"quoted\"",
                    status: .blocked,
                    details: []
                ),
            ]
        )
    }

    /// The plans built in Swift, by snapshot name.
    static func swiftPlans() throws -> [(name: String, plan: IntegrationPlan)] {
        [("swift-postgres", try postgres()), ("swift-hostile", try hostile())]
    }

    /// The example configs shipped in `Examples/`, by snapshot name.
    static let exampleNames = ["rds-postgresql", "aurora-postgresql", "aurora-mysql"]

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Loads and plans `Examples/<name>/dblambda.yaml`.
    static func example(_ name: String) throws -> IntegrationPlan {
        let path = repositoryRoot.appendingPathComponent("Examples/\(name)/dblambda.yaml").path
        return try Integration.load(contentsOf: path).plan()
    }
}

/// Compares rendered text with a file in `Snapshots/`; `DBLAMBDA_RECORD_SNAPSHOTS=1` rewrites the file.
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Snapshots")

    static var recording: Bool { ProcessInfo.processInfo.environment["DBLAMBDA_RECORD_SNAPSHOTS"] == "1" }

    static func check(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        if recording {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record(
                "snapshot \(name) is missing; record it with DBLAMBDA_RECORD_SNAPSHOTS=1",
                sourceLocation: sourceLocation
            )
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        if text != expected {
            let actual = FileManager.default.temporaryDirectory.appendingPathComponent("actual-\(name)")
            try Data(text.utf8).write(to: actual)
            let message =
                "snapshot \(name) differs; the new output is in \(actual.path) (diff it; record with "
                + "DBLAMBDA_RECORD_SNAPSHOTS=1 when the change is intended)"
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        }
    }
}

/// Runs a program and collects its output.
enum ProcessRunner {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    struct NotFound: Error, CustomStringConvertible {
        var description: String
    }

    /// The full path of `name` on `PATH` (or the usual system folders), if any.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders: [String] = path.split(separator: ":").map { String($0) } + ["/usr/local/bin", "/usr/bin", "/bin"]
        for folder in folders {
            let candidate = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable arguments…` with `stdin` as standard input. The child process is launched and waited for
    /// on a dedicated thread: a blocking wait on Swift's cooperative pool (only as many threads as cores) would
    /// stall every other test running in the process.
    static func run(
        _ executable: String,
        _ arguments: [String],
        stdin: String = "",
        environment: [String: String]? = nil,
        currentDirectory: URL? = nil
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            Thread.detachNewThread {
                continuation.resume(
                    with: Swift.Result {
                        try runBlocking(
                            executable,
                            arguments,
                            stdin: stdin,
                            environment: environment,
                            currentDirectory: currentDirectory
                        )
                    }
                )
            }
        }
    }

    /// Launches the process and blocks the calling thread until it exits; only ever called on a dedicated thread.
    private static func runBlocking(
        _ executable: String,
        _ arguments: [String],
        stdin: String,
        environment: [String: String]?,
        currentDirectory: URL?
    ) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("renderer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inURL = directory.appendingPathComponent("in")
        let outURL = directory.appendingPathComponent("out")
        let errURL = directory.appendingPathComponent("err")
        try Data(stdin.utf8).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let input = try FileHandle(forReadingFrom: inURL)
        let output = try FileHandle(forWritingTo: outURL)
        let error = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        process.waitUntilExit()
        try input.close()
        try output.close()
        try error.close()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }
}

@Suite("Plan renderers: shared behaviour")
struct PlanRendererTests {
    @Test("every renderer is deterministic: two renderings of equal plans are byte-identical")
    func deterministic() throws {
        for format in [PlanFormat.markdown, .shell, .terraform] {
            #expect(try RendererFixtures.postgres().render(format) == RendererFixtures.postgres().render(format))
            #expect(try RendererFixtures.hostile().render(format) == RendererFixtures.hostile().render(format))
        }
    }

    @Test("every renderer ends with exactly one newline and has no trailing spaces")
    func tidyText() throws {
        for (_, plan) in try RendererFixtures.swiftPlans() {
            for format in [PlanFormat.markdown, .shell, .terraform] {
                let text = plan.render(format)
                #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n"), "\(format)")
                let trailing = text.split(separator: "\n").filter { $0.hasSuffix(" ") }
                #expect(trailing.isEmpty, "\(format): \(trailing)")
            }
        }
    }
}
