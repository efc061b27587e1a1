import DBLambdaCore
import DBLambdaHTTP
import DBLambdaLocal
import DBLambdaSigV4
import Foundation
import HTTPTypes
import Testing

@Suite("LocalLambdaServer: statuses, headers and error responses over raw HTTP")
struct ProtocolTests {
    static let configuration = LocalLambdaServer.Configuration(defaultHandler: echoHandler)

    @Test("RequestResponse answers 200 with the handler's payload, $LATEST, a UUID request id and JSON content type")
    func requestResponse() async throws {
        try await withRawServer(Self.configuration) { _, client in
            let response = try await client.post(invokePath("orders"), body: Array(#"{"id":1}"#.utf8))
            #expect(response.status.code == 200)
            #expect(response.bodyText == #"{"id":1}"#)
            #expect(response.header("X-Amz-Executed-Version") == "$LATEST")
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.header("X-Amz-Function-Error") == nil)
            #expect(response.header("X-Amz-Log-Result") == nil)
            let requestID = try #require(response.header("x-amzn-RequestId"))
            #expect(UUID(uuidString: requestID) != nil)
        }
    }

    @Test("a name, a partial ARN, a region-qualified partial ARN and a full ARN all reach the same function")
    func functionNameForms() async throws {
        let seen = Counter()
        let handler = LocalLambdaHandler.closure { invocation in
            seen.record("\(invocation.functionName) \(invocation.functionARN) \(invocation.qualifier ?? "-")")
            return .json("{}")
        }
        try await withRawServer(LocalLambdaServer.Configuration(functions: ["orders": handler])) { _, client in
            for identifier in [
                "orders", "123456789012:function:orders", "us-east-1:123456789012:function:orders",
                "arn:aws:lambda:us-east-1:123456789012:function:orders",
            ] {
                let response = try await client.post(invokePath(identifier))
                #expect(response.status.code == 200, "\(identifier): \(response.bodyText)")
            }
        }
        #expect(
            seen.recorded
                == Array(repeating: "orders arn:aws:lambda:us-east-1:123456789012:function:orders -", count: 4)
        )
    }

    @Test("the qualifier comes from ?Qualifier= or the name's suffix and is the executed version; a mismatch is 400")
    func qualifiers() async throws {
        try await withRawServer(Self.configuration) { _, client in
            let query = try await client.post(invokePath("orders", qualifier: "live"))
            #expect(query.header("X-Amz-Executed-Version") == "live")
            let suffix = try await client.post(invokePath("arn:aws:lambda:us-east-1:123456789012:function:orders:7"))
            #expect(suffix.header("X-Amz-Executed-Version") == "7")
            let latest = try await client.post(invokePath("orders:$LATEST"))
            #expect(latest.header("X-Amz-Executed-Version") == "$LATEST")
            let mismatch = try await client.post(invokePath("orders:7", qualifier: "live"))
            #expect(mismatch.status.code == 400)
            #expect(mismatch.header("x-amzn-ErrorType") == "InvalidParameterValueException")
        }
    }

    @Test("Event answers 202 with an empty body and the handler still runs")
    func event() async throws {
        let ran = Counter()
        let handler = LocalLambdaHandler.closure { invocation in
            ran.record(invocation.invocationType.rawValue)
            return .json(#"{"ignored":true}"#)
        }
        try await withRawServer(LocalLambdaServer.Configuration(defaultHandler: handler)) { server, client in
            let response = try await client.post(invokePath("orders"), headers: [("X-Amz-Invocation-Type", "Event")])
            #expect(response.status.code == 202)
            #expect(response.body.isEmpty)
            #expect(response.header("X-Amz-Executed-Version") == "$LATEST")
            await server.waitForEventInvocations()
            #expect(ran.recorded == ["Event"])
            #expect(server.runningEventInvocations == 0)
        }
    }

    @Test("DryRun answers 204 and never runs the handler")
    func dryRun() async throws {
        let ran = Counter()
        let handler = LocalLambdaHandler.closure { _ in
            ran.record("ran")
            return .json("{}")
        }
        try await withRawServer(LocalLambdaServer.Configuration(defaultHandler: handler)) { server, client in
            let response = try await client.post(invokePath("orders"), headers: [("X-Amz-Invocation-Type", "DryRun")])
            #expect(response.status.code == 204)
            #expect(response.body.isEmpty)
            await server.waitForEventInvocations()
        }
        #expect(ran.recorded.isEmpty)
    }

    @Test("Tail returns the base64 log with START, the handler's log, END and REPORT lines")
    func logTail() async throws {
        try await withRawServer(Self.configuration) { _, client in
            let response = try await client.post(invokePath("orders"), headers: [("X-Amz-Log-Type", "Tail")])
            let encoded = try #require(response.header("X-Amz-Log-Result"))
            let decoded = try #require(Data(base64Encoded: encoded))
            let log = String(decoding: decoded, as: UTF8.self)
            let requestID = try #require(response.header("x-amzn-RequestId"))
            #expect(
                log.hasPrefix(
                    "START RequestId: \(requestID) Version: $LATEST\necho 2 bytes\nEND RequestId: \(requestID)\n"
                )
            )
            #expect(log.contains("REPORT RequestId: \(requestID)\tDuration: "))
        }
    }

    @Test("a log longer than 4 KB is cut to its last 4096 bytes")
    func logTailIsLast4KB() async throws {
        let handler = LocalLambdaHandler.closure { _ in
            LocalInvocationResponse(
                payload: Array("{}".utf8),
                log: (0..<1000).map { "line \($0)" }.joined(separator: "\n")
            )
        }
        try await withRawServer(LocalLambdaServer.Configuration(defaultHandler: handler)) { _, client in
            let response = try await client.post(invokePath("orders"), headers: [("X-Amz-Log-Type", "Tail")])
            let encoded = try #require(response.header("X-Amz-Log-Result"))
            let bytes = try #require(Data(base64Encoded: encoded))
            #expect(bytes.count == 4096)
            let log = String(decoding: bytes, as: UTF8.self)
            #expect(log.contains("line 999\nEND RequestId: "))
            #expect(!log.contains("START RequestId"))
        }
    }

    struct Boom: Error, CustomStringConvertible {
        var description: String { "the handler failed on purpose" }
    }

    @Test("a thrown error is an Unhandled function error: HTTP 200 with errorType, errorMessage and stackTrace")
    func unhandledFunctionError() async throws {
        let handler = LocalLambdaHandler.closure { _ in throw Boom() }
        try await withRawServer(LocalLambdaServer.Configuration(defaultHandler: handler)) { _, client in
            let response = try await client.post(invokePath("orders"))
            #expect(response.status.code == 200)
            #expect(response.header("X-Amz-Function-Error") == "Unhandled")
            #expect(response.json["errorType"] as? String == "Boom")
            #expect(response.json["errorMessage"] as? String == "the handler failed on purpose")
            #expect((response.json["stackTrace"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("a handled error is sent with X-Amz-Function-Error: Handled")
    func handledFunctionError() async throws {
        let handler = LocalLambdaHandler.closure { _ in .handledError(type: "ValidationError", message: "bad id") }
        try await withRawServer(LocalLambdaServer.Configuration(defaultHandler: handler)) { _, client in
            let response = try await client.post(invokePath("orders"))
            #expect(response.header("X-Amz-Function-Error") == "Handled")
            #expect(response.bodyText == #"{"errorMessage":"bad id","errorType":"ValidationError","stackTrace":[]}"#)
        }
    }

    @Test("an unknown function is 404 ResourceNotFoundException naming its ARN, in Lambda's JSON error form")
    func unknownFunction() async throws {
        let configuration = LocalLambdaServer.Configuration(functions: ["orders": echoHandler])
        try await withRawServer(configuration) { _, client in
            let response = try await client.post(invokePath("payments"))
            #expect(response.status.code == 404)
            #expect(response.header("x-amzn-ErrorType") == "ResourceNotFoundException")
            #expect(response.header("x-amzn-RequestId") != nil)
            #expect(
                response.bodyText
                    == #"{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:payments"}"#
            )
            let otherAccount = try await client.post(invokePath("210987654321:function:orders"))
            #expect(otherAccount.status.code == 404)
            let otherRegion = try await client.post(invokePath("arn:aws:lambda:eu-west-1:123456789012:function:orders"))
            #expect(otherRegion.status.code == 404)
        }
    }

    @Test("payloads over 6 MB (RequestResponse) and 1 MB (Event) are 413 RequestTooLargeException")
    func tooLarge() async throws {
        try await withRawServer(Self.configuration) { _, client in
            let huge = Array("\"".utf8) + Array(repeating: UInt8(ascii: "a"), count: 6_291_456) + Array("\"".utf8)
            let sync = try await client.post(invokePath("orders"), body: huge)
            #expect(sync.status.code == 413)
            #expect(sync.header("x-amzn-ErrorType") == "RequestTooLargeException")
            #expect(sync.json["message"] is String)
            let medium = Array("\"".utf8) + Array(repeating: UInt8(ascii: "a"), count: 1_048_576) + Array("\"".utf8)
            let event = try await client.post(
                invokePath("orders"),
                headers: [("X-Amz-Invocation-Type", "Event")],
                body: medium
            )
            #expect(event.status.code == 413)
            #expect(event.header("x-amzn-ErrorType") == "RequestTooLargeException")
            let accepted = try await client.post(invokePath("orders"), body: medium)
            #expect(accepted.status.code == 200)
        }
    }

    @Test("a payload that is not JSON is 400 InvalidRequestContentException; an empty payload is accepted")
    func nonJSONPayload() async throws {
        try await withRawServer(Self.configuration) { _, client in
            let response = try await client.post(invokePath("orders"), body: Array("not json".utf8))
            #expect(response.status.code == 400)
            #expect(response.header("x-amzn-ErrorType") == "InvalidRequestContentException")
            #expect(response.json["message"] is String)
            let empty = try await client.post(invokePath("orders"), body: [])
            #expect(empty.status.code == 200)
        }
    }

    @Test("an unknown invocation type or log type is 400 InvalidParameterValueException")
    func badHeaders() async throws {
        try await withRawServer(Self.configuration) { _, client in
            let type = try await client.post(invokePath("orders"), headers: [("X-Amz-Invocation-Type", "Later")])
            #expect(type.status.code == 400)
            #expect(type.header("x-amzn-ErrorType") == "InvalidParameterValueException")
            let log = try await client.post(invokePath("orders"), headers: [("X-Amz-Log-Type", "All")])
            #expect(log.status.code == 400)
        }
    }

    @Test("another path or method is 404 UnknownOperationException")
    func unknownOperation() async throws {
        try await withRawServer(Self.configuration) { _, client in
            let path = try await client.post("/2015-03-31/functions/orders")
            #expect(path.status.code == 404)
            #expect(path.header("x-amzn-ErrorType") == "UnknownOperationException")
            let method = try await client.post(invokePath("orders"), method: .put)
            #expect(method.header("x-amzn-ErrorType") == "UnknownOperationException")
        }
    }

    @Test("the client context reaches the handler decoded; an invalid one is 400")
    func clientContext() async throws {
        let handler = LocalLambdaHandler.closure { invocation in
            LocalInvocationResponse(payload: invocation.clientContext ?? [])
        }
        try await withRawServer(LocalLambdaServer.Configuration(defaultHandler: handler)) { _, client in
            let context = Data(#"{"custom":{"k":"v"}}"#.utf8).base64EncodedString()
            let response = try await client.post(invokePath("orders"), headers: [("X-Amz-Client-Context", context)])
            #expect(response.bodyText == #"{"custom":{"k":"v"}}"#)
            let bad = try await client.post(invokePath("orders"), headers: [("X-Amz-Client-Context", "%%%")])
            #expect(bad.header("x-amzn-ErrorType") == "InvalidRequestContentException")
        }
    }

    @Test("requests on one keep-alive connection are all answered and the server accepts one connection")
    func keepAlive() async throws {
        try await withRawServer(Self.configuration) { server, client in
            for index in 0..<5 {
                let response = try await client.post(invokePath("orders"), body: Array("\(index)".utf8))
                #expect(response.bodyText == "\(index)")
                #expect(response.header("Connection") == "keep-alive")
            }
            #expect(server.acceptedConnections == 1)
        }
    }

    @Test("without configured keys, unsigned requests are accepted")
    func unsignedAccepted() async throws {
        try await withRawServer(Self.configuration, signed: false) { _, client in
            let response = try await client.post(invokePath("orders"), credentials: nil)
            #expect(response.status.code == 200)
        }
    }

    @Test("a non-loopback host is refused unless allowed; a configuration without handlers is refused")
    func startValidation() async throws {
        var configuration = Self.configuration
        configuration.host = "0.0.0.0"
        await #expect(throws: LocalLambdaError.nonLoopbackHost) { try await LocalLambdaServer.start(configuration) }
        configuration.host = "192.168.1.10"
        await #expect(throws: LocalLambdaError.nonLoopbackHost) { try await LocalLambdaServer.start(configuration) }
        #expect(LocalLambdaServer.isLoopback("127.0.0.1"))
        #expect(LocalLambdaServer.isLoopback("::1"))
        #expect(LocalLambdaServer.isLoopback("[::1]"))
        #expect(LocalLambdaServer.isLoopback("localhost"))
        #expect(!LocalLambdaServer.isLoopback("127.0.0.1.example.com"))
        await #expect(throws: LocalLambdaError.invalidConfiguration) {
            try await LocalLambdaServer.start(LocalLambdaServer.Configuration())
        }
        await #expect(throws: LocalLambdaError.invalidConfiguration) {
            try await LocalLambdaServer.start(
                LocalLambdaServer.Configuration(defaultHandler: echoHandler, accountID: "12")
            )
        }
        configuration.host = "127.0.0.1"
        configuration.allowNonLoopback = true
        let server = try await LocalLambdaServer.start(configuration)
        #expect(server.port > 0)
        #expect(server.endpoint == "http://127.0.0.1:\(server.port)")
        try await server.shutdown()
    }
}
