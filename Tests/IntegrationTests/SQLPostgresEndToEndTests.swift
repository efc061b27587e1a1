import DBLambdaCore
import DBLambdaEvents
import DBLambdaSQL
import DBLambdaSigV4
import Foundation
import HTTPTypes
import LoopbackHTTPServer
import Testing

@Suite("PostgreSQL trigger end to end: a signed Invoke request reaches a loopback server")
struct SQLPostgresEndToEndTests {
    @Test("plpython3u POSTs the trigger's envelope, signed with SigV4, and the body equals to_jsonb of the row")
    func signedInvokeReachesLoopbackServer() async throws {
        try await PostgresServer.prepare()
        try await PostgresServer.run(AWSLambdaStandIn.postgresForwarder)
        try await PostgresServer.run(
            """
            DROP SCHEMA IF EXISTS dblambdasql_e2e CASCADE;
            CREATE SCHEMA dblambdasql_e2e;
            CREATE TABLE dblambdasql_e2e.orders (id bigint PRIMARY KEY, total numeric(40,20), note text);
            """
        )
        let function = try LambdaFunctionARN(parsing: "arn:aws:lambda:us-west-2:123456789012:function:dblambdasql-e2e")
        try await PostgresServer.run(
            try PostgreSQLTriggerScript(
                TriggerConfiguration(function: function, table: TableName(schema: "dblambdasql_e2e", table: "orders"))
            ).render()
        )
        let server = try await LoopbackHTTPServer.start { _ in .respond(StubResponse(status: 202)) }
        do {
            // psql waits for the trigger's POST, which the loopback server answers on the cooperative pool:
            // `SQLClient` waits for psql on a dedicated thread, so this test never holds a pool thread the server
            // needs.
            let insert =
                "SET dblambda_test.endpoint = '\(server.baseURL)';\n"
                + "INSERT INTO dblambdasql_e2e.orders VALUES (9223372036854775807, "
                + "12345678901234567890.12345678901234567890, 'ü 😀 \"q\"');"
            try await PostgresServer.run(insert)
            let requests = server.requests
            try #require(requests.count == 1)
            let request = requests[0]
            #expect(request.method == "POST")
            #expect(
                request.path
                    == "/2015-03-31/functions/\(function.description.replacingOccurrences(of: ":", with: "%3A"))/invocations"
            )
            #expect(request.header("X-Amz-Invocation-Type") == "Event")

            // The signature verifies with this package's signer.
            let amzDate = try #require(request.header("X-Amz-Date"))
            var fields = HTTPFields()
            fields[try #require(HTTPField.Name("Host"))] = server.authority
            fields[try #require(HTTPField.Name("X-Amz-Date"))] = amzDate
            fields[try #require(HTTPField.Name("X-Amz-Invocation-Type"))] = "Event"
            let unsigned = HTTPRequest(
                method: .post,
                scheme: "http",
                authority: server.authority,
                path: request.uri,
                headerFields: fields
            )
            let signer = SigV4Signer(
                credentials: Credentials(
                    accessKeyID: "AKIDDBLAMBDASQLTEST1",
                    secretAccessKey: "dblambdasql/test/secret/key/0000000000000"
                ),
                region: "us-west-2",
                service: "lambda"
            )
            let expected = try signer.signature(for: unsigned, body: request.body, at: SigV4Timestamp(amzDate: amzDate))
            #expect(request.header("Authorization") == expected.authorization)

            let events = try ChangeEvent.decode(from: request.body)
            try #require(events.count == 1)
            let reference = try await PostgresServer.texts("SELECT to_jsonb(t) FROM dblambdasql_e2e.orders AS t")
            let text = try #require(reference.first)
            let row = try #require(try JSONValue(parsing: text).objectValue)
            SQLPostgresTests.expectSameRow(events[0].new, row, "end-to-end insert")
            #expect(events[0].new?["total"]?.numberValue?.text == "12345678901234567890.12345678901234567890")
        } catch {
            try await server.shutdown()
            throw error
        }
        try await server.shutdown()
    }
}
