import DBLambdaHTTP
import DBLambdaLocal
import Foundation
import HTTPTypes
import Testing

@Suite("LocalLambdaHandler.command: a shell command with the payload on stdin")
struct CommandHandlerTests {
    static func configuration(_ handler: LocalLambdaHandler) -> LocalLambdaServer.Configuration {
        LocalLambdaServer.Configuration(functions: ["orders": handler])
    }

    @Test("cat echoes the payload; stderr becomes the log tail")
    func echoWithCat() async throws {
        let handler = LocalLambdaHandler.command("cat; echo 'handled one event' >&2")
        try await withRawServer(Self.configuration(handler)) { _, client in
            let payload = #"{"id":42,"note":"ü 😀"}"#
            let response = try await client.post(
                invokePath("orders"),
                headers: [("X-Amz-Log-Type", "Tail")],
                body: Array(payload.utf8)
            )
            #expect(response.status.code == 200)
            #expect(response.bodyText == payload)
            #expect(response.header("X-Amz-Function-Error") == nil)
            let encoded = try #require(response.header("X-Amz-Log-Result"))
            let decoded = try #require(Data(base64Encoded: encoded))
            #expect(String(decoding: decoded, as: UTF8.self).contains("\nhandled one event\nEND RequestId: "))
        }
    }

    @Test("a large payload (2 MB) goes through stdin and back unchanged")
    func largePayload() async throws {
        try await withRawServer(Self.configuration(.command("cat"))) { _, client in
            let payload = Array("\"".utf8) + Array(repeating: UInt8(ascii: "x"), count: 2_000_000) + Array("\"".utf8)
            let response = try await client.post(invokePath("orders"), body: payload)
            #expect(response.body == payload)
        }
    }

    @Test("a non-zero exit is an Unhandled Runtime.ExitError with the exit status; stderr is in the log")
    func failingCommand() async throws {
        let handler = LocalLambdaHandler.command("echo 'something broke' >&2; exit 3")
        try await withRawServer(Self.configuration(handler)) { _, client in
            let response = try await client.post(invokePath("orders"), headers: [("X-Amz-Log-Type", "Tail")])
            #expect(response.status.code == 200)
            #expect(response.header("X-Amz-Function-Error") == "Unhandled")
            #expect(response.json["errorType"] as? String == "Runtime.ExitError")
            #expect(
                (response.json["errorMessage"] as? String)?.hasSuffix("Runtime exited with error: exit status 3")
                    == true
            )
            let encoded = try #require(response.header("X-Amz-Log-Result"))
            let decoded = try #require(Data(base64Encoded: encoded))
            #expect(String(decoding: decoded, as: UTF8.self).contains("something broke"))
        }
    }

    @Test("a command that runs past its time limit is terminated: Unhandled Sandbox.Timedout")
    func timeout() async throws {
        let handler = LocalLambdaHandler.command("sleep 600", timeout: .milliseconds(300))
        try await withRawServer(Self.configuration(handler)) { _, client in
            let started = ContinuousClock.now
            let response = try await client.post(invokePath("orders"))
            #expect(ContinuousClock.now - started < .seconds(120))
            #expect(response.header("X-Amz-Function-Error") == "Unhandled")
            #expect(response.json["errorType"] as? String == "Sandbox.Timedout")
            #expect((response.json["errorMessage"] as? String)?.hasSuffix("Task timed out after 0.30 seconds") == true)
        }
    }

    @Test("the command sees the function name, version, region, request id and invocation type")
    func environment() async throws {
        let handler = LocalLambdaHandler.command(
            #"printf '{"f":"%s","v":"%s","r":"%s","id":"%s","t":"%s","x":"%s"}' "$AWS_LAMBDA_FUNCTION_NAME" "#
                + #""$AWS_LAMBDA_FUNCTION_VERSION" "$AWS_REGION" "$DBLAMBDA_REQUEST_ID" "$DBLAMBDA_INVOCATION_TYPE" "#
                + #""$EXTRA""#,
            environment: ["EXTRA": "yes"]
        )
        try await withRawServer(Self.configuration(handler)) { _, client in
            let response = try await client.post(invokePath("orders", qualifier: "live"))
            let requestID = try #require(response.header("x-amzn-RequestId"))
            #expect(
                response.bodyText
                    == #"{"f":"orders","v":"live","r":"us-east-1","id":"\#(requestID)","t":"RequestResponse","x":"yes"}"#
            )
        }
    }

    @Test("an Event invocation runs the command after the 202")
    func eventRunsCommand() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("local-cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.json")
        let handler = LocalLambdaHandler.command("cat > '\(output.path)'")
        try await withRawServer(Self.configuration(handler)) { server, client in
            let response = try await client.post(
                invokePath("orders"),
                headers: [("X-Amz-Invocation-Type", "Event")],
                body: Array(#"{"async":true}"#.utf8)
            )
            #expect(response.status.code == 202)
            await server.waitForEventInvocations()
            #expect(try String(contentsOf: output, encoding: .utf8) == #"{"async":true}"#)
        }
    }
}
