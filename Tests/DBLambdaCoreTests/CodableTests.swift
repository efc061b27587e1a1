import DBLambdaCore
import Foundation
import Testing

@Suite("Codable")
struct CodableTests {
    struct Document: Codable, Equatable {
        var partition: Partition
        var region: Region
        var account: AccountID
        var arn: ARN
        var function: LambdaFunctionARN
        var qualifier: LambdaQualifier
        var instance: RDSInstanceARN
        var cluster: RDSClusterARN
        var role: IAMRoleARN
        var location: InputLocation
    }

    static let json = """
        {"account":"000000000042",\
        "arn":"arn:aws:s3:::bucket/key",\
        "cluster":"arn:aws:rds:us-east-1:123456789012:cluster:c1",\
        "function":"arn:aws-eusc:lambda:eusc-de-east-1:123456789012:function:f:$LATEST.PUBLISHED",\
        "instance":"arn:aws:rds:us-east-1:123456789012:db:d1",\
        "location":{"file":"a.json","jsonPath":"$.x","line":1},\
        "partition":"aws-iso-b",\
        "qualifier":"prod",\
        "region":"us-isob-east-1",\
        "role":"arn:aws:iam::123456789012:role/service-role/r"}
        """

    @Test("every type encodes as its plain string and decodes back to an equal value")
    func roundTrip() throws {
        let decoded = try JSONDecoder().decode(Document.self, from: Data(Self.json.utf8))
        #expect(decoded.partition == .awsISOB)
        #expect(decoded.account.value == "000000000042")
        #expect(decoded.function.qualifier == .latestPublished)
        #expect(decoded.qualifier.kind == .alias)
        #expect(decoded.role.path == "/service-role/")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let encoded = String(decoding: try encoder.encode(decoded), as: UTF8.self)
        #expect(encoded == Self.json)
        #expect(try JSONDecoder().decode(Document.self, from: Data(encoded.utf8)) == decoded)
    }

    @Test(
        "invalid strings fail to decode with a DecodingError that carries the ARNError message",
        arguments: [
            #"{"v":"arn:aws:lambda:us-east-1:12345:function:f"}"#,
            #"{"v":"arn:aws:rds:us-east-1:123456789012:db:f"}"#,
            #"{"v":""}"#,
        ]
    )
    func invalidFunction(json: String) throws {
        struct Wrapper: Decodable { var v: LambdaFunctionARN }
        let error = try #require(throws: DecodingError.self) {
            try JSONDecoder().decode(Wrapper.self, from: Data(json.utf8))
        }
        guard case .dataCorrupted(let context) = error else {
            Issue.record("expected dataCorrupted, got \(error)")
            return
        }
        #expect(context.debugDescription.hasPrefix("invalid") || context.debugDescription.hasPrefix("empty"))
        #expect(context.codingPath.last?.stringValue == "v")
    }

    @Test("unknown partitions, bad regions, numeric account ids and bad qualifiers do not decode")
    func invalidScalars() {
        struct P: Decodable { var v: Partition }
        struct R: Decodable { var v: Region }
        struct A: Decodable { var v: AccountID }
        struct Q: Decodable { var v: LambdaQualifier }
        struct I: Decodable { var v: IAMRoleARN }
        struct C: Decodable { var v: RDSClusterARN }
        struct G: Decodable { var v: ARN }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(P.self, from: Data(#"{"v":"aws-mars"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(R.self, from: Data(#"{"v":"US"}"#.utf8)) }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(A.self, from: Data(#"{"v":123456789012}"#.utf8))
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Q.self, from: Data(#"{"v":"a.b"}"#.utf8)) }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(I.self, from: Data(#"{"v":"arn:aws:iam::123456789012:user/u"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(C.self, from: Data(#"{"v":"arn:aws:rds:us-east-1:123456789012:db:d"}"#.utf8))
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(G.self, from: Data(#"{"v":"arn:x"}"#.utf8)) }
    }
}
