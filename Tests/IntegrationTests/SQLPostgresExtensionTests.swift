import DBLambdaCore
import DBLambdaEvents
import DBLambdaSQL
import Foundation
import Testing

@Suite("The PostgreSQL script installs the aws_lambda extension")
struct SQLPostgresExtensionTests {
    @Test("in a database without the extension, the script installs aws_lambda and aws_commons and then works")
    func installsTheExtension() async throws {
        try await PostgresServer.prepare()
        let database = "dblambdasql_pg_ext"
        try await PostgresServer.run(
            "DROP DATABASE IF EXISTS \(database) WITH (FORCE);\nCREATE DATABASE \(database);",
            database: "postgres"
        )
        try await PostgresServer.run(
            "CREATE TABLE public.orders (id bigint PRIMARY KEY, status text);",
            database: database
        )
        let function = try LambdaFunctionARN(parsing: "arn:aws:lambda:eu-west-1:123456789012:function:ext:live")
        let script = try PostgreSQLTriggerScript(
            TriggerConfiguration(function: function, table: TableName(schema: "public", table: "orders"))
        ).render()
        let first = try await SQLClient.run(
            "psql",
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database, "-f", "-"],
            input: script,
            extraEnvironment: PostgresServer.connection.merging(["PGOPTIONS": ""]) { $1 }
        )
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("NOTICE:  installing required extension \"aws_commons\""))
        try await PostgresServer.run(script, database: database)
        let extensions = try await PostgresServer.run(
            "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname LIKE 'aws%';",
            database: database
        )
        #expect(extensions.stdout == "aws_commons,aws_lambda\n")
        try await PostgresServer.run("INSERT INTO public.orders VALUES (1, 'new');", database: database)
        let recorded = try await PostgresServer.run(
            "SELECT function_name || ' ' || region || ' ' || invocation_type FROM aws_lambda.recorded_calls;",
            database: database
        )
        #expect(recorded.stdout == "\(function) eu-west-1 Event\n")
        try await PostgresServer.run("DROP DATABASE \(database) WITH (FORCE);", database: "postgres")
    }
}
