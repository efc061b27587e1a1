import DatabaseLambda
import Foundation
import Testing

@Suite("The bundled examples")
struct ExamplePlanTests {
    @Test(
        "each example under Examples/ plans offline with the network verdict reachable",
        arguments: ["rds-postgresql", "aurora-postgresql", "aurora-mysql"]
    )
    func examplePlansReachable(example: String) throws {
        let path = FacadeFixtures.packageRoot.appendingPathComponent("Examples/\(example)/dblambda.yaml").path
        let plan = try Integration.load(contentsOf: path).plan()
        let network = try #require(plan.network)
        #expect(network.verdict == .reachable, "\(network.text)")
        #expect(network.blockers.isEmpty)
        #expect(plan.checklist.map(\.status) == [.ready, .ready, .actionRequired, .actionRequired])
        #expect(!plan.tables.isEmpty)
        #expect(!plan.warnings.map(\.code).contains("NETWORK_NOT_CHECKED"))
    }

    @Test("Aurora PostgreSQL via its VPC endpoint: rds.custom_dns_resolution planned only while the group lacks it")
    func auroraPostgreSQLEndpoint() throws {
        let folder = FacadeFixtures.packageRoot.appendingPathComponent("Examples/aurora-postgresql")
        var integration = try Integration.load(contentsOf: folder.appendingPathComponent("dblambda.yaml").path)
        let plan = try integration.plan()
        #expect(plan.network?.route == .vpcEndpoint)
        // The example's describe-db-parameters.json already holds 1: nothing to change, no reboot.
        #expect(!plan.parameterChanges.contains { $0.name == "rds.custom_dns_resolution" })

        var model = try AWSCLIImporter.importDirectory(at: folder.appendingPathComponent("network").path)
        model.dbParameters["rds.custom_dns_resolution"] = "0"
        integration.network = .model(model)
        let off = try integration.plan()
        #expect(off.network?.verdict == .unreachable)
        #expect(off.parameterChanges.contains { $0.name == "rds.custom_dns_resolution" && $0.value == "1" })
        #expect(off.checklist.first { $0.step == .networkConfiguration }?.status == .blocked)
    }

    @Test("a cluster without `instance` is checked through its first member; a model built in code plans the same")
    func clusterMemberAndModel() throws {
        let folder = FacadeFixtures.packageRoot.appendingPathComponent("Examples/aurora-mysql")
        let text = try String(contentsOf: folder.appendingPathComponent("dblambda.yaml"), encoding: .utf8)
        let withoutInstance = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("instance:") }
            .joined(separator: "\n")
        let integration = try FacadeFixtures.decode(withoutInstance, base: folder.path)
        #expect(integration.database.instanceID == nil)
        let plan = try integration.plan()
        let model = try AWSCLIImporter.importDirectory(at: folder.appendingPathComponent("network").path)
        let members = try #require(model.clusters.first?.memberInstanceIDs)
        #expect(plan.network?.instanceID == members.sorted().first)

        var built = integration
        built.network = .model(model)
        #expect(try built.plan().network == plan.network)
    }
}
