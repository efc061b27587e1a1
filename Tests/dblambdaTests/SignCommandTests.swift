import Foundation
import Testing

private let suiteDirectory = CLIRunner.repositoryRoot.appendingPathComponent("Tests/DBLambdaSigV4Tests/Fixtures/v4")

private func fixture(_ name: String, _ file: String) throws -> String {
    let url = suiteDirectory.appendingPathComponent(name).appendingPathComponent(file)
    return String(decoding: try Data(contentsOf: url), as: UTF8.self)
}

private func baseInput(_ extra: [String: Any] = [:]) -> [String: Any] {
    var input: [String: Any] = [
        "method": "POST",
        "url": "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/my-function/invocations",
        "headers": [["Content-Type", "application/json"]],
        "body": #"{"id":1}"#,
        "accessKeyId": "AKIDEXAMPLE",
        "secretAccessKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "region": "us-east-1",
        "service": "lambda",
        "date": "20150830T123600Z",
    ]
    for (key, value) in extra { input[key] = value }
    return input
}

/// Asserts the bad-input contract: exit 2, nothing on stdout, exactly one `error:` line on stderr.
private func expectBadInput(
    _ result: CLIRunner.Result,
    mentioning text: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(result.status == 2, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
    #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.hasPrefix("error: "), sourceLocation: sourceLocation)
    #expect(result.stderr.hasSuffix("\n"), sourceLocation: sourceLocation)
    if let text {
        #expect(result.stderr.contains(text), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    }
}

@Suite("dblambda sign (black box)")
struct SignCommandTests {
    @Test("a case of AWS's suite signs through the CLI exactly as expected")
    func suiteCaseHeader() async throws {
        let input: [String: Any] = [
            "method": "POST",
            "url": "https://example.amazonaws.com/?Param1=value1",
            "headers": [["Host", "example.amazonaws.com"]],
            "accessKeyId": "AKIDEXAMPLE",
            "secretAccessKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "region": "us-east-1",
            "service": "service",
            "date": "20150830T123600Z",
        ]
        let result = try await CLIRunner.sign(input)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.isEmpty)
        let objects = try CLIRunner.objects(result)
        try #require(objects.count == 1)
        #expect(Set(objects[0].keys) == ["authorization", "canonicalRequest", "signature", "stringToSign"])
        #expect(objects[0]["canonicalRequest"] == (try fixture("post-vanilla-query", "header-canonical-request.txt")))
        #expect(objects[0]["stringToSign"] == (try fixture("post-vanilla-query", "header-string-to-sign.txt")))
        #expect(objects[0]["signature"] == (try fixture("post-vanilla-query", "header-signature.txt")))
        let authorization = try fixture("post-vanilla-query", "header-signed-request.txt").split(separator: "\n")
            .first { $0.hasPrefix("Authorization:") }?.dropFirst("Authorization:".count)
        #expect(objects[0]["authorization"].map { Substring($0) } == authorization)

        var presign = input
        presign["presignExpires"] = 3600
        let presigned = try CLIRunner.objects(try await CLIRunner.sign(presign))
        try #require(presigned.count == 1)
        #expect(Set(presigned[0].keys) == ["canonicalRequest", "presignedUrl", "signature", "stringToSign"])
        #expect(presigned[0]["canonicalRequest"] == (try fixture("post-vanilla-query", "query-canonical-request.txt")))
        #expect(presigned[0]["signature"] == (try fixture("post-vanilla-query", "query-signature.txt")))
        let line = try fixture("post-vanilla-query", "query-signed-request.txt").split(separator: "\n")[0]
        let pathAndQuery = line.split(separator: " ")[1]
        #expect(presigned[0]["presignedUrl"] == "https://example.amazonaws.com\(pathAndQuery)")
    }

    @Test("the README's example file signs, with sorted keys and unescaped slashes")
    func exampleFile() async throws {
        let result = try await CLIRunner.run(["sign", "--input", "Examples/sign-request.json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let objects = try CLIRunner.objects(result)
        try #require(objects.count == 1)
        #expect(objects[0]["authorization"]?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") == true)
        #expect(objects[0]["canonicalRequest"]?.contains("/2015-03-31/functions/my-function/invocations") == true)
        #expect(!result.stdoutText.contains("\\/"))
        let keys = ["\"authorization\"", "\"canonicalRequest\"", "\"signature\"", "\"stringToSign\""]
        let positions = keys.compactMap { result.stdoutText.range(of: $0)?.lowerBound }
        #expect(positions.count == 4 && positions == positions.sorted())
        // Stable: the same input gives the same bytes.
        let fromFile = try await CLIRunner.run(["sign", "--input", "Examples/sign-request.json"])
        #expect(fromFile.stdout == result.stdout)
    }

    @Test("unsigned payload signs X-Amz-Content-SHA256: UNSIGNED-PAYLOAD")
    func unsignedPayload() async throws {
        let objects = try CLIRunner.objects(try await CLIRunner.sign(baseInput(["unsignedPayload": true])))
        let canonical = try #require(objects.first?["canonicalRequest"])
        #expect(canonical.hasSuffix("\nUNSIGNED-PAYLOAD"))
        #expect(canonical.contains("\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n"))
        #expect(
            objects[0]["authorization"]?.contains("SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,")
                == true
        )
    }

    @Test("a session token is signed in the header and in the presigned query")
    func sessionToken() async throws {
        let token = "FQoGZXIvYXdzEXAMPLE/token+=="
        let header = try CLIRunner.objects(try await CLIRunner.sign(baseInput(["sessionToken": token])))
        #expect(header.first?["canonicalRequest"]?.contains("\nx-amz-security-token:\(token)\n") == true)
        let query = try CLIRunner.objects(
            try await CLIRunner.sign(baseInput(["sessionToken": token, "presignExpires": 60]))
        )
        let url = try #require(query.first?["presignedUrl"])
        #expect(url.contains("&X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE%2Ftoken%2B%3D%3D&X-Amz-Signature="))
        #expect(
            query[0]["canonicalRequest"]?.contains("X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE%2Ftoken%2B%3D%3D") == true
        )
    }

    @Test("an array of inputs gives one output object per input, in order")
    func arrayInput() async throws {
        let inputs = [
            baseInput(["presignExpires": 300]), baseInput(["bodyBase64": "AAEC/w==", "body": NSNull()]),
            baseInput(["region": "eu-west-1", "extraField": "ignored"]),
        ]
        let result = try await CLIRunner.sign(inputs)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let objects = try CLIRunner.objects(result)
        try #require(objects.count == 3)
        #expect(objects[0]["presignedUrl"] != nil)
        #expect(
            objects[1]["canonicalRequest"]?.hasSuffix(
                "\n3d1f57c984978ef98a18378c8166c1cb8ede02c03eeb6aee7e2f121dfeee3e56"
            ) == true
        )
        #expect(objects[1]["authorization"] != nil)
        #expect(objects[2]["stringToSign"]?.contains("/eu-west-1/lambda/aws4_request") == true)
    }

    @Test("bad input exits 2 with one error line naming the JSON path")
    func badInputs() async throws {
        expectBadInput(
            try await CLIRunner.run(["sign", "--input", "-"], stdin: Data("{not json".utf8)),
            mentioning: "JSON"
        )
        var missingRegion = baseInput()
        missingRegion["region"] = nil
        expectBadInput(try await CLIRunner.sign([baseInput(), missingRegion]), mentioning: "$[1].region")
        expectBadInput(
            try await CLIRunner.sign(baseInput(["bodyBase64": "***", "body": NSNull()])),
            mentioning: "$.bodyBase64"
        )
        expectBadInput(try await CLIRunner.sign(baseInput(["date": "2015-08-30T12:36:00Z"])), mentioning: "$.date")
        expectBadInput(try await CLIRunner.sign(baseInput(["date": "20150230T123600Z"])), mentioning: "$.date")
        expectBadInput(try await CLIRunner.sign(baseInput(["url": "not a url"])), mentioning: "$.url")
        expectBadInput(try await CLIRunner.sign(baseInput(["presignExpires": 0])), mentioning: "$.presignExpires")
        expectBadInput(try await CLIRunner.sign(baseInput(["presignExpires": 604_801])), mentioning: "$.presignExpires")
        expectBadInput(try await CLIRunner.sign(baseInput(["unsignedPayload": "yes"])), mentioning: "$.unsignedPayload")
        expectBadInput(
            try await CLIRunner.sign(baseInput(["headers": [["Bad Name", "v"]]])),
            mentioning: "$.headers[0][0]"
        )
        expectBadInput(try await CLIRunner.sign(baseInput(["headers": [["Only-Name"]]])), mentioning: "$.headers[0]")
        expectBadInput(try await CLIRunner.sign([baseInput(), 42]), mentioning: "$[1]")
        expectBadInput(try await CLIRunner.sign(baseInput(["region": 5])), mentioning: "$.region")
        expectBadInput(
            try await CLIRunner.run(["sign", "--input", "/nonexistent/input.json"]),
            mentioning: "/nonexistent/input.json"
        )
    }

    @Test("a bad input never leaks the secret key into the error line")
    func errorsDoNotLeakSecrets() async throws {
        let result = try await CLIRunner.sign(baseInput(["date": "bad", "sessionToken": "SECRET-TOKEN-VALUE"]))
        expectBadInput(result)
        #expect(!result.stderr.contains("wJalrXUtnFEMI"))
        #expect(!result.stderr.contains("SECRET-TOKEN-VALUE"))
    }

    @Test(
        "usage errors exit 2 with one error line",
        arguments: [
            ["sign"], ["sign", "--input"], ["sign", "--input", "-", "--unknown"], ["no-such-command"],
            ["sign", "--bogus"],
        ]
    )
    func usageErrors(arguments: [String]) async throws {
        expectBadInput(try await CLIRunner.run(arguments))
    }

    @Test("help goes to standard output with exit 0", arguments: [["--help"], ["sign", "--help"], ["help", "sign"]])
    func help(arguments: [String]) async throws {
        let result = try await CLIRunner.run(arguments)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdoutText.contains("USAGE:"))
    }
}
