import Foundation
import Testing

/// A running `dblambda serve-local` process.
final class ServeLocalProcess: Sendable {
    let process: Process
    let port: Int
    let stdout: Pipe

    /// Starts `serve-local`; waiting for its listening line happens on a dedicated thread, off the cooperative pool.
    static func start(_ arguments: [String]) async throws -> ServeLocalProcess {
        try await offCooperativePool { try ServeLocalProcess(arguments) }
    }

    private init(_ arguments: [String]) throws {
        stdout = Pipe()
        process = Process()
        process.executableURL = try CLIRunner.binary()
        process.arguments = ["serve-local", "--port", "0"] + arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = stdout.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("listening on http://127.0.0.1:"),
            let port = text.split(separator: ":").last.flatMap({ Int($0) }), port > 0
        else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw CLIRunner.NotFound(description: "serve-local did not print its listening line: '\(text)'")
        }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Sends `signal` and waits up to 10 seconds for the exit; returns the exit status, or nil when it did not exit.
    func stop(with signal: Int32) async throws -> Int32? {
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let process = process
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            _ = try await offCooperativePool { process.waitUntilExit() }
            return nil
        }
        return try await offCooperativePool {
            process.waitUntilExit()
            return process.terminationStatus
        }
    }
}

@Suite("dblambda serve-local (black box, invoked with dblambda invoke --endpoint-url)")
struct ServeLocalCommandTests {
    static let keys = ["--access-key-id", "AKIDSERVELOCAL000001", "--secret-access-key", "serve-local-secret"]
    static let environment = [
        "AWS_ACCESS_KEY_ID": "AKIDSERVELOCAL000001", "AWS_SECRET_ACCESS_KEY": "serve-local-secret",
        "AWS_EC2_METADATA_DISABLED": "true", "PATH": "/usr/bin:/bin",
    ]

    @Test("prints the real port for --port 0, answers a signed invoke with the command's output, exits 0 on SIGTERM")
    func echoAndSIGTERM() async throws {
        let server = try await ServeLocalProcess.start(["--handler", "cat; echo 'served by cat' >&2"] + Self.keys)
        let result = try await InvokeCommandTests.invoke(
            [
                "orders", "--endpoint-url", server.url, "--region", "us-east-1", "--payload", #"{"id":1,"url":"a/b"}"#,
                "--log-type", "Tail",
            ],
            environment: Self.environment
        )
        let status = try await server.stop(with: SIGTERM)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect(object["StatusCode"] as? Int == 200)
        #expect(object["ExecutedVersion"] as? String == "$LATEST")
        #expect((object["Payload"] as? [String: Any])?["url"] as? String == "a/b")
        #expect((object["LogResult"] as? String)?.contains("served by cat") == true)
        #expect(status == 0)
    }

    @Test(
        "a wrong secret is rejected (exit 1, InvalidSignatureException); a failing command is a function error; SIGINT exits 0"
    )
    func rejectionsAndSIGINT() async throws {
        let server = try await ServeLocalProcess.start(["--handler", "exit 4", "--function", "orders"] + Self.keys)
        var wrong = Self.environment
        wrong["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
        let rejected = try await InvokeCommandTests.invoke(
            ["orders", "--endpoint-url", server.url, "--region", "us-east-1", "--max-attempts", "1"],
            environment: wrong
        )
        let failed = try await InvokeCommandTests.invoke(
            ["orders", "--endpoint-url", server.url, "--region", "us-east-1"],
            environment: Self.environment
        )
        let unknown = try await InvokeCommandTests.invoke(
            ["payments", "--endpoint-url", server.url, "--region", "us-east-1"],
            environment: Self.environment
        )
        let status = try await server.stop(with: SIGINT)
        #expect(rejected.status == 1)
        #expect(rejected.stderr.hasPrefix("error: InvalidSignatureException: "), "\(rejected.stderr)")
        #expect(failed.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: failed.stdout) as? [String: Any])
        #expect(object["FunctionError"] as? String == "Unhandled")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasPrefix("error: ResourceNotFoundException: Function not found: "), "\(unknown.stderr)")
        #expect(status == 0)
    }

    @Test("--resource-policy denies a principal it does not name (AccessDeniedException) and allows one it names")
    func resourcePolicy() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "serve-local-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = directory.appendingPathComponent("policy.json")
        try Data(
            #"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
             "Principal":{"AWS":"arn:aws:iam::111122223333:role/db-invoke"},"Action":"lambda:InvokeFunction",
             "Resource":"arn:aws:lambda:eu-west-1:111122223333:function:orders"}]}
            """#.utf8
        ).write(to: policy)
        let common = [
            "--handler", "cat", "--resource-policy", policy.path, "--account-id", "111122223333", "--region",
            "eu-west-1",
        ]
        let allowedServer = try await ServeLocalProcess.start(
            common + Self.keys + ["--principal", "arn:aws:iam::111122223333:role/db-invoke"]
        )
        let allowed = try await InvokeCommandTests.invoke(
            ["orders", "--endpoint-url", allowedServer.url, "--region", "eu-west-1", "--payload", "{}"],
            environment: Self.environment
        )
        let allowedStatus = try await allowedServer.stop(with: SIGTERM)
        #expect(allowedStatus == 0)
        let deniedServer = try await ServeLocalProcess.start(
            common + Self.keys + ["--principal", "arn:aws:iam::111122223333:role/other"]
        )
        let denied = try await InvokeCommandTests.invoke(
            ["orders", "--endpoint-url", deniedServer.url, "--region", "eu-west-1", "--payload", "{}"],
            environment: Self.environment
        )
        let deniedStatus = try await deniedServer.stop(with: SIGTERM)
        #expect(deniedStatus == 0)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(denied.status == 1)
        #expect(denied.stderr.hasPrefix("error: AccessDeniedException: User: arn:aws:iam::111122223333:role/other "))
    }

    @Test("bad usage is exit 2 with one error line: a non-loopback host, a key without its secret, a bad policy file")
    func badUsage() async throws {
        let host = try await CLIRunner.run(["serve-local", "--handler", "cat", "--host", "0.0.0.0", "--port", "0"])
        #expect(host.status == 2)
        #expect(host.stderrLines.count == 1)
        #expect(host.stderr.hasPrefix("error: nonLoopbackHost: host '0.0.0.0' is not a loopback address"))
        let key = try await CLIRunner.run(["serve-local", "--handler", "cat", "--access-key-id", "AKID"])
        #expect(key.status == 2)
        #expect(key.stderr == "error: --access-key-id and --secret-access-key must be given together\n")
        let policy = try await CLIRunner.run([
            "serve-local", "--handler", "cat", "--resource-policy", "/nonexistent.json",
        ])
        #expect(policy.status == 2)
        #expect(policy.stderrLines.count == 1)
        let missing = try await CLIRunner.run(["serve-local"])
        #expect(missing.status == 2)
        #expect(missing.stdout.isEmpty)
    }
}
