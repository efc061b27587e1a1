import DBLambdaCredentials
import DBLambdaTesting
import DatabaseLambda
import Foundation
import Testing

@Suite("DatabaseLambda deliver and verify")
struct DatabaseLambdaRuntimeTests {
    private func facade(_ transport: ScriptedLambdaTransport) throws -> DatabaseLambda {
        var configuration = LambdaClient.Configuration(region: try Region("us-east-1"), maxAttempts: 1)
        configuration.sleep = { _ in }
        configuration.now = { Date(timeIntervalSince1970: 1_767_225_600) }
        let client = LambdaClient(
            configuration: configuration,
            credentialProvider: StaticCredentialProvider(
                accessKeyID: "AKIDEXAMPLE",
                secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
            ),
            transport: transport
        )
        return DatabaseLambda(integration: try FacadeFixtures.decode(FacadeFixtures.postgresYAML), client: client)
    }

    private func event(_ id: Int, padding: Int = 0) -> ChangeEvent {
        ChangeEvent(
            id: "event-\(id)",
            operation: .insert,
            source: ChangeEvent.Source(engine: "postgres", database: "app", schema: "public", table: "orders"),
            new: ["id": .number(JSONNumber(id)), "note": .string(String(repeating: "x", count: padding))],
            changedColumns: ["id", "note"]
        )
    }

    @Test("Event batches hold at most 1 MB: 400 kB events go two by two")
    func eventBatchesSplitAtOneMegabyte() async throws {
        let transport = ScriptedLambdaTransport()
        let outcomes = try await facade(transport).deliver((0..<5).map { event($0, padding: 400_000) })
        #expect(outcomes.allSatisfy { $0.isDelivered })
        #expect(transport.invocations.map { $0.payload.count <= 1_048_576 } == [true, true, true])
        #expect(
            outcomes.map(\.description) == ["1", "1", "2", "2", "3"].map { "delivered (request id scripted-\($0))" }
        )
    }

    @Test("events that fit one payload go out as one batch envelope to the qualified function")
    func deliversOneBatch() async throws {
        let transport = ScriptedLambdaTransport()
        let outcomes = try await facade(transport).deliver((0..<3).map { event($0) })
        #expect(outcomes == Array(repeating: .delivered(requestID: "scripted-1"), count: 3))
        let invocations = transport.invocations
        #expect(invocations.count == 1)
        #expect(invocations.first?.invocationType == .event)
        #expect(invocations.first?.function.hasSuffix("function:orders-handler:live") == true)
        let payload = try #require(invocations.first?.payload)
        let decoded = try ChangeEvent.decode(from: payload)
        #expect(decoded.map(\.id) == ["event-0", "event-1", "event-2"])
    }

    @Test("a function error or a Lambda error fails every event of its batch; outcomes stay in input order")
    func failuresPerBatch() async throws {
        let transport = ScriptedLambdaTransport(replies: [
            .success(payload: []),
            .functionError(errorType: "ValueError", errorMessage: "bad row"),
            .serviceError(status: 403, code: "AccessDeniedException", message: "not authorized"),
        ])
        // 2 500 000 bytes of padding: two events fit one 6 MB RequestResponse payload, the third starts a new one.
        let events = (0..<6).map { event($0, padding: 2_500_000) }
        let outcomes = try await facade(transport).deliver(events, invocationType: .requestResponse)
        #expect(transport.invocations.count == 3)
        #expect(outcomes.count == 6)
        #expect(outcomes[0] == .delivered(requestID: "scripted-1"))
        #expect(outcomes[1] == .delivered(requestID: "scripted-1"))
        #expect(outcomes[2] == .functionError(type: "ValueError", message: "bad row"))
        #expect(outcomes[3] == outcomes[2])
        guard case .failed(let reason) = outcomes[4] else {
            Issue.record("expected .failed, got \(outcomes[4])")
            return
        }
        #expect(reason.contains("AccessDeniedException"))
        #expect(outcomes[5] == outcomes[4])
        #expect(!outcomes[4].isDelivered)
    }

    @Test("an event too large for one invocation fails alone and the others are still delivered")
    func oversizedEventFailsAlone() async throws {
        let transport = ScriptedLambdaTransport()
        let outcomes = try await facade(transport).deliver([event(0), event(1, padding: 1_100_000), event(2)])
        #expect(outcomes[0].isDelivered && outcomes[2].isDelivered)
        guard case .failed(let reason) = outcomes[1] else {
            Issue.record("expected .failed, got \(outcomes[1])")
            return
        }
        #expect(reason.contains("1048576-byte limit"))
        #expect(transport.invocations.count == 1)
        let decoded = try ChangeEvent.decode(from: try #require(transport.invocations.first?.payload))
        #expect(decoded.map(\.id) == ["event-0", "event-2"])
    }

    @Test("RequestResponse batches up to 6 MB and an empty event list invokes nothing")
    func requestResponseAndEmpty() async throws {
        let transport = ScriptedLambdaTransport()
        let lambda = try facade(transport)
        #expect(await lambda.deliver([]).isEmpty)
        #expect(transport.invocations.isEmpty)
        let outcomes = await lambda.deliver(
            (0..<6).map { event($0, padding: 400_000) },
            invocationType: .requestResponse
        )
        #expect(outcomes.allSatisfy { $0.isDelivered })
        #expect(transport.invocations.count == 1)
        #expect(transport.invocations.first?.invocationType == .requestResponse)
    }

    @Test("verify sends a DryRun invoke and reports verified")
    func verifySucceeds() async throws {
        let transport = ScriptedLambdaTransport()
        let result = try await facade(transport).verify()
        #expect(result.isVerified)
        #expect(result.requestID == "scripted-1")
        #expect(result.message.contains("succeeded (HTTP 204"))
        #expect(transport.invocations.map(\.invocationType) == [.dryRun])
        #expect(transport.invocations.first?.function.hasSuffix(":live") == true)
        let plan = try FacadeFixtures.decode(FacadeFixtures.postgresYAML).plan().applying(result)
        #expect(plan.checklist[2].status == .verified)
    }

    @Test("verify reports failed with Lambda's error text when the permission is missing")
    func verifyFails() async throws {
        let transport = ScriptedLambdaTransport(replies: [
            .serviceError(
                status: 403,
                code: "AccessDeniedException",
                message: "User: arn:aws:sts::123456789012:assumed-role/orders-db-invoke/x is not authorized"
            )
        ])
        let result = try await facade(transport).verify()
        #expect(result.status == .failed)
        #expect(result.errorCode == "AccessDeniedException")
        #expect(result.message.contains("is not authorized"))
        #expect(result.checklistItem.step == .permissionAssignment)
        #expect(result.checklistItem.details == [result.message])
    }
}
