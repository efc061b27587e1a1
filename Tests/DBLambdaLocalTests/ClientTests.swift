import DBLambdaCore
import DBLambdaCredentials
import DBLambdaHTTP
import DBLambdaIAM
import DBLambdaInvoke
import DBLambdaLocal
import DBLambdaTesting
import Foundation
import Testing

@Suite("LambdaClient against LocalLambdaServer, end to end (withLocalLambda)")
struct ClientTests {
    @Test("RequestResponse: 200, the payload, $LATEST and a request id")
    func requestResponse() async throws {
        try await withLocalLambda(handler: echoHandler) { _, client in
            let result = try await client.invoke(function: "orders", payload: Array(#"{"id":7}"#.utf8))
            #expect(result.statusCode == 200)
            #expect(result.payload == Array(#"{"id":7}"#.utf8))
            #expect(result.executedVersion == "$LATEST")
            #expect(result.requestID != nil)
            #expect(result.functionError == nil)
        }
    }

    @Test("a full ARN with a qualifier option: the executed version is the qualifier")
    func fullARNAndQualifier() async throws {
        let seen = Counter()
        let handler = LocalLambdaHandler.closure { invocation in
            seen.record("\(invocation.functionName):\(invocation.qualifier ?? "")")
            return .json("{}")
        }
        try await withLocalLambda(handler: handler) { _, client in
            let result = try await client.invoke(
                function: "arn:aws:lambda:us-east-1:123456789012:function:orders",
                payload: Array("{}".utf8),
                options: InvokeOptions(qualifier: "live")
            )
            #expect(result.executedVersion == "live")
        }
        #expect(seen.recorded == ["orders:live"])
    }

    @Test("Event: 202 and the handler runs; DryRun: 204 and it does not")
    func eventAndDryRun() async throws {
        let ran = Counter()
        let handler = LocalLambdaHandler.closure { invocation in
            ran.record(invocation.payloadText)
            return .json("{}")
        }
        try await withLocalLambda(handler: handler) { server, client in
            let event = try await client.invoke(
                function: "orders",
                payload: Array(#"{"n":1}"#.utf8),
                options: InvokeOptions(invocationType: .event)
            )
            #expect(event.statusCode == 202)
            let dryRun = try await client.invoke(
                function: "orders",
                payload: Array(#"{"n":2}"#.utf8),
                options: InvokeOptions(invocationType: .dryRun)
            )
            #expect(dryRun.statusCode == 204)
            await server.waitForEventInvocations()
        }
        #expect(ran.recorded == [#"{"n":1}"#])
    }

    @Test("Tail: the client decodes the log tail")
    func tail() async throws {
        try await withLocalLambda(handler: echoHandler) { _, client in
            let result = try await client.invoke(
                function: "orders",
                payload: Array("[1,2,3]".utf8),
                options: InvokeOptions(logType: .tail)
            )
            let log = try #require(result.logResult)
            #expect(log.contains("\necho 7 bytes\nEND RequestId: \(result.requestID ?? "?")\n"))
        }
    }

    @Test("a function error reaches the client as FunctionError with kind, type and message")
    func functionError() async throws {
        let handler = LocalLambdaHandler.closure { _ in
            LocalInvocationResponse(
                functionError: LocalFunctionError(errorType: "KeyError", errorMessage: "'id'", stackTrace: ["line 1"])
            )
        }
        try await withLocalLambda(handler: handler) { _, client in
            let result = try await client.invoke(function: "orders", payload: Array("{}".utf8))
            let error = try #require(result.functionError)
            #expect(error.kind == "Unhandled")
            #expect(error.errorType == "KeyError")
            #expect(error.errorMessage == "'id'")
            #expect(error.stackTrace == ["line 1"])
        }
    }

    @Test("an unknown function is a typed ResourceNotFoundException with status and request id")
    func unknownFunction() async throws {
        let configuration = LocalLambdaServer.Configuration(functions: ["orders": echoHandler])
        try await withLocalLambda(configuration: configuration) { _, client in
            let error = await #expect(throws: LambdaInvokeError.self) {
                try await client.invoke(function: "payments", payload: Array("{}".utf8))
            }
            #expect(error?.code == .resourceNotFound)
            #expect(error?.statusCode == 404)
            #expect(error?.requestID != nil)
            #expect(error?.message.hasPrefix("Function not found: ") == true)
        }
    }

    @Test("a client with the wrong secret gets InvalidSignatureException (403)")
    func wrongSecret() async throws {
        try await withLocalLambda(handler: echoHandler) { server, _ in
            try await AsyncHTTPClientTransport.withTransport { transport in
                let client = LambdaClient(
                    configuration: LambdaClient.Configuration(
                        region: .usEast1,
                        endpoint: server.endpoint,
                        maxAttempts: 1
                    ),
                    credentialProvider: StaticCredentialProvider(
                        accessKeyID: LocalLambdaTestKeys.accessKeyID,
                        secretAccessKey: "wrong"
                    ),
                    transport: transport
                )
                let error = await #expect(throws: LambdaInvokeError.self) {
                    try await client.invoke(function: "orders", payload: Array("{}".utf8))
                }
                #expect(error?.code.rawValue == "InvalidSignatureException")
                #expect(error?.statusCode == 403)
            }
        }
    }

    @Test("a resource policy naming the caller's role allows it; without a statement for it, AccessDeniedException")
    func resourcePolicy() async throws {
        var configuration = LocalLambdaServer.Configuration()
        configuration.principals = [LocalLambdaTestKeys.accessKeyID: "arn:aws:iam::123456789012:role/db"]
        configuration.resourcePolicy = try PolicyDocument(
            jsonString: """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/db"},
                "Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:orders"}]}
                """
        )
        try await withLocalLambda(handler: echoHandler, configuration: configuration) { _, client in
            let allowed = try await client.invoke(function: "orders", payload: Array("{}".utf8))
            #expect(allowed.statusCode == 200)
            let error = await #expect(throws: LambdaInvokeError.self) {
                try await client.invoke(function: "payments", payload: Array("{}".utf8))
            }
            #expect(error?.code.rawValue == "AccessDeniedException")
            #expect(error?.statusCode == 403)
        }
    }

    @Test("100 concurrent invocations all get their own payload back")
    func concurrency() async throws {
        let handler = LocalLambdaHandler.closure { invocation in
            try await Task.sleep(for: .milliseconds(5))
            return LocalInvocationResponse(payload: invocation.payload)
        }
        try await withLocalLambda(handler: handler) { _, client in
            let results = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
                for index in 0..<100 {
                    group.addTask {
                        let result = try await client.invoke(
                            function: "orders",
                            payload: Array(#"{"i":\#(index)}"#.utf8)
                        )
                        return (index, result.payload)
                    }
                }
                var collected: [Int: [UInt8]] = [:]
                for try await (index, payload) in group { collected[index] = payload }
                return collected
            }
            #expect(results.count == 100)
            for index in 0..<100 {
                #expect(results[index] == Array(#"{"i":\#(index)}"#.utf8))
            }
        }
    }

    @Test("a command handler behind the client: cat echoes, a failing command is a function error")
    func commandThroughClient() async throws {
        let configuration = LocalLambdaServer.Configuration(
            functions: ["echo": .command("cat"), "fail": .command("echo nope >&2; exit 1")]
        )
        try await withLocalLambda(configuration: configuration) { _, client in
            let echo = try await client.invoke(function: "echo", payload: Array(#"{"a":[1,2]}"#.utf8))
            #expect(echo.payload == Array(#"{"a":[1,2]}"#.utf8))
            let fail = try await client.invoke(
                function: "fail",
                payload: Array("{}".utf8),
                options: InvokeOptions(logType: .tail)
            )
            #expect(fail.functionError?.errorType == "Runtime.ExitError")
            #expect(fail.logResult?.contains("nope") == true)
        }
    }
}
