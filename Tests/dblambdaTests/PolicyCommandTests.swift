import Foundation
import Testing

@Suite("dblambda policy (black box)")
struct PolicyCommandTests {
    static let function = "arn:aws:lambda:us-east-1:111122223333:function:orders"
    static let role = "arn:aws:iam::111122223333:role/db-lambda"
    static let otherRole = "arn:aws:iam::444455556666:role/db-lambda"

    /// Writes files into a fresh temporary directory and returns their paths.
    static func files(_ contents: [String: String]) throws -> (URL, [String: String]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dblambda-policy-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var paths: [String: String] = [:]
        for (name, text) in contents {
            let url = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            paths[name] = url.path
        }
        return (directory, paths)
    }

    static func json(_ result: CLIRunner.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "\(result.stdoutText)")
    }

    @Test("policy trust prints the trust policy with sorted keys and both confused-deputy conditions")
    func trust() async throws {
        let result = try await CLIRunner.run([
            "policy", "trust", "--database", "arn:aws:rds:us-east-1:111122223333:db:main",
        ])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let compact = result.stdoutText.filter { !$0.isWhitespace }
        #expect(
            compact
                == #"{"Statement":[{"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:rds:us-east-1:111122223333:db:main"},"StringEquals":{"aws:SourceAccount":"111122223333"}},"Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"Sid":"AllowRDSAssumeRole"}],"Version":"2012-10-17"}"#
        )
        let again = try await CLIRunner.run([
            "policy", "trust", "--database", "arn:aws:rds:us-east-1:111122223333:db:main",
        ])
        #expect(again.stdout == result.stdout)
    }

    @Test("policy trust uses rds.amazonaws.com for a China cluster too")
    func trustChina() async throws {
        let result = try await CLIRunner.run([
            "policy", "trust", "--database", "arn:aws-cn:rds:cn-north-1:111122223333:cluster:c",
        ])
        #expect(result.status == 0)
        #expect(result.stdoutText.contains("\"rds.amazonaws.com\""))
        #expect(!result.stdoutText.contains("amazonaws.com.cn"))
    }

    @Test("policy invoke lists bare and :* for each unqualified function and only the qualifier otherwise")
    func invoke() async throws {
        let result = try await CLIRunner.run([
            "policy", "invoke", "--function", Self.function, "--function",
            "arn:aws:lambda:us-east-1:111122223333:function:billing:prod",
        ])
        #expect(result.status == 0)
        let document = try Self.json(result)
        let statements = try #require(document["Statement"] as? [[String: Any]])
        #expect(statements.count == 1)
        #expect(statements[0]["Action"] as? String == "lambda:InvokeFunction")
        #expect(
            statements[0]["Resource"] as? [String] == [
                Self.function, Self.function + ":*", "arn:aws:lambda:us-east-1:111122223333:function:billing:prod",
            ]
        )
        #expect(!result.stdoutText.contains("\\/"))
    }

    @Test("policy resource prints one Allow with only the conditions asked for")
    func resource() async throws {
        let plain = try await CLIRunner.run([
            "policy", "resource", "--function", Self.function, "--principal", Self.otherRole,
        ])
        #expect(plain.status == 0)
        let document = try Self.json(plain)
        let statements = try #require(document["Statement"] as? [[String: Any]])
        #expect(statements.count == 1)
        #expect(statements[0]["Effect"] as? String == "Allow")
        #expect(statements[0]["Condition"] == nil)
        #expect((statements[0]["Principal"] as? [String: String])?["AWS"] == Self.otherRole)

        let bound = try await CLIRunner.run([
            "policy", "resource", "--function", Self.function, "--principal", "rds.amazonaws.com",
            "--source-arn", "arn:aws:rds:us-east-1:111122223333:db:main", "--statement-id", "rds_1",
        ])
        #expect(bound.status == 0)
        let boundStatement = try #require((try Self.json(bound)["Statement"] as? [[String: Any]])?.first)
        let condition = try #require(boundStatement["Condition"] as? [String: [String: String]])
        #expect(condition.keys.sorted() == ["ArnLike"])
        #expect(boundStatement["Sid"] as? String == "rds_1")
    }

    @Test("policy resource --aws-cli prints the add-permission command line")
    func awsCLI() async throws {
        let result = try await CLIRunner.run([
            "policy", "resource", "--function", Self.function + ":prod", "--principal", Self.otherRole,
            "--source-account", "444455556666", "--statement-id", "x-account", "--aws-cli",
        ])
        #expect(result.status == 0)
        #expect(
            result.stdoutText
                == "aws lambda add-permission --function-name \(Self.function) --statement-id x-account "
                + "--action lambda:InvokeFunction --principal \(Self.otherRole) --source-account 444455556666 "
                + "--qualifier prod --region us-east-1\n"
        )
    }

    @Test(
        "malformed ARNs, account ids and statement ids are bad input with one error line",
        arguments: [
            ["policy", "trust", "--database", "arn:aws:s3:::bucket"],
            ["policy", "invoke", "--function", "orders"],
            [
                "policy", "resource", "--function", "arn:aws:lambda:us-east-1:111122223333:function:orders",
                "--principal", "arn:aws:iam::12:role/x",
            ],
            [
                "policy", "resource", "--function", "arn:aws:lambda:us-east-1:111122223333:function:orders",
                "--principal", "rds.amazonaws.com", "--source-account", "12345",
            ],
            [
                "policy", "resource", "--function", "arn:aws:lambda:us-east-1:111122223333:function:orders",
                "--principal", "rds.amazonaws.com", "--statement-id", "no spaces",
            ],
            [
                "policy", "resource", "--function", "arn:aws:lambda:us-east-1:111122223333:function:orders",
                "--principal", "rds.amazonaws.com", "--statement-id", String(repeating: "a", count: 101),
            ],
            [
                "policy", "evaluate", "--action", "lambda:InvokeFunction", "--resource", "nope", "--principal",
                "arn:aws:iam::111122223333:role/r",
            ],
            [
                "policy", "evaluate", "--action", "lambda:InvokeFunction", "--resource",
                "arn:aws:lambda:us-east-1:111122223333:function:orders", "--principal",
                "arn:aws:iam::111122223333:role/r", "--context", "novalue",
            ],
            [
                "policy", "evaluate", "--action", "lambda:InvokeFunction", "--resource",
                "arn:aws:lambda:us-east-1:111122223333:function:orders", "--principal",
                "arn:aws:iam::111122223333:role/r", "--identity-policy", "/nonexistent/policy.json",
            ],
            ["policy", "lint", "/nonexistent/policy.json"],
            ["policy", "trust"],
        ]
    )
    func badInput(_ arguments: [String]) async throws {
        let result = try await CLIRunner.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.hasPrefix("error: "))
    }

    @Test("policy evaluate: the generated invoke policy allows bare and qualified, denies another function")
    func evaluateGenerated() async throws {
        let generated = try await CLIRunner.run(["policy", "invoke", "--function", Self.function])
        let (directory, paths) = try Self.files(["invoke.json": generated.stdoutText])
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = try #require(paths["invoke.json"])
        for resource in [Self.function, Self.function + ":prod"] {
            let result = try await CLIRunner.run([
                "policy", "evaluate", "--action", "lambda:InvokeFunction", "--resource", resource, "--principal",
                Self.role, "--identity-policy", policy,
            ])
            #expect(result.status == 0)
            let output = try Self.json(result)
            #expect(output["decision"] as? String == "allow")
            let matched = try #require(output["matched"] as? [[String: Any]])
            #expect(matched.count == 1)
            #expect(matched.first?["sid"] as? String == "AllowInvokeFunction")
        }
        let other = try await CLIRunner.run([
            "policy", "evaluate", "--action", "lambda:InvokeFunction", "--resource",
            "arn:aws:lambda:us-east-1:111122223333:function:billing", "--principal", Self.role, "--identity-policy",
            policy,
        ])
        #expect(other.status == 1)
        #expect(try Self.json(other)["decision"] as? String == "implicitDeny")
        #expect(try Self.json(other)["matched"] as? [Any] != nil)
        #expect(other.stderrLines.count == 1)
    }

    @Test("policy evaluate: cross account needs both policies; an explicit deny exits 1")
    func evaluateCrossAccount() async throws {
        let identity =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]}"#
        let resource =
            #"{"Version":"2012-10-17","Statement":[{"Sid":"x","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"lambda:InvokeFunction","Resource":"\#(Self.function)"}]}"#
        let deny =
            #"{"Version":"2012-10-17","Statement":[{"Sid":"NoProd","Effect":"Deny","Action":"lambda:*","Resource":"\#(Self.function):prod"}]}"#
        let (directory, paths) = try Self.files(["id.json": identity, "res.json": resource, "deny.json": deny])
        defer { try? FileManager.default.removeItem(at: directory) }
        let base = ["policy", "evaluate", "--action", "lambda:InvokeFunction", "--principal", Self.otherRole]
        let onlyIdentity = try await CLIRunner.run(
            base + ["--resource", Self.function, "--identity-policy", paths["id.json"] ?? ""]
        )
        #expect(onlyIdentity.status == 1)
        let both = try await CLIRunner.run(
            base + [
                "--resource", Self.function, "--identity-policy", paths["id.json"] ?? "", "--resource-policy",
                paths["res.json"] ?? "",
            ]
        )
        #expect(both.status == 0)
        #expect(try Self.json(both)["decision"] as? String == "allow")
        let denied = try await CLIRunner.run([
            "policy", "evaluate", "--action", "lambda:InvokeFunction", "--principal", Self.role, "--resource",
            Self.function + ":prod", "--identity-policy", paths["id.json"] ?? "", "--identity-policy",
            paths["deny.json"] ?? "",
        ])
        #expect(denied.status == 1)
        let output = try Self.json(denied)
        #expect(output["decision"] as? String == "explicitDeny")
        let matched = try #require(output["matched"] as? [[String: Any]])
        #expect(matched.map { $0["sid"] as? String } == ["NoProd"])
        #expect(matched.first?["policy"] as? String == paths["deny.json"])
    }

    @Test("policy evaluate: repeated --context keeps every value; ForAllValues/ForAnyValue on absent keys")
    func evaluateContext() async throws {
        let forAll =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:TagResource","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}}]}"#
        let forAny =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:TagResource","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["team"]}}}]}"#
        let (directory, paths) = try Self.files(["all.json": forAll, "any.json": forAny])
        defer { try? FileManager.default.removeItem(at: directory) }
        func run(_ file: String, _ context: [String]) async throws -> Int32 {
            try await CLIRunner.run(
                [
                    "policy", "evaluate", "--action", "lambda:TagResource", "--resource", Self.function, "--principal",
                    Self.role, "--identity-policy", paths[file] ?? "",
                ] + context.flatMap { ["--context", $0] }
            ).status
        }
        let allKnown = try await run("all.json", ["aws:TagKeys=team", "aws:TagKeys=env"])
        #expect(allKnown == 0)
        let allUnknown = try await run("all.json", ["aws:TagKeys=team", "aws:TagKeys=cost"])
        #expect(allUnknown == 1)
        let allAbsent = try await run("all.json", [])
        #expect(allAbsent == 0)
        let anyAbsent = try await run("any.json", [])
        #expect(anyAbsent == 1)
        let anyMatching = try await run("any.json", ["aws:TagKeys=cost", "aws:TagKeys=team"])
        #expect(anyMatching == 0)
    }

    @Test("policy lint: clean policy exits 0, grammar errors are findings with exit 1, bad JSON exits 2")
    func lint() async throws {
        let clean =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"\#(Self.function)"}]}"#
        let misspelt =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Alow","Action":"lambda:InvokeFunction","Resource":"\#(Self.function)"}]}"#
        let legacy =
            #"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"\#(Self.function)"}]}"#
        let mixed =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"lambda:InvokeFunction","Resource":"\#(Self.function)"},{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"\#(Self.function)"}]}"#
        let (directory, paths) = try Self.files([
            "clean.json": clean, "misspelt.json": misspelt, "legacy.json": legacy, "mixed.json": mixed, "bad.json": "{",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let ok = try await CLIRunner.run(["policy", "lint", paths["clean.json"] ?? ""])
        #expect(ok.status == 0)
        #expect((try Self.json(ok)["findings"] as? [Any])?.isEmpty == true)

        let bad = try await CLIRunner.run(["policy", "lint", paths["misspelt.json"] ?? ""])
        #expect(bad.status == 1)
        let findings = try #require(try Self.json(bad)["findings"] as? [[String: String]])
        #expect(findings.first?["severity"] == "error")
        #expect(findings.first?["findingType"] == "ERROR")
        #expect(findings.first?["path"] == "$.Statement[0].Effect")

        let old = try await CLIRunner.run(["policy", "lint", paths["legacy.json"] ?? ""])
        #expect(old.status == 0)
        let oldFindings = try #require(try Self.json(old)["findings"] as? [[String: String]])
        #expect(oldFindings.allSatisfy { $0["severity"] != "error" })

        let mix = try await CLIRunner.run(["policy", "lint", paths["mixed.json"] ?? ""])
        #expect(mix.status == 1)
        #expect(mix.stdoutText.contains("MIXED_PRINCIPAL"))

        let unparsable = try await CLIRunner.run(["policy", "lint", paths["bad.json"] ?? ""])
        #expect(unparsable.status == 2)
        #expect(unparsable.stderrLines.count == 1)
        #expect(unparsable.stdout.isEmpty)
    }
}
