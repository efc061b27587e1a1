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

    @Test("the Aurora PostgreSQL example goes through its VPC endpoint and sets rds.custom_dns_resolution")
    func auroraPostgreSQLEndpoint() throws {
        let path = FacadeFixtures.packageRoot.appendingPathComponent("Examples/aurora-postgresql/dblambda.yaml").path
        let plan = try Integration.load(contentsOf: path).plan()
        #expect(plan.network?.route == .vpcEndpoint)
        #expect(plan.parameterChanges.contains { $0.name == "rds.custom_dns_resolution" && $0.value == "1" })
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
