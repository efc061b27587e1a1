import DatabaseLambda
import Foundation
import Testing

@testable import DBLambdaRelay

@Suite("DatabaseURL")
struct DatabaseURLTests {
    static let secret = "pa:ss@w/rd%"

    @Test("parses user, percent-encoded password, host, port, database and parameters")
    func parses() throws {
        let url = try DatabaseURL(
            "postgres://relay:pa%3Ass%40w%2Frd%25@db.example.com:6543/app%20db?sslmode=verify-full"
                + "&sslrootcert=/etc/rds.pem&connect_timeout=3"
        )
        #expect(url.username == "relay")
        #expect(url.password == Self.secret)
        #expect(url.host == "db.example.com")
        #expect(url.port == 6543)
        #expect(url.database == "app db")
        #expect(url.tlsMode == .verifyFull)
        #expect(url.rootCertificatePath == "/etc/rds.pem")
        #expect(url.connectTimeout == .seconds(3))
    }

    @Test("defaults: port 5432, database = user, sslmode prefer, no password; postgresql:// and IPv6 work")
    func defaults() throws {
        let url = try DatabaseURL("postgresql://postgres@127.0.0.1")
        #expect(url.port == 5432 && url.database == "postgres" && url.password == nil && url.tlsMode == .prefer)
        #expect(url.description == "postgres://postgres@127.0.0.1:5432/postgres?sslmode=prefer")
        let v6 = try DatabaseURL("postgres://u:p@[::1]:55432/db?sslmode=disable")
        #expect(v6.host == "::1" && v6.port == 55432)
        #expect(v6.description == "postgres://u:***@[::1]:55432/db?sslmode=disable")
    }

    @Test("the password never shows in description, debugDescription, dump or string interpolation")
    func redaction() throws {
        let url = try DatabaseURL(
            "postgres://relay:\(Self.secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")@h/app"
        )
        #expect(url.password == Self.secret)
        var dumped = ""
        dump(url, to: &dumped)
        for text in [url.description, url.debugDescription, "\(url)", String(reflecting: url), dumped] {
            #expect(!text.contains("pa:ss"), "\(text)")
            #expect(!text.contains("w/rd"), "\(text)")
        }
        #expect(url.description == "postgres://relay:***@h:5432/app?sslmode=prefer")
    }

    @Test(
        "malformed URLs are typed errors that never echo the password",
        arguments: [
            "mysql://u:hunter2@h/db",
            "postgres://hunter2host/db",
            "postgres://:hunter2@h/db",
            "postgres://u:hunter2@h:0/db",
            "postgres://u:hunter2@h:70000/db",
            "postgres://u:hunter2@h:port/db",
            "postgres://u:hunter2@/db",
            "postgres://u:hunter2@[::1/db",
            "postgres://u:hunter2@h/db?sslmode=always",
            "postgres://u:hunter2@h/db?ssl=true",
            "postgres://u:hunter2@h/db?connect_timeout=0",
            "postgres://u:hunter2%zz@h/db",
            "postgres://u:hunter2@h/db#frag",
            "postgres://u:hunter2@h/a/b",
        ]
    )
    func rejects(text: String) {
        #expect(throws: RelayError.invalidDatabaseURL) { try DatabaseURL(text) }
        do {
            _ = try DatabaseURL(text)
        } catch {
            #expect(!error.description.contains("hunter2"), "\(error)")
        }
    }

    @Test("every sslmode builds connection settings; an unreadable sslrootcert is a typed error")
    func tlsModes() throws {
        for mode in DatabaseURL.TLSMode.allCases {
            let url = try DatabaseURL("postgres://u@db.example.com/db?sslmode=\(mode.rawValue)")
            #expect(url.tlsMode == mode)
            _ = try url.connectionConfiguration()
        }
        let missing = try DatabaseURL("postgres://u@h/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem")
        #expect(throws: RelayError.invalidDatabaseURL) { try missing.connectionConfiguration() }
    }
}
