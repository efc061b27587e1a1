import DBLambdaCore
import DBLambdaIAM
import Testing

@Suite("Generators")
struct GeneratorTests {
    let function = "arn:aws:lambda:us-east-1:111122223333:function:orders"
    let role = "arn:aws:iam::111122223333:role/db-lambda"
    let database = "arn:aws:rds:us-east-1:111122223333:db:main"

    @Test("the trust policy binds rds.amazonaws.com to the database and account")
    func trustPolicy() throws {
        let document = try PolicyTemplates.rdsTrustPolicy(databases: [RDSDatabaseARN(parsing: database)])
        let expected =
            #"{"Version":"2012-10-17","Statement":[{"Sid":"AllowRDSAssumeRole","Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:rds:us-east-1:111122223333:db:main"},"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}"#
        #expect(document.jsonString(pretty: false) == expected)
    }

    @Test("the service principal is rds.amazonaws.com in every partition")
    func everyPartition() throws {
        for partition in Partition.allPartitions {
            #expect(PolicyTemplates.rdsServicePrincipal(in: partition) == "rds.amazonaws.com")
        }
        let china = try PolicyTemplates.rdsTrustPolicy(databases: [
            RDSDatabaseARN(parsing: "arn:aws-cn:rds:cn-north-1:111122223333:cluster:c1")
        ])
        #expect(china.jsonString(pretty: false).contains(#""Service":"rds.amazonaws.com""#))
        #expect(china.jsonString(pretty: false).contains("arn:aws-cn:rds:cn-north-1:111122223333:cluster:c1"))
    }

    @Test("the generated trust policy lets RDS assume the role only for that database")
    func trustEvaluated() throws {
        let trust = try PolicyTemplates.rdsTrustPolicy(databases: [RDSDatabaseARN(parsing: database)])
        func decide(_ sourceArn: String?, _ account: String?, principal: String = "rds.amazonaws.com") -> Decision {
            var context = RequestContext()
            if let sourceArn { context.add(sourceArn, for: "aws:SourceArn") }
            if let account { context.add(account, for: "aws:SourceAccount") }
            let request = EvaluationRequest(
                principal: principal,
                action: "sts:AssumeRole",
                resource: role,
                context: context
            )
            return PolicyEvaluator().evaluate(request, identityPolicies: [], resourcePolicy: trust).decision
        }
        #expect(decide(database, "111122223333") == .allow)
        #expect(decide("arn:aws:rds:us-east-1:111122223333:db:other", "111122223333") == .implicitDeny)
        #expect(decide("arn:aws:rds:us-east-1:999988887777:db:main", "999988887777") == .implicitDeny)
        #expect(decide(nil, nil) == .implicitDeny)
        #expect(decide(database, "111122223333", principal: "lambda.amazonaws.com") == .implicitDeny)
        let loose = try PolicyTemplates.rdsTrustPolicy(
            databases: [RDSDatabaseARN(parsing: database)],
            sourceArnCondition: false,
            sourceAccountCondition: false
        )
        #expect(loose.statements[0].condition == nil)
    }

    @Test("the invoke policy names the bare ARN and ARN:* for an unqualified function")
    func invokePolicy() throws {
        let document = try PolicyTemplates.invokePolicy(functions: [LambdaFunctionARN(parsing: function)])
        #expect(document.statements.count == 1)
        #expect(document.statements[0].action == PolicyStrings("lambda:InvokeFunction"))
        #expect(document.statements[0].resource?.values == [function, function + ":*"])
    }

    @Test("a qualified function gets only that qualifier")
    func invokeQualified() throws {
        let document = try PolicyTemplates.invokePolicy(functions: [LambdaFunctionARN(parsing: function + ":prod")])
        #expect(document.statements[0].resource?.values == [function + ":prod"])
    }

    @Test("the generated invoke policy allows the function bare and qualified, and nothing else")
    func invokeEvaluated() throws {
        let policy = try PolicyTemplates.invokePolicy(functions: [LambdaFunctionARN(parsing: function)])
        func decide(_ resource: String, action: String = "lambda:InvokeFunction", principal: String? = nil) -> Decision
        {
            let request = EvaluationRequest(principal: principal ?? role, action: action, resource: resource)
            return PolicyEvaluator().evaluate(request, identityPolicies: [policy]).decision
        }
        #expect(decide(function) == .allow)
        #expect(decide(function + ":prod") == .allow)
        #expect(decide(function + ":7") == .allow)
        #expect(decide("arn:aws:lambda:us-east-1:111122223333:function:billing") == .implicitDeny)
        #expect(decide("arn:aws:lambda:us-east-1:111122223333:function:orders-v2") == .implicitDeny)
        #expect(decide(function, action: "lambda:UpdateFunctionCode") == .implicitDeny)
        // Another account's role holding the same identity policy still needs the function's resource policy.
        #expect(decide(function, principal: "arn:aws:iam::444455556666:role/db-lambda") == .implicitDeny)
    }

    @Test("the resource statement for a cross-account role lets that role (and only it) invoke")
    func resourceStatementCrossAccount() throws {
        let crossRole = "arn:aws:iam::444455556666:role/db-lambda"
        let permission = try LambdaPermission(
            function: LambdaFunctionARN(parsing: function),
            grantee: .init(parsing: crossRole),
            statementID: "rds-orders",
            sourceAccount: AccountID("444455556666")
        )
        let expected =
            #"{"Sid":"rds-orders","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/db-lambda"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:orders","Condition":{"StringEquals":{"AWS:SourceAccount":"444455556666"}}}"#
        #expect(
            PolicyDocument(statements: [permission.statement], statementIsArray: false).jsonString(pretty: false)
                .contains(expected)
        )
        let identity = try PolicyTemplates.invokePolicy(functions: [LambdaFunctionARN(parsing: function)])
        func decide(_ principal: String, account: String?) -> Decision {
            var context = RequestContext()
            if let account { context.add(account, for: "aws:SourceAccount") }
            let request = EvaluationRequest(
                principal: principal,
                action: "lambda:InvokeFunction",
                resource: function,
                context: context
            )
            return PolicyEvaluator().evaluate(request, identityPolicies: [identity], resourcePolicy: permission.policy)
                .decision
        }
        #expect(decide(crossRole, account: "444455556666") == .allow)
        #expect(decide("arn:aws:iam::999988887777:role/db-lambda", account: "999988887777") == .implicitDeny)
        #expect(decide(crossRole, account: nil) == .implicitDeny)
    }

    @Test("the add-permission command line carries exactly the given options")
    func awsCLI() throws {
        let permission = try LambdaPermission(
            function: LambdaFunctionARN(parsing: function + ":prod"),
            grantee: .init(parsing: "rds.amazonaws.com"),
            statementID: "rds-invoke",
            sourceARN: database,
            sourceAccount: AccountID("111122223333")
        )
        #expect(
            permission.awsCLICommand
                == "aws lambda add-permission --function-name arn:aws:lambda:us-east-1:111122223333:function:orders "
                + "--statement-id rds-invoke --action lambda:InvokeFunction --principal rds.amazonaws.com "
                + "--source-arn arn:aws:rds:us-east-1:111122223333:db:main --source-account 111122223333 "
                + "--qualifier prod --region us-east-1"
        )
        #expect(permission.statement.resource?.values == [function + ":prod"])
        let account = try LambdaPermission(
            function: LambdaFunctionARN(parsing: function),
            grantee: .init(parsing: "444455556666")
        )
        #expect(account.principal == .aws("arn:aws:iam::444455556666:root"))
        #expect(account.statement.condition == nil)
        #expect(account.statementID == LambdaPermission.defaultStatementID)
    }

    @Test("statement ids follow Lambda's 1-100 [A-Za-z0-9-_] rule")
    func statementIDs() throws {
        try LambdaPermission.validateStatementID("a")
        try LambdaPermission.validateStatementID("Allow_RDS-1")
        try LambdaPermission.validateStatementID(String(repeating: "x", count: 100))
        for bad in ["", String(repeating: "x", count: 101), "has space", "dot.ted", "émoji"] {
            #expect(throws: PolicyError.invalidStatementID) { try LambdaPermission.validateStatementID(bad) }
        }
    }

    @Test("bad generator arguments are typed errors")
    func badArguments() throws {
        #expect(throws: PolicyError.invalidArgument) { try RDSDatabaseARN(parsing: "arn:aws:s3:::bucket") }
        #expect(throws: PolicyError.invalidArgument) { try RDSDatabaseARN(parsing: "not-an-arn") }
        #expect(throws: PolicyError.invalidArgument) { try LambdaPermission.Grantee(parsing: "arn:aws:iam::1:role/x") }
        #expect(throws: PolicyError.invalidArgument) { try LambdaPermission.Grantee(parsing: "12345") }
        #expect(throws: PolicyError.invalidArgument) { try LambdaPermission.Grantee(parsing: "not a principal") }
        #expect(throws: PolicyError.invalidArgument) { try PolicyTemplates.rdsTrustPolicy(databases: []) }
        #expect(throws: PolicyError.invalidArgument) { try PolicyTemplates.invokePolicy(functions: []) }
        #expect(throws: PolicyError.invalidArgument) {
            try LambdaPermission(
                function: LambdaFunctionARN(parsing: function + ":$LATEST"),
                grantee: .init(parsing: role)
            )
        }
        #expect(throws: PolicyError.invalidArgument) {
            try LambdaPermission(
                function: LambdaFunctionARN(parsing: function),
                grantee: .init(parsing: role),
                sourceARN: "nope"
            )
        }
    }

    @Test("role association steps per engine")
    func roleAssociation() throws {
        let roleARN = try IAMRoleARN(parsing: role)
        let instance = try RoleAssociation(
            database: RDSDatabaseARN(parsing: database),
            role: roleARN,
            engine: .postgreSQL
        )
        #expect(
            instance.steps.map(\.command) == [
                "aws rds add-role-to-db-instance --db-instance-identifier main --feature-name Lambda --role-arn "
                    + "\(role) --region us-east-1"
            ]
        )
        let cluster = try RDSDatabaseARN(parsing: "arn:aws:rds:eu-west-1:111122223333:cluster:aurora-1")
        let apg = try RoleAssociation(database: cluster, role: roleARN, engine: .auroraPostgreSQL)
        #expect(apg.steps.count == 1)
        #expect(apg.steps[0].arguments.starts(with: ["rds", "add-role-to-db-cluster"]))
        #expect(apg.steps[0].arguments.contains("Lambda"))
        let amy = try RoleAssociation(
            database: cluster,
            role: roleARN,
            engine: .auroraMySQL,
            clusterParameterGroup: "amy-params"
        )
        #expect(amy.steps.count == 2)
        #expect(!amy.steps[0].arguments.contains("--feature-name"))
        let parameters =
            #"[{"ParameterName":"aws_default_lambda_role","ParameterValue":"\#(role)","#
            + #""ApplyMethod":"pending-reboot"}]"#
        #expect(amy.steps[1].arguments.contains(parameters))
        #expect(amy.steps[1].command.contains("--db-cluster-parameter-group-name amy-params"))
        #expect(throws: PolicyError.invalidArgument) {
            try RoleAssociation(database: cluster, role: roleARN, engine: .postgreSQL)
        }
    }
}
