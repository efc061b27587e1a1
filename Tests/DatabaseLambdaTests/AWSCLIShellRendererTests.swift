import Foundation
import Testing

@testable import DatabaseLambda

/// Runs a generated shell script with the real AWS CLI against moto (`MOTO_ENDPOINT`): every call goes through a
/// wrapper that adds `--endpoint-url` for the loopback server, so nothing can reach AWS.
@Suite("ShellPlanRenderer with the real AWS CLI against moto")
struct AWSCLIShellRendererTests {
    static let endpoint =
        ProcessInfo.processInfo.environment["MOTO_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
        ?? "http://127.0.0.1:55000"

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Creates (action `setup`) a function with alias `live`, a DB parameter group and a DB instance, or reads
    /// back (action `check`) what the script made. moto's signature checks are global and another suite may turn
    /// them on for a moment, so a 403 is retried.
    static let script = #"""
        import io, json, os, sys, time, zipfile
        import boto3
        from botocore.exceptions import ClientError
        action, tag = sys.argv[1], sys.argv[2]
        ep = os.environ["MOTO_ENDPOINT"]
        kw = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
        iam, lam, rds = (boto3.client(s, **kw) for s in ("iam", "lambda", "rds"))
        def setup():
            trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                     "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
            role = iam.create_role(RoleName=tag + "-fn", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as z:
                z.writestr("app.py", "def handler(event, context):\n    return event\n")
            lam.create_function(FunctionName=tag, Runtime="python3.12", Role=role, Handler="app.handler",
                                Code={"ZipFile": buf.getvalue()}, Publish=True)
            lam.create_alias(FunctionName=tag, Name="live", FunctionVersion="1")
            rds.create_db_parameter_group(DBParameterGroupName=tag + "-pg", DBParameterGroupFamily="postgres15",
                                          Description="dblambda renderer test")
            rds.create_db_instance(DBInstanceIdentifier=tag + "-db", DBInstanceClass="db.t3.micro", Engine="postgres",
                                   MasterUsername="u", MasterUserPassword="password1", AllocatedStorage=20,
                                   DBParameterGroupName=tag + "-pg")
            return {}
        def check():
            roles = rds.describe_db_instances(DBInstanceIdentifier=tag + "-db")["DBInstances"][0].get("AssociatedRoles", [])
            policy = iam.get_role_policy(RoleName=tag + "-dbrole", PolicyName="dblambda-" + tag + "-invoke")
            trust = iam.get_role(RoleName=tag + "-dbrole")["Role"]["AssumeRolePolicyDocument"]
            statements = json.loads(lam.get_policy(FunctionName=tag, Qualifier="live")["Policy"])["Statement"]
            return {"associatedRoles": roles, "invokePolicy": policy["PolicyDocument"], "trustPolicy": trust,
                    "statementIDs": [s["Sid"] for s in statements]}
        for attempt in range(60):
            try:
                print(json.dumps(setup() if action == "setup" else check(), default=str))
                sys.exit(0)
            except ClientError as error:
                if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != 403:
                    raise
                time.sleep(0.5)
        sys.exit("moto kept answering 403")
        """#

    static func python(_ action: String, tag: String) async throws -> [String: Any] {
        var environment = ProcessInfo.processInfo.environment
        environment["MOTO_ENDPOINT"] = endpoint
        let result = try await ProcessRunner.run(
            "/usr/bin/env",
            ["python3", "-c", script, action, tag],
            environment: environment
        )
        guard result.status == 0 else {
            throw Failure(
                description: "moto \(action) failed (is moto running at MOTO_ENDPOINT=\(endpoint)?): "
                    + String(result.stderr.suffix(800))
            )
        }
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    /// The plan of the RDS for PostgreSQL fixture, renamed to the moto resources of `tag`.
    static func plan(tag: String) throws -> IntegrationPlan {
        var plan = try RendererFixtures.postgres()
        let database = try RDSDatabaseARN(parsing: "arn:aws:rds:us-east-1:123456789012:db:\(tag)-db")
        let function = try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:123456789012:function:\(tag)")
        let qualifier = try LambdaQualifier("live")
        let role = try IAMRoleARN(accountID: AccountID("123456789012"), name: "\(tag)-dbrole")
        plan.name = tag
        plan.database.arn = database
        plan.database.parameterGroup = "\(tag)-pg"
        plan.function = Integration.Function(arn: function, qualifier: qualifier, timeoutSeconds: 5)
        plan.roleARN = role
        plan.trustPolicy = try PolicyTemplates.rdsTrustPolicy(databases: [database])
        plan.invokePolicy = try PolicyTemplates.invokePolicy(functions: [function.withQualifier(qualifier)])
        plan.invokePolicyName = "dblambda-\(tag)-invoke"
        plan.resourcePermission = try LambdaPermission(
            function: function.withQualifier(qualifier),
            grantee: .role(role),
            statementID: "dblambda-\(tag)",
            sourceAccount: AccountID("123456789012")
        )
        plan.roleAssociation = try RoleAssociation(database: database, role: role, engine: .postgreSQL)
        plan.parameterChanges[0].parameterGroup = "\(tag)-pg"
        return plan
    }

    @Test("the RDS for PostgreSQL script runs twice with the AWS CLI and leaves role, policies and association")
    func runsTwice() async throws {
        let aws = try #require(ProcessRunner.find("aws"), "the AWS CLI is not on PATH")
        let tag = "render-it-" + UUID().uuidString.prefix(8).lowercased()
        _ = try await Self.python("setup", tag: tag)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(tag)
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("bin"),
            withIntermediateDirectories: true
        )
        defer { try? FileManager.default.removeItem(at: folder) }
        let wrapper = folder.appendingPathComponent("bin/aws")
        let wrapperText = "#!/bin/sh\nexec \(PlanShell.quote(aws)) --endpoint-url \(Self.endpoint) \"$@\"\n"
        try Data(wrapperText.utf8).write(to: wrapper)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper.path)
        let scriptURL = folder.appendingPathComponent("plan.sh")
        let plan = try Self.plan(tag: tag)
        try Data(plan.render(.shell).utf8).write(to: scriptURL)
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("AWS_") { environment[key] = nil }
        environment["PATH"] = folder.appendingPathComponent("bin").path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["AWS_ACCESS_KEY_ID"] = "testing"
        environment["AWS_SECRET_ACCESS_KEY"] = "testing"
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        environment["AWS_CONFIG_FILE"] = folder.appendingPathComponent("config").path
        environment["AWS_SHARED_CREDENTIALS_FILE"] = folder.appendingPathComponent("credentials").path
        environment["DBLAMBDA_SQL_DIR"] = folder.appendingPathComponent("sql").path
        environment["DBLAMBDA_RETRY_SECONDS"] = "0"
        func run() async throws -> ProcessRunner.Result {
            // Only moto's global signature switch (another suite) can make a run fail with 403; the script is
            // idempotent, so running it again is what a user would do.
            var result = try await ProcessRunner.run("/bin/bash", [scriptURL.path], environment: environment)
            var attempts = 0
            while result.status != 0, result.stderr.contains("(403)") || result.stderr.contains("InvalidClientTokenId"),
                attempts < 40
            {
                attempts += 1
                try await Task.sleep(for: .milliseconds(500))
                result = try await ProcessRunner.run("/bin/bash", [scriptURL.path], environment: environment)
            }
            return result
        }
        let first = try await run()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasSuffix("==> done: \(tag)\n"))
        let second = try await run()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("already done: RoleAlreadyExists"))

        let state = try await Self.python("check", tag: tag)
        let roles = try #require(state["associatedRoles"] as? [[String: Any]])
        #expect(roles.count == 1)
        #expect(roles.first?["RoleArn"] as? String == plan.roleARN.description)
        #expect(roles.first?["FeatureName"] as? String == "Lambda")
        let statements = try #require(state["statementIDs"] as? [String])
        #expect(statements == ["dblambda-\(tag)"], "remove-permission first: the statement exists once")
        let invoke = try JSONSerialization.data(withJSONObject: try #require(state["invokePolicy"]))
        #expect(try PolicyDocument(json: invoke) == plan.invokePolicy)
        let trust = try JSONSerialization.data(withJSONObject: try #require(state["trustPolicy"]))
        #expect(try PolicyDocument(json: trust).statements == plan.trustPolicy?.statements)
    }
}
