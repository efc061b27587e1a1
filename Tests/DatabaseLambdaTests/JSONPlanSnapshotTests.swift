import DatabaseLambda
import Foundation
import Testing

@Suite("JSON plan rendering")
struct JSONPlanSnapshotTests {
    @Test(
        "the JSON rendering matches its snapshot byte for byte (DBLAMBDA_RECORD_SNAPSHOTS=1 rewrites it)",
        arguments: [
            ("json-postgres.json", FacadeFixtures.postgresYAML),
            ("json-aurora-postgresql.json", FacadeFixtures.auroraPostgreSQLYAML),
            ("json-aurora-mysql.json", FacadeFixtures.auroraMySQLYAML),
        ]
    )
    func snapshot(name: String, yaml: String) throws {
        let text = try FacadeFixtures.decode(yaml).plan().render(.json)
        let url = FacadeFixtures.snapshots.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["DBLAMBDA_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: FacadeFixtures.snapshots, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let expected = try #require(
            FileManager.default.contents(atPath: url.path),
            "snapshot \(name) is missing; record it with DBLAMBDA_RECORD_SNAPSHOTS=1"
        )
        #expect(Array(text.utf8) == Array(expected), "snapshot \(name) differs from the rendering")
    }

    @Test("the JSON holds every document as an object, the SQL, commands, warnings and checklist; no escaped slashes")
    func content() throws {
        let plan = try FacadeFixtures.decode(FacadeFixtures.postgresYAML).plan()
        let text = plan.render(.json)
        #expect(!text.contains("\\/"))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(
            root.keys.sorted() == [
                "checklist", "commands", "database", "delivery", "format", "function", "name", "network", "outbox",
                "parameterChanges", "resourcePermission", "role", "roleAssociation", "tables", "version", "warnings",
            ]
        )
        let role = try #require(root["role"] as? [String: Any])
        let trust = try #require(role["trustPolicy"] as? [String: Any])
        #expect(trust["Version"] as? String == "2012-10-17")
        #expect(role["invokePolicy"] is [String: Any])
        let permission = try #require(root["resourcePermission"] as? [String: Any])
        #expect(permission["statement"] is [String: Any])
        let tables = try #require(root["tables"] as? [[String: Any]])
        #expect(tables.map { $0["sql"] as? String } == plan.tables.map(\.sql))
        let checklist = try #require(root["checklist"] as? [[String: Any]])
        #expect(
            checklist.compactMap { $0["status"] as? String } == [
                "ready", "unknown", "action-required", "action-required",
            ]
        )
        let commands = try #require(root["commands"] as? [String])
        #expect(commands == plan.awsCLICommands)
        #expect(root["network"] is NSNull)
        let warnings = try #require(root["warnings"] as? [[String: Any]])
        #expect(warnings.compactMap { $0["code"] as? String } == plan.warnings.map(\.code))
    }

    @Test("keys are sorted at every level")
    func sortedKeys() throws {
        let text = try FacadeFixtures.decode(FacadeFixtures.auroraMySQLYAML).plan().render(.json)
        var objects = 0
        func check(_ value: JSONValue) {
            switch value {
            case .object(let object):
                objects += 1
                let keys = object.keys
                #expect(keys == keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) })
                for member in object { check(member.value) }
            case .array(let elements):
                for element in elements { check(element) }
            default:
                break
            }
        }
        check(try JSONValue(parsing: text))
        #expect(objects > 20)
    }
}
