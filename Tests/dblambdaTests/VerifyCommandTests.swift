import Foundation
import Testing

@Suite("dblambda verify (black box against moto and a scripted loopback server)")
struct VerifyCommandTests {
    static let motoEndpoint =
        ProcessInfo.processInfo.environment["MOTO_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
        ?? "http://127.0.0.1:55000"

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Creates a role and a function in moto (simple Lambda backend) and prints the function's ARN. moto's
    /// signature checks are global and another suite may turn them on for a moment, so a 403 is retried.
    static let motoSetup = #"""
        import io, json, os, sys, time, uuid, zipfile, urllib.request
        import boto3
        from botocore.exceptions import ClientError
        ep = os.environ["MOTO_ENDPOINT"]
        req = urllib.request.Request(ep + "/moto-api/config", method="POST",
            data=json.dumps({"lambda": {"use_docker": False}}).encode(), headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req).read()
        kw = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
        iam = boto3.client("iam", **kw)
        lam = boto3.client("lambda", **kw)
        tag = uuid.uuid4().hex[:10]
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                 "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("app.py", "def handler(event, context):\n    return event\n")
        for attempt in range(60):
            try:
                role = iam.create_role(RoleName="verify-cli-role-" + tag,
                                       AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
                arn = lam.create_function(FunctionName="verify-cli-" + tag, Runtime="python3.12", Role=role,
                                          Handler="app.handler", Code={"ZipFile": buf.getvalue()})["FunctionArn"]
                print(arn)
                sys.exit(0)
            except ClientError as error:
                if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != 403:
                    raise
                time.sleep(0.5)
        sys.exit("moto kept answering 403")
        """#

    static func config(functionARN: String) -> String {
        """
        version: 1
        name: verify-cli
        database:
          arn: arn:aws:rds:us-east-1:123456789012:db:verify-db
          engine: postgres
        function:
          arn: \(functionARN)
        role:
          name: verify-db-invoke
        tables:
          - table: public.items

        """
    }

    static let credentials = [
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true",
        "PATH": "/usr/bin:/bin",
    ]

    /// Runs `dblambda verify …` with exactly `environment` plus an empty HOME; the config is written to a
    /// temporary folder and its path appended first.
    static func verify(
        config: String,
        _ arguments: [String],
        environment: [String: String] = credentials
    ) async throws -> (result: CLIRunner.Result, path: String) {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("verify-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let configURL = home.appendingPathComponent("dblambda.yaml")
        try Data(config.utf8).write(to: configURL)
        var environment = environment
        environment["HOME"] = home.path
        let result = try await CLIRunner.run(["verify", configURL.path] + arguments, environment: environment)
        return (result, configURL.path)
    }

    static func output(_ result: CLIRunner.Result) throws -> (checklist: [[String: Any]], verification: [String: Any]) {
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        return (
            try #require(object["checklist"] as? [[String: Any]]),
            try #require(object["verification"] as? [String: Any])
        )
    }

    @Test("a function the credentials may invoke in moto: exit 0, permission-assignment verified")
    func verifiedAgainstMoto() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["MOTO_ENDPOINT"] = Self.motoEndpoint
        let setup = try await CLIRunner.runProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", "-c", Self.motoSetup],
            environment: environment
        )
        guard setup.status == 0 else {
            throw Failure(
                description: "moto setup failed (is moto running at MOTO_ENDPOINT=\(Self.motoEndpoint)?): "
                    + setup.stderr.suffix(600)
            )
        }
        let arn = setup.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(arn.hasPrefix("arn:aws:lambda:us-east-1:123456789012:function:verify-cli-"))
        // Another suite may turn moto's signature checks on for a moment: retry only that answer.
        var attempt = 0
        var run = try await Self.verify(config: Self.config(functionARN: arn), ["--endpoint-url", Self.motoEndpoint])
        while run.result.status != 0, run.result.stderr.contains("403"), attempt < 40 {
            attempt += 1
            try await Task.sleep(for: .milliseconds(500))
            run = try await Self.verify(config: Self.config(functionARN: arn), ["--endpoint-url", Self.motoEndpoint])
        }
        #expect(run.result.status == 0, "\(run.result.stderr)")
        #expect(run.result.stderr.isEmpty)
        let (checklist, verification) = try Self.output(run.result)
        #expect(verification["status"] as? String == "verified")
        #expect((verification["message"] as? String)?.contains("DryRun invoke of \(arn) succeeded") == true)
        #expect(checklist.count == 4)
        let permission = try #require(checklist.first { $0["step"] as? String == "permission-assignment" })
        #expect(permission["status"] as? String == "verified")
        #expect(checklist.first?["step"] as? String == "function-setup")
    }

    @Test("Lambda answers AccessDeniedException: exit 1, one error line, the checklist says failed")
    func denied() async throws {
        let reply = ScriptedPythonServer.Reply(
            status: 403,
            headers: [
                ["Content-Type", "application/json"], ["x-amzn-ErrorType", "AccessDeniedException"],
                ["x-amzn-RequestId", "req-denied"],
            ],
            body: #"{"Message":"User: arn:aws:sts::123456789012:assumed-role/verify-db-invoke/s is not authorized "#
                + #"to perform: lambda:InvokeFunction"}"#
        )
        try await InvokeCommandTests.withServer([reply]) { server in
            let arn = "arn:aws:lambda:eu-west-1:123456789012:function:verify-denied:live"
            let (result, _) = try await Self.verify(
                config: Self.config(functionARN: arn),
                ["--endpoint-url", server.url]
            )
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.hasPrefix("error: DryRun invoke of \(arn) failed"))
            #expect(result.stderr.contains("not authorized"))
            let (checklist, verification) = try Self.output(result)
            #expect(verification["status"] as? String == "failed")
            #expect(verification["errorCode"] is String)
            let permission = try #require(checklist.first { $0["step"] as? String == "permission-assignment" })
            #expect(permission["status"] as? String == "failed")
            let request = try #require(server.requests.first)
            #expect(server.requests.count == 1, "an AccessDeniedException is not retried")
            #expect(request.header("X-Amz-Invocation-Type") == "DryRun")
            #expect(request.path.hasSuffix("/invocations?Qualifier=live") || request.path.contains("verify-denied"))
            #expect(request.header("Authorization")?.contains("/eu-west-1/lambda/aws4_request") == true)
        }
    }

    @Test("--region overrides the function ARN's region in the signature scope")
    func regionOption() async throws {
        let reply = ScriptedPythonServer.Reply(status: 204, headers: [["x-amzn-RequestId", "req-ok"]])
        try await InvokeCommandTests.withServer([reply]) { server in
            let arn = "arn:aws:lambda:eu-west-1:123456789012:function:verify-region"
            let (result, _) = try await Self.verify(
                config: Self.config(functionARN: arn),
                ["--endpoint-url", server.url, "--region", "eu-west-1"]
            )
            #expect(result.status == 0, "\(result.stderr)")
            let (_, verification) = try Self.output(result)
            #expect(verification["requestID"] as? String == "req-ok")
            let bad = try await Self.verify(config: Self.config(functionARN: arn), ["--region", "not a region"]).result
            #expect(bad.status == 2)
            #expect(bad.stderrLines.count == 1)
        }
    }

    @Test("a bad config is exit 2 with one line and nothing is sent")
    func badConfig() async throws {
        let (result, path) = try await Self.verify(
            config: Self.config(functionARN: "arn:aws:lambda:us-east-1:123456789012:function:f")
                .replacingOccurrences(of: "engine: postgres", with: "engine: oracle"),
            ["--endpoint-url", "http://127.0.0.1:9"]
        )
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.hasPrefix("error: \(path):5: database.engine: "))
    }
}
