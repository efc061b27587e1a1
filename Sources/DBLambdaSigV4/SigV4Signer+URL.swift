public import HTTPTypes

extension SigV4Signer {
    /// Builds an `HTTPRequest` from a method, a URL as it is sent on the wire and header fields.
    ///
    /// The URL is taken as given (no percent-encoding is added or removed): `scheme://authority`
    /// followed by the path and query; a fragment is dropped, user info is removed from the
    /// authority, and an empty path becomes `/`. Raw non-ASCII bytes and spaces in the path are
    /// kept (AWS's test suite uses them), but control characters are refused.
    ///
    /// - Throws: ``SigV4Error/invalidURL`` (no scheme, no host, control characters, a space in
    ///   the authority) or ``SigV4Error/invalidMethod``.
    public static func request(
        method: String,
        url: String,
        headerFields: HTTPFields = HTTPFields()
    )
        throws(SigV4Error) -> HTTPRequest
    {
        guard let httpMethod = HTTPRequest.Method(method) else {
            throw SigV4Error(code: .invalidMethod, message: "method \"\(method)\" is not an HTTP token")
        }
        let parts = try parseURL(url)
        return HTTPRequest(
            method: httpMethod,
            scheme: parts.scheme,
            authority: parts.authority,
            path: parts.path,
            headerFields: headerFields
        )
    }

    /// Builds an `HTTPRequest` from a method, a URL as sent and `(name, value)` header pairs in
    /// order (repeated names allowed), as ``request(method:url:headerFields:)`` does.
    ///
    /// - Throws: ``SigV4Error/invalidHeaderName`` for a name that is not an HTTP token (non-ASCII,
    ///   spaces, colons…), besides the errors of ``request(method:url:headerFields:)``.
    public static func request(
        method: String,
        url: String,
        headers: [(name: String, value: String)]
    )
        throws(SigV4Error) -> HTTPRequest
    {
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count)
        for (index, header) in headers.enumerated() {
            guard let name = HTTPField.Name(header.name) else {
                throw SigV4Error(
                    code: .invalidHeaderName,
                    message:
                        "header \(index): name \"\(header.name)\" is not an HTTP token "
                        + "(ASCII letters, digits, !#$%&'*+-.^_`|~)"
                )
            }
            fields.append(HTTPField(name: name, value: header.value))
        }
        return try request(method: method, url: url, headerFields: fields)
    }

    /// Splits `scheme://authority/path?query#fragment` into scheme, authority and path-with-query.
    static func parseURL(_ url: String) throws(SigV4Error) -> (scheme: String, authority: String, path: String) {
        let bytes = Array(url.utf8)
        func fail(_ reason: String) -> SigV4Error {
            SigV4Error(code: .invalidURL, message: "invalid URL: \(reason)")
        }
        for byte in bytes where byte < 0x20 || byte == 0x7F {
            throw fail("it contains a control character")
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0,
            bytes.count >= colon + 3, bytes[colon + 1] == UInt8(ascii: "/"), bytes[colon + 2] == UInt8(ascii: "/")
        else {
            throw fail("expected scheme://host/path")
        }
        let scheme = bytes[..<colon]
        guard let firstScheme = scheme.first, Self.isASCIILetter(firstScheme),
            scheme.allSatisfy({
                Self.isASCIILetter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                    || $0 == UInt8(ascii: "+")
                    || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
            })
        else {
            throw fail("the scheme must be letters, digits, '+', '-' or '.'")
        }
        let authorityStart = colon + 3
        var authorityEnd = authorityStart
        while authorityEnd < bytes.count, bytes[authorityEnd] != UInt8(ascii: "/"),
            bytes[authorityEnd] != UInt8(ascii: "?"), bytes[authorityEnd] != UInt8(ascii: "#")
        {
            authorityEnd += 1
        }
        var authority = bytes[authorityStart..<authorityEnd]
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) {
            authority = authority[(at + 1)...]
        }
        guard !authority.isEmpty else { throw fail("the host is empty") }
        guard authority.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw fail("the host must be ASCII without spaces")
        }
        let fragment = bytes[authorityEnd...].firstIndex(of: UInt8(ascii: "#")) ?? bytes.count
        var path = Array(bytes[authorityEnd..<fragment])
        if path.first != UInt8(ascii: "/") { path.insert(UInt8(ascii: "/"), at: 0) }
        return (
            String(decoding: scheme, as: UTF8.self).lowercased(),
            String(decoding: authority, as: UTF8.self),
            String(decoding: path, as: UTF8.self)
        )
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}
