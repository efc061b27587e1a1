import DBLambdaCore
import DBLambdaIAM
import Testing

// The example of the DocC article "Unit-testing your IAM policies", kept as a real test.

@Test("the DB role may invoke the orders function, and nothing else")
func dbRoleInvokePolicy() throws {
    let orders = try LambdaFunctionARN(parsing: "arn:aws:lambda:us-east-1:111122223333:function:orders")
    let policy = try PolicyTemplates.invokePolicy(functions: [orders])
    let evaluator = PolicyEvaluator()

    func decision(_ resource: String, principal: String = "arn:aws:iam::111122223333:role/db-lambda") -> Decision {
        let request = EvaluationRequest(principal: principal, action: "lambda:InvokeFunction", resource: resource)
        return evaluator.evaluate(request, identityPolicies: [policy]).decision
    }

    #expect(decision(orders.description) == .allow)  // bare ARN
    #expect(decision(orders.description + ":prod") == .allow)  // alias, through ARN:*
    #expect(decision("arn:aws:lambda:us-east-1:111122223333:function:billing") == .implicitDeny)
    // Another account's role needs the function's resource policy too:
    #expect(decision(orders.description, principal: "arn:aws:iam::444455556666:role/db-lambda") == .implicitDeny)
}

@Test("the article's trust-policy example allows RDS for the bound database and lints clean")
func trustPolicyExample() throws {
    var context = RequestContext()
    context.add("arn:aws:rds:us-east-1:111122223333:db:main", for: "aws:SourceArn")
    context.add("111122223333", for: "aws:SourceAccount")
    let assume = EvaluationRequest(
        principal: "rds.amazonaws.com",
        action: "sts:AssumeRole",
        resource: "arn:aws:iam::111122223333:role/db-lambda",
        context: context
    )
    let trust = try PolicyTemplates.rdsTrustPolicy(databases: [
        RDSDatabaseARN(parsing: "arn:aws:rds:us-east-1:111122223333:db:main")
    ])
    #expect(PolicyEvaluator().evaluate(assume, identityPolicies: [], resourcePolicy: trust).isAllowed)
    #expect(PolicyLinter().lint(trust).isEmpty)
}
