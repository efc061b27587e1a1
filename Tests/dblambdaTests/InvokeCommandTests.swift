import Foundation
import Testing

/// A scripted HTTP server on 127.0.0.1 (Python's `http.server`, HTTP/1.1 keep-alive) for black-box tests of
/// `dblambda invoke`: answer n is `script[n]` (the last entry repeats); every request is logged as one JSON line.
final class ScriptedPythonServer: Sendable {
    struct Reply: Encodable {
        var action = "respond"  // respond | close | hang
        var status = 200
        var headers: [[String]] = []
        var body = ""
    }

    struct Request: Decodable {
        var method: String
        var path: String
        var headers: [[String]]
        var body: String

        func header(_ name: String) -> String? {
            headers.first { $0.first?.lowercased() == name.lowercased() }?.last
        }
    }

    static let script = #"""
        import json, sys, time, threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        replies = json.load(open(sys.argv[1]))
        log_path = sys.argv[2]
        lock = threading.Lock()
        count = [0]
        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *a): pass
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n).decode("utf-8", "replace")
                with lock:
                    i = count[0]; count[0] += 1
                    with open(log_path, "a") as f:
                        f.write(json.dumps({"method": self.command, "path": self.path,
                            "headers": [[k, v] for k, v in self.headers.items()], "body": body}) + "\n")
                r = replies[min(i, len(replies) - 1)]
                if r["action"] == "close":
                    self.close_connection = True
                    return
                if r["action"] == "hang":
                    time.sleep(3)
                    self.close_connection = True
                    return
                data = r["body"].encode()
                self.send_response(r["status"])
                for k, v in r["headers"]:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
        s = ThreadingHTTPServer(("127.0.0.1", 0), H)
        s.daemon_threads = True
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """#

    let directory: URL
    let process: Process
    let port: Int

    /// Starts the server; waiting for its port line happens on a dedicated thread, off the cooperative pool.
    static func start(_ replies: [Reply]) async throws -> ScriptedPythonServer {
        try await offCooperativePool { try ScriptedPythonServer(replies) }
    }

    private init(_ replies: [Reply]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("invoke-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let scriptURL = directory.appendingPathComponent("server.py")
        try Data(Self.script.utf8).write(to: scriptURL)
        try JSONEncoder().encode(replies).write(to: directory.appendingPathComponent("replies.json"))
        let pipe = Pipe()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", scriptURL.path, directory.appendingPathComponent("replies.json").path,
            directory.appendingPathComponent("requests.jsonl").path,
        ]
        process.standardOutput = pipe
        try process.run()
        var line = Data()
        while true {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw CLIRunner.NotFound(description: "the scripted python3 server did not start")
        }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)" }

    var requests: [Request] {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("requests.jsonl")) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap {
            try? JSONDecoder().decode(Request.self, from: $0)
        }
    }

    func stop() async {
        // SIGKILL: the test process may hand a blocked SIGTERM mask down to its children.
        kill(process.processIdentifier, SIGKILL)
        let process = process
        _ = try? await offCooperativePool { process.waitUntilExit() }
        try? FileManager.default.removeItem(at: directory)
    }
}

@Suite("dblambda invoke (black box against a scripted loopback server)")
struct InvokeCommandTests {
    static let credentials = [
        "AWS_ACCESS_KEY_ID": "AKIDINVOKECLI", "AWS_SECRET_ACCESS_KEY": "secret-invoke-cli",
        "AWS_EC2_METADATA_DISABLED": "true", "PATH": "/usr/bin:/bin",
    ]

    /// Runs `dblambda invoke …` with exactly `environment` (plus an empty HOME).
    static func invoke(
        _ arguments: [String],
        environment: [String: String] = credentials
    ) async throws -> CLIRunner.Result {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("invoke-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        var environment = environment
        environment["HOME"] = environment["HOME"] ?? home.path
        return try await CLIRunner.run(["invoke"] + arguments, environment: environment)
    }

    static func withServer<T>(
        _ replies: [ScriptedPythonServer.Reply],
        _ body: (ScriptedPythonServer) async throws -> T
    ) async throws -> T {
        let server = try await ScriptedPythonServer.start(replies)
        do {
            let value = try await body(server)
            await server.stop()
            return value
        } catch {
            await server.stop()
            throw error
        }
    }

    static let ok = ScriptedPythonServer.Reply(
        status: 200,
        headers: [
            ["Content-Type", "application/json"], ["X-Amz-Executed-Version", "$LATEST"],
            ["x-amzn-RequestId", "req-1"],
        ]
    )

    @Test("success: exact output (raw payload, exact numbers, unescaped slashes, decoded log) and the request shape")
    func success() async throws {
        var reply = Self.ok
        reply.body = #"{"big":123456789012345678901234567890,"f":1.10,"url":"https://x/y"}"#
        reply.headers.append(["X-Amz-Log-Result", Data("START\nhello/world\nEND".utf8).base64EncodedString()])
        try await Self.withServer([reply]) { server in
            let result = try await Self.invoke(
                [
                    "orders", "--endpoint-url", server.url, "--region", "eu-west-1", "--payload", #"{"id":1}"#,
                    "--log-type", "Tail", "--client-context", #"{"custom":{"k":"v"}}"#,
                ]
            )
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.isEmpty)
            #expect(
                result.stdoutText == """
                    {
                      "ExecutedVersion" : "$LATEST",
                      "LogResult" : "START\\nhello/world\\nEND",
                      "Payload" : {"big":123456789012345678901234567890,"f":1.10,"url":"https://x/y"},
                      "StatusCode" : 200
                    }

                    """
            )
            let request = try #require(server.requests.first)
            #expect(server.requests.count == 1)
            #expect(request.method == "POST")
            #expect(request.path == "/2015-03-31/functions/orders/invocations")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.header("X-Amz-Invocation-Type") == "RequestResponse")
            #expect(request.header("X-Amz-Log-Type") == "Tail")
            #expect(request.header("X-Amz-Client-Context") == Data(#"{"custom":{"k":"v"}}"#.utf8).base64EncodedString())
            #expect(request.header("Authorization")?.contains("Credential=AKIDINVOKECLI/") == true)
            #expect(request.header("Authorization")?.contains("/eu-west-1/lambda/aws4_request") == true)
            #expect(request.body == #"{"id":1}"#)
        }
    }

    @Test("a payload that is not JSON is printed as a JSON string; a full ARN is percent-encoded in the path")
    func nonJSONPayloadAndARN() async throws {
        var reply = Self.ok
        reply.body = "plain / text"
        try await Self.withServer([reply]) { server in
            let arn = "arn:aws:lambda:us-west-2:123456789012:function:orders:prod"
            let result = try await Self.invoke([arn, "--endpoint-url", server.url, "--payload", "@/dev/null"])
            #expect(result.status == 2, "an empty file is not JSON")
            let ok = try await Self.invoke([arn, "--endpoint-url", server.url])
            #expect(ok.status == 0, "\(ok.stderr)")
            #expect(ok.stdoutText.contains(#""Payload" : "plain / text""#))
            #expect(
                server.requests.first?.path
                    == "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A123456789012%3Afunction%3Aorders%3Aprod/invocations"
            )
            #expect(server.requests.first?.header("Authorization")?.contains("/us-west-2/lambda/") == true)
        }
    }

    @Test("function error: the result object with FunctionError on stdout, one error line with the errorType, exit 1")
    func functionError() async throws {
        var reply = Self.ok
        reply.headers.append(["X-Amz-Function-Error", "Unhandled"])
        reply.body = #"{"errorMessage":"boom","errorType":"ValueError","stackTrace":[]}"#
        try await Self.withServer([reply]) { server in
            let result = try await Self.invoke(["f", "--endpoint-url", server.url, "--region", "us-east-1"])
            #expect(result.status == 1)
            #expect(result.stdoutText.contains(#""FunctionError" : "Unhandled""#))
            #expect(
                result.stdoutText.contains(
                    #""Payload" : {"errorMessage":"boom","errorType":"ValueError","stackTrace":[]}"#
                )
            )
            #expect(result.stderrLines == ["error: function error (Unhandled): ValueError: boom"])
            #expect(server.requests.count == 1)
        }
    }

    @Test("a Lambda error response: `error: <Code>: <message> (HTTP <status>, request id <id>)`, exit 1, no retry")
    func lambdaError() async throws {
        let reply = ScriptedPythonServer.Reply(
            status: 404,
            headers: [
                [
                    "x-amzn-ErrorType",
                    "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.lambda/",
                ],
                ["x-amzn-RequestId", "rid-404"], ["Content-Type", "application/json"],
            ],
            body: #"{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:f"}"#
        )
        try await Self.withServer([reply]) { server in
            let result = try await Self.invoke(["f", "--endpoint-url", server.url, "--region", "us-east-1"])
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(
                result.stderrLines == [
                    "error: ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:123456789012:function:f (HTTP 404, request id rid-404)"
                ]
            )
            #expect(server.requests.count == 1)
        }
    }

    @Test("429, 429, 200 → 3 requests and exit 0; --max-attempts 1 with 503 → 1 request and exit 1")
    func retries() async throws {
        let throttle = ScriptedPythonServer.Reply(
            status: 429,
            headers: [["x-amzn-ErrorType", "TooManyRequestsException"], ["x-amzn-RequestId", "r"]],
            body: #"{"Reason":"CallerRateLimitExceeded","message":"Rate exceeded"}"#
        )
        try await Self.withServer([throttle, throttle, Self.ok]) { server in
            let result = try await Self.invoke(["f", "--endpoint-url", server.url, "--region", "us-east-1"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(server.requests.count == 3)
        }
        let unavailable = ScriptedPythonServer.Reply(status: 503, body: #"{"message":"down"}"#)
        try await Self.withServer([unavailable]) { server in
            let result = try await Self.invoke([
                "f", "--endpoint-url", server.url, "--region", "us-east-1", "--max-attempts", "1",
            ])
            #expect(result.status == 1)
            #expect(result.stderrLines == ["error: HTTP503: down (HTTP 503, request id none)"])
            #expect(server.requests.count == 1)
        }
    }

    @Test("connection dropped after sending: RequestResponse → 1 request, Event → 3 requests; read timeout → 1 request")
    func noResponse() async throws {
        let close = ScriptedPythonServer.Reply(action: "close")
        try await Self.withServer([close]) { server in
            let sync = try await Self.invoke([
                "f", "--endpoint-url", server.url, "--region", "us-east-1", "--payload", "{}",
            ])
            #expect(sync.status == 1)
            #expect(sync.stderrLines.count == 1)
            #expect(sync.stderr.hasPrefix("error: transportFailure: "))
            #expect(server.requests.count == 1)
        }
        try await Self.withServer([close]) { server in
            let event = try await Self.invoke(
                [
                    "f", "--endpoint-url", server.url, "--region", "us-east-1", "--invocation-type", "Event",
                    "--payload", "{}",
                ]
            )
            #expect(event.status == 1)
            #expect(server.requests.count == 3)
        }
        try await Self.withServer([ScriptedPythonServer.Reply(action: "hang")]) { server in
            let started = Date()
            let slow = try await Self.invoke(
                [
                    "f", "--endpoint-url", server.url, "--region", "us-east-1", "--read-timeout", "0.5", "--payload",
                    "{}",
                ]
            )
            #expect(slow.status == 1)
            #expect(server.requests.count == 1)
            #expect(Date().timeIntervalSince(started) < 2.9)
        }
    }

    @Test("payloads over the limit are bad input (exit 2) and nothing is sent: Event 1048577, RequestResponse 6291457")
    func limits() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "invoke-limit-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func file(_ size: Int) throws -> String {
            let url = directory.appendingPathComponent("p\(size).json")
            try Data(("\"" + String(repeating: "a", count: size - 2) + "\"").utf8).write(to: url)
            return "@" + url.path
        }
        try await Self.withServer([Self.ok]) { server in
            for (type, size, status) in [
                ("Event", 1_048_577, Int32(2)), ("RequestResponse", 6_291_457, 2), ("Event", 1_048_576, 0),
            ] {
                let result = try await Self.invoke(
                    [
                        "f", "--endpoint-url", server.url, "--region", "us-east-1", "--invocation-type", type,
                        "--payload", try file(size),
                    ]
                )
                #expect(result.status == status, "\(type) \(size): \(result.stderr)")
                if status == 2 {
                    #expect(result.stderrLines.count == 1)
                    #expect(result.stderr.contains("\(size)"))
                }
            }
            #expect(server.requests.count == 1)
        }
    }

    @Test("no credentials: exit 2 quickly with an error line that says so, nothing sent")
    func noCredentials() async throws {
        try await Self.withServer([Self.ok]) { server in
            let started = Date()
            let result = try await Self.invoke(
                ["f", "--endpoint-url", server.url, "--region", "us-east-1"],
                environment: ["AWS_EC2_METADATA_DISABLED": "true", "PATH": "/usr/bin:/bin"]
            )
            #expect(result.status == 2)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.hasPrefix("error: credentialsUnavailable: no credentials"))
            #expect(Date().timeIntervalSince(started) < 5)
            #expect(server.requests.isEmpty)
        }
    }

    @Test("bad input is exit 2 with one error line: function name, invocation type, log type, payload, attempts")
    func badInput() async throws {
        for arguments in [
            ["bad name"], ["f", "--invocation-type", "Async"], ["f", "--log-type", "Head"], ["f", "--payload", "{"],
            ["f", "--max-attempts", "0"], ["f", "--client-context", "[1]"], ["f", "--read-timeout", "-1"],
            ["f", "--qualifier", "a b"], ["f", "--endpoint-url", "http://lambda.example.com"],
            ["f", "--region", "Bad"],
            [],
        ] {
            let result = try await Self.invoke(
                arguments + ["--region", "us-east-1"].filter { _ in !arguments.contains("--region") }
            )
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderrLines.count == 1, "\(arguments)")
            #expect(result.stderr.hasPrefix("error: "), "\(arguments)")
        }
    }

    @Test(
        "region precedence: --region > AWS_REGION > AWS_DEFAULT_REGION > the profile's region (--profile > AWS_PROFILE)"
    )
    func regionPrecedence() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "invoke-region-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config")
        try Data(
            "[profile a]\nregion = ap-south-1\n[profile b]\nregion = sa-east-1\naws_access_key_id = AKIDPROFILEB\naws_secret_access_key = s\n"
                .utf8
        ).write(to: config)
        try await Self.withServer([Self.ok]) { server in
            var base = Self.credentials
            base["AWS_CONFIG_FILE"] = config.path
            base["AWS_SHARED_CREDENTIALS_FILE"] = directory.appendingPathComponent("none").path
            let cases: [([String], [String: String], String)] = [
                (
                    ["--region", "eu-west-3"], ["AWS_REGION": "eu-west-2", "AWS_DEFAULT_REGION": "eu-west-1"],
                    "eu-west-3"
                ),
                ([], ["AWS_REGION": "eu-west-2", "AWS_DEFAULT_REGION": "eu-west-1"], "eu-west-2"),
                ([], ["AWS_DEFAULT_REGION": "eu-west-1", "AWS_PROFILE": "a"], "eu-west-1"),
                ([], ["AWS_PROFILE": "a"], "ap-south-1"),
                (["--profile", "b"], ["AWS_PROFILE": "a"], "sa-east-1"),
            ]
            for (index, (arguments, variables, expected)) in cases.enumerated() {
                let environment = base.merging(variables) { $1 }
                let result = try await Self.invoke(
                    ["f", "--endpoint-url", server.url] + arguments,
                    environment: environment
                )
                #expect(result.status == 0, "\(arguments) \(variables): \(result.stderr)")
                let authorization = server.requests.count > index ? server.requests[index].header("Authorization") : nil
                #expect(
                    authorization?.contains("/\(expected)/lambda/aws4_request") == true,
                    "\(arguments) \(variables)"
                )
            }
        }
    }
}
