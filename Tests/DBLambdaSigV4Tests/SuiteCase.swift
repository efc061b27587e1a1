import DBLambdaSigV4
import Foundation
import HTTPTypes

/// One case of AWS's SigV4 test suite (aws-c-auth `tests/aws-signing-test-suite/v4`), read from
/// `Fixtures/v4/<name>/`.
struct SuiteCase: Sendable {
    struct Context: Decodable {
        struct Keys: Decodable {
            var accessKeyID: String
            var secretAccessKey: String
            var token: String?

            enum CodingKeys: String, CodingKey {
                case accessKeyID = "access_key_id"
                case secretAccessKey = "secret_access_key"
                case token
            }
        }
        var credentials: Keys
        var expirationInSeconds: Int
        var normalize: Bool
        var region: String
        var service: String
        var signBody: Bool
        var timestamp: String
        var omitSessionToken: Bool?

        enum CodingKeys: String, CodingKey {
            case credentials
            case expirationInSeconds = "expiration_in_seconds"
            case normalize, region, service
            case signBody = "sign_body"
            case timestamp
            case omitSessionToken = "omit_session_token"
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let suiteDirectory = fixtures.appendingPathComponent("v4")

    /// The names of every case folder, sorted.
    static var names: [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: suiteDirectory.path)) ?? []
        return entries.filter { !$0.hasPrefix(".") }.sorted()
    }

    var name: String
    var context: Context
    var request: HTTPRequest
    var body: [UInt8]

    init(name: String) throws {
        self.name = name
        let context = try JSONDecoder().decode(Context.self, from: Data(contentsOf: Self.url(name, "context.json")))
        self.context = context
        (request, body) = try Self.parseRequest(Data(contentsOf: Self.url(name, "request.txt")))
    }

    static func url(_ name: String, _ file: String) -> URL {
        suiteDirectory.appendingPathComponent(name).appendingPathComponent(file)
    }

    /// The text of one expectation file of this case.
    func expected(_ file: String) throws -> String {
        try String(decoding: Data(contentsOf: Self.url(name, file)), as: UTF8.self)
    }

    var signer: SigV4Signer {
        let credentials = Credentials(
            accessKeyID: context.credentials.accessKeyID,
            secretAccessKey: context.credentials.secretAccessKey,
            sessionToken: context.credentials.token
        )
        let options = SigV4Signer.Options(
            normalizePath: context.normalize,
            doubleEncodePath: true,
            addContentSHA256Header: context.signBody,
            omitSessionTokenFromSignature: context.omitSessionToken ?? false
        )
        return SigV4Signer(credentials: credentials, region: context.region, service: context.service, options: options)
    }

    var timestamp: SigV4Timestamp {
        get throws {
            // `2015-08-30T12:36:00Z` → `20150830T123600Z`
            try SigV4Timestamp(amzDate: context.timestamp.filter { $0 != "-" && $0 != ":" })
        }
    }

    /// Parses a raw HTTP/1.1 request: request line, `Name:value` lines (a line starting with
    /// whitespace continues the previous value, joined with one space), a blank line, the body.
    static func parseRequest(_ data: Data) throws -> (HTTPRequest, [UInt8]) {
        let bytes = [UInt8](data)
        var lines: [ArraySlice<UInt8>] = []
        var bodyStart = bytes.endIndex
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                let line = bytes[lineStart..<index]
                lineStart = index + 1
                if line.isEmpty && !lines.isEmpty {
                    bodyStart = lineStart
                    break
                }
                lines.append(line)
            }
            index += 1
        }
        if bodyStart == bytes.endIndex && lineStart < bytes.count { lines.append(bytes[lineStart...]) }
        guard let requestLine = lines.first.map({ String(decoding: $0, as: UTF8.self) }),
            let firstSpace = requestLine.firstIndex(of: " "),
            let versionRange = requestLine.range(of: " HTTP/", options: .backwards)
        else {
            throw ParseError(description: "no request line")
        }
        let method = String(requestLine[..<firstSpace])
        let path = String(requestLine[requestLine.index(after: firstSpace)..<versionRange.lowerBound])

        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            let text = String(decoding: line, as: UTF8.self)
            if let first = text.first, first == " " || first == "\t", !headers.isEmpty {
                headers[headers.count - 1].1 += " " + text
                continue
            }
            guard let colon = text.firstIndex(of: ":") else { throw ParseError(description: "bad header \(text)") }
            headers.append((String(text[..<colon]), String(text[text.index(after: colon)...])))
        }
        var fields = HTTPFields()
        var authority: String?
        for (name, value) in headers {
            guard let fieldName = HTTPField.Name(name) else { throw ParseError(description: "bad name \(name)") }
            fields.append(HTTPField(name: fieldName, value: value))
            if fieldName.canonicalName == "host" { authority = value }
        }
        guard let httpMethod = HTTPRequest.Method(method) else { throw ParseError(description: "bad method") }
        let request = HTTPRequest(
            method: httpMethod,
            scheme: "https",
            authority: authority,
            path: path,
            headerFields: fields
        )
        let body = bodyStart < bytes.endIndex ? Array(bytes[bodyStart...]) : []
        return (request, body)
    }
}
