import DBLambdaSigV4
import Foundation
import HTTPTypes
import Testing

/// Runs `Differential/botocore_sigv4.py` (botocore's `SigV4Auth` as the oracle) and compares every
/// canonical request, string to sign, signature and `Authorization` value with ours.
///
/// The test runs when `python3 -c 'import botocore'` works. Under `CI=true` it always runs, so a
/// missing python3 or botocore is a failure there, never a silent skip.
@Suite("botocore differential")
struct BotocoreDifferentialTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Differential/botocore_sigv4.py")

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static func shouldRun() async -> Bool {
        if isCI { return true }
        return (try? await run(["-c", "import botocore"]).status) == 0
    }

    /// One line of the script's output.
    struct Line: Decodable {
        struct Input: Decodable {
            var method: String
            var url: String
            var headers: [[String]]
            var body: String?
            var bodyBase64: String?
            var accessKeyId: String
            var secretAccessKey: String
            var sessionToken: String?
            var region: String
            var service: String
            var date: String
            var unsignedPayload: Bool?
        }
        var input: Input
        var canonicalRequest: String
        var stringToSign: String
        var signature: String
        var authorization: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs python3 with `arguments`; returns the exit status and standard output. The process is launched and
    /// waited for on a dedicated thread: a blocking wait on Swift's cooperative pool (only as many threads as
    /// cores) would stall every other test running in the process.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: Data, error: String) {
        try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<(status: Int32, output: Data, error: String), any Error>) in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runBlocking(arguments) })
            }
        }
    }

    /// Launches python3 and blocks the calling thread until it exits; only ever called on a dedicated thread.
    private static func runBlocking(_ arguments: [String]) throws -> (status: Int32, output: Data, error: String) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sigv4-differential-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return (
            process.terminationStatus, try Data(contentsOf: outURL),
            String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }

    /// Signs one generated input the way `dblambda sign` does.
    static func sign(_ input: Line.Input) throws -> SigV4Signature {
        var fields = HTTPFields()
        for header in input.headers {
            guard header.count == 2, let name = HTTPField.Name(header[0]) else {
                throw Failure(description: "bad header \(header)")
            }
            fields.append(HTTPField(name: name, value: header[1]))
        }
        var body: [UInt8] = []
        if let text = input.body { body = Array(text.utf8) }
        if let base64 = input.bodyBase64 {
            guard let data = Data(base64Encoded: base64) else { throw Failure(description: "bad base64") }
            body = [UInt8](data)
        }
        let request = try SigV4Signer.request(method: input.method, url: input.url, headerFields: fields)
        let signer = SigV4Signer(
            credentials: Credentials(
                accessKeyID: input.accessKeyId,
                secretAccessKey: input.secretAccessKey,
                sessionToken: input.sessionToken
            ),
            region: input.region,
            service: input.service,
            options: .init(unsignedPayload: input.unsignedPayload ?? false)
        )
        return try signer.signature(for: request, body: body, at: try SigV4Timestamp(amzDate: input.date))
    }

    @Test("agrees with botocore's SigV4Auth on 10 000 seeded random requests", .enabled { await shouldRun() })
    func agreesWithBotocore() async throws {
        let count = 10_000
        let result = try await Self.run([Self.script.path, "--seed", "20261127", "--count", String(count)])
        try #require(result.status == 0, "python3/botocore failed: \(result.error)")
        let decoder = JSONDecoder()
        var checked = 0
        var mismatches = 0
        var firstMismatch: String?
        for line in result.output.split(separator: UInt8(ascii: "\n")) {
            let expected = try decoder.decode(Line.self, from: Data(line))
            let actual = try Self.sign(expected.input)
            checked += 1
            if actual.canonicalRequest != expected.canonicalRequest || actual.stringToSign != expected.stringToSign
                || actual.signature != expected.signature || actual.authorization != expected.authorization
            {
                mismatches += 1
                if firstMismatch == nil {
                    firstMismatch = """
                        input: \(String(decoding: line, as: UTF8.self))
                        ours canonicalRequest:
                        \(actual.canonicalRequest)
                        botocore canonicalRequest:
                        \(expected.canonicalRequest)
                        ours stringToSign:
                        \(actual.stringToSign)
                        botocore stringToSign:
                        \(expected.stringToSign)
                        ours authorization: \(actual.authorization ?? "nil")
                        botocore authorization: \(expected.authorization)
                        """
                }
            }
        }
        #expect(checked == count)
        #expect(mismatches == 0, "\(mismatches) of \(checked) differ; first:\n\(firstMismatch ?? "")")
    }
}
