import DBLambdaCore
import DBLambdaNetwork
import Foundation
import Testing

private func importSubnets(_ json: String) throws(NetworkError) -> AWSNetwork {
    var network = AWSNetwork()
    try AWSCLIImporter.importDocument(Data(json.utf8), as: .subnets, file: "subnets.json", into: &network)
    return network
}

@Suite("The JSON reader behind the importers")
struct JSONInputTests {
    @Test("escapes, unicode and surrogate pairs are decoded; a byte order mark is tolerated")
    func escapes() throws {
        let json =
            "\u{FEFF}"
            + #"{"Subnets":[{"SubnetId":"subnet-\u0061\"\\\/\n\ud83d\ude00é","VpcId":"v","CidrBlock":null}]}"#
        let network = try importSubnets(json)
        #expect(network.subnets.first?.id == "subnet-a\"\\/\n😀é")
        #expect(network.subnets.first?.cidrBlock == nil)
    }

    @Test(
        "syntax errors name the file, line and column",
        arguments: [
            ("{\"Subnets\": [1,]}", 1), ("{\n  \"Subnets\": tru\n}", 2), ("{\"a\":\"\u{01}\"}", 1), ("[1] 2", 1),
            ("{\"a\":\"\\ud800\"}", 1), ("{\"a\":01}", 1), ("", 1), ("{\"a\":\"x", 1), ("{\"a\" 1}", 1),
        ]
    )
    func syntaxErrors(_ json: String, _ line: Int) {
        #expect {
            try importSubnets(json)
        } throws: { error in
            guard let error = error as? NetworkError, error == .malformedJSON else { return false }
            return error.location?.file == "subnets.json" && error.location?.line == line
                && error.description.hasPrefix("subnets.json:\(line):")
        }
    }

    @Test("deep nesting is an error, not a crash")
    func deepNesting() {
        let json = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: NetworkError.limitExceeded) { try importSubnets(json) }
    }

    @Test("a document that is not an object, or a list that is not an array, is an invalid value with its path")
    func shapes() {
        #expect(throws: NetworkError.invalidValue) { try importSubnets("[]") }
        #expect {
            try importSubnets(#"{"Subnets":{"SubnetId":"s"}}"#)
        } throws: { error in
            (error as? NetworkError)?.location?.jsonPath == "$.Subnets"
        }
    }

    @Test("numbers: integers for ports, exponents and fractions rejected where an integer is needed")
    func numbers() throws {
        var network = AWSNetwork()
        let ok =
            #"{"NetworkAcls":[{"NetworkAclId":"a","VpcId":"v","Entries":[{"RuleNumber":100,"Egress":true,"#
            + #""RuleAction":"allow","Protocol":"-1","CidrBlock":"0.0.0.0/0","Extra":-1.5e3}]}]}"#
        try AWSCLIImporter.importDocument(Data(ok.utf8), as: .networkACLs, into: &network)
        #expect(network.networkACLs.first?.entries.first?.ruleNumber == 100)
        let bad =
            #"{"NetworkAcls":[{"NetworkAclId":"a","VpcId":"v","Entries":[{"RuleNumber":1.5,"Egress":true,"#
            + #""RuleAction":"allow","Protocol":"-1"}]}]}"#
        #expect(throws: NetworkError.invalidValue) {
            try AWSCLIImporter.importDocument(Data(bad.utf8), as: .networkACLs, into: &network)
        }
    }
}
