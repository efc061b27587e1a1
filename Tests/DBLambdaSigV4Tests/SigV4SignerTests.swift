import DBLambdaSigV4
import Foundation
import HTTPTypes
import Testing

private let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
private let token = "IQoJb3JpZ2luX2VjEXAMPLETOKEN/with+slash=="
private let suiteTime = SigV4Timestamp(secondsSince1970: 1_440_938_160)  // 20150830T123600Z

private func field(_ name: String) throws -> HTTPField.Name {
    try #require(HTTPField.Name(name))
}

private func invokeRequest(function: String = "my-function") throws -> HTTPRequest {
    var fields = HTTPFields()
    fields.append(HTTPField(name: .contentType, value: "application/json"))
    return try SigV4Signer.request(
        method: "POST",
        url: "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/\(function)/invocations",
        headerFields: fields
    )
}

private func signer(
    token: String? = nil,
    options: SigV4Signer.Options = .standard,
    cache: SigV4SigningKeyCache? = nil
)
    -> SigV4Signer
{
    SigV4Signer(
        credentials: Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: secret, sessionToken: token),
        region: "us-east-1",
        service: "lambda",
        options: options,
        keyCache: cache ?? SigV4SigningKeyCache()
    )
}

@Suite("SigV4Signer")
struct SigV4SignerTests {
    @Test("a Lambda function given by full ARN is double-encoded in the canonical path")
    func lambdaInvokeByARN() throws {
        let arn = "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-function"
        let request = try invokeRequest(function: arn)
        let result = try signer().signature(for: request, body: Array(#"{"a":1}"#.utf8), at: suiteTime)
        let lines = result.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(
            lines[1]
                == "/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A123456789012"
                + "%253Afunction%253Amy-function/invocations"
        )
        // The request itself keeps the path as sent.
        let signed = try signer().sign(request, body: Array(#"{"a":1}"#.utf8), at: suiteTime)
        #expect(signed.path == "/2015-03-31/functions/\(arn)/invocations")
    }

    @Test("header signing adds Host, X-Amz-Date and Authorization and signs the body hash")
    func headerSigningAddsHeaders() throws {
        let body = Array(#"{"hello":"world"}"#.utf8)
        let signed = try signer().sign(try invokeRequest(), body: body, at: suiteTime)
        #expect(signed.headerFields[try field("Host")] == "lambda.us-east-1.amazonaws.com")
        #expect(signed.headerFields[try field("X-Amz-Date")] == "20150830T123600Z")
        let authorization = try #require(signed.headerFields[.authorization])
        #expect(
            authorization.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/lambda/aws4_request, "
                    + "SignedHeaders=content-type;host;x-amz-date, Signature="
            )
        )
        let result = try signer().signature(for: try invokeRequest(), body: body, at: suiteTime)
        #expect(result.payloadHash == "93a23971a914e5eacbf0a8d25154cda309c3c1c72fbb9914d47c60f3cb681588")
        #expect(result.canonicalRequest.hasSuffix("\n" + result.payloadHash))
        #expect(authorization == result.authorization)
        #expect(authorization.hasSuffix("Signature=" + result.signature))
    }

    @Test("a session token is sent as X-Amz-Security-Token and signed; an old one is replaced")
    func sessionTokenHeader() throws {
        var request = try invokeRequest()
        request.headerFields.append(HTTPField(name: try field("X-Amz-Security-Token"), value: "stale"))
        let signed = try signer(token: token).sign(request, at: suiteTime)
        #expect(signed.headerFields[values: try field("X-Amz-Security-Token")] == [token])
        let result = try signer(token: token).signature(for: request, at: suiteTime)
        #expect(result.canonicalRequest.contains("\nx-amz-security-token:\(token)\n"))
        #expect(result.signedHeaders == "content-type;host;x-amz-date;x-amz-security-token")
    }

    @Test("omitSessionTokenFromSignature sends the token but leaves it out of the signature")
    func sessionTokenOmitted() throws {
        let options = SigV4Signer.Options(omitSessionTokenFromSignature: true)
        let signed = try signer(token: token, options: options).sign(try invokeRequest(), at: suiteTime)
        #expect(signed.headerFields[try field("X-Amz-Security-Token")] == token)
        let withToken = try signer(token: token, options: options).signature(for: try invokeRequest(), at: suiteTime)
        let without = try signer().signature(for: try invokeRequest(), at: suiteTime)
        #expect(withToken.signature == without.signature)
    }

    @Test("presigning puts the session token in the query, encoded and signed")
    func sessionTokenPresigned() throws {
        let presigned = try signer(token: token).presign(try invokeRequest(), expires: 900, at: suiteTime)
        let encoded = "IQoJb3JpZ2luX2VjEXAMPLETOKEN%2Fwith%2Bslash%3D%3D"
        #expect(presigned.url.contains("&X-Amz-Security-Token=\(encoded)&X-Amz-Signature="))
        #expect(presigned.signing.canonicalRequest.contains("X-Amz-Security-Token=\(encoded)"))
        #expect(
            presigned.url.hasPrefix(
                "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/my-function/invocations"
                    + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&"
            )
        )
        #expect(presigned.signing.authorization == nil)
        #expect(presigned.signing.signedHeaders == "content-type;host")
    }

    @Test("unsigned payload uses UNSIGNED-PAYLOAD and adds a signed X-Amz-Content-SHA256 header once")
    func unsignedPayload() throws {
        let options = SigV4Signer.Options(unsignedPayload: true)
        let body = Array("ignored".utf8)
        let result = try signer(options: options).signature(for: try invokeRequest(), body: body, at: suiteTime)
        #expect(result.payloadHash == "UNSIGNED-PAYLOAD")
        #expect(result.canonicalRequest.hasSuffix("\nUNSIGNED-PAYLOAD"))
        #expect(result.canonicalRequest.contains("\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n"))
        #expect(result.signedHeaders == "content-type;host;x-amz-content-sha256;x-amz-date")
        let signed = try signer(options: options).sign(try invokeRequest(), body: body, at: suiteTime)
        #expect(signed.headerFields[values: try field("X-Amz-Content-SHA256")] == ["UNSIGNED-PAYLOAD"])

        var given = try invokeRequest()
        given.headerFields.append(HTTPField(name: try field("x-amz-content-sha256"), value: "UNSIGNED-PAYLOAD"))
        let signedGiven = try signer(options: options).sign(given, body: body, at: suiteTime)
        #expect(signedGiven.headerFields[values: try field("X-Amz-Content-SHA256")].count == 1)
    }

    @Test("presign expiry must be within 1 second and 7 days", arguments: [0, -5, 604_801, Int.max])
    func presignExpiryOutOfRange(expires: Int) throws {
        #expect(throws: SigV4Error.invalidExpiry) {
            try signer().presign(try invokeRequest(), expires: expires, at: suiteTime)
        }
    }

    @Test("presign accepts the expiry bounds", arguments: [1, 604_800])
    func presignExpiryBounds(expires: Int) throws {
        let presigned = try signer().presign(try invokeRequest(), expires: expires, at: suiteTime)
        #expect(presigned.url.contains("&X-Amz-Expires=\(expires)&"))
    }

    @Test("headers AWS never signs stay in the request but out of the signature")
    func neverSignedHeaders() throws {
        var request = try invokeRequest()
        for name in ["User-Agent", "Expect", "Connection", "X-Amzn-Trace-Id", "TE", "Upgrade", "Keep-Alive"] {
            request.headerFields.append(HTTPField(name: try field(name), value: "x"))
        }
        let signed = try signer().sign(request, at: suiteTime)
        #expect(signed.headerFields[.userAgent] == "x")
        let result = try signer().signature(for: request, at: suiteTime)
        #expect(result.signedHeaders == "content-type;host;x-amz-date")
        #expect(SigV4Signer.neverSignedHeaders.count == 11)
    }

    @Test("an existing Authorization or X-Amz-Date header is replaced, not signed")
    func replacesOldSignature() throws {
        var request = try invokeRequest()
        request.headerFields.append(HTTPField(name: .authorization, value: "old"))
        request.headerFields.append(HTTPField(name: try field("X-Amz-Date"), value: "19990101T000000Z"))
        let signed = try signer().sign(request, at: suiteTime)
        #expect(signed.headerFields[values: .authorization].count == 1)
        #expect(signed.headerFields[values: try field("X-Amz-Date")] == ["20150830T123600Z"])
        #expect(try signer().signature(for: request, at: suiteTime).signedHeaders == "content-type;host;x-amz-date")
    }

    @Test("the Host header drops user info and the default port, keeps other ports, and is lower-cased")
    func hostDerivation() throws {
        let cases = [
            ("https://Example.COM:443/", "example.com"),
            ("http://example.com:80/", "example.com"),
            ("https://example.com:8443/", "example.com:8443"),
            ("http://user:pw@example.com:8080/x", "example.com:8080"),
            ("https://[::1]:443/", "[::1]"),
        ]
        for (url, host) in cases {
            let request = try SigV4Signer.request(method: "GET", url: url)
            let signed = try signer().sign(request, at: suiteTime)
            #expect(signed.headerFields[try field("Host")] == host, "\(url)")
        }
        let noHost = HTTPRequest(method: .get, scheme: "https", authority: nil, path: "/")
        #expect(throws: SigV4Error.missingHost) { try signer().sign(noHost, at: suiteTime) }
    }

    @Test("S3 options keep the path as sent (no normalisation, no second encoding)")
    func s3Options() throws {
        let request = try SigV4Signer.request(method: "GET", url: "https://bucket.s3.amazonaws.com/a//b/../c%3Ad")
        let result = try signer(options: .s3).signature(for: request, at: suiteTime)
        #expect(result.canonicalRequest.split(separator: "\n")[1] == "/a//b/../c%3Ad")
        #expect(result.signedHeaders == "host;x-amz-content-sha256;x-amz-date")
        let standard = try signer().signature(for: request, at: suiteTime)
        #expect(standard.canonicalRequest.split(separator: "\n")[1] == "/a/c%253Ad")
    }

    @Test("the query is decoded, re-encoded, sorted by key then value, with empty values kept")
    func canonicalQuery() throws {
        let request = try SigV4Signer.request(method: "GET", url: "https://example.com/?b=2&a=&a=b&c&%7e=x+y&d=%2f")
        let result = try signer().signature(for: request, at: suiteTime)
        #expect(result.canonicalRequest.split(separator: "\n")[2] == "a=&a=b&b=2&c=&d=%2F&~=x%2By")
    }

    @Test("header values are trimmed, inner whitespace collapsed, repeated names joined in order")
    func canonicalHeaders() throws {
        var fields = HTTPFields()
        fields.append(HTTPField(name: try field("X-B"), value: "  one \t  two  "))
        fields.append(HTTPField(name: try field("x-a"), value: "z"))
        fields.append(HTTPField(name: try field("X-A"), value: "\ty  "))
        fields.append(HTTPField(name: try field("X-Empty"), value: ""))
        let request = try SigV4Signer.request(method: "GET", url: "https://example.com/", headerFields: fields)
        let result = try signer().signature(for: request, at: suiteTime)
        #expect(result.canonicalRequest.contains("\nx-a:z,y\nx-amz-date:20150830T123600Z\nx-b:one two\nx-empty:\n\n"))
    }
}

@Suite("Signing key cache")
struct SigningKeyCacheTests {
    @Test("the signing key is derived once per secret, date, region and service")
    func derivesOncePerScope() throws {
        let cache = SigV4SigningKeyCache()
        let first = signer(cache: cache)
        _ = try first.sign(try invokeRequest(), at: suiteTime)
        _ = try first.sign(try invokeRequest(), at: SigV4Timestamp(secondsSince1970: 1_440_938_160 + 3_600))
        #expect(cache.derivationCount == 1)
        _ = try first.sign(try invokeRequest(), at: SigV4Timestamp(secondsSince1970: 1_440_938_160 + 86_400))
        #expect(cache.derivationCount == 2)
        var otherRegion = first
        otherRegion.region = "eu-west-1"
        _ = try otherRegion.sign(try invokeRequest(), at: suiteTime)
        #expect(cache.derivationCount == 3)
        #expect(cache.count == 3)
    }

    @Test("the cached key equals a fresh derivation and gives the same signature")
    func cachedKeyIsCorrect() throws {
        let cache = SigV4SigningKeyCache()
        let cached = cache.signingKey(
            secretAccessKey: secret,
            dateStamp: "20150830",
            region: "us-east-1",
            service: "lambda"
        )
        let fresh = SigV4SigningKeyCache.derive(
            secretAccessKey: secret,
            dateStamp: "20150830",
            region: "us-east-1",
            service: "lambda"
        )
        #expect(cached == fresh)
        let warm = try signer(cache: cache).signature(for: try invokeRequest(), at: suiteTime)
        let cold = try signer().signature(for: try invokeRequest(), at: suiteTime)
        #expect(warm.signature == cold.signature)
    }

    @Test("the cache never holds more than its capacity")
    func bounded() {
        let cache = SigV4SigningKeyCache(capacity: 2)
        for region in ["us-east-1", "us-east-2", "us-west-1", "us-west-2"] {
            _ = cache.signingKey(secretAccessKey: secret, dateStamp: "20150830", region: region, service: "s")
        }
        #expect(cache.count == 2)
        #expect(cache.derivationCount == 4)
        cache.removeAll()
        #expect(cache.count == 0)
    }

    @Test("concurrent signers sharing a cache agree and derive the key at most a few times")
    func concurrentUse() async throws {
        let cache = SigV4SigningKeyCache()
        let shared = signer(cache: cache)
        let request = try invokeRequest()
        let expected = try signer().signature(for: request, at: suiteTime).signature
        let signatures = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<64 {
                group.addTask { try? shared.signature(for: request, at: suiteTime).signature }
            }
            var all: [String?] = []
            for await signature in group { all.append(signature) }
            return all
        }
        #expect(signatures.count == 64)
        #expect(signatures.allSatisfy { $0 == expected })
        #expect(cache.count == 1)
    }
}

@Suite("Redaction")
struct RedactionTests {
    @Test("no description, debug description or dump shows a secret, token or signature")
    func nothingLeaks() throws {
        let tokenSigner = signer(token: token)
        let result = try tokenSigner.signature(for: try invokeRequest(), at: suiteTime)
        let presigned = try tokenSigner.presign(try invokeRequest(), expires: 60, at: suiteTime)
        var texts = [
            tokenSigner.credentials.description, tokenSigner.credentials.debugDescription, result.description,
            presigned.description, tokenSigner.keyCache.description, String(describing: tokenSigner),
        ]
        for value in [tokenSigner.credentials as Any, result, tokenSigner, presigned, tokenSigner.keyCache] {
            var dumped = ""
            dump(value, to: &dumped)
            texts.append(dumped)
        }
        for text in texts {
            #expect(!text.contains(secret))
            #expect(!text.contains(token))
            #expect(!text.contains(result.signature))
            #expect(!text.contains(presigned.signing.signature))
        }
    }

    @Test("errors are one line and say what went wrong")
    func errorDescriptions() {
        let error = SigV4Error(code: .invalidURL, message: "invalid URL:\nno host")
        #expect(error.description == "invalid URL: no host")
        #expect(error == SigV4Error.invalidURL)
        #expect(SigV4Error.invalidURL ~= error)
        #expect(!(SigV4Error.invalidDate ~= error))
        #expect(SigV4Error.Code.invalidExpiry.description == "invalidExpiry")
    }
}

@Suite("SigV4Timestamp and URLs")
struct TimestampAndURLTests {
    @Test(
        "timestamps render without DateFormatter",
        arguments: [
            (Int64(0), "19700101T000000Z"), (1_440_938_160, "20150830T123600Z"), (951_782_400, "20000229T000000Z"),
            (1_709_251_199, "20240229T235959Z"), (4_102_444_799, "20991231T235959Z"), (-1, "19691231T235959Z"),
        ]
    )
    func rendering(seconds: Int64, text: String) throws {
        let timestamp = SigV4Timestamp(secondsSince1970: seconds)
        #expect(timestamp.amzDate == text)
        #expect(timestamp.dateStamp == text.prefix(8))
        #expect(try SigV4Timestamp(amzDate: text).secondsSince1970 == seconds)
    }

    @Test("a Date loses its fraction of a second")
    func fromDate() {
        #expect(SigV4Timestamp(Date(timeIntervalSince1970: 1_440_938_160.9)).amzDate == "20150830T123600Z")
    }

    @Test(
        "malformed or impossible dates are rejected",
        arguments: [
            "", "20150830T123600", "2015-08-30T12:36:00Z", "20150230T000000Z", "20151301T000000Z", "20150830T240000Z",
            "20150830T126000Z", "20150830T123660Z", "2015083aT123600Z", "20190229T000000Z", "00000101T000000Z",
        ]
    )
    func invalidDates(text: String) {
        #expect(throws: SigV4Error.invalidDate) { try SigV4Timestamp(amzDate: text) }
    }

    @Test(
        "bad URLs and methods are typed errors",
        arguments: [
            "lambda.us-east-1.amazonaws.com/x", "https:/x", "://host/", "https:///path", "https://ho st/",
            "https://host/a\nb", "1http://host/",
        ]
    )
    func invalidURLs(url: String) {
        #expect(throws: SigV4Error.invalidURL) { try SigV4Signer.request(method: "GET", url: url) }
    }

    @Test("header names that are not HTTP tokens are typed errors", arguments: ["Bäd", "Bad Name", "Bad:Name", ""])
    func invalidHeaderNames(name: String) {
        #expect(throws: SigV4Error.invalidHeaderName) {
            try SigV4Signer.request(method: "GET", url: "https://h/", headers: [("Good", "1"), (name, "2")])
        }
    }

    @Test("header pairs keep their order and repeated names")
    func headerPairs() throws {
        let request = try SigV4Signer.request(
            method: "GET",
            url: "https://h/",
            headers: [("X-A", "1"), ("X-B", "2"), ("x-a", "3")]
        )
        #expect(request.headerFields[values: try #require(HTTPField.Name("X-A"))] == ["1", "3"])
    }

    @Test("a method that is not a token is rejected")
    func invalidMethod() {
        #expect(throws: SigV4Error.invalidMethod) { try SigV4Signer.request(method: "G T", url: "https://h/") }
    }

    @Test("URLs keep their path and query as sent, drop the fragment and default to /")
    func urlParts() throws {
        let request = try SigV4Signer.request(method: "GET", url: "HTTPS://h.example:8443?x=%2F#frag")
        #expect(request.scheme == "https")
        #expect(request.authority == "h.example:8443")
        #expect(request.path == "/?x=%2F")
        let raw = try SigV4Signer.request(method: "GET", url: "https://h/example space/ሴ")
        #expect(raw.path == "/example space/ሴ")
    }
}
