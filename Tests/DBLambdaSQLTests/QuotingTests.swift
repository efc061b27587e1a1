import DBLambdaSQL
import Testing

/// A small deterministic generator (SplitMix64), so the property tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Hostile names built from the pieces that break naive quoting.
enum HostileNames {
    static let pieces = [
        "\"", "'", "`", "``", ";", "--", "/*", "*/", "\\", "\\'", "$$", "$dblambda$", "$1", "\n", "\r\n", "\t", " ",
        "ü", "😀", "ℌ", "DELIMITER ;", "DROP TABLE x; --", "'); DROP TABLE x; --", "a", "B", "select", "0", "%", "_",
        ":x", ":'x'", "\\g", "\\!", "#", "\u{2028}", "é", "\u{7F}",
    ]

    static func make(_ generator: inout SplitMix64, pieces count: Int = 6) -> String {
        var name = ""
        for _ in 0..<Int.random(in: 1...count, using: &generator) {
            name += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
        }
        return name
    }
}

/// Reads SQL tokens back, as the servers' lexers do, to prove that a quoted value is exactly one token.
enum Lexer {
    /// Reads a `"…"` (or `` `…` ``) identifier that must span the whole text; returns its value.
    static func quotedIdentifier(_ text: String, quote: Character) -> String? {
        var characters = Array(text)[...]
        guard characters.first == quote, characters.count >= 2 else { return nil }
        characters.removeFirst()
        var value = ""
        while let character = characters.first {
            characters.removeFirst()
            if character == quote {
                if characters.first == quote {
                    value.append(quote)
                    characters.removeFirst()
                } else {
                    return characters.isEmpty ? value : nil
                }
            } else {
                value.append(character)
            }
        }
        return nil
    }

    /// Reads a PostgreSQL `'…'` (standard conforming) or `E'…'` literal spanning the whole text.
    static func postgresLiteral(_ text: String) -> String? {
        var characters = Array(text.unicodeScalars)[...]
        var escapes = false
        if characters.first == "E" {
            escapes = true
            characters.removeFirst()
        }
        guard characters.first == "'" else { return nil }
        characters.removeFirst()
        var value = String.UnicodeScalarView()
        while let scalar = characters.first {
            characters.removeFirst()
            if escapes && scalar == "\\" {
                guard let next = characters.first, next == "\\" || next == "'" else { return nil }
                value.append(next)
                characters.removeFirst()
            } else if scalar == "'" {
                if characters.first == "'" {
                    value.append("'")
                    characters.removeFirst()
                } else {
                    return characters.isEmpty ? String(value) : nil
                }
            } else {
                value.append(scalar)
            }
        }
        return nil
    }

    /// Reads a MySQL literal as `MySQLQuoting.literal` writes it: `'…'` without quotes or backslashes inside
    /// (so it reads the same with and without `NO_BACKSLASH_ESCAPES`) or `_utf8mb4 X'…'`.
    static func mysqlLiteral(_ text: String) -> String? {
        if text.hasPrefix("_utf8mb4 X'"), text.hasSuffix("'") {
            let hex = Array(text.dropFirst("_utf8mb4 X'".count).dropLast().utf8)
            guard hex.count % 2 == 0 else { return nil }
            var bytes: [UInt8] = []
            var index = 0
            while index < hex.count {
                guard let byte = UInt8(String(decoding: hex[index..<index + 2], as: UTF8.self), radix: 16) else {
                    return nil
                }
                bytes.append(byte)
                index += 2
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard text.hasPrefix("'"), text.hasSuffix("'"), text.count >= 2 else { return nil }
        let inner = text.dropFirst().dropLast()
        guard !inner.contains("'"), !inner.contains("\\") else { return nil }
        return String(inner)
    }
}

@Suite("Quoting identifiers and literals")
struct QuotingTests {
    @Test("PostgreSQL identifiers double embedded quotes and keep the exact spelling")
    func postgresIdentifiers() throws {
        #expect(try PostgreSQLQuoting.identifier("Order Items") == "\"Order Items\"")
        #expect(try PostgreSQLQuoting.identifier("sales\"2026") == "\"sales\"\"2026\"")
        #expect(try PostgreSQLQuoting.identifier("select") == "\"select\"")
        #expect(try PostgreSQLQuoting.identifier("Mixed") == "\"Mixed\"")
    }

    @Test("PostgreSQL identifiers: empty, NUL and more than 63 bytes are typed errors")
    func postgresIdentifierErrors() throws {
        #expect(throws: SQLError.emptyIdentifier) { try PostgreSQLQuoting.identifier("") }
        #expect(throws: SQLError.invalidCharacter) { try PostgreSQLQuoting.identifier("a\u{0}b") }
        #expect(throws: SQLError.identifierTooLong) {
            try PostgreSQLQuoting.identifier(String(repeating: "x", count: 64))
        }
        // 63 bytes is fine; 21 three-byte characters are 63 bytes, 22 are 66.
        #expect(try PostgreSQLQuoting.identifier(String(repeating: "x", count: 63)).count == 65)
        _ = try PostgreSQLQuoting.identifier(String(repeating: "ℌ", count: 21))
        #expect(throws: SQLError.identifierTooLong) {
            try PostgreSQLQuoting.identifier(String(repeating: "ℌ", count: 22))
        }
        let error = try #require(throws: SQLError.self) {
            try PostgreSQLQuoting.identifier("a\nb" + String(repeating: "y", count: 70))
        }
        #expect(error.description.contains("a\\nb"))
        #expect(!error.description.contains("\n"))
    }

    @Test("PostgreSQL literals mean the same with standard_conforming_strings on or off")
    func postgresLiterals() throws {
        #expect(try PostgreSQLQuoting.literal("it's") == "'it''s'")
        #expect(try PostgreSQLQuoting.literal("") == "''")
        #expect(try PostgreSQLQuoting.literal("a\\b'c") == "E'a\\\\b''c'")
        #expect(throws: SQLError.invalidCharacter) { try PostgreSQLQuoting.literal("\u{0}") }
    }

    @Test("MySQL identifiers double backticks; control characters, non-BMP, trailing spaces and length are errors")
    func mysqlIdentifiers() throws {
        #expect(try MySQLQuoting.identifier("Order`Items") == "`Order``Items`")
        #expect(try MySQLQuoting.identifier("select") == "`select`")
        #expect(try MySQLQuoting.identifier(String(repeating: "ü", count: 64)).count == 66)
        #expect(throws: SQLError.identifierTooLong) { try MySQLQuoting.identifier(String(repeating: "ü", count: 65)) }
        #expect(throws: SQLError.emptyIdentifier) { try MySQLQuoting.identifier("") }
        #expect(throws: SQLError.invalidCharacter) { try MySQLQuoting.identifier("a\nb") }
        #expect(throws: SQLError.invalidCharacter) { try MySQLQuoting.identifier("a\u{0}") }
        #expect(throws: SQLError.invalidCharacter) { try MySQLQuoting.identifier("emoji 😀") }
        #expect(throws: SQLError.invalidCharacter) { try MySQLQuoting.identifier("trailing ") }
    }

    @Test("MySQL literals are plain only for safe ASCII and hexadecimal utf8mb4 otherwise")
    func mysqlLiterals() {
        #expect(MySQLQuoting.literal("orders") == "'orders'")
        #expect(MySQLQuoting.literal("") == "''")
        #expect(MySQLQuoting.literal("it's") == "_utf8mb4 X'69742773'")
        #expect(MySQLQuoting.literal("a\\") == "_utf8mb4 X'615C'")
        #expect(MySQLQuoting.literal("$$") == "_utf8mb4 X'2424'")
        #expect(MySQLQuoting.literal("ü") == "_utf8mb4 X'C3BC'")
    }

    @Test("property: 2000 random hostile strings always quote to exactly one token that reads back unchanged")
    func hostileStringsNeverEscape() throws {
        var generator = SplitMix64(state: 20_261_127)
        var checked = 0
        for _ in 0..<2000 {
            let name = HostileNames.make(&generator)
            if let quoted = try? PostgreSQLQuoting.identifier(name) {
                #expect(Lexer.quotedIdentifier(quoted, quote: "\"") == name, "\(quoted)")
                checked += 1
            }
            let literal = try PostgreSQLQuoting.literal(name)
            #expect(Lexer.postgresLiteral(literal) == name, "\(literal)")
            if let quoted = try? MySQLQuoting.identifier(name) {
                #expect(Lexer.quotedIdentifier(quoted, quote: "`") == name, "\(quoted)")
                #expect(!quoted.contains("\n") && !quoted.contains("\r"))
                checked += 1
            }
            let mysqlLiteral = MySQLQuoting.literal(name)
            #expect(Lexer.mysqlLiteral(mysqlLiteral) == name, "\(mysqlLiteral)")
            #expect(!mysqlLiteral.contains("$$") && !mysqlLiteral.contains("\\"))
        }
        #expect(checked > 2000)
    }
}
