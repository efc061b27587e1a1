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
}
