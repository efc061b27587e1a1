import DBLambdaCore
import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaInvoke
import DBLambdaSigV4
import Foundation
import HTTPTypes
import Logging
import Testing

/// Lambda Invoke against moto with signature checks ON, on a moto server of its own (`MOTO_AUTH_ENDPOINT`, default
/// http://127.0.0.1:55001, started by `.ci/services.sh` beside the shared one).
///
/// `POST /moto-api/reset-auth` is global to a moto server, so the tests that turn checks on use that second server
/// (other suites never see a 403 they did not ask for), live in this one serialized suite and turn them off again
/// (`inf`) before they return. Resources are created (with checks off) by
/// a boto3 script with unique `invoke-it-…` names. Functions are invoked by NAME: moto verifies ARN paths with a
/// single encoding, unlike AWS (test-infra §3b).
@Suite("Invoke against moto with SigV4 checks on", .serialized)
struct InvokeMotoTests {
    static let endpoint =
        ProcessInfo.processInfo.environment["MOTO_AUTH_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
        ?? "http://127.0.0.1:55001"

    struct Setup: Decodable {
        var function: String
        var accessKeyId: String
        var secretAccessKey: String
        var deniedKeyId: String
        var deniedSecret: String
    }

    static let setupScript = #"""
        import io, json, os, uuid, zipfile, urllib.request
        import boto3
        ep = os.environ["MOTO_ENDPOINT"]
        def post(path, body, ctype="text/plain"):
            req = urllib.request.Request(ep + path, data=body.encode(), headers={"Content-Type": ctype}, method="POST")
            urllib.request.urlopen(req).read()
        post("/moto-api/reset-auth", "inf")
        post("/moto-api/config", json.dumps({"lambda": {"use_docker": False}}), "application/json")
        kw = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
        iam = boto3.client("iam", **kw)
        lam = boto3.client("lambda", **kw)
        tag = uuid.uuid4().hex[:10]
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                 "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        role = iam.create_role(RoleName="invoke-it-role-" + tag, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("app.py", "def handler(event, context):\n    return event\n")
        name = "invoke-it-" + tag
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
                            Code={"ZipFile": buf.getvalue()})
        def user(suffix, actions):
            u = "invoke-it-" + suffix + "-" + tag
            iam.create_user(UserName=u)
            if actions:
                doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
                iam.put_user_policy(UserName=u, PolicyName="invoke", PolicyDocument=json.dumps(doc))
            k = iam.create_access_key(UserName=u)["AccessKey"]
            return k["AccessKeyId"], k["SecretAccessKey"]
        ak, sk = user("allowed", ["lambda:Invoke", "lambda:InvokeFunction"])
        dk, ds = user("denied", None)
        print(json.dumps({"function": name, "accessKeyId": ak, "secretAccessKey": sk,
                          "deniedKeyId": dk, "deniedSecret": ds}))
        """#

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs a process and returns its exit status, standard output and standard error; the process is launched and
    /// waited for on a dedicated thread, off the cooperative pool.
    static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await offCooperativePool { try runBlocking(executable, arguments, environment: environment) }
    }

    /// Launches the process and blocks the calling thread until it exits; only ever called on a dedicated thread.
    private static func runBlocking(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("invoke-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("out")
        let errURL = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outURL)
        let error = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try output.close()
        try error.close()
        return (
            process.terminationStatus,
            String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }

    /// Creates the function and users (checks off), then turns signature checks on.
    static func setUpWithAuthOn() async throws -> Setup {
        var environment = ProcessInfo.processInfo.environment
        environment["MOTO_ENDPOINT"] = endpoint
        // `python3` from PATH: the interpreter that has boto3 (the same one that runs moto in .ci/run).
        let arguments = ["python3", "-c", setupScript]
        let result = try await run("/usr/bin/env", arguments, environment: environment)
        guard result.status == 0, let data = result.stdout.data(using: .utf8) else {
            throw Failure(
                description:
                    "moto setup failed (is moto running at MOTO_AUTH_ENDPOINT=\(endpoint)?): \(result.stderr.suffix(800))"
            )
        }
        let setup = try JSONDecoder().decode(Setup.self, from: data)
        try await resetAuth("0")
        return setup
    }

    static func resetAuth(_ value: String) async throws {
        try await AsyncHTTPClientTransport.withTransport { transport in
            let request = try SigV4Signer.request(
                method: "POST",
                url: endpoint + "/moto-api/reset-auth",
                headers: [(name: "Content-Type", value: "text/plain")]
            )
            let response = try await transport.send(
                request,
                body: Array(value.utf8),
                options: HTTPRequestOptions(timeout: .seconds(10)),
                logger: Logger(label: "invoke-it")
            )
            guard response.status.code == 200 else {
                throw Failure(description: "reset-auth \(value) failed with HTTP \(response.status.code)")
            }
        }
    }

    static func client(_ transport: any HTTPTransport, key: String, secret: String) throws -> LambdaClient {
        var configuration = LambdaClient.Configuration(region: .usEast1, endpoint: endpoint)
        configuration.maxAttempts = 1
        return LambdaClient(
            configuration: configuration,
            credentialProvider: StaticCredentialProvider(accessKeyID: key, secretAccessKey: secret),
            transport: transport
        )
    }

    @Test("happy path with checks on: RequestResponse echoes the payload byte for byte, Event 202, DryRun 204")
    func happyPath() async throws {
        let setup = try await Self.setUpWithAuthOn()
        do {
            try await AsyncHTTPClientTransport.withTransport { transport in
                let client = try Self.client(transport, key: setup.accessKeyId, secret: setup.secretAccessKey)
                let payload = Array(#"{"n":12345678901234567890,"path":"a/b","s":"é"}"#.utf8)
                let sync = try await client.invoke(function: setup.function, payload: payload)
                #expect(sync.statusCode == 200)
                #expect(sync.payload == payload)
                #expect(sync.functionError == nil)
                let event = try await client.invoke(
                    function: setup.function,
                    payload: payload,
                    options: InvokeOptions(invocationType: .event)
                )
                #expect(event.statusCode == 202)
                // moto rejects the signature of an empty body (test-infra §3b), so the dry run carries `{}`.
                let dryRun = try await client.invoke(
                    function: setup.function,
                    payload: Array("{}".utf8),
                    options: InvokeOptions(invocationType: .dryRun)
                )
                #expect(dryRun.statusCode == 204)
            }
        } catch {
            try await Self.resetAuth("inf")
            throw error
        }
        try await Self.resetAuth("inf")
    }

    @Test(
        "auth failures are typed: wrong secret → SignatureDoesNotMatch, unknown key → InvalidClientTokenId, no policy → AccessDenied"
    )
    func authFailures() async throws {
        let setup = try await Self.setUpWithAuthOn()
        do {
            try await AsyncHTTPClientTransport.withTransport { transport in
                let cases: [(String, String, LambdaInvokeError)] = [
                    (setup.accessKeyId, "wrong-secret", .signatureDoesNotMatch),
                    ("AKIAINVOKEITUNKNOWN1", "whatever", .invalidClientTokenID),
                    (setup.deniedKeyId, setup.deniedSecret, .accessDenied),
                ]
                for (key, secret, expected) in cases {
                    let client = try Self.client(transport, key: key, secret: secret)
                    do {
                        _ = try await client.invoke(function: setup.function, payload: Array("{}".utf8))
                        Issue.record("\(expected.code) expected, the call succeeded")
                    } catch let error as LambdaInvokeError {
                        #expect(error == expected)
                        #expect(error.statusCode == 403)
                        #expect(error.requestID != nil)
                        #expect(!error.description.contains(secret))
                    }
                }
            }
        } catch {
            try await Self.resetAuth("inf")
            throw error
        }
        try await Self.resetAuth("inf")
    }

    /// The `dblambda` binary next to the test bundle, or `$DBLAMBDA_BINARY`.
    static func binary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["DBLAMBDA_BINARY"], !explicit.isEmpty { return explicit }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("dblambda").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw Failure(description: "dblambda binary not found near the test bundle; set DBLAMBDA_BINARY")
    }

    @Test(
        "dblambda invoke against moto: the echo printed exactly (exit 0); a wrong secret prints one error line (exit 1)"
    )
    func commandLine() async throws {
        let setup = try await Self.setUpWithAuthOn()
        do {
            let binary = try Self.binary()
            var environment = [
                "PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path,
                "AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": setup.accessKeyId, "AWS_SECRET_ACCESS_KEY": setup.secretAccessKey,
            ]
            let ok = try await Self.run(
                binary,
                [
                    "invoke", setup.function, "--endpoint-url", Self.endpoint, "--payload",
                    #"{"n":12345678901234567890,"u":"a/b"}"#,
                ],
                environment: environment
            )
            #expect(ok.status == 0, "\(ok.stderr)")
            #expect(
                ok.stdout
                    == "{\n  \"Payload\" : {\"n\":12345678901234567890,\"u\":\"a/b\"},\n  \"StatusCode\" : 200\n}\n"
            )
            #expect(ok.stderr.isEmpty)
            environment["AWS_SECRET_ACCESS_KEY"] = "wrong-secret"
            let denied = try await Self.run(
                binary,
                ["invoke", setup.function, "--endpoint-url", Self.endpoint, "--payload", "{}"],
                environment: environment
            )
            #expect(denied.status == 1)
            #expect(denied.stdout.isEmpty)
            let lines = denied.stderr.split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines.first?.hasPrefix("error: SignatureDoesNotMatch: ") == true)
            #expect(lines.first?.contains("(HTTP 403, request id ") == true)
            #expect(!denied.stderr.contains("wrong-secret"))
        } catch {
            try await Self.resetAuth("inf")
            throw error
        }
        try await Self.resetAuth("inf")
    }
}
