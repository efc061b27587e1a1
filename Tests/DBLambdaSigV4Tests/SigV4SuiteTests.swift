import DBLambdaSigV4
import Foundation
import HTTPTypes
import Testing

@Suite("AWS SigV4 test suite (aws-c-auth v4)")
struct SigV4SuiteTests {
    @Test("the fixtures hold all 38 v4 cases")
    func fixturesArePresent() {
        #expect(SuiteCase.names.count == 38)
    }

    @Test(
        "header signing matches the canonical request, string to sign, signature and Authorization",
        arguments: SuiteCase.names
    )
    func headerSigning(name: String) throws {
        let suiteCase = try SuiteCase(name: name)
        let time = try suiteCase.timestamp
        let result = try suiteCase.signer.signature(for: suiteCase.request, body: suiteCase.body, at: time)
        #expect(result.canonicalRequest == (try suiteCase.expected("header-canonical-request.txt")))
        #expect(result.stringToSign == (try suiteCase.expected("header-string-to-sign.txt")))
        #expect(result.signature == (try suiteCase.expected("header-signature.txt")))

        let signedRequest = try suiteCase.expected("header-signed-request.txt")
        let expectedAuthorization = signedRequest.split(separator: "\n")
            .first { $0.hasPrefix("Authorization:") }
            .map { String($0.dropFirst("Authorization:".count)) }
        #expect(result.authorization == expectedAuthorization)

        let signed = try suiteCase.signer.sign(suiteCase.request, body: suiteCase.body, at: time)
        #expect(signed.headerFields[.authorization] == expectedAuthorization)
        #expect(signed.headerFields[try #require(HTTPField.Name("X-Amz-Date"))] == "20150830T123600Z")
    }

    @Test(
        "query signing matches the canonical request, string to sign, signature and signed request line",
        arguments: SuiteCase.names
    )
    func querySigning(name: String) throws {
        let suiteCase = try SuiteCase(name: name)
        let presigned = try suiteCase.signer.presign(
            suiteCase.request,
            body: suiteCase.body,
            expires: suiteCase.context.expirationInSeconds,
            at: try suiteCase.timestamp
        )
        #expect(presigned.signing.canonicalRequest == (try suiteCase.expected("query-canonical-request.txt")))
        #expect(presigned.signing.stringToSign == (try suiteCase.expected("query-string-to-sign.txt")))
        #expect(presigned.signing.signature == (try suiteCase.expected("query-signature.txt")))
        let expectedLine = try suiteCase.expected("query-signed-request.txt").split(separator: "\n").first.map(
            String.init
        )
        let line = "\(presigned.request.method.rawValue) \(presigned.request.path ?? "") HTTP/1.1"
        #expect(line == expectedLine)
    }
}
