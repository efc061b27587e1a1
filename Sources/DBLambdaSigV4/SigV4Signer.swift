import Crypto
public import HTTPTypes

/// Signs requests with AWS Signature Version 4 (`AWS4-HMAC-SHA256`): in an `Authorization` header,
/// or in the query of a presigned URL.
///
/// ```swift
/// let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "lambda")
/// let signed = try signer.sign(request, body: payload, at: SigV4Timestamp(Date()))
/// ```
///
/// The canonicalisation follows AWS's specification and matches botocore's `SigV4Auth` and
/// AWS's own test suite byte for byte:
/// - header names are lower-cased; values are trimmed and inner runs of spaces and tabs become
///   one space; repeated headers are joined with `,` in the order given; names are sorted;
/// - headers that AWS SDKs never sign are left out (see ``neverSignedHeaders``), and so is an
///   existing `Authorization` header;
/// - the query is split on `&`, each key and value percent-decoded and encoded again keeping only
///   `A-Z a-z 0-9 - _ . ~`, sorted by key then value; a key without `=` gets an empty value;
/// - the path is normalised (``Options-swift.struct/normalizePath``) and percent-encoded once
///   more (``Options-swift.struct/doubleEncodePath``), so `%3A` becomes `%253A`.
///
/// Signing keys are cached in ``keyCache``. The signer is a value; copies share the cache.
public struct SigV4Signer: Sendable {
    /// Switches that differ between AWS services.
    public struct Options: Sendable, Hashable {
        /// Remove `.` and `..` segments and merge repeated `/` in the canonical path. On by default;
        /// off for S3.
        public var normalizePath: Bool
        /// Percent-encode the path as sent once more for the canonical path (`%3A` → `%253A`).
        /// On by default; off for S3.
        public var doubleEncodePath: Bool
        /// Use `UNSIGNED-PAYLOAD` as the payload hash; header signing then adds and signs
        /// `X-Amz-Content-SHA256: UNSIGNED-PAYLOAD` unless the request already has that header.
        public var unsignedPayload: Bool
        /// Add and sign `X-Amz-Content-SHA256` with the payload hash in header signing (S3 needs it).
        public var addContentSHA256Header: Bool
        /// Add the session token (`X-Amz-Security-Token`) to the request but leave it out of the
        /// signature, as a few services (IoT) expect.
        public var omitSessionTokenFromSignature: Bool

        /// Creates options; the defaults suit every service except S3.
        public init(
            normalizePath: Bool = true,
            doubleEncodePath: Bool = true,
            unsignedPayload: Bool = false,
            addContentSHA256Header: Bool = false,
            omitSessionTokenFromSignature: Bool = false
        ) {
            self.normalizePath = normalizePath
            self.doubleEncodePath = doubleEncodePath
            self.unsignedPayload = unsignedPayload
            self.addContentSHA256Header = addContentSHA256Header
            self.omitSessionTokenFromSignature = omitSessionTokenFromSignature
        }

        /// The defaults: normalise and double-encode the path, sign the payload.
        public static let standard = Options()
        /// S3's rules: the path is used as sent, and `X-Amz-Content-SHA256` is signed.
        public static let s3 = Options(normalizePath: false, doubleEncodePath: false, addContentSHA256Header: true)
    }

    /// The credentials that sign. Their secret never appears in any output except the signature.
    public var credentials: Credentials
    /// The region of the credential scope, for example `us-east-1`.
    public var region: String
    /// The service of the credential scope, for example `lambda`.
    public var service: String
    /// Service-specific switches.
    public var options: Options
    /// The cache of derived signing keys (shared by copies of this signer).
    public let keyCache: SigV4SigningKeyCache

    /// The presign expiry limits: 1 second to 7 days.
    public static let presignExpiryRange: ClosedRange<Int> = 1...604_800

    /// Headers AWS SDKs never sign (botocore's `SIGNED_HEADERS_BLACKLIST`), lower-cased.
    public static let neverSignedHeaders: Set<String> = [
        "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    /// Creates a signer.
    ///
    /// - Parameters:
    ///   - credentials: The access key, secret and optional session token.
    ///   - region: The region of the credential scope.
    ///   - service: The signing name of the service (`lambda`, `rds-db`, `s3`, `sts`…).
    ///   - options: Service-specific switches; ``Options-swift.struct/standard`` by default.
    ///   - keyCache: Where derived keys are kept; a new cache by default.
    public init(
        credentials: Credentials,
        region: String,
        service: String,
        options: Options = .standard,
        keyCache: SigV4SigningKeyCache = SigV4SigningKeyCache()
    ) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
        self.keyCache = keyCache
    }

    // MARK: - Public entry points

    /// Signs `request` in an `Authorization` header.
    ///
    /// Returns a copy of the request with `Host` (when absent, from the authority), `X-Amz-Date`,
    /// `X-Amz-Security-Token` (with a session token), `X-Amz-Content-SHA256` (for an unsigned
    /// payload or when ``Options-swift.struct/addContentSHA256Header`` is set) and `Authorization`.
    /// Existing `Authorization` and `X-Amz-Date` headers are replaced, and so is
    /// `X-Amz-Security-Token` when the credentials have a token.
    ///
    /// - Parameters:
    ///   - request: The request as it will be sent; its `path` holds the percent-encoded path and query.
    ///   - body: The body bytes (hashed into the signature unless the payload is unsigned).
    ///   - time: The signing time.
    /// - Throws: ``SigV4Error/missingHost`` when there is neither a `Host` header nor an authority.
    public func sign(
        _ request: HTTPRequest,
        body: [UInt8] = [],
        at time: SigV4Timestamp
    ) throws(SigV4Error)
        -> HTTPRequest
    {
        var signed = request
        let result = try computeHeaderSigning(request, body: body, time: time, output: &signed)
        signed.headerFields.append(HTTPField(name: FieldNames.authorization, value: result.authorization))
        return signed
    }

    /// Computes the header signature of `request` without changing it: the canonical request,
    /// string to sign, signature and `Authorization` value that ``sign(_:body:at:)`` would use.
    public func signature(
        for request: HTTPRequest,
        body: [UInt8] = [],
        at time: SigV4Timestamp
    ) throws(SigV4Error)
        -> SigV4Signature
    {
        var unused = request
        let result = try computeHeaderSigning(request, body: body, time: time, output: &unused)
        return result.makeSignature(authorization: result.authorization)
    }

    /// Presigns `request`: the signing parameters go into the query, so the URL alone authorises it.
    ///
    /// The signed headers are `host` plus the request's own headers (except those never signed);
    /// they must be sent with the URL. The session token goes into the query (`X-Amz-Security-Token`)
    /// and is signed unless ``Options-swift.struct/omitSessionTokenFromSignature`` is set. The path
    /// is kept as it is; the parameters are appended after the existing query in the order
    /// `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-SignedHeaders`, `X-Amz-Expires`,
    /// `X-Amz-Security-Token`, `X-Amz-Signature`. The payload hash is the body's SHA-256 (empty
    /// body: the empty-string hash), or `UNSIGNED-PAYLOAD` with ``Options-swift.struct/unsignedPayload``.
    ///
    /// - Parameters:
    ///   - request: The request to presign.
    ///   - body: The body bytes.
    ///   - expires: Seconds the URL stays valid, 1 … 604 800.
    ///   - time: The signing time.
    /// - Throws: ``SigV4Error/invalidExpiry`` outside 1 s … 7 days; ``SigV4Error/missingHost``.
    public func presign(
        _ request: HTTPRequest,
        body: [UInt8] = [],
        expires: Int,
        at time: SigV4Timestamp
    )
        throws(SigV4Error) -> SigV4PresignedRequest
    {
        guard Self.presignExpiryRange.contains(expires) else {
            throw SigV4Error(
                code: .invalidExpiry,
                message: "presign expiry must be between 1 and 604800 seconds (7 days), got \(expires)"
            )
        }
        return try computeQuerySigning(request, body: body, expires: expires, time: time)
    }

    // MARK: - Header signing

    struct Computed {
        var canonicalRequest: [UInt8]
        var stringToSign: [UInt8]
        var signature: [UInt8]
        var signedHeaders: [UInt8]
        var scope: [UInt8]
        var payloadHash: [UInt8]
        var authorization: String

        func makeSignature(authorization: String?) -> SigV4Signature {
            SigV4Signature(
                canonicalRequest: String(decoding: canonicalRequest, as: UTF8.self),
                stringToSign: String(decoding: stringToSign, as: UTF8.self),
                signature: String(decoding: signature, as: UTF8.self),
                signedHeaders: String(decoding: signedHeaders, as: UTF8.self),
                credentialScope: String(decoding: scope, as: UTF8.self),
                payloadHash: String(decoding: payloadHash, as: UTF8.self),
                authorization: authorization
            )
        }
    }

    /// A header that takes part in the signature.
    struct Entry {
        var name: String
        var order: Int
        var field: HTTPField
    }

    private func payloadHash(of body: [UInt8]) -> [UInt8] {
        options.unsignedPayload ? SigV4Bytes.unsignedPayload : SigV4Bytes.sha256Hex(body)
    }

    private func computeHeaderSigning(
        _ request: HTTPRequest,
        body: [UInt8],
        time: SigV4Timestamp,
        output: inout HTTPRequest
    ) throws(SigV4Error) -> Computed {
        let token = credentials.sessionToken
        var entries: [Entry] = []
        entries.reserveCapacity(request.headerFields.count + 4)
        var hasHost = false
        var hasContentSHA256 = false
        var removeAuthorization = false
        var removeDate = false
        var removeToken = false
        var order = 0
        for field in request.headerFields {
            let name = field.name.canonicalName
            switch name {
            case "authorization":
                removeAuthorization = true
                continue
            case "x-amz-date":
                removeDate = true
                continue
            case "x-amz-security-token" where token != nil:
                removeToken = true
                continue
            case "host":
                hasHost = true
            case "x-amz-content-sha256":
                hasContentSHA256 = true
            default:
                if Self.isNeverSigned(name) { continue }
            }
            entries.append(Entry(name: name, order: order, field: field))
            order += 1
        }
        if removeAuthorization { output.headerFields[FieldNames.authorization] = nil }
        if removeDate { output.headerFields[FieldNames.amzDate] = nil }
        if removeToken { output.headerFields[FieldNames.securityToken] = nil }

        if !hasHost {
            let field = HTTPField(name: FieldNames.host, value: try Self.hostValue(of: request))
            entries.append(Entry(name: "host", order: order, field: field))
            output.headerFields.append(field)
            order += 1
        }
        let dateField = HTTPField(name: FieldNames.amzDate, value: time.amzDate)
        entries.append(Entry(name: "x-amz-date", order: order, field: dateField))
        output.headerFields.append(dateField)
        order += 1
        if let token {
            let field = HTTPField(name: FieldNames.securityToken, value: token)
            if !options.omitSessionTokenFromSignature {
                entries.append(Entry(name: "x-amz-security-token", order: order, field: field))
                order += 1
            }
            output.headerFields.append(field)
        }
        let hash = payloadHash(of: body)
        if (options.unsignedPayload || options.addContentSHA256Header) && !hasContentSHA256 {
            let field = HTTPField(name: FieldNames.contentSHA256, value: hash)
            entries.append(Entry(name: "x-amz-content-sha256", order: order, field: field))
            output.headerFields.append(field)
            order += 1
        }
        Self.sortEntries(&entries)

        var canonical: [UInt8] = []
        canonical.reserveCapacity(512)
        appendMethodAndPath(request, to: &canonical)
        var path = request.path ?? "/"
        path.withUTF8 { bytes in
            let query = Self.querySlice(bytes)
            Self.appendCanonicalQuery(query, extra: [], to: &canonical)
        }
        canonical.append(UInt8(ascii: "\n"))
        let signedHeaders = Self.appendCanonicalHeaders(entries, to: &canonical)
        canonical.append(UInt8(ascii: "\n"))
        canonical.append(contentsOf: signedHeaders)
        canonical.append(UInt8(ascii: "\n"))
        canonical.append(contentsOf: hash)

        var computed = finish(canonical: canonical, signedHeaders: signedHeaders, payloadHash: hash, time: time)
        var authorization: [UInt8] = []
        authorization.reserveCapacity(256)
        authorization.append(contentsOf: "AWS4-HMAC-SHA256 Credential=".utf8)
        authorization.append(contentsOf: credentials.accessKeyID.utf8)
        authorization.append(UInt8(ascii: "/"))
        authorization.append(contentsOf: computed.scope)
        authorization.append(contentsOf: ", SignedHeaders=".utf8)
        authorization.append(contentsOf: signedHeaders)
        authorization.append(contentsOf: ", Signature=".utf8)
        authorization.append(contentsOf: computed.signature)
        computed.authorization = String(decoding: authorization, as: UTF8.self)
        return computed
    }

    // MARK: - Query signing

    private func computeQuerySigning(
        _ request: HTTPRequest,
        body: [UInt8],
        expires: Int,
        time: SigV4Timestamp
    )
        throws(SigV4Error) -> SigV4PresignedRequest
    {
        var entries: [Entry] = []
        entries.reserveCapacity(request.headerFields.count + 1)
        var hasHost = false
        var order = 0
        for field in request.headerFields {
            let name = field.name.canonicalName
            if name == "authorization" || Self.isNeverSigned(name) { continue }
            if name == "host" { hasHost = true }
            entries.append(Entry(name: name, order: order, field: field))
            order += 1
        }
        let hostValue: String
        if hasHost {
            hostValue = request.headerFields[FieldNames.host] ?? ""
        } else {
            hostValue = try Self.hostValue(of: request)
            entries.append(Entry(name: "host", order: order, field: HTTPField(name: FieldNames.host, value: hostValue)))
        }
        Self.sortEntries(&entries)
        var signedHeaders: [UInt8] = []
        for (index, entry) in entries.enumerated() where index == 0 || entries[index - 1].name != entry.name {
            if !signedHeaders.isEmpty { signedHeaders.append(UInt8(ascii: ";")) }
            signedHeaders.append(contentsOf: entry.name.utf8)
        }
        let scope = scopeBytes(time)
        var credential = Array(credentials.accessKeyID.utf8)
        credential.append(UInt8(ascii: "/"))
        credential.append(contentsOf: scope)

        // The parameters in the order they are appended to the URL.
        var parameters: [(key: [UInt8], value: [UInt8])] = [
            (Array("X-Amz-Algorithm".utf8), Array("AWS4-HMAC-SHA256".utf8)),
            (Array("X-Amz-Credential".utf8), Self.encoded(credential)),
            (Array("X-Amz-Date".utf8), Array(time.amzDate.utf8)),
            (Array("X-Amz-SignedHeaders".utf8), Self.encoded(signedHeaders)),
            (Array("X-Amz-Expires".utf8), Array(String(expires).utf8)),
        ]
        var signedParameters = parameters
        if let token = credentials.sessionToken {
            let pair = (key: Array("X-Amz-Security-Token".utf8), value: Self.encoded(Array(token.utf8)))
            parameters.append(pair)
            if !options.omitSessionTokenFromSignature { signedParameters.append(pair) }
        }
        let hash = payloadHash(of: body)

        var canonical: [UInt8] = []
        canonical.reserveCapacity(768)
        appendMethodAndPath(request, to: &canonical)
        var path = request.path ?? "/"
        path.withUTF8 { bytes in
            Self.appendCanonicalQuery(Self.querySlice(bytes), extra: signedParameters, to: &canonical)
        }
        canonical.append(UInt8(ascii: "\n"))
        _ = Self.appendCanonicalHeaders(entries, to: &canonical)
        canonical.append(UInt8(ascii: "\n"))
        canonical.append(contentsOf: signedHeaders)
        canonical.append(UInt8(ascii: "\n"))
        canonical.append(contentsOf: hash)
        let computed = finish(canonical: canonical, signedHeaders: signedHeaders, payloadHash: hash, time: time)

        var suffix: [UInt8] = []
        for parameter in parameters {
            if !suffix.isEmpty { suffix.append(UInt8(ascii: "&")) }
            suffix.append(contentsOf: parameter.key)
            suffix.append(UInt8(ascii: "="))
            suffix.append(contentsOf: parameter.value)
        }
        suffix.append(contentsOf: "&X-Amz-Signature=".utf8)
        suffix.append(contentsOf: computed.signature)

        let originalPath = request.path ?? "/"
        let separator: String
        if let mark = originalPath.utf8.firstIndex(of: UInt8(ascii: "?")) {
            separator = originalPath.utf8.index(after: mark) == originalPath.utf8.endIndex ? "" : "&"
        } else {
            separator = "?"
        }
        var presigned = request
        presigned.path = originalPath + separator + String(decoding: suffix, as: UTF8.self)
        let authority = request.authority ?? hostValue
        let url = (request.scheme ?? "https") + "://" + authority + (presigned.path ?? "")
        return SigV4PresignedRequest(request: presigned, url: url, signing: computed.makeSignature(authorization: nil))
    }

    // MARK: - Shared steps

    private func scopeBytes(_ time: SigV4Timestamp) -> [UInt8] {
        var scope: [UInt8] = []
        scope.reserveCapacity(32 + region.utf8.count + service.utf8.count)
        scope.append(contentsOf: time.dateStamp.utf8)
        scope.append(UInt8(ascii: "/"))
        scope.append(contentsOf: region.utf8)
        scope.append(UInt8(ascii: "/"))
        scope.append(contentsOf: service.utf8)
        scope.append(contentsOf: "/aws4_request".utf8)
        return scope
    }

    /// Hashes the canonical request, builds the string to sign and signs it with the cached key.
    private func finish(
        canonical: [UInt8],
        signedHeaders: [UInt8],
        payloadHash: [UInt8],
        time: SigV4Timestamp
    )
        -> Computed
    {
        let scope = scopeBytes(time)
        var stringToSign: [UInt8] = []
        stringToSign.reserveCapacity(128 + scope.count)
        stringToSign.append(contentsOf: "AWS4-HMAC-SHA256\n".utf8)
        stringToSign.append(contentsOf: time.amzDate.utf8)
        stringToSign.append(UInt8(ascii: "\n"))
        stringToSign.append(contentsOf: scope)
        stringToSign.append(UInt8(ascii: "\n"))
        SigV4Bytes.sha256(canonical).withUnsafeBytes { SigV4Bytes.appendHex($0, to: &stringToSign) }
        let key = keyCache.prepared(
            secretAccessKey: credentials.secretAccessKey,
            dateStamp: time.dateStamp,
            region: region,
            service: service
        )
        var signature: [UInt8] = []
        signature.reserveCapacity(64)
        key.appendHexMAC(of: stringToSign, to: &signature)
        return Computed(
            canonicalRequest: canonical,
            stringToSign: stringToSign,
            signature: signature,
            signedHeaders: signedHeaders,
            scope: scope,
            payloadHash: payloadHash,
            authorization: ""
        )
    }

    /// Appends `METHOD\n<canonical path>\n`.
    private func appendMethodAndPath(_ request: HTTPRequest, to canonical: inout [UInt8]) {
        canonical.append(contentsOf: request.method.rawValue.utf8)
        canonical.append(UInt8(ascii: "\n"))
        var path = request.path ?? "/"
        let normalize = options.normalizePath
        let doubleEncode = options.doubleEncodePath
        path.withUTF8 { bytes in
            let end = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.count
            let raw = UnsafeBufferPointer(rebasing: bytes[0..<end])
            if normalize && SigV4Bytes.needsNormalization(raw) {
                let normalized = SigV4Bytes.removeDotSegments(raw)
                Self.appendPath(normalized.isEmpty ? [UInt8(ascii: "/")] : normalized, doubleEncode, &canonical)
            } else if raw.isEmpty {
                canonical.append(UInt8(ascii: "/"))
            } else {
                Self.appendPath(raw, doubleEncode, &canonical)
            }
        }
        canonical.append(UInt8(ascii: "\n"))
    }

    @inline(__always)
    private static func appendPath(_ path: some Sequence<UInt8>, _ encode: Bool, _ canonical: inout [UInt8]) {
        if encode {
            SigV4Bytes.appendPercentEncoded(path, keepSlash: true, to: &canonical)
        } else {
            canonical.append(contentsOf: path)
        }
    }

    /// The query part after the first `?` (empty when there is none).
    private static func querySlice(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let mark = bytes.firstIndex(of: UInt8(ascii: "?")) else {
            return UnsafeBufferPointer(rebasing: bytes[bytes.count...])
        }
        return UnsafeBufferPointer(rebasing: bytes[(mark + 1)...])
    }

    /// Appends the canonical query (no trailing newline): the request's pairs decoded and encoded
    /// again, plus `extra` pairs that are already encoded, sorted by key then value.
    private static func appendCanonicalQuery(
        _ query: UnsafeBufferPointer<UInt8>,
        extra: [(key: [UInt8], value: [UInt8])],
        to canonical: inout [UInt8]
    ) {
        if query.isEmpty && extra.isEmpty { return }
        var pairs = extra
        let bytes = Array(query)
        for piece in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let key: ArraySlice<UInt8>
            let value: ArraySlice<UInt8>
            if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                key = piece[piece.startIndex..<equals]
                value = piece[(equals + 1)...]
            } else {
                key = piece
                value = []
            }
            pairs.append((encoded(SigV4Bytes.percentDecoded(key)), encoded(SigV4Bytes.percentDecoded(value))))
        }
        pairs.sort { lhs, rhs in
            lhs.key == rhs.key ? SigV4Bytes.precedes(lhs.value, rhs.value) : SigV4Bytes.precedes(lhs.key, rhs.key)
        }
        for (index, pair) in pairs.enumerated() {
            if index > 0 { canonical.append(UInt8(ascii: "&")) }
            canonical.append(contentsOf: pair.key)
            canonical.append(UInt8(ascii: "="))
            canonical.append(contentsOf: pair.value)
        }
    }

    /// Appends `name:value\n` lines for sorted entries, merging repeated names with `,`.
    /// Returns the signed header names joined with `;`.
    private static func appendCanonicalHeaders(_ entries: [Entry], to canonical: inout [UInt8]) -> [UInt8] {
        var signedHeaders: [UInt8] = []
        signedHeaders.reserveCapacity(entries.count * 16)
        for index in entries.indices {
            let entry = entries[index]
            if index > 0 && entries[index - 1].name == entry.name {
                canonical.append(UInt8(ascii: ","))
            } else {
                if index > 0 {
                    canonical.append(UInt8(ascii: "\n"))
                    signedHeaders.append(UInt8(ascii: ";"))
                }
                canonical.append(contentsOf: entry.name.utf8)
                canonical.append(UInt8(ascii: ":"))
                signedHeaders.append(contentsOf: entry.name.utf8)
            }
            entry.field.withUnsafeBytesOfValue { appendTrimmedValue($0, to: &canonical) }
        }
        if !entries.isEmpty { canonical.append(UInt8(ascii: "\n")) }
        return signedHeaders
    }

    /// Appends a header value trimmed, with inner runs of spaces and tabs collapsed to one space.
    @inline(__always)
    private static func appendTrimmedValue(_ value: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var started = false
        var pendingSpace = false
        for byte in value {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                pendingSpace = started
            } else {
                if pendingSpace { output.append(UInt8(ascii: " ")) }
                pendingSpace = false
                started = true
                output.append(byte)
            }
        }
    }

    /// Stable insertion sort by name (few headers: faster than a general sort, and stable).
    private static func sortEntries(_ entries: inout [Entry]) {
        guard entries.count > 1 else { return }
        for index in 1..<entries.count {
            let current = entries[index]
            var position = index
            while position > 0 && current.name.utf8.lexicographicallyPrecedes(entries[position - 1].name.utf8) {
                entries[position] = entries[position - 1]
                position -= 1
            }
            if position != index { entries[position] = current }
        }
    }

    private static func encoded(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        SigV4Bytes.appendPercentEncoded(bytes, keepSlash: false, to: &output)
        return output
    }

    static func isNeverSigned(_ name: String) -> Bool {
        switch name {
        case "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
            "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id":
            return true
        default:
            return false
        }
    }

    /// The `Host` value derived from the authority: without user info, lower-cased, without the
    /// scheme's default port (as botocore does).
    static func hostValue(of request: HTTPRequest) throws(SigV4Error) -> String {
        guard let authority = request.authority, !authority.isEmpty else {
            throw SigV4Error(code: .missingHost, message: "the request has no Host header and no authority")
        }
        // Fast path: a plain lower-case host name without user info or port is used as it is.
        var plain = true
        for byte in authority.utf8
        where byte == UInt8(ascii: "@") || byte == UInt8(ascii: ":")
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
        {
            plain = false
            break
        }
        if plain { return authority }

        var host = Substring(authority)
        if let at = host.lastIndex(of: "@") {
            host = host[host.index(after: at)...]
        }
        var lowered = host.lowercased()
        let scheme = request.scheme?.lowercased()
        if scheme == "https", lowered.hasSuffix(":443") {
            lowered.removeLast(4)
        } else if scheme == "http", lowered.hasSuffix(":80") {
            lowered.removeLast(3)
        }
        return lowered
    }
}

/// Field names the signer adds.
enum FieldNames {
    // The literals are valid tokens, so the fallbacks are never used.
    static let amzDate = HTTPField.Name("X-Amz-Date") ?? .authorization
    static let securityToken = HTTPField.Name("X-Amz-Security-Token") ?? .authorization
    static let contentSHA256 = HTTPField.Name("X-Amz-Content-SHA256") ?? .authorization
    static let host = HTTPField.Name("Host") ?? .authorization
    static let authorization = HTTPField.Name.authorization
}
