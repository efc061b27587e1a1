import DBLambdaNetwork
import Foundation
import Testing

/// The scenario folders: `Fixtures/<scenario>/describe-*.json` plus `expected.json`.
enum Scenarios {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static let names: [String] = {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return entries.filter { !$0.hasPrefix(".") }.sorted()
    }()

    struct Expected: Decodable {
        struct Blocker: Decodable, Hashable {
            var code: String
            var component: String
        }
        var description: String
        var instance: String
        var verdict: String
        var route: String?
        var blockers: [Blocker]
        var warnings: [String]
        var endpointHost: String?
    }

    static func expected(_ name: String) throws -> Expected {
        let data = try Data(contentsOf: directory.appendingPathComponent(name).appendingPathComponent("expected.json"))
        return try JSONDecoder().decode(Expected.self, from: data)
    }

    static func report(_ name: String) throws -> NetworkReport {
        let network = try AWSCLIImporter.importDirectory(at: directory.appendingPathComponent(name).path)
        return try NetworkAnalyzer.analyze(network, instanceID: try expected(name).instance)
    }
}

@Suite("Scenario fixtures in the AWS CLI's JSON shapes")
struct ScenarioTests {
    @Test("there are at least 25 scenarios")
    func count() {
        #expect(Scenarios.names.count >= 25)
    }

    @Test("each scenario gives its expected verdict, route, blockers and warnings", arguments: Scenarios.names)
    func scenario(_ name: String) throws {
        let expected = try Scenarios.expected(name)
        let report = try Scenarios.report(name)
        let summary = "\(name): \(report.text)"
        #expect(report.verdict.rawValue == expected.verdict, "\(summary)")
        #expect(report.route?.rawValue == expected.route, "\(summary)")
        let blockers = Set(
            report.blockers.map { Scenarios.Expected.Blocker(code: $0.code.rawValue, component: $0.component) }
        )
        #expect(blockers == Set(expected.blockers), "\(summary)")
        let warningCodes = Set(report.warnings.map(\.code.rawValue))
        for code in expected.warnings {
            #expect(warningCodes.contains(code), "missing warning \(code): \(summary)")
        }
        if let host = expected.endpointHost {
            #expect(report.endpointHost == host)
        }
        // reachable means no blockers; unreachable always names at least one.
        #expect(
            (report.verdict == .reachable)
                == (report.verdict != .unreachable && report.blockers.isEmpty
                    && report.verdict != .unknown)
        )
        if report.verdict == .unreachable { #expect(!report.blockers.isEmpty) }
        if report.verdict == .unknown { #expect(!report.warnings.isEmpty) }
        for finding in report.blockers + report.warnings {
            #expect(!finding.fix.isEmpty && !finding.message.isEmpty && !finding.component.isEmpty)
        }
    }

    @Test("the analysis is deterministic: the same input gives the same report")
    func deterministic() throws {
        for name in Scenarios.names.prefix(5) {
            #expect(try Scenarios.report(name) == Scenarios.report(name))
        }
    }

    @Test(
        "healthy components are never blamed: the NAT path's gateway and table are not blockers when a DB subnet lacks a route"
    )
    func healthyNotBlamed() throws {
        let report = try Scenarios.report("mixed-subnet-group")
        let components = Set(report.blockers.map(\.component))
        #expect(!components.contains("rtb-0priv00000000001"))
        #expect(!components.contains("nat-0a1b2c3d4e5f60001"))
        let paths = Dictionary(uniqueKeysWithValues: report.subnets.map { ($0.subnetID, $0) })
        #expect(paths["subnet-0db000000000000a"]?.verdict == .reachable)
        #expect(paths["subnet-0db000000000000b"]?.verdict == .unreachable)
    }
}
