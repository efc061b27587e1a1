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
        var signing = try headerSigning(request, body: body, time: time)
        let authorization = authorization(signing)
        // Appended in place: `headerSigning` reserved room for it.
        signing.fields.append(HTTPField(name: FieldNames.authorization, value: authorization))
        var signed = request
        signed.headerFields = signing.fields
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
        let signing = try headerSigning(request, body: body, time: time)
        let canonical = signing.canonical
        return SigV4Signature(
            canonicalRequest: String(decoding: canonical, as: UTF8.self),
            stringToSign: withStringToSign(canonical: canonical, time: time) { String(decoding: $0, as: UTF8.self) },
            signature: Self.hexString(signing.mac),
            signedHeaders: String(decoding: canonical[signing.signedHeaders], as: UTF8.self),
            credentialScope: withScope(time) { String(decoding: $0, as: UTF8.self) },
            payloadHash: String(decoding: canonical[signing.payloadHash], as: UTF8.self),
            authorization: authorization(signing)
        )
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

    /// What header signing computes. The string to sign is rebuilt from it only when
    /// ``signature(for:body:at:)`` asks for it, so ``sign(_:body:at:)`` never allocates it.
    struct HeaderSigning {
        /// The header fields to send (the request's, minus the replaced ones, plus the added ones),
        /// without `Authorization`; room for it is reserved.
        var fields: HTTPFields
        /// The canonical request.
        var canonical: [UInt8]
        /// Where the signed header names sit in ``canonical``.
        var signedHeaders: Range<Int>
        /// Where the payload hash sits in ``canonical``.
        var payloadHash: Range<Int>
        /// The signature: HMAC-SHA256 of the string to sign with the signing key.
        var mac: SHA256Digest
        /// The signing time.
        var time: SigV4Timestamp
    }

    private func headerSigning(
        _ request: HTTPRequest,
        body: [UInt8],
        time: SigV4Timestamp
    ) throws(SigV4Error) -> HeaderSigning {
        let token = credentials.sessionToken
        // The output fields: a copy of the request's with room for Host, X-Amz-Date,
        // X-Amz-Security-Token, X-Amz-Content-SHA256 and Authorization, so that the copy-on-write
        // copy is made once, at the right size, and the appends below never reallocate.
        var fields = request.headerFields
        fields.reserveCapacity(fields.count + 5)
        var signed: [SignedHeader] = []
        signed.reserveCapacity(fields.count + 4)
        var values: [UInt8] = []  // the signed headers' trimmed values, see `SignedHeader.value`
        values.reserveCapacity(512)
        var hasHost = false
        var hasContentSHA256 = false
        var position = 0  // of `field` in `fields`, which loses the replaced headers
        for field in request.headerFields {
            let (kind, header) = Self.classify(field.name, index: position)
            switch kind {
            case .authorization, .amzDate:
                fields.remove(at: position)  // replaced
                continue
            case .securityToken where token != nil:
                fields.remove(at: position)  // replaced
                continue
            case .neverSigned:
                position += 1
                continue
            case .host:
                hasHost = true
            case .contentSHA256:
                hasContentSHA256 = true
            case .securityToken, .other:
                break
            }
            signed.append(Self.recording(header, valueOf: field, in: &values))
            position += 1
        }

        // The added headers, in this order; their sort keys are those of the literal names.
        if !hasHost {
            let field = HTTPField(name: FieldNames.host, value: try Self.hostValue(of: request))
            signed.append(Self.recording(SignedHeader("host", index: fields.count), valueOf: field, in: &values))
            fields.append(field)
        }
        let dateField = HTTPField(name: FieldNames.amzDate, value: time.amzDate)
        signed.append(Self.recording(SignedHeader("x-amz-date", index: fields.count), valueOf: dateField, in: &values))
        fields.append(dateField)
        if let token {
            let field = HTTPField(name: FieldNames.securityToken, value: token)
            if !options.omitSessionTokenFromSignature {
                let header = SignedHeader("x-amz-security-token", index: fields.count)
                signed.append(Self.recording(header, valueOf: field, in: &values))
            }
            fields.append(field)
        }
        let bodyHash = options.unsignedPayload || body.isEmpty ? nil : SigV4Bytes.sha256(body)
        if (options.unsignedPayload || options.addContentSHA256Header) && !hasContentSHA256 {
            var value: [UInt8] = []
            appendPayloadHash(bodyHash, to: &value)
            let field = HTTPField(name: FieldNames.contentSHA256, value: value)
            let header = SignedHeader("x-amz-content-sha256", index: fields.count)
            signed.append(Self.recording(header, valueOf: field, in: &values))
            fields.append(field)
        }
        Self.sort(&signed, fields: fields)

        var canonical: [UInt8] = []
        canonical.reserveCapacity(1024)
        appendMethodPathAndQuery(request, extraQuery: [], to: &canonical)
        Self.appendCanonicalHeaders(signed, fields: fields, values: values, to: &canonical)
        canonical.append(UInt8(ascii: "\n"))
        let signedHeadersStart = canonical.count
        Self.appendSignedHeaderNames(signed, fields: fields, to: &canonical)
        let signedHeaders = signedHeadersStart..<canonical.count
        canonical.append(UInt8(ascii: "\n"))
        let payloadHashStart = canonical.count
        appendPayloadHash(bodyHash, to: &canonical)
        return HeaderSigning(
            fields: fields,
            canonical: canonical,
            signedHeaders: signedHeaders,
            payloadHash: payloadHashStart..<canonical.count,
            mac: mac(canonical: canonical, time: time),
            time: time
        )
    }

    /// The `Authorization` value:
    /// `AWS4-HMAC-SHA256 Credential=<id>/<scope>, SignedHeaders=<names>, Signature=<hex>`.
    private func authorization(_ signing: borrowing HeaderSigning) -> String {
        // The closures below capture only these values, not the whole `HeaderSigning`.
        let canonical = signing.canonical
        let signedHeaders = signing.signedHeaders
        let mac = signing.mac
        return SigV4Bytes.withBytes(of: credentials.accessKeyID) { id in
            withScope(signing.time) { scope in
                canonical.withUnsafeBufferPointer { canonical in
                    let names = UnsafeBufferPointer(rebasing: canonical[signedHeaders])
                    let head: StaticString = "AWS4-HMAC-SHA256 Credential="
                    let middle: StaticString = ", SignedHeaders="
                    let tail: StaticString = ", Signature="
                    let length =
                        head.utf8CodeUnitCount + id.count + 1 + scope.count + middle.utf8CodeUnitCount + names.count
                        + tail.utf8CodeUnitCount + 2 * SHA256Digest.byteCount
                    // Written straight into the string's own storage: one allocation.
                    return String(unsafeUninitializedCapacity: length) { buffer in
                        var writer = ByteWriter(buffer)
                        writer.write(head)
                        writer.write(id)
                        writer.write(UInt8(ascii: "/"))
                        writer.write(scope)
                        writer.write(middle)
                        writer.write(names)
                        writer.write(tail)
                        mac.withUnsafeBytes { writer.writeHex($0) }
                        return writer.count
                    }
                }
            }
        }
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
        var fields = HTTPFields()
        fields.reserveCapacity(request.headerFields.count + 1)
        var signed: [SignedHeader] = []
        signed.reserveCapacity(request.headerFields.count + 1)
        var values: [UInt8] = []
        var hasHost = false
        for field in request.headerFields {
            let (kind, header) = Self.classify(field.name, index: fields.count)
            if kind == .authorization || kind == .neverSigned { continue }
            if kind == .host { hasHost = true }
            signed.append(Self.recording(header, valueOf: field, in: &values))
            fields.append(field)
        }
        let hostValue: String
        if hasHost {
            hostValue = request.headerFields[FieldNames.host] ?? ""
        } else {
            hostValue = try Self.hostValue(of: request)
            let field = HTTPField(name: FieldNames.host, value: hostValue)
            signed.append(Self.recording(SignedHeader("host", index: fields.count), valueOf: field, in: &values))
            fields.append(field)
        }
        Self.sort(&signed, fields: fields)
        var signedHeaders: [UInt8] = []
        Self.appendSignedHeaderNames(signed, fields: fields, to: &signedHeaders)
        var credential = Array(credentials.accessKeyID.utf8)
        credential.append(UInt8(ascii: "/"))
        withScope(time) { credential.append(contentsOf: $0) }

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
        let bodyHash = options.unsignedPayload || body.isEmpty ? nil : SigV4Bytes.sha256(body)

        var canonical: [UInt8] = []
        canonical.reserveCapacity(1024)
        appendMethodPathAndQuery(request, extraQuery: signedParameters, to: &canonical)
        Self.appendCanonicalHeaders(signed, fields: fields, values: values, to: &canonical)
        canonical.append(UInt8(ascii: "\n"))
        canonical.append(contentsOf: signedHeaders)
        canonical.append(UInt8(ascii: "\n"))
        let payloadHashStart = canonical.count
        appendPayloadHash(bodyHash, to: &canonical)
        let mac = mac(canonical: canonical, time: time)

        var suffix: [UInt8] = []
        for parameter in parameters {
            if !suffix.isEmpty { suffix.append(UInt8(ascii: "&")) }
            suffix.append(contentsOf: parameter.key)
            suffix.append(UInt8(ascii: "="))
            suffix.append(contentsOf: parameter.value)
        }
        suffix.append(contentsOf: "&X-Amz-Signature=".utf8)
        mac.withUnsafeBytes { SigV4Bytes.appendHex($0, to: &suffix) }

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
        let signing = SigV4Signature(
            canonicalRequest: String(decoding: canonical, as: UTF8.self),
            stringToSign: withStringToSign(canonical: canonical, time: time) { String(decoding: $0, as: UTF8.self) },
            signature: Self.hexString(mac),
            signedHeaders: String(decoding: signedHeaders, as: UTF8.self),
            credentialScope: withScope(time) { String(decoding: $0, as: UTF8.self) },
            payloadHash: String(decoding: canonical[payloadHashStart...], as: UTF8.self),
            authorization: nil
        )
        return SigV4PresignedRequest(request: presigned, url: url, signing: signing)
    }

    // MARK: - Shared steps

    /// Calls `body` with the credential scope `YYYYMMDD/region/service/aws4_request`, built on the stack.
    private func withScope<Result>(_ time: SigV4Timestamp, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        SigV4Bytes.withBytes(of: time.amzDate) { date in
            SigV4Bytes.withBytes(of: region) { region in
                SigV4Bytes.withBytes(of: service) { service in
                    let dateStamp = UnsafeBufferPointer(rebasing: date.prefix(8))
                    let tail: StaticString = "/aws4_request"
                    let length = dateStamp.count + 1 + region.count + 1 + service.count + tail.utf8CodeUnitCount
                    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { buffer in
                        var writer = ByteWriter(buffer)
                        writer.write(dateStamp)
                        writer.write(UInt8(ascii: "/"))
                        writer.write(region)
                        writer.write(UInt8(ascii: "/"))
                        writer.write(service)
                        writer.write(tail)
                        return body(writer.written)
                    }
                }
            }
        }
    }

    /// Calls `body` with the string to sign, built on the stack:
    /// `AWS4-HMAC-SHA256\n<X-Amz-Date>\n<scope>\n<hex SHA-256 of the canonical request>`.
    private func withStringToSign<Result>(
        canonical: [UInt8],
        time: SigV4Timestamp,
        _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        let hash = SigV4Bytes.sha256(canonical)
        return SigV4Bytes.withBytes(of: time.amzDate) { date in
            withScope(time) { scope in
                let head: StaticString = "AWS4-HMAC-SHA256\n"
                let length = head.utf8CodeUnitCount + date.count + 1 + scope.count + 1 + 2 * SHA256Digest.byteCount
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { buffer in
                    var writer = ByteWriter(buffer)
                    writer.write(head)
                    writer.write(date)
                    writer.write(UInt8(ascii: "\n"))
                    writer.write(scope)
                    writer.write(UInt8(ascii: "\n"))
                    hash.withUnsafeBytes { writer.writeHex($0) }
                    return body(writer.written)
                }
            }
        }
    }

    /// Signs the canonical request: HMAC-SHA256 of the string to sign with the cached signing key.
    private func mac(canonical: [UInt8], time: SigV4Timestamp) -> SHA256Digest {
        let key = keyCache.prepared(
            secretAccessKey: credentials.secretAccessKey,
            dateStamp: time.dateStamp,
            region: region,
            service: service
        )
        return withStringToSign(canonical: canonical, time: time) { key.mac(of: UnsafeRawBufferPointer($0)) }
    }

    /// Appends the payload hash: `UNSIGNED-PAYLOAD`, the hex `bodyHash`, or the empty body's hash.
    private func appendPayloadHash(_ bodyHash: SHA256Digest?, to output: inout [UInt8]) {
        if options.unsignedPayload {
            output.append(contentsOf: SigV4Bytes.unsignedPayload)
        } else if let bodyHash {
            bodyHash.withUnsafeBytes { SigV4Bytes.appendHex($0, to: &output) }
        } else {
            output.append(contentsOf: SigV4Bytes.emptyPayloadHash)
        }
    }

    static func hexString(_ digest: SHA256Digest) -> String {
        String(unsafeUninitializedCapacity: 2 * SHA256Digest.byteCount) { buffer in
            var writer = ByteWriter(buffer)
            digest.withUnsafeBytes { writer.writeHex($0) }
            return writer.count
        }
    }

    /// Appends `METHOD\n<canonical path>\n<canonical query>\n`.
    private func appendMethodPathAndQuery(
        _ request: HTTPRequest,
        extraQuery: [(key: [UInt8], value: [UInt8])],
        to canonical: inout [UInt8]
    ) {
        SigV4Bytes.append(request.method.rawValue, to: &canonical)
        canonical.append(UInt8(ascii: "\n"))
        var path = request.path ?? "/"
        let normalize = options.normalizePath
        let doubleEncode = options.doubleEncodePath
        path.withUTF8 { bytes in
            let mark = bytes.firstIndex(of: UInt8(ascii: "?"))
            let raw = UnsafeBufferPointer(rebasing: bytes[0..<(mark ?? bytes.count)])
            if normalize && SigV4Bytes.needsNormalization(raw) {
                let normalized = SigV4Bytes.removeDotSegments(raw)
                Self.appendPath(normalized.isEmpty ? [UInt8(ascii: "/")] : normalized, doubleEncode, &canonical)
            } else if raw.isEmpty {
                canonical.append(UInt8(ascii: "/"))
            } else {
                Self.appendPath(raw, doubleEncode, &canonical)
            }
            canonical.append(UInt8(ascii: "\n"))
            let query = UnsafeBufferPointer(rebasing: bytes[(mark.map { $0 + 1 } ?? bytes.count)...])
            Self.appendCanonicalQuery(query, extra: extraQuery, to: &canonical)
            canonical.append(UInt8(ascii: "\n"))
        }
    }

    @inline(__always)
    private static func appendPath(_ path: some Sequence<UInt8>, _ encode: Bool, _ canonical: inout [UInt8]) {
        if encode {
            SigV4Bytes.appendPercentEncoded(path, keepSlash: true, to: &canonical)
        } else {
            canonical.append(contentsOf: path)
        }
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

    // MARK: - Canonical headers

    /// How the signer treats a header, by its lower-cased name.
    enum HeaderKind {
        case authorization, amzDate, securityToken, host, contentSHA256, neverSigned, other
    }

    /// A header that takes part in the signature: its name, inline, and where it sits in the field list.
    struct SignedHeader {
        /// The lower-cased name's first 32 bytes, zero-padded, as four big-endian words. A name never
        /// holds a zero byte, so comparing the words orders names as comparing their bytes does, and
        /// equal words mean equal names unless both are longer than 32 bytes. Almost every name fits,
        /// so sorting, grouping and writing names works on these plain integers and never goes
        /// back to the `HTTPField` (each trip there retains and releases three strings).
        var words: (UInt64, UInt64, UInt64, UInt64)
        /// The name's length in bytes.
        var length: Int
        /// The position of the field in the field list.
        var index: Int
        /// Where the field's trimmed value sits in the scratch buffer of values. The values are
        /// copied there while the fields are read in order, so that writing them in sorted order
        /// does not fetch (and retain) each `HTTPField` a second time.
        var value: Range<Int> = 0..<0

        static let inlineCapacity = 32

        init(name: UnsafeBufferPointer<UInt8>, index: Int) {
            func word(_ start: Int) -> UInt64 {
                var word: UInt64 = 0
                for position in start..<(start + 8) {
                    word = word << 8 | (position < name.count ? UInt64(name[position]) : 0)
                }
                return word
            }
            self.words = (word(0), word(8), word(16), word(24))
            self.length = name.count
            self.index = index
        }

        init(_ name: StaticString, index: Int) {
            self = name.withUTF8Buffer { SignedHeader(name: $0, index: index) }
        }

        /// Whether ``words`` hold the whole name.
        var isInline: Bool { length <= Self.inlineCapacity }

        /// Calls `body` with the name's bytes taken from ``words``; only for ``isInline`` names.
        func withInlineName<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
            var bigEndian = (words.0.bigEndian, words.1.bigEndian, words.2.bigEndian, words.3.bigEndian)
            let count = min(length, Self.inlineCapacity)
            return withUnsafeBytes(of: &bigEndian) { body(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
        }
    }

    /// The kind of a header name, and its ``SignedHeader`` for position `index`.
    static func classify(_ name: HTTPField.Name, index: Int) -> (kind: HeaderKind, header: SignedHeader) {
        SigV4Bytes.withBytes(of: name.canonicalName) { (kind(of: $0), SignedHeader(name: $0, index: index)) }
    }

    /// The kind of a lower-cased header name; the never-signed names are ``neverSignedHeaders``.
    private static func kind(of name: UnsafeBufferPointer<UInt8>) -> HeaderKind {
        func isName(_ literal: StaticString) -> Bool {
            literal.withUTF8Buffer { name.elementsEqual($0) }
        }
        // Compare the length first: most names are then rejected without reading them.
        switch name.count {
        case 2:
            return isName("te") ? .neverSigned : .other
        case 4:
            return isName("host") ? .host : .other
        case 6:
            return isName("expect") ? .neverSigned : .other
        case 7:
            return isName("upgrade") || isName("trailer") ? .neverSigned : .other
        case 10:
            if isName("x-amz-date") { return .amzDate }
            return isName("connection") || isName("keep-alive") || isName("user-agent") ? .neverSigned : .other
        case 13:
            return isName("authorization") ? .authorization : .other
        case 15:
            return isName("x-amzn-trace-id") ? .neverSigned : .other
        case 17:
            return isName("transfer-encoding") ? .neverSigned : .other
        case 18:
            return isName("proxy-authenticate") ? .neverSigned : .other
        case 19:
            return isName("proxy-authorization") ? .neverSigned : .other
        case 20:
            if isName("x-amz-security-token") { return .securityToken }
            return isName("x-amz-content-sha256") ? .contentSHA256 : .other
        default:
            return .other
        }
    }

    /// Whether two signed headers have the same name.
    @inline(__always)
    private static func sameName(_ lhs: SignedHeader, _ rhs: SignedHeader, _ fields: HTTPFields) -> Bool {
        guard lhs.words == rhs.words, lhs.length == rhs.length else { return false }
        return lhs.isInline || fields[lhs.index].name.canonicalName == fields[rhs.index].name.canonicalName
    }

    /// Whether `lhs`'s name sorts before `rhs`'s (byte order).
    @inline(__always)
    private static func precedes(_ lhs: SignedHeader, _ rhs: SignedHeader, _ fields: HTTPFields) -> Bool {
        if lhs.words != rhs.words { return lhs.words < rhs.words }
        if lhs.isInline && rhs.isInline { return false }  // the same name
        return fields[lhs.index].name.canonicalName.utf8.lexicographicallyPrecedes(
            fields[rhs.index].name.canonicalName.utf8
        )
    }

    /// Appends the name of a signed header.
    @inline(__always)
    private static func appendName(of header: SignedHeader, _ fields: HTTPFields, to output: inout [UInt8]) {
        if header.isInline {
            header.withInlineName { output.append(contentsOf: $0) }
        } else {
            SigV4Bytes.append(fields[header.index].name.canonicalName, to: &output)
        }
    }

    /// Stable insertion sort by name (few headers: faster than a general sort, and stable, so the
    /// values of a repeated name keep their order).
    private static func sort(_ signed: inout [SignedHeader], fields: HTTPFields) {
        guard signed.count > 1 else { return }
        for index in 1..<signed.count {
            let current = signed[index]
            var position = index
            while position > 0 && precedes(current, signed[position - 1], fields) {
                signed[position] = signed[position - 1]
                position -= 1
            }
            if position != index { signed[position] = current }
        }
    }

    /// Appends `name:value\n` lines for the sorted headers, joining the values of a repeated name with `,`.
    private static func appendCanonicalHeaders(
        _ signed: [SignedHeader],
        fields: HTTPFields,
        values: [UInt8],
        to canonical: inout [UInt8]
    ) {
        values.withUnsafeBufferPointer { values in
            for position in signed.indices {
                if position > 0 && sameName(signed[position - 1], signed[position], fields) {
                    canonical.append(UInt8(ascii: ","))
                } else {
                    if position > 0 { canonical.append(UInt8(ascii: "\n")) }
                    appendName(of: signed[position], fields, to: &canonical)
                    canonical.append(UInt8(ascii: ":"))
                }
                canonical.append(contentsOf: UnsafeBufferPointer(rebasing: values[signed[position].value]))
            }
        }
        if !signed.isEmpty { canonical.append(UInt8(ascii: "\n")) }
    }

    /// `header` with ``SignedHeader/value`` set: `field`'s value, trimmed, appended to `values`.
    private static func recording(
        _ header: SignedHeader,
        valueOf field: HTTPField,
        in values: inout [UInt8]
    ) -> SignedHeader {
        var header = header
        let start = values.count
        field.withUnsafeBytesOfValue { SigV4Bytes.appendTrimmedValue($0, to: &values) }
        header.value = start..<values.count
        return header
    }

    /// Appends the names of the sorted headers, each once, joined with `;`.
    private static func appendSignedHeaderNames(
        _ signed: [SignedHeader],
        fields: HTTPFields,
        to output: inout [UInt8]
    ) {
        for position in signed.indices {
            if position > 0 {
                if sameName(signed[position - 1], signed[position], fields) { continue }
                output.append(UInt8(ascii: ";"))
            }
            appendName(of: signed[position], fields, to: &output)
        }
    }

    private static func encoded(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        SigV4Bytes.appendPercentEncoded(bytes, keepSlash: false, to: &output)
        return output
    }

    /// The `Host` value derived from the authority: without user info, lower-cased, without the
    /// scheme's default port (as botocore does).
    static func hostValue(of request: HTTPRequest) throws(SigV4Error) -> String {
        guard let authority = request.authority, !authority.isEmpty else {
            throw SigV4Error(code: .missingHost, message: "the request has no Host header and no authority")
        }
        // Fast path: a plain lower-case host name without user info or port is used as it is.
        var bytes = authority
        let plain = bytes.withUTF8 { bytes in
            !bytes.contains { byte in
                byte == UInt8(ascii: "@") || byte == UInt8(ascii: ":")
                    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            }
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
