import DBLambdaSigV4
import Foundation
import HTTPTypes

/// A JSON value decoded strictly: booleans and numbers are never confused.
enum JSONValue: Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// One request of the `dblambda sign` input, validated.
struct SignInput {
    var signer: SigV4Signer
    var request: HTTPRequest
    var body: [UInt8]
    var timestamp: SigV4Timestamp
    var presignExpires: Int?
    var path: String

    /// Parses one object or an array of objects; errors name the JSON path.
    static func parse(_ data: Data) throws(CLIFailure) -> [SignInput] {
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw CLIFailure(message: "invalid JSON at $")
        }
        switch root {
        case .object(let object):
            return [try SignInput(object, path: "$")]
        case .array(let items):
            var inputs: [SignInput] = []
            for (index, item) in items.enumerated() {
                let path = "$[\(index)]"
                guard case .object(let object) = item else {
                    throw CLIFailure(message: "expected an object, found \(item.typeName) at \(path)")
                }
                inputs.append(try SignInput(object, path: path))
            }
            return inputs
        default:
            throw CLIFailure(message: "expected an object or an array of objects, found \(root.typeName) at $")
        }
    }

    init(_ object: [String: JSONValue], path: String) throws(CLIFailure) {
        self.path = path
        func missing(_ key: String) -> CLIFailure {
            CLIFailure(message: "missing required field \"\(key)\" at \(path).\(key)")
        }
        func wrongType(_ key: String, _ expected: String, _ found: JSONValue) -> CLIFailure {
            CLIFailure(message: "\"\(key)\" must be \(expected), found \(found.typeName) at \(path).\(key)")
        }
        func string(_ key: String, required: Bool = true) throws(CLIFailure) -> String? {
            switch object[key] {
            case nil, .null?:
                if required { throw missing(key) }
                return nil
            case .string(let value)?:
                return value
            case let other?:
                throw wrongType(key, "a string", other)
            }
        }
        func requiredString(_ key: String) throws(CLIFailure) -> String {
            guard let value = try string(key), !value.isEmpty else {
                throw CLIFailure(message: "\"\(key)\" must not be empty at \(path).\(key)")
            }
            return value
        }
        func bool(_ key: String, default value: Bool) throws(CLIFailure) -> Bool {
            switch object[key] {
            case nil, .null?: return value
            case .bool(let flag)?: return flag
            case let other?: throw wrongType(key, "a boolean", other)
            }
        }

        let method = try requiredString("method")
        let url = try requiredString("url")
        var fields = HTTPFields()
        switch object["headers"] {
        case nil, .null?:
            break
        case .array(let headers)?:
            for (index, header) in headers.enumerated() {
                let headerPath = "\(path).headers[\(index)]"
                guard case .array(let pair) = header, pair.count == 2 else {
                    throw CLIFailure(message: "a header must be an array [\"Name\", \"value\"] at \(headerPath)")
                }
                guard case .string(let name) = pair[0] else {
                    throw CLIFailure(message: "a header name must be a string at \(headerPath)[0]")
                }
                guard case .string(let value) = pair[1] else {
                    throw CLIFailure(message: "a header value must be a string at \(headerPath)[1]")
                }
                guard let fieldName = HTTPField.Name(name) else {
                    throw CLIFailure(
                        message:
                            "header name \"\(name)\" is not an HTTP token (ASCII letters, digits, "
                            + "!#$%&'*+-.^_`|~) at \(headerPath)[0]"
                    )
                }
                fields.append(HTTPField(name: fieldName, value: value))
            }
        case let other?:
            throw wrongType("headers", "an array of [name, value] pairs", other)
        }

        let text = try string("body", required: false)
        let base64 = try string("bodyBase64", required: false)
        switch (text, base64) {
        case (let text?, nil):
            body = Array(text.utf8)
        case (nil, let base64?):
            guard let decoded = Data(base64Encoded: base64) else {
                throw CLIFailure(message: "\"bodyBase64\" is not valid base64 at \(path).bodyBase64")
            }
            body = [UInt8](decoded)
        case (nil, nil):
            body = []
        case (_?, _?):
            throw CLIFailure(message: "give either \"body\" or \"bodyBase64\", not both at \(path).bodyBase64")
        }

        let accessKeyID = try requiredString("accessKeyId")
        let secret = try requiredString("secretAccessKey")
        let token = try string("sessionToken", required: false)
        let region = try requiredString("region")
        let service = try requiredString("service")
        let dateText = try requiredString("date")
        do {
            timestamp = try SigV4Timestamp(amzDate: dateText)
        } catch {
            throw CLIFailure(message: "\"date\" must be YYYYMMDDTHHMMSSZ (a valid UTC time) at \(path).date")
        }
        let options = SigV4Signer.Options(
            normalizePath: try bool("normalizePath", default: true),
            doubleEncodePath: try bool("doubleEncodePath", default: true),
            unsignedPayload: try bool("unsignedPayload", default: false)
        )
        switch object["presignExpires"] {
        case nil, .null?:
            presignExpires = nil
        case .number(let seconds)?:
            guard seconds.rounded() == seconds, SigV4Signer.presignExpiryRange.contains(Int(exactly: seconds) ?? 0)
            else {
                throw CLIFailure(
                    message:
                        "\"presignExpires\" must be a whole number of seconds from 1 to 604800 "
                        + "at \(path).presignExpires"
                )
            }
            presignExpires = Int(exactly: seconds)
        case let other?:
            throw wrongType("presignExpires", "a number", other)
        }

        do {
            request = try SigV4Signer.request(method: method, url: url, headerFields: fields)
        } catch {
            let field = error.code == .invalidMethod ? "method" : "url"
            throw CLIFailure(message: "\(error.message) at \(path).\(field)")
        }
        let credentials = Credentials(
            accessKeyID: accessKeyID,
            secretAccessKey: secret,
            sessionToken: token.flatMap { $0.isEmpty ? nil : $0 }
        )
        signer = SigV4Signer(credentials: credentials, region: region, service: service, options: options)
    }

    /// Signs and returns the output object.
    func sign() throws(CLIFailure) -> [String: String] {
        do {
            if let presignExpires {
                let presigned = try signer.presign(request, body: body, expires: presignExpires, at: timestamp)
                return [
                    "canonicalRequest": presigned.signing.canonicalRequest,
                    "stringToSign": presigned.signing.stringToSign,
                    "signature": presigned.signing.signature,
                    "presignedUrl": presigned.url,
                ]
            }
            let result = try signer.signature(for: request, body: body, at: timestamp)
            return [
                "canonicalRequest": result.canonicalRequest,
                "stringToSign": result.stringToSign,
                "signature": result.signature,
                "authorization": result.authorization ?? "",
            ]
        } catch {
            throw CLIFailure(message: "\(error.message) at \(path)")
        }
    }
}
