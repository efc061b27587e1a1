import Foundation
import Testing

@Suite("dblambda plan (black box)")
struct PlanCommandTests {
    static let examples = ["rds-postgresql", "aurora-postgresql", "aurora-mysql"]
    static let snapshots = CLIRunner.repositoryRoot.appendingPathComponent("Tests/DatabaseLambdaTests/Snapshots")

    /// A temporary folder holding `files` (name → content), removed after `body`.
    static func withFolder<T>(_ files: [String: String], _ body: (URL) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plan-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, content) in files {
            try Data(content.utf8).write(to: folder.appendingPathComponent(name))
        }
        return try await body(folder)
    }

    static let config = """
        version: 1
        name: cli-test
        database:
          arn: arn:aws:rds:eu-central-1:123456789012:db:cli-db
          engine: postgres
          engineVersion: "16.3"
        function:
          arn: arn:aws:lambda:eu-central-1:123456789012:function:cli-fn
          timeoutSeconds: 10
        role:
          name: cli-db-invoke
        delivery: direct
        tables:
          - table: public.items
            operations: [insert, update]
            invocationType: Event
            grantTo: app

        """

    /// Asserts exit 2, nothing on standard output and exactly one `error:` line starting with `prefix`.
    static func expectBadInput(
        _ result: CLIRunner.Result,
        prefix: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == 2, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix(prefix), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test(
        "each example plans offline in markdown, shell and terraform, printing exactly the renderer snapshot",
        arguments: examples
    )
    func examplesMatchSnapshots(example: String) async throws {
        let config = "Examples/\(example)/dblambda.yaml"
        for (format, file) in [
            ("markdown", "markdown-\(example).md"), ("shell", "shell-\(example).sh"),
            ("terraform", "terraform-\(example).tf"),
        ] {
            let result = try await CLIRunner.run(["plan", config, "--format", format])
            #expect(result.status == 0, "\(format): \(result.stderr)")
            #expect(result.stderr.isEmpty)
            let snapshot = try String(contentsOf: Self.snapshots.appendingPathComponent(file), encoding: .utf8)
            #expect(result.stdoutText == snapshot, "\(example) \(format) differs from \(file)")
        }
    }

    @Test("markdown is the default format", arguments: examples)
    func defaultFormat(example: String) async throws {
        let config = "Examples/\(example)/dblambda.yaml"
        let plain = try await CLIRunner.run(["plan", config])
        let markdown = try await CLIRunner.run(["plan", config, "--format", "markdown"])
        #expect(plain.status == 0)
        #expect(plain.stdout == markdown.stdout)
        #expect(plain.stdoutText.hasPrefix("# Database → Lambda integration plan: "))
    }

    @Test("json is one object with the four checklist steps in seed order and a reachable network", arguments: examples)
    func json(example: String) async throws {
        let result = try await CLIRunner.run(["plan", "Examples/\(example)/dblambda.yaml", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let checklist = try #require(object["checklist"] as? [[String: Any]])
        #expect(
            checklist.compactMap { $0["step"] as? String } == [
                "function-setup", "network-configuration", "permission-assignment", "trigger-setup",
            ]
        )
        let network = try #require(object["network"] as? [String: Any])
        #expect(network["verdict"] as? String == "reachable")
    }

    @Test("a config written to a temporary folder plans in every format; the shell output passes bash -n")
    func temporaryConfig() async throws {
        try await Self.withFolder(["dblambda.yaml": Self.config]) { folder in
            let path = folder.appendingPathComponent("dblambda.yaml").path
            for format in ["markdown", "json", "shell", "terraform"] {
                let result = try await CLIRunner.run(["plan", path, "--format", format])
                #expect(result.status == 0, "\(format): \(result.stderr)")
                #expect(!result.stdout.isEmpty)
            }
            let markdown = try await CLIRunner.run(["plan", path]).stdoutText
            #expect(markdown.contains("| Network | ❔ not checked |"))
            #expect(markdown.contains("`NETWORK_NOT_CHECKED`"))
            let shell = try await CLIRunner.run(["plan", path, "--format", "shell"]).stdoutText
            let scriptURL = folder.appendingPathComponent("plan.sh")
            try Data(shell.utf8).write(to: scriptURL)
            let bash = try await CLIRunner.runProcess(URL(fileURLWithPath: "/bin/bash"), ["-n", scriptURL.path])
            #expect(bash.status == 0, "\(bash.stderr)")
            let terraform = try await CLIRunner.run(["plan", path, "--format", "terraform"]).stdoutText
            #expect(terraform.contains("resource \"aws_db_instance_role_association\" \"dblambda_cli_test\" {"))
        }
    }

    @Test("an unknown key is exit 2 with one line naming file, line and key")
    func unknownKey() async throws {
        let config = Self.config.replacingOccurrences(of: "    invocationType: Event", with: "    invocationTyp: Event")
        try await Self.withFolder(["dblambda.yaml": config]) { folder in
            let path = folder.appendingPathComponent("dblambda.yaml").path
            let result = try await CLIRunner.run(["plan", path])
            Self.expectBadInput(result, prefix: "error: \(path):16: tables[0].invocationTyp: ")
        }
    }

    @Test("a wrong value is exit 2 with one line naming file, line and key")
    func wrongValue() async throws {
        let config = Self.config.replacingOccurrences(of: "invocationType: Event", with: "invocationType: Evnt")
        try await Self.withFolder(["dblambda.yaml": config]) { folder in
            let path = folder.appendingPathComponent("dblambda.yaml").path
            let result = try await CLIRunner.run(["plan", path])
            Self.expectBadInput(result, prefix: "error: \(path):16: tables[0].invocationType: ")
            #expect(result.stderr.contains("Evnt"))
        }
    }

    @Test("a broken YAML file, a missing file, outbox on Aurora MySQL and a bad format are exit 2 with one line")
    func otherBadInput() async throws {
        try await Self.withFolder(
            [
                "broken.yaml": "version: 1\nname: [unclosed\n",
                "outbox.yaml": Self.config.replacingOccurrences(of: "delivery: direct", with: "delivery: outbox")
                    .replacingOccurrences(of: "db:cli-db", with: "cluster:cli-db")
                    .replacingOccurrences(of: "engine: postgres", with: "engine: aurora-mysql")
                    .replacingOccurrences(of: "\"16.3\"", with: "\"3.05.2\""),
                "mysql.yaml": Self.config.replacingOccurrences(of: "db:cli-db", with: "cluster:cli-db")
                    .replacingOccurrences(of: "engine: postgres", with: "engine: aurora-mysql")
                    .replacingOccurrences(of: "\"16.3\"", with: "\"3.05.2\""),
                "good.yaml": Self.config,
            ]
        ) { folder in
            let broken = folder.appendingPathComponent("broken.yaml").path
            Self.expectBadInput(try await CLIRunner.run(["plan", broken]), prefix: "error: \(broken)")
            let missing = folder.appendingPathComponent("missing.yaml").path
            Self.expectBadInput(try await CLIRunner.run(["plan", missing]), prefix: "error: \(missing)")
            let outbox = folder.appendingPathComponent("outbox.yaml").path
            let outboxResult = try await CLIRunner.run(["plan", outbox])
            Self.expectBadInput(outboxResult, prefix: "error: \(outbox)")
            #expect(outboxResult.stderr.contains("delivery: delivery mode outbox needs PostgreSQL"))
            let mysql = folder.appendingPathComponent("mysql.yaml").path
            let mysqlResult = try await CLIRunner.run(["plan", mysql])
            Self.expectBadInput(mysqlResult, prefix: "error: \(mysql)")
            #expect(mysqlResult.stderr.contains("columns"))
            let good = folder.appendingPathComponent("good.yaml").path
            Self.expectBadInput(
                try await CLIRunner.run(["plan", good, "--format", "html"]),
                prefix: "error: --format must be one of markdown, json, shell, terraform, not 'html'"
            )
            Self.expectBadInput(try await CLIRunner.run(["plan"]), prefix: "error: ")
        }
    }
}
