import DBLambdaCore
import DBLambdaNetwork
import Foundation
import Testing

@Suite("Resource limits of the AWS CLI importer")
struct ResourceLimitTests {
    private func importSubnets(_ data: Data) throws(NetworkError) -> AWSNetwork {
        var network = AWSNetwork()
        try AWSCLIImporter.importDocument(data, as: .subnets, file: "describe-subnets.json", into: &network)
        return network
    }

    @Test("a file over 64 MiB is limitExceeded with the file name, before parsing")
    func documentSize() {
        let data = Data(repeating: UInt8(ascii: " "), count: 64 * 1024 * 1024 + 1)
        #expect {
            try importSubnets(data)
        } throws: { error in
            guard let error = error as? NetworkError, error.code == .limitExceeded else { return false }
            return error.location?.file == "describe-subnets.json" && error.description.contains("67108865 bytes")
        }
    }

    @Test("nesting deeper than 128 levels is limitExceeded with line and column; 128 levels are fine")
    func depth() {
        let deep = String(repeating: "[", count: 1_000_000)
        #expect {
            try importSubnets(Data(deep.utf8))
        } throws: { error in
            guard let error = error as? NetworkError, error.code == .limitExceeded else { return false }
            return error.location?.line == 1 && error.location?.column == 129
        }
        let nested = String(repeating: #"{"a":"#, count: 127) + "1" + String(repeating: "}", count: 127)
        let atLimit = #"{"Subnets":[],"x":"# + nested + "}"
        #expect(throws: Never.self) { try importSubnets(Data(atLimit.utf8)) }
    }

    @Test("an array of more than 100 000 items is limitExceeded with its JSON path; 100 000 are imported")
    func arrayItems() throws {
        func subnets(_ count: Int) -> Data {
            let item = #"{"SubnetId":"subnet-1","VpcId":"vpc-1","CidrBlock":"10.0.0.0/24","AvailabilityZone":"a"}"#
            return Data((#"{"Subnets":["# + Array(repeating: item, count: count).joined(separator: ",") + "]}").utf8)
        }
        #expect {
            try importSubnets(subnets(100_001))
        } throws: { error in
            guard let error = error as? NetworkError, error.code == .limitExceeded else { return false }
            return error.location?.jsonPath == "$.Subnets" && error.description.contains("100001 items")
        }
        #expect(throws: Never.self) { try importSubnets(subnets(100_000)) }
    }
}
