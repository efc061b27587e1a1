import Foundation
import Testing

@testable import DatabaseLambda

/// A stand-in `aws` on `PATH` that logs every call (arguments, and the content of `file://` arguments) as JSON
/// lines and answers as the test's environment says.
struct FakeAWS {
    static let script = #"""
        #!/usr/bin/env python3
        import json, os, sys
        args = sys.argv[1:]
        files = {}
        for a in args:
            if a.startswith("file://"):
                with open(a[len("file://"):]) as f:
                    files[a] = f.read()
        with open(os.environ["FAKE_AWS_LOG"], "a") as log:
            log.write(json.dumps({"args": args, "files": files}) + "\n")
        key = " ".join(args[:2]).replace(" ", "_").replace("-", "_").upper()
        fail = os.environ.get("FAKE_AWS_FAIL_" + key)
        times = os.environ.get("FAKE_AWS_TIMES_" + key)
        if fail and times is not None:
            counter = os.environ["FAKE_AWS_LOG"] + "." + key
            seen = int(open(counter).read()) if os.path.exists(counter) else 0
            open(counter, "w").write(str(seen + 1))
            if seen >= int(times):
                fail = None
        if fail:
            sys.stderr.write(fail + "\n")
            sys.exit(254)
        print("{}")
        """#

    struct Call: Decodable {
        var args: [String]
        var files: [String: String]

        var operation: String { args.prefix(2).joined(separator: " ") }

        func value(_ option: String) -> String? {
            guard let index = args.firstIndex(of: option), index + 1 < args.count else { return nil }
            return args[index + 1]
        }
    }

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-aws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("bin"),
            withIntermediateDirectories: true
        )
        let aws = directory.appendingPathComponent("bin/aws")
        try Data(Self.script.utf8).write(to: aws)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: aws.path)
    }

    /// Runs `script` with bash; `failures` maps `"iam get-role"` to the error text that call fails with.
    func run(
        _ script: String,
        failures: [String: String] = [:],
        times: [String: Int] = [:],
        extraEnvironment: [String: String] = [:]
    ) async throws -> (result: ProcessRunner.Result, calls: [Call]) {
        let scriptURL = directory.appendingPathComponent("plan-\(UUID().uuidString).sh")
        try Data(script.utf8).write(to: scriptURL)
        let log = directory.appendingPathComponent("log-\(UUID().uuidString).jsonl")
        var environment = [
            "PATH": directory.appendingPathComponent("bin").path + ":/usr/local/bin:/usr/bin:/bin",
            "HOME": directory.path,
            "FAKE_AWS_LOG": log.path,
            "DBLAMBDA_SQL_DIR": directory.appendingPathComponent("sql").path,
        ]
        func key(_ operation: String) -> String {
            operation.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_").uppercased()
        }
        for (operation, message) in failures {
            environment["FAKE_AWS_FAIL_" + key(operation)] = message
        }
        for (operation, count) in times {
            environment["FAKE_AWS_TIMES_" + key(operation)] = String(count)
        }
        environment.merge(extraEnvironment) { _, new in new }
        let result = try await ProcessRunner.run(
            "/bin/bash",
            [scriptURL.path],
            environment: environment,
            currentDirectory: directory
        )
        let data = (try? Data(contentsOf: log)) ?? Data()
        let calls = try data.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(Call.self, from: $0) }
        return (result, calls)
    }

    func sqlFile(_ name: String) -> String? {
        let url = directory.appendingPathComponent("sql").appendingPathComponent(name)
        return (try? Data(contentsOf: url)).map { String(decoding: $0, as: UTF8.self) }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

@Suite("ShellPlanRenderer")
struct ShellRendererTests {
    static func bashSyntaxCheck(_ script: String) async throws -> ProcessRunner.Result {
        try await ProcessRunner.run("/bin/bash", ["-n", "/dev/stdin"], stdin: script)
    }

    @Test("the script starts with the bash shebang and set -euo pipefail")
    func prologue() throws {
        let text = try RendererFixtures.postgres().render(.shell)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "#!/usr/bin/env bash")
        #expect(lines.contains("set -euo pipefail"))
        let setIndex = try #require(lines.firstIndex(of: "set -euo pipefail"))
        let firstCommand = try #require(lines.firstIndex { !$0.hasPrefix("#") && !$0.isEmpty })
        #expect(firstCommand == setIndex, "set -euo pipefail comes before any command")
    }

    @Test("snapshots of the Swift-built plans match, and each passes bash -n")
    func swiftSnapshots() async throws {
        for (name, plan) in try RendererFixtures.swiftPlans() {
            let text = plan.render(.shell)
            try Snapshot.check(text, named: "shell-\(name).sh")
            let check = try await Self.bashSyntaxCheck(text)
            #expect(check.status == 0, "bash -n \(name): \(check.stderr)")
        }
    }

    @Test("snapshots of the Examples configs match, and each passes bash -n", arguments: RendererFixtures.exampleNames)
    func exampleSnapshots(name: String) async throws {
        let text = try RendererFixtures.example(name).render(.shell)
        try Snapshot.check(text, named: "shell-\(name).sh")
        let check = try await Self.bashSyntaxCheck(text)
        #expect(check.status == 0, "bash -n \(name): \(check.stderr)")
    }

    @Test(
        "an example script runs to the end against a stand-in aws, calling the association step of its engine",
        arguments: RendererFixtures.exampleNames
    )
    func exampleRuns(name: String) async throws {
        let plan = try RendererFixtures.example(name)
        let aws = try FakeAWS()
        defer { aws.remove() }
        let (result, calls) = try await aws.run(plan.render(.shell), failures: ["iam get-role": "NoSuchEntity"])
        #expect(result.status == 0, "\(result.stderr)")
        for step in plan.roleAssociation?.steps ?? [] {
            #expect(calls.contains { $0.args == step.arguments }, "\(step.command)")
        }
        #expect(calls.contains { $0.args == plan.resourcePermission.awsCLIArguments })
        for (index, table) in plan.tables.enumerated() {
            let file = PlanCommands.sqlFileName(index: index, table: table)
            #expect(aws.sqlFile(file) == (table.sql.hasSuffix("\n") ? table.sql : table.sql + "\n"))
        }
    }

    @Test("every shell snapshot file passes bash -n")
    func snapshotFilesParse() async throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Snapshot.directory.path)
            .filter { $0.hasPrefix("shell-") && $0.hasSuffix(".sh") }.sorted()
        #expect(files.count >= 2)
        for file in files {
            let result = try await ProcessRunner.run(
                "/bin/bash",
                ["-n", Snapshot.directory.appendingPathComponent(file).path]
            )
            #expect(result.status == 0, "bash -n \(file): \(result.stderr)")
        }
    }

    @Test("a fresh account: every AWS CLI call in seed order, policies passed byte for byte, SQL written to files")
    func freshRun() async throws {
        let plan = try RendererFixtures.postgres()
        let aws = try FakeAWS()
        defer { aws.remove() }
        let (result, calls) = try await aws.run(plan.render(.shell), failures: ["iam get-role": "NoSuchEntity"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            calls.map(\.operation) == [
                "lambda get-function-configuration", "iam get-role", "iam create-role", "iam wait",
                "iam put-role-policy", "lambda remove-permission", "lambda add-permission",
                "rds add-role-to-db-instance", "rds modify-db-parameter-group",
            ]
        )
        let create = try #require(calls.first { $0.operation == "iam create-role" })
        #expect(create.value("--role-name") == "orders-db-invoke")
        let trustFile = try #require(create.value("--assume-role-policy-document"))
        #expect(create.files[trustFile] == (plan.trustPolicy?.jsonString() ?? "") + "\n")
        let put = try #require(calls.first { $0.operation == "iam put-role-policy" })
        #expect(put.value("--policy-name") == "dblambda-orders-invoke")
        let policyFile = try #require(put.value("--policy-document"))
        #expect(put.files[policyFile] == plan.invokePolicy.jsonString() + "\n")
        let add = try #require(calls.first { $0.operation == "lambda add-permission" })
        #expect(add.args == plan.resourcePermission.awsCLIArguments)
        let remove = try #require(calls.first { $0.operation == "lambda remove-permission" })
        #expect(remove.value("--statement-id") == "dblambda-orders")
        #expect(remove.value("--qualifier") == "live")
        let associate = try #require(calls.first { $0.operation == "rds add-role-to-db-instance" })
        #expect(associate.args == plan.roleAssociation?.steps.first?.arguments)
        #expect(associate.value("--feature-name") == "Lambda")
        let modify = try #require(calls.first { $0.operation == "rds modify-db-parameter-group" })
        #expect(modify.value("--db-parameter-group-name") == "orders-pg15")
        #expect(
            modify.value("--parameters")
                == "ParameterName=aws_lambda.request_timeout_ms,ParameterValue=6000,ApplyMethod=immediate"
        )
        let sql = try #require(plan.tables.first?.sql)
        #expect(aws.sqlFile("01-public.orders.sql") == (sql.hasSuffix("\n") ? sql : sql + "\n"))
    }

    @Test("a second run: the existing role gets its trust policy updated and an existing association is skipped")
    func rerun() async throws {
        let plan = try RendererFixtures.postgres()
        let aws = try FakeAWS()
        defer { aws.remove() }
        let (result, calls) = try await aws.run(
            plan.render(.shell),
            failures: [
                "rds add-role-to-db-instance":
                    "An error occurred (DBInstanceRoleAlreadyExists) when calling the AddRoleToDBInstance operation"
            ]
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("already done: RoleAlreadyExists"))
        #expect(calls.contains { $0.operation == "iam update-assume-role-policy" })
        #expect(!calls.contains { $0.operation == "iam create-role" })
        #expect(calls.last?.operation == "rds modify-db-parameter-group")
    }

    @Test("add-permission is retried while Lambda does not see the new role yet, and gives up after six attempts")
    func retriesAddPermission() async throws {
        let plan = try RendererFixtures.postgres()
        let aws = try FakeAWS()
        defer { aws.remove() }
        let propagation = "An error occurred (InvalidParameterValueException): The provided principal was invalid."
        let (result, calls) = try await aws.run(
            plan.render(.shell),
            failures: ["lambda add-permission": propagation],
            times: ["lambda add-permission": 2],
            extraEnvironment: ["DBLAMBDA_RETRY_SECONDS": "0"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(calls.filter { $0.operation == "lambda add-permission" }.count == 3)
        #expect(calls.last?.operation == "rds modify-db-parameter-group")
        let (forever, foreverCalls) = try await aws.run(
            plan.render(.shell),
            failures: ["lambda add-permission": propagation],
            extraEnvironment: ["DBLAMBDA_RETRY_SECONDS": "0"]
        )
        #expect(forever.status != 0)
        #expect(forever.stderr.contains("The provided principal was invalid."))
        #expect(foreverCalls.filter { $0.operation == "lambda add-permission" }.count == 6)
        #expect(foreverCalls.last?.operation == "lambda add-permission")
    }

    @Test("any other failure stops the script with a non-zero status and the CLI's message")
    func stopsOnFailure() async throws {
        let plan = try RendererFixtures.postgres()
        let aws = try FakeAWS()
        defer { aws.remove() }
        let (result, calls) = try await aws.run(
            plan.render(.shell),
            failures: ["rds add-role-to-db-instance": "An error occurred (InvalidDBInstanceState)"]
        )
        #expect(result.status != 0)
        #expect(result.stderr.contains("InvalidDBInstanceState"))
        #expect(calls.last?.operation == "rds add-role-to-db-instance")
    }

    @Test("a missing function stops the script before anything is created")
    func missingFunction() async throws {
        let aws = try FakeAWS()
        defer { aws.remove() }
        let (result, calls) = try await aws.run(
            try RendererFixtures.postgres().render(.shell),
            failures: ["lambda get-function-configuration": "An error occurred (ResourceNotFoundException)"]
        )
        #expect(result.status != 0)
        #expect(calls.map(\.operation) == ["lambda get-function-configuration"])
    }

    @Test("hostile values reach the AWS CLI unchanged and the placeholder parameter group must be set")
    func hostileQuoting() async throws {
        let plan = try RendererFixtures.hostile()
        let aws = try FakeAWS()
        defer { aws.remove() }
        let script = plan.render(.shell)
        let (unset, unsetCalls) = try await aws.run(script)
        #expect(unset.status != 0)
        #expect(unset.stderr.contains("CLUSTER_PARAMETER_GROUP"))
        #expect(unsetCalls.last?.operation == "rds add-role-to-db-cluster")

        let (result, calls) = try await aws.run(
            script,
            failures: ["iam get-role": "NoSuchEntity"],
            extraEnvironment: ["CLUSTER_PARAMETER_GROUP": "shop pg"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        let create = try #require(calls.first { $0.operation == "iam create-role" })
        #expect(create.value("--role-name") == "shop+db=invoke,role@x.y_z-1")
        #expect(create.value("--path") == "/dblambda/")
        let steps = try #require(plan.roleAssociation).steps
        let associate = try #require(calls.first { $0.operation == "rds add-role-to-db-cluster" })
        #expect(associate.args == steps.first?.arguments)
        #expect(associate.value("--feature-name") == nil)
        let modifies = calls.filter { $0.operation == "rds modify-db-cluster-parameter-group" }
        #expect(modifies.count == 2, "aws_default_lambda_role once (from the association step) and odd_parameter")
        #expect(modifies.allSatisfy { $0.value("--db-cluster-parameter-group-name") == "shop pg" })
        let parameters = try #require(modifies.last?.value("--parameters"))
        let decoded = try JSONSerialization.jsonObject(with: Data(parameters.utf8)) as? [[String: String]]
        #expect(
            decoded == [
                [
                    "ParameterName": "odd_parameter", "ParameterValue": RendererFixtures.hostileValue,
                    "ApplyMethod": "immediate",
                ]
            ]
        )
        #expect(aws.sqlFile("01-shop.o_rd_ers___x_.sql") == RendererFixtures.hostileSQL)
        #expect(script.contains("<<'SQL_2'\n"), "the delimiter differs from every line, a \\r\\n-separated one too")
        #expect(!result.stdout.contains("INJECTED") && !result.stderr.contains("INJECTED"))
        for line in PlanShell.lines(of: script) where line.contains("INJECTED") {
            #expect(line.hasPrefix("#"), "\(line)")
        }
    }

    @Test("shell quoting leaves safe words bare, single-quotes the rest, and bash reads every word back unchanged")
    func quoting() async throws {
        let cases: [(String, String)] = [
            ("orders-db", "orders-db"),
            ("arn:aws:iam::123456789012:role/x", "arn:aws:iam::123456789012:role/x"),
            ("", "''"),
            ("a b", "'a b'"),
            ("it's", #"'it'\''s'"#),
            ("$(id) `x` ${HOME} \\ \"q\" *", #"'$(id) `x` ${HOME} \ "q" *'"#),
            ("line\nbreak", "'line\nbreak'"),
            ("a'\u{301}b\r\nc", "'a'\\''\u{301}b\r\nc'"),
        ]
        for (input, expected) in cases {
            #expect(PlanShell.quote(input) == expected)
            let echoed = try await ProcessRunner.run("/bin/bash", ["-c", "printf %s " + PlanShell.quote(input)])
            #expect(echoed.stdout == input)
        }
    }

    @Test("a placeholder argument becomes a required environment variable")
    func placeholder() {
        #expect(
            PlanShell.word("<cluster-parameter-group>")
                == #""${CLUSTER_PARAMETER_GROUP:?set CLUSTER_PARAMETER_GROUP to the cluster-parameter-group}""#
        )
        #expect(PlanShell.word("<a b>") == "'<a b>'")
    }

    @Test("a heredoc delimiter never equals a line of its content")
    func heredocDelimiter() {
        #expect(PlanShell.heredocDelimiter("SQL", for: "select 1;\n") == "SQL")
        #expect(PlanShell.heredocDelimiter("SQL", for: "a\nSQL\nSQL_1\n") == "SQL_2")
    }
}
