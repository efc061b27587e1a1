public import HTTPTypes

/// The intermediate and final values of one SigV4 signing: what AWS computed on its side too.
///
/// Useful for debugging a `SignatureDoesNotMatch` error: compare ``canonicalRequest`` and
/// ``stringToSign`` with the ones in the AWS error message. ``description`` and `dump()` redact
/// the signature, the `Authorization` value and the canonical request (which holds the session
/// token when there is one); read the properties directly to see them.
public struct SigV4Signature: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The canonical request (method, path, query, headers, signed header names, payload hash).
    public var canonicalRequest: String
    /// The string to sign: algorithm, timestamp, credential scope and the hex SHA-256 of the canonical request.
    public var stringToSign: String
    /// The signature: 64 lowercase hex characters.
    public var signature: String
    /// The signed header names, lower-cased, sorted and joined with `;`.
    public var signedHeaders: String
    /// The credential scope, `YYYYMMDD/region/service/aws4_request`.
    public var credentialScope: String
    /// The payload hash used in the canonical request (hex SHA-256 or `UNSIGNED-PAYLOAD`).
    public var payloadHash: String
    /// The `Authorization` header value for header signing; `nil` for presigned URLs.
    public var authorization: String?

    /// Creates a value from its parts.
    public init(
        canonicalRequest: String,
        stringToSign: String,
        signature: String,
        signedHeaders: String,
        credentialScope: String,
        payloadHash: String,
        authorization: String?
    ) {
        self.canonicalRequest = canonicalRequest
        self.stringToSign = stringToSign
        self.signature = signature
        self.signedHeaders = signedHeaders
        self.credentialScope = credentialScope
        self.payloadHash = payloadHash
        self.authorization = authorization
    }

    /// A one-line summary without the signature or the `Authorization` value.
    public var description: String {
        "SigV4Signature(credentialScope: \(credentialScope), signedHeaders: \(signedHeaders), signature: <redacted>)"
    }

    /// A mirror that redacts the signature and the `Authorization` value.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "canonicalRequest": "<redacted: may hold a session token>",
                "stringToSign": stringToSign,
                "signature": "<redacted>",
                "signedHeaders": signedHeaders,
                "credentialScope": credentialScope,
                "payloadHash": payloadHash,
                "authorization": authorization == nil ? "nil" : "<redacted>",
            ],
            displayStyle: .struct
        )
    }
}

/// A presigned request: the request with the signing parameters in its query, the full URL, and
/// the signing details.
public struct SigV4PresignedRequest: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The request whose `path` now ends with the `X-Amz-*` query parameters and `X-Amz-Signature`.
    public var request: HTTPRequest
    /// The presigned URL: scheme, authority and the new path. Anyone holding it can send the request.
    public var url: String
    /// The canonical request, string to sign and signature.
    public var signing: SigV4Signature

    /// Creates a value from its parts.
    public init(request: HTTPRequest, url: String, signing: SigV4Signature) {
        self.request = request
        self.url = url
        self.signing = signing
    }

    /// A one-line summary without the URL (which carries the signature and any session token).
    public var description: String {
        "SigV4PresignedRequest(method: \(request.method), signing: \(signing))"
    }

    /// A mirror without the URL or the request path, which carry the signature and any session token.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: ["method": request.method.rawValue, "url": "<redacted>", "signing": signing],
            displayStyle: .struct
        )
    }
}
