import DBLambdaIAM
import Testing

/// A small deterministic generator (SplitMix64) so property runs are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum PolicyGen {
    static let actions = ["lambda:InvokeFunction", "lambda:Invoke*", "lambda:*", "*", "lambda:GetFunction", "s3:*"]
    static let resources = [
        "*", "arn:aws:lambda:us-east-1:111122223333:function:orders",
        "arn:aws:lambda:us-east-1:111122223333:function:orders:*",
        "arn:aws:lambda:*:111122223333:function:ord*", "arn:aws:lambda:us-east-1:111122223333:function:billing",
    ]
    static let conditions: [ConditionBlock?] = [
        nil,
        ConditionBlock([
            ConditionEntry(operatorName: "StringEquals", key: "aws:SourceAccount", values: ["111122223333"])
        ]),
        ConditionBlock([ConditionEntry(operatorName: "StringNotEquals", key: "aws:RequestTag/team", values: ["ops"])]),
        ConditionBlock([ConditionEntry(operatorName: "IpAddress", key: "aws:SourceIp", values: ["10.0.0.0/8"])]),
        ConditionBlock([
            ConditionEntry(operatorName: "ForAllValues:StringEquals", key: "aws:TagKeys", values: ["a", "b"])
        ]),
    ]

    static func statement(_ rng: inout SeededGenerator, effect: Effect? = nil) -> Statement {
        let notAction = Int.random(in: 0..<6, using: &rng) == 0
        let action = PolicyStrings(actions.randomElement(using: &rng) ?? "*")
        return Statement(
            effect: effect ?? (Bool.random(using: &rng) ? .allow : .deny),
            action: notAction ? nil : action,
            notAction: notAction ? action : nil,
            resource: PolicyStrings(resources.randomElement(using: &rng) ?? "*"),
            condition: conditions.randomElement(using: &rng) ?? nil
        )
    }

    static func request(_ rng: inout SeededGenerator) -> EvaluationRequest {
        var context = RequestContext()
        if Bool.random(using: &rng) { context.add("111122223333", for: "aws:SourceAccount") }
        if Bool.random(using: &rng) {
            context.add(["10.1.1.1", "192.0.2.1"].randomElement(using: &rng) ?? "", for: "aws:SourceIp")
        }
        if Bool.random(using: &rng) { context.add("ops", for: "aws:RequestTag/team") }
        return EvaluationRequest(
            principal: Bool.random(using: &rng)
                ? "arn:aws:iam::111122223333:role/r" : "arn:aws:iam::444455556666:role/r",
            action: ["lambda:InvokeFunction", "lambda:GetFunction", "s3:GetObject"].randomElement(using: &rng) ?? "",
            resource: [
                "arn:aws:lambda:us-east-1:111122223333:function:orders",
                "arn:aws:lambda:us-east-1:111122223333:function:orders:prod",
            ].randomElement(using: &rng) ?? "",
            context: context
        )
    }

    static func policies(_ rng: inout SeededGenerator) -> [PolicyDocument] {
        (0..<Int.random(in: 1...3, using: &rng)).map { _ in
            PolicyDocument(statements: (0..<Int.random(in: 1...4, using: &rng)).map { _ in statement(&rng) })
        }
    }

    static func resourcePolicy(_ rng: inout SeededGenerator) -> PolicyDocument? {
        guard Bool.random(using: &rng) else { return nil }
        var statement = statement(&rng)
        statement.principal = [Principal.everyone, .aws("444455556666"), .aws("arn:aws:iam::111122223333:role/r")]
            .randomElement(using: &rng)
        return PolicyDocument(statements: [statement])
    }
}

@Suite("Evaluation properties (seeded, 500 runs each)")
struct PropertyTests {
    @Test("adding a Deny statement never turns a deny into an allow")
    func addingDenyNeverAllows() {
        var rng = SeededGenerator(state: 2026)
        for _ in 0..<500 {
            let request = PolicyGen.request(&rng)
            var identity = PolicyGen.policies(&rng)
            let resource = PolicyGen.resourcePolicy(&rng)
            let before = PolicyEvaluator().evaluate(request, identityPolicies: identity, resourcePolicy: resource)
            let index = Int.random(in: 0..<identity.count, using: &rng)
            identity[index].statements.append(PolicyGen.statement(&rng, effect: .deny))
            let after = PolicyEvaluator().evaluate(request, identityPolicies: identity, resourcePolicy: resource)
            if before.decision != .allow { #expect(after.decision != .allow) }
            if before.decision == .explicitDeny { #expect(after.decision == .explicitDeny) }
        }
    }

    @Test("adding an Allow statement never turns an explicit deny into anything else")
    func addingAllowKeepsExplicitDeny() {
        var rng = SeededGenerator(state: 7)
        for _ in 0..<500 {
            let request = PolicyGen.request(&rng)
            var identity = PolicyGen.policies(&rng)
            let before = PolicyEvaluator().evaluate(request, identityPolicies: identity)
            identity[0].statements.append(PolicyGen.statement(&rng, effect: .allow))
            let after = PolicyEvaluator().evaluate(request, identityPolicies: identity)
            if before.decision == .explicitDeny { #expect(after.decision == .explicitDeny) }
            if before.decision == .allow { #expect(after.decision == .allow) }
        }
    }

    @Test("the order of statements and policies never changes the decision")
    func orderIndependence() {
        var rng = SeededGenerator(state: 99)
        for _ in 0..<500 {
            let request = PolicyGen.request(&rng)
            let identity = PolicyGen.policies(&rng)
            let resource = PolicyGen.resourcePolicy(&rng)
            let expected = PolicyEvaluator().evaluate(request, identityPolicies: identity, resourcePolicy: resource)
            var shuffled = identity.shuffled(using: &rng)
            for index in shuffled.indices { shuffled[index].statements.shuffle(using: &rng) }
            let actual = PolicyEvaluator().evaluate(request, identityPolicies: shuffled, resourcePolicy: resource)
            #expect(actual.decision == expected.decision)
            #expect(actual.matched.count == expected.matched.count)
        }
    }

    @Test("encoding then parsing any generated document gives it back")
    func roundTrip() throws {
        var rng = SeededGenerator(state: 5)
        for _ in 0..<300 {
            for document in PolicyGen.policies(&rng) {
                #expect(
                    try PolicyDocument(jsonString: document.jsonString(pretty: Bool.random(using: &rng))) == document
                )
            }
        }
    }
}
