import DBLambdaSigV4
import Foundation
import HTTPTypes

/// A request as the server received it: what the SigV4 check and the router read.
struct IncomingRequest: Sendable {
    var method: String
    /// The request target exactly as received: path and query, percent-encoded.
    var uri: String
    /// Header fields in the order received, repeated names kept.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// Verifies the SigV4 `Authorization` header of a request against configured keys, by recomputing the signature
/// with ``SigV4Signer`` over exactly the headers the caller signed.
struct SignatureVerifier: Sendable {
    /// access key id → secret access key.
    var keys: [String: String]
    var region: String
    var service = "lambda"
    var maxSkew: Duration
    var now: @Sendable () -> Date
    let keyCache = SigV4SigningKeyCache()

    struct Authorization {
        var accessKeyID: String
        var date: String
        var region: String
        var service: String
        var signedHeaders: [String]
        var signature: String
    }

    /// The access key id that signed the request, or the error response Lambda would send.
    func verify(_ request: IncomingRequest) -> Result<String, ServiceError> {
        guard let header = request.header("Authorization") else { return .failure(.missingToken) }
        let authorization: Authorization
        switch Self.parse(header) {
        case .success(let value): authorization = value
        case .failure(let error): return .failure(error)
        }
        guard let secret = keys[authorization.accessKeyID] else { return .failure(.unrecognizedClient) }
        guard let amzDate = request.header("X-Amz-Date"), authorization.signedHeaders.contains("x-amz-date") else {
            return .failure(
                .incompleteSignature("Authorization header requires existence of a signed X-Amz-Date header")
            )
        }
        guard let timestamp = try? SigV4Timestamp(amzDate: amzDate) else {
            return .failure(
                .incompleteSignature("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
            )
        }
        guard authorization.date == String(timestamp.dateStamp) else {
            return .failure(
                .invalidSignature(
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP"
                )
            )
        }
        guard authorization.region == region else {
            return .failure(
                .invalidSignature("Credential should be scoped to a valid region, not '\(authorization.region)'. ")
            )
        }
        guard authorization.service == service else {
            return .failure(.invalidSignature("Credential should be scoped to correct service: '\(service)'. "))
        }
        let current = SigV4Timestamp(now())
        let skew = maxSkew.components.seconds
        if timestamp.secondsSince1970 < current.secondsSince1970 - skew {
            let earliest = SigV4Timestamp(secondsSince1970: current.secondsSince1970 - skew)
            return .failure(
                .invalidSignature(
                    "Signature expired: \(amzDate) is now earlier than \(earliest.amzDate) (\(current.amzDate) - "
                        + "\(skew / 60) min.)"
                )
            )
        }
        if timestamp.secondsSince1970 > current.secondsSince1970 + skew {
            let latest = SigV4Timestamp(secondsSince1970: current.secondsSince1970 + skew)
            return .failure(
                .invalidSignature(
                    "Signature not yet current: \(amzDate) is still later than \(latest.amzDate) (\(current.amzDate) + "
                        + "\(skew / 60) min.)"
                )
            )
        }

        // Rebuild the request with only the signed headers; the signer adds X-Amz-Date (and the session token)
        // itself, exactly as the caller's signer did.
        var fields = HTTPFields()
        var sessionToken: String?
        var tokenSigned = false
        var options = SigV4Signer.Options.standard
        let signed = Set(authorization.signedHeaders)
        for (name, value) in request.headers {
            let lower = name.lowercased()
            switch lower {
            case "authorization", "x-amz-date":
                continue
            case "x-amz-security-token":
                sessionToken = value
                tokenSigned = signed.contains(lower)
                continue
            default:
                break
            }
            guard signed.contains(lower) else { continue }
            if lower == "x-amz-content-sha256" && value == "UNSIGNED-PAYLOAD" { options.unsignedPayload = true }
            guard let fieldName = HTTPField.Name(name) else { return .failure(.signatureMismatch) }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        for name in signed where name != "x-amz-date" && name != "x-amz-security-token" {
            guard request.header(name) != nil else {
                return .failure(.invalidSignature("the signed header '\(name)' is not in the request"))
            }
        }
        if let unsupported = authorization.signedHeaders.first(where: SigV4Signer.neverSignedHeaders.contains) {
            // SigV4Signer never signs these (as AWS SDKs do not), so the signature cannot be recomputed.
            return .failure(
                .invalidSignature(
                    "the local endpoint cannot verify a signature over '\(unsupported)' (a header AWS SDKs never sign)"
                )
            )
        }
        if sessionToken != nil && !tokenSigned { options.omitSessionTokenFromSignature = true }
        guard let host = request.header("Host") else { return .failure(.signatureMismatch) }
        let method = HTTPRequest.Method(request.method) ?? .post
        let unsigned = HTTPRequest(
            method: method,
            scheme: "http",
            authority: host,
            path: request.uri,
            headerFields: fields
        )
        let signer = SigV4Signer(
            credentials: Credentials(
                accessKeyID: authorization.accessKeyID,
                secretAccessKey: secret,
                sessionToken: sessionToken
            ),
            region: authorization.region,
            service: authorization.service,
            options: options,
            keyCache: keyCache
        )
        guard let expected = try? signer.signature(for: unsigned, body: request.body, at: timestamp),
            expected.signedHeaders == authorization.signedHeaders.joined(separator: ";"),
            Self.constantTimeEquals(expected.signature, authorization.signature)
        else {
            return .failure(.signatureMismatch)
        }
        return .success(authorization.accessKeyID)
    }

    /// Parses `AWS4-HMAC-SHA256 Credential=<id>/<date>/<region>/<service>/aws4_request, SignedHeaders=a;b,
    /// Signature=<hex>`.
    static func parse(_ header: String) -> Result<Authorization, ServiceError> {
        let prefix = "AWS4-HMAC-SHA256 "
        guard header.hasPrefix(prefix) else {
            return .failure(.incompleteSignature("Authorization header requires the AWS4-HMAC-SHA256 algorithm"))
        }
        var parameters: [String: String] = [:]
        for part in header.dropFirst(prefix.count).split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let equals = trimmed.firstIndex(of: "=") else { continue }
            parameters[String(trimmed[..<equals])] = String(trimmed[trimmed.index(after: equals)...])
        }
        guard let credential = parameters["Credential"], let signedHeaders = parameters["SignedHeaders"],
            let signature = parameters["Signature"]
        else {
            return .failure(
                .incompleteSignature(
                    "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters"
                )
            )
        }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request", !scope[0].isEmpty else {
            return .failure(
                .incompleteSignature("Credential must have the form <key id>/<date>/<region>/<service>/aws4_request")
            )
        }
        return .success(
            Authorization(
                accessKeyID: scope[0],
                date: scope[1],
                region: scope[2],
                service: scope[3],
                signedHeaders: signedHeaders.split(separator: ";").map { $0.lowercased() },
                signature: signature.lowercased()
            )
        )
    }

    /// Compares two strings in time that depends only on their lengths.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
