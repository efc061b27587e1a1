import DBLambdaHTTP
import DBLambdaInvoke
import DBLambdaTesting
import Foundation
import Testing

@Suite("DBLambdaTesting doubles")
struct TestingModuleTests {
    @Test("ScriptedLambdaTransport answers like Lambda: 200/202/204, executed version, log tail only when asked")
    func statuses() async throws {
        let transport = ScriptedLambdaTransport(replies: [
            .success(payload: bytes("42"), executedVersion: "3", log: "hello"),
            .success(payload: bytes("42")), .success(payload: bytes("42")), .success(payload: bytes("1"), log: "x"),
        ])
        let client = makeClient(transport)
        let sync = try await client.invoke(function: "f", payload: bytes("{}"), options: InvokeOptions(logType: .tail))
        #expect(sync.statusCode == 200 && sync.payload == bytes("42") && sync.executedVersion == "3")
        #expect(sync.logResult == "hello")
        let event = try await client.invoke(function: "f", payload: [], options: InvokeOptions(invocationType: .event))
        #expect(event.statusCode == 202 && event.payload.isEmpty)
        let dry = try await client.invoke(function: "f", payload: [], options: InvokeOptions(invocationType: .dryRun))
        #expect(dry.statusCode == 204)
        let noTail = try await client.invoke(function: "f", payload: [])
        #expect(noTail.logResult == nil)
        #expect(transport.invocations.map(\.invocationType) == [.requestResponse, .event, .dryRun, .requestResponse])
        #expect(transport.invocations.first?.logType == .tail)
    }

    @Test("ScriptedLambdaTransport decodes ARNs, qualifiers and client context from the request; empty queue echoes")
    func decodesRequests() async throws {
        let transport = ScriptedLambdaTransport()
        let client = makeClient(transport)
        let result = try await client.invoke(
            function: "arn:aws:lambda:us-east-1:123456789012:function:orders",
            payload: bytes(#"{"a":1}"#),
            options: InvokeOptions(qualifier: "prod", clientContext: bytes(#"{"custom":{}}"#))
        )
        #expect(result.payload == bytes(#"{"a":1}"#))
        let invocation = try #require(transport.invocations.first)
        #expect(invocation.function == "arn:aws:lambda:us-east-1:123456789012:function:orders")
        #expect(invocation.qualifier == "prod")
        #expect(invocation.clientContext == bytes(#"{"custom":{}}"#))
    }

    @Test("ScriptedLambdaTransport function errors carry the header and Lambda's error object")
    func functionErrors() async throws {
        let transport = ScriptedLambdaTransport(handler: { invocation in
            .functionError(errorType: "KeyError", errorMessage: "'id'", kind: "Handled", log: "trace")
        })
        let result = try await makeClient(transport).invoke(
            function: "f",
            payload: [],
            options: InvokeOptions(logType: .tail)
        )
        #expect(result.functionError?.kind == "Handled")
        #expect(result.functionError?.errorType == "KeyError")
        #expect(result.functionError?.errorMessage == "'id'")
        #expect(result.logResult == "trace")
    }

    @Test("ManualClock records sleeps without waiting and honours cancellation")
    func manualClock() async throws {
        let clock = ManualClock()
        try await clock.sleep(for: .seconds(3600))
        try await clock.sleeper(.milliseconds(5))
        #expect(clock.sleeps == [.seconds(3600), .milliseconds(5)])
        #expect(clock.elapsed == .seconds(3600) + .milliseconds(5))
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .seconds(1))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.sleeps.count == 2)
    }
}
