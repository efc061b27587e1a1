import DBLambdaCore
import DBLambdaSQL
import Foundation
import Testing

@Suite("Trigger setup scripts")
struct TriggerScriptTests {
    static let function = "arn:aws:lambda:us-east-1:123456789012:function:orders"

    static func configuration(
        table: String = "sales\"2026.Order Items",
        columns: ColumnSelection = .all
    ) throws -> TriggerConfiguration {
        TriggerConfiguration(
            function: try LambdaFunctionARN(parsing: function),
            table: try TableName(parsing: table),
            columns: columns
        )
    }

    @Test("a table name is split at its first dot and both sides must be non-empty")
    func tableNames() throws {
        let name = try TableName(parsing: "sales\"2026.Order Items")
        #expect(name.schema == "sales\"2026" && name.table == "Order Items")
        let dotted = try TableName(parsing: "a.b.c")
        #expect(dotted.schema == "a" && dotted.table == "b.c")
        #expect(throws: SQLError.invalidTableName) { try TableName(parsing: "orders") }
        #expect(throws: SQLError.invalidTableName) { try TableName(parsing: ".orders") }
        #expect(throws: SQLError.invalidTableName) { try TableName(parsing: "public.") }
    }

    @Test("operation lists are parsed case-insensitively into canonical order; unknown names are errors")
    func operationLists() throws {
        #expect(try TriggerOperation.parseList("delete, INSERT,insert") == [.insert, .delete])
        #expect(try TriggerOperation.parseList("truncate,update") == [.update, .truncate])
        #expect(throws: SQLError.invalidOperation) { try TriggerOperation.parseList("insert,upsert") }
        #expect(throws: SQLError.invalidOperation) { try TriggerOperation.parseList("") }
    }

    @Test("column lists: raw names, no empty entries, no repeats, not both include and exclude")
    func columnLists() throws {
        #expect(try ColumnSelection.parse(columns: nil, excludeColumns: nil) == .all)
        #expect(
            try ColumnSelection.parse(columns: "id,select, x", excludeColumns: nil) == .only(["id", "select", " x"])
        )
        #expect(try ColumnSelection.parse(columns: nil, excludeColumns: "secret") == .excluding(["secret"]))
        #expect(throws: SQLError.invalidColumns) { try ColumnSelection.parse(columns: "a,,b", excludeColumns: nil) }
        #expect(throws: SQLError.invalidColumns) { try ColumnSelection.parse(columns: "a,a", excludeColumns: nil) }
        #expect(throws: SQLError.invalidColumns) { try ColumnSelection.parse(columns: "a", excludeColumns: "b") }
    }

    @Test("PostgreSQL: the function name fits 63 bytes, shortened with a stable hash when the table name is long")
    func postgresFunctionName() throws {
        let short = try PostgreSQLTriggerScript(Self.configuration())
        #expect(short.functionName == "dblambda_Order Items")
        let long = try PostgreSQLTriggerScript(Self.configuration(table: "s." + String(repeating: "ü", count: 31)))
        #expect(long.functionName.utf8.count <= 63)
        #expect(long.functionName.hasPrefix("dblambda_üü"))
        let other = try PostgreSQLTriggerScript(Self.configuration(table: "t." + String(repeating: "ü", count: 31)))
        #expect(long.functionName != other.functionName)
    }

    @Test("MySQL: trigger names include the table and fit 64 characters")
    func mysqlTriggerNames() throws {
        let table = try TableName(parsing: "shop.Order`Items")
        #expect(MySQLTriggerScript.triggerName(for: .insert, table: table) == "dblambda_Order`Items_insert")
        let long = try TableName(parsing: "shop." + String(repeating: "x", count: 64))
        let name = MySQLTriggerScript.triggerName(for: .update, table: long)
        #expect(name.count == 64 && name.hasSuffix("_update"))
    }

    @Test("MySQL needs a column list, has no TRUNCATE trigger and no WHEN condition")
    func mysqlRejects() throws {
        #expect(throws: SQLError.invalidColumns) { try MySQLTriggerScript(Self.configuration(table: "shop.orders")) }
        #expect(throws: SQLError.invalidColumns) {
            try MySQLTriggerScript(Self.configuration(table: "shop.orders", columns: .excluding(["a"])))
        }
        var configuration = try Self.configuration(table: "shop.orders", columns: .only(["id"]))
        configuration.operations = [.insert, .truncate]
        #expect(throws: SQLError.invalidOperation) { try MySQLTriggerScript(configuration) }
        configuration.operations = nil
        configuration.condition = "NEW.id > 1"
        #expect(throws: SQLError.invalidOption) { try MySQLTriggerScript(configuration) }
        configuration.condition = nil
        configuration.grantTo = "app\n@%"
        #expect(throws: SQLError.invalidGrantee) { try MySQLTriggerScript(configuration) }
        #expect(throws: SQLError.invalidCharacter) {
            try MySQLTriggerScript(Self.configuration(table: "shop.orders", columns: .only(["a\nb"])))
        }
    }

    @Test("PostgreSQL rejects names over 63 bytes, NUL bytes and repeated columns")
    func postgresRejects() throws {
        #expect(throws: SQLError.identifierTooLong) {
            try PostgreSQLTriggerScript(Self.configuration(table: "s." + String(repeating: "x", count: 64)))
        }
        #expect(throws: SQLError.invalidCharacter) {
            try PostgreSQLTriggerScript(Self.configuration(columns: .only(["a\u{0}"])))
        }
        #expect(throws: SQLError.invalidColumns) {
            try PostgreSQLTriggerScript(Self.configuration(columns: .only(["a", "a"])))
        }
        var configuration = try Self.configuration()
        configuration.grantTo = ""
        #expect(throws: SQLError.invalidGrantee) { try PostgreSQLTriggerScript(configuration) }
    }

    @Test("a name with a line break never leaves an SQL comment")
    func commentsStayComments() throws {
        let configuration = try Self.configuration(table: "s.x\nDROP TABLE y; --")
        let script = try PostgreSQLTriggerScript(configuration).render()
        // The raw line break only ever occurs inside a quoted identifier: the next line continues it.
        for line in script.split(separator: "\n") where line.contains("DROP TABLE y") {
            #expect(line.hasPrefix("-- ") || line.hasPrefix("DROP TABLE y; --\""), "\(line)")
        }
        #expect(script.contains("-- table:      s.x\\nDROP TABLE y; --"))
    }

    @Test("the dollar-quote tag never occurs inside the function body")
    func dollarTagAvoidsBody() throws {
        let script = try PostgreSQLTriggerScript(Self.configuration(columns: .only(["$dblambda$", "x"]))).render()
        #expect(script.contains("AS $dblambda1$"))
        #expect(script.contains("'$dblambda$'"))
    }

    @Test("the output is deterministic")
    func deterministic() throws {
        let configuration = try Self.configuration(columns: .only(["id"]))
        #expect(try PostgreSQLTriggerScript(configuration).render() == PostgreSQLTriggerScript(configuration).render())
        #expect(
            try MySQLTriggerScript(configuration, version: .v2).render()
                == MySQLTriggerScript(configuration, version: .v2).render()
        )
    }
}
