import DBLambdaSigV4
import Foundation

/// The JSON document of the container and instance metadata credential endpoints.
struct MetadataCredentialsDocument: Decodable {
    var AccessKeyId: String?
    var SecretAccessKey: String?
    var Token: String?
    var Expiration: String?
    var Code: String?
    var Message: String?

    /// Decodes `body` and turns it into credentials; every failure names `source` and the missing field, never
    /// a value.
    static func credentials(from body: [UInt8], source: String, requireExpiration: Bool) throws -> Credentials {
        let document: MetadataCredentialsDocument
        do {
            document = try JSONDecoder().decode(MetadataCredentialsDocument.self, from: Data(body))
        } catch {
            throw CredentialsError(
                code: .invalidResponse,
                message: "\(source) returned a body that is not a JSON object with string fields"
            )
        }
        if let code = document.Code, code != "Success" {
            let detail = document.Message.map { ": \(quote($0))" } ?? ""
            throw CredentialsError(code: .invalidResponse, message: "\(source) returned code \(quote(code))\(detail)")
        }
        func required(_ value: String?, _ field: String) throws -> String {
            guard let value, !value.isEmpty else {
                throw CredentialsError(code: .invalidResponse, message: "\(source) returned no \(field)")
            }
            return value
        }
        let accessKey = try required(document.AccessKeyId, "AccessKeyId")
        let secretKey = try required(document.SecretAccessKey, "SecretAccessKey")
        let token = requireExpiration ? try required(document.Token, "Token") : nonEmpty(document.Token)
        var expiration: Date?
        if let text = requireExpiration ? try required(document.Expiration, "Expiration") : document.Expiration {
            guard let date = Timestamp.parse(text) else {
                throw CredentialsError(
                    code: .invalidResponse,
                    message: "\(source) returned an Expiration that is not an ISO 8601 timestamp: \(quote(text))"
                )
            }
            expiration = date
        }
        return Credentials(
            accessKeyID: accessKey,
            secretAccessKey: secretKey,
            sessionToken: token,
            expiration: expiration
        )
    }
}

/// A minimal reader for the flat XML documents of AWS query APIs (STS): element text by name.
enum QueryXML {
    /// The decoded text of the first `<name>…</name>` inside `xml`, or `nil`.
    static func text(of name: String, in xml: Substring) -> String? {
        guard let range = element(name, in: xml) else { return nil }
        return decodeEntities(xml[range])
    }

    /// The content range of the first `<name>` element (attributes allowed on the start tag).
    static func element(_ name: String, in xml: Substring) -> Range<Substring.Index>? {
        var searchStart = xml.startIndex
        while let open = xml[searchStart...].range(of: "<\(name)") {
            let afterName = open.upperBound
            guard afterName < xml.endIndex else { return nil }
            let next = xml[afterName]
            if next == ">" || next == " " || next == "\t" || next == "\n" || next == "\r" {
                guard let tagEnd = xml[afterName...].firstIndex(of: ">") else { return nil }
                let contentStart = xml.index(after: tagEnd)
                if xml[..<tagEnd].hasSuffix("/") { return contentStart..<contentStart }
                guard let close = xml[contentStart...].range(of: "</\(name)>") else { return nil }
                return contentStart..<close.lowerBound
            }
            searchStart = afterName
        }
        return nil
    }

    /// Replaces the five predefined entities and numeric character references.
    static func decodeEntities(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "&", let semicolon = text[index...].firstIndex(of: ";"),
                text.distance(from: index, to: semicolon) <= 10
            {
                let entity = text[text.index(after: index)..<semicolon]
                var replacement: String?
                switch entity {
                case "amp": replacement = "&"
                case "lt": replacement = "<"
                case "gt": replacement = ">"
                case "quot": replacement = "\""
                case "apos": replacement = "'"
                default:
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                        replacement = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map {
                            String($0)
                        }
                    } else if entity.hasPrefix("#") {
                        replacement = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
                    }
                }
                if let replacement {
                    out += replacement
                    index = text.index(after: semicolon)
                    continue
                }
            }
            out.append(character)
            index = text.index(after: index)
        }
        return out
    }
}
