import DBLambdaSigV4
import HTTPTypes
import Testing

// Cases aimed at the signer's fast paths: header names compared through their first 32 bytes,
// values copied as they are when they need no trimming, the output fields edited in place.

private let time = SigV4Timestamp(secondsSince1970: 1_440_938_160)  // 20150830T123600Z

private func name(_ text: String) throws -> HTTPField.Name {
    try #require(HTTPField.Name(text))
}

private func signer(token: String? = nil) -> SigV4Signer {
    SigV4Signer(
        credentials: Credentials(
            accessKeyID: "AKIDEXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: token
        ),
        region: "us-east-1",
        service: "lambda"
    )
}

/// The canonical header lines (between the query line and the empty line) of a canonical request.
private func headerLines(_ canonicalRequest: String) -> [Substring] {
    let lines = canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)
    guard let blank = lines.dropFirst(3).firstIndex(of: "") else { return [] }
    return Array(lines[3..<blank])
}

@Suite("SigV4 fast paths")
struct SigV4FastPathTests {
    @Test("names longer than 32 bytes or sharing a long prefix sort byte-wise and repeated ones are joined")
    func longHeaderNames() throws {
        let long = "X-Long-Header-Name-That-Is-Longer-Than-32-Bytes"
        var fields = HTTPFields()
        fields.append(HTTPField(name: try name(long + "-B"), value: "2"))
        fields.append(HTTPField(name: try name("Content-Type"), value: "a"))
        fields.append(HTTPField(name: try name(long + "-A"), value: "1"))
        fields.append(HTTPField(name: try name(long), value: "0"))
        fields.append(HTTPField(name: try name("Content-Length"), value: "5"))
        fields.append(HTTPField(name: try name(long + "-b"), value: "3"))
        fields.append(HTTPField(name: try name("X-Amz-Date-Extra"), value: "e"))
        let request = try SigV4Signer.request(method: "GET", url: "https://example.com/", headerFields: fields)
        let result = try signer().signature(for: request, at: time)
        let lower = long.lowercased()
        #expect(
            headerLines(result.canonicalRequest) == [
                "content-length:5", "content-type:a", "host:example.com", "x-amz-date:20150830T123600Z",
                "x-amz-date-extra:e", "\(lower):0", "\(lower)-a:1", "\(lower)-b:2,3",
            ]
        )
        #expect(
            result.signedHeaders
                == "content-length;content-type;host;x-amz-date;x-amz-date-extra;\(lower);\(lower)-a;\(lower)-b"
        )
        let signed = try signer().sign(request, at: time)
        let authorization = try #require(signed.headerFields[.authorization])
        #expect(authorization == result.authorization)
        #expect(authorization.contains("SignedHeaders=\(result.signedHeaders), Signature="))
    }

    @Test("a name of exactly 32 bytes and one of 33 that extends it are told apart")
    func namesAroundTheInlineLimit() throws {
        let name32 = String(repeating: "a", count: 31) + "b"
        #expect(name32.utf8.count == 32)
        var fields = HTTPFields()
        fields.append(HTTPField(name: try name(name32 + "c"), value: "33"))
        fields.append(HTTPField(name: try name(name32), value: "32"))
        fields.append(HTTPField(name: try name(name32 + "c"), value: "again"))
        let request = try SigV4Signer.request(method: "GET", url: "https://example.com/", headerFields: fields)
        let result = try signer().signature(for: request, at: time)
        #expect(
            headerLines(result.canonicalRequest) == [
                "\(name32):32", "\(name32)c:33,again", "host:example.com", "x-amz-date:20150830T123600Z",
            ]
        )
    }

    @Test("values with tabs, repeated or outer spaces are normalised; clean values are kept byte for byte")
    func valueTrimming() throws {
        var fields = HTTPFields()
        fields.append(HTTPField(name: try name("X-Lead"), lenientValue: Array("  lead".utf8)))
        fields.append(HTTPField(name: try name("X-Trail"), lenientValue: Array("trail ".utf8)))
        fields.append(HTTPField(name: try name("X-Tab"), value: "a\tb"))
        fields.append(HTTPField(name: try name("X-Double"), value: "a  b"))
        fields.append(HTTPField(name: try name("X-Clean"), value: "a b c/d=e;f"))
        fields.append(HTTPField(name: try name("X-Spaces"), lenientValue: Array("   ".utf8)))
        fields.append(HTTPField(name: try name("X-Utf8"), value: "grüße"))
        let request = try SigV4Signer.request(method: "GET", url: "https://example.com/", headerFields: fields)
        let result = try signer().signature(for: request, at: time)
        #expect(
            headerLines(result.canonicalRequest) == [
                "host:example.com", "x-amz-date:20150830T123600Z", "x-clean:a b c/d=e;f", "x-double:a b",
                "x-lead:lead", "x-spaces:", "x-tab:a b", "x-trail:trail", "x-utf8:grüße",
            ]
        )
    }

    @Test("replaced headers between others are removed and the remaining fields keep their order")
    func replacedHeadersInTheMiddle() throws {
        var fields = HTTPFields()
        fields.append(HTTPField(name: try name("X-First"), value: "1"))
        fields.append(HTTPField(name: .authorization, value: "old"))
        fields.append(HTTPField(name: .userAgent, value: "agent"))
        fields.append(HTTPField(name: try name("X-Amz-Security-Token"), value: "stale"))
        fields.append(HTTPField(name: try name("X-Amz-Date"), value: "19990101T000000Z"))
        fields.append(HTTPField(name: try name("X-Last"), value: "2"))
        let request = try SigV4Signer.request(method: "GET", url: "https://example.com/", headerFields: fields)
        let tokenSigner = signer(token: "fresh")
        let signed = try tokenSigner.sign(request, at: time)
        #expect(
            signed.headerFields.map(\.name.canonicalName) == [
                "x-first", "user-agent", "x-last", "host", "x-amz-date", "x-amz-security-token", "authorization",
            ]
        )
        #expect(signed.headerFields.map(\.value).prefix(3) == ["1", "agent", "2"])
        let result = try tokenSigner.signature(for: request, at: time)
        #expect(result.signedHeaders == "host;x-amz-date;x-amz-security-token;x-first;x-last")
        #expect(signed.headerFields[.authorization] == result.authorization)
    }

    @Test("signing the same request twice, and with a copied signer, gives the same headers")
    func repeatable() throws {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .contentType, value: "application/json"))
        let request = try SigV4Signer.request(
            method: "POST",
            url: "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/f/invocations",
            headerFields: fields
        )
        let first = signer(token: "token")
        let copy = first
        let body = Array(#"{"a":1}"#.utf8)
        let one = try first.sign(request, body: body, at: time)
        let two = try copy.sign(request, body: body, at: time)
        #expect(one == two)
        #expect(first.keyCache.derivationCount == 1)
        let later = try first.sign(request, body: body, at: SigV4Timestamp(secondsSince1970: 1_440_938_160 + 86_400))
        #expect(later.headerFields[.authorization] != one.headerFields[.authorization])
        #expect(first.keyCache.derivationCount == 2)
    }
}
