import Foundation
import Testing

/// Feeds botocore-signed random requests (`Tests/DBLambdaSigV4Tests/Differential/botocore_sigv4.py`)
/// through the `dblambda sign` binary in one array and compares every output object.
/// Runs when botocore is importable; under `CI=true` a missing python3/botocore fails.
@Suite("dblambda sign against botocore (black box)")
struct SignDifferentialTests {
    static func shouldRun() async -> Bool {
        if ProcessInfo.processInfo.environment["CI"] == "true" { return true }
        return (try? await python(["-c", "import botocore"]).status) == 0
    }

    static func python(_ arguments: [String]) async throws -> (status: Int32, output: Data, error: String) {
        let result = try await CLIRunner.runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments)
        return (result.status, result.stdout, result.stderr)
    }

    @Test("the CLI agrees with botocore on 1 000 seeded random requests", .enabled { await shouldRun() })
    func agreesWithBotocore() async throws {
        let script = CLIRunner.repositoryRoot.appendingPathComponent(
            "Tests/DBLambdaSigV4Tests/Differential/botocore_sigv4.py"
        )
        let generated = try await Self.python([script.path, "--seed", "7", "--count", "1000"])
        try #require(generated.status == 0, "python3/botocore failed: \(generated.error)")
        var inputs: [Any] = []
        var expected: [[String: Any]] = []
        for line in generated.output.split(separator: UInt8(ascii: "\n")) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            inputs.append(try #require(object["input"]))
            expected.append(object)
        }
        let result = try await CLIRunner.sign(inputs)
        try #require(result.status == 0, "stderr: \(result.stderr)")
        let outputs = try CLIRunner.objects(result)
        try #require(outputs.count == expected.count)
        var mismatches: [Int] = []
        for (index, output) in outputs.enumerated() {
            for key in ["canonicalRequest", "stringToSign", "signature", "authorization"]
            where output[key] != expected[index][key] as? String {
                mismatches.append(index)
                break
            }
        }
        #expect(expected.count == 1000)
        let first = mismatches.first.map { "input: \(inputs[$0])\nours: \(outputs[$0])\nbotocore: \(expected[$0])" }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches; first:\n\(first ?? "")")
    }
}
