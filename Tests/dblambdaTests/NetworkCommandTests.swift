import Foundation
import Testing

private let fixtures = CLIRunner.repositoryRoot.appendingPathComponent("Tests/DBLambdaNetworkTests/Fixtures")

private func check(_ scenario: String, _ extra: [String] = []) async throws -> CLIRunner.Result {
    try await CLIRunner.run(
        [
            "network", "check", "--aws-json", fixtures.appendingPathComponent(scenario).path, "--db-instance",
            "orders-db",
        ]
            + extra
    )
}

private func object(_ result: CLIRunner.Result) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "\(result.stdoutText)")
}

@Suite("dblambda network check (black box)")
struct NetworkCommandTests {
    @Test("a reachable instance prints the contract object and exits 0")
    func reachable() async throws {
        let result = try await check("private-nat-gateway")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.isEmpty)
        let output = try object(result)
        #expect(Set(output.keys) == ["verdict", "route", "blockers", "warnings"])
        #expect(output["verdict"] as? String == "reachable")
        #expect(output["route"] as? String == "nat-gateway")
        #expect((output["blockers"] as? [Any])?.isEmpty == true)
    }

    @Test(
        "the three routes are reported by name",
        arguments: [
            ("public-internet-gateway", "internet-gateway"), ("endpoint-postgres", "vpc-endpoint"),
            ("aurora-mysql-endpoint", "vpc-endpoint"),
        ]
    )
    func routes(_ scenario: String, _ route: String) async throws {
        let result = try await check(scenario)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try object(result)["route"] as? String == route)
    }

    @Test("an unreachable instance names the blocking component with code, message and fix, and exits 1")
    func unreachable() async throws {
        let result = try await check("sg-egress-missing")
        #expect(result.status == 1)
        #expect(result.stderrLines.count == 1 && result.stderr.hasPrefix("error: "))
        let output = try object(result)
        #expect(output["verdict"] as? String == "unreachable")
        #expect(output["route"] is NSNull)
        let blockers = try #require(output["blockers"] as? [[String: String]])
        #expect(blockers.count == 1)
        #expect(Set(blockers[0].keys) == ["code", "component", "message", "fix"])
        #expect(blockers[0]["component"] == "sg-0db0000000000001")
        #expect(blockers[0]["fix"]?.hasPrefix("aws ec2 authorize-security-group-egress") == true)
    }

    @Test("an unknown verdict exits 1 with the reason among the warnings")
    func unknown() async throws {
        let result = try await check("transit-gateway-default-route")
        #expect(result.status == 1)
        let output = try object(result)
        #expect(output["verdict"] as? String == "unknown")
        let warnings = try #require(output["warnings"] as? [[String: String]])
        #expect(
            warnings.contains { $0["code"] == "TRANSIT_GATEWAY_ROUTE" && $0["component"] == "rtb-0priv00000000001" }
        )
    }

    @Test("--format text prints the path hop by hop with the blockers and their fixes")
    func text() async throws {
        let result = try await check("nat-subnet-without-igw-route", ["--format", "text"])
        #expect(result.status == 1)
        let text = result.stdoutText
        #expect(text.contains("Verdict: unreachable"))
        #expect(text.contains("From subnet-0db000000000000a:"))
        #expect(text.contains("[!!] rtb-0pub000000000001"))
        #expect(text.contains("Blockers:"))
        #expect(text.contains("fix: aws ec2 create-route --route-table-id rtb-0pub000000000001"))
    }

    @Test("the output is byte-identical across runs")
    func deterministic() async throws {
        let first = try await check("endpoint-wrong-region")
        let second = try await check("endpoint-wrong-region")
        #expect(first.stdout == second.stdout)
    }

    @Test("bad input exits 2 with one error line: a missing directory, an unknown instance, malformed JSON")
    func badInput() async throws {
        let missing = try await CLIRunner.run([
            "network", "check", "--aws-json", "/nonexistent-dir", "--db-instance", "x",
        ])
        #expect(missing.status == 2 && missing.stdout.isEmpty && missing.stderrLines.count == 1)
        let unknownInstance = try await CLIRunner.run([
            "network", "check", "--aws-json", fixtures.appendingPathComponent("private-nat-gateway").path,
            "--db-instance", "nope",
        ])
        #expect(unknownInstance.status == 2 && unknownInstance.stderr.contains("nope"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dblambda-net-cli-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(#"{"DBInstances":[{"DBInstanceIdentifier":5}]}"#.utf8)
            .write(to: directory.appendingPathComponent("describe-db-instances.json"))
        let malformed = try await CLIRunner.run([
            "network", "check", "--aws-json", directory.path, "--db-instance", "x",
        ])
        #expect(malformed.status == 2)
        #expect(malformed.stderrLines.count == 1)
        #expect(malformed.stderr.contains("describe-db-instances.json at $.DBInstances[0].DBInstanceIdentifier"))
        let badFormat = try await check("private-nat-gateway", ["--format", "yaml"])
        #expect(badFormat.status == 2 && badFormat.stderrLines.count == 1)
    }
}
