public import HTTPTypes

extension HTTPTransportResponse {
    /// Creates a response from a status, header fields and a body.
    ///
    /// - Parameters:
    ///   - status: The status, e.g. `.ok`.
    ///   - headerFields: The header fields.
    ///   - body: The body.
    public init(status: HTTPResponse.Status, headerFields: HTTPFields = [:], body: [UInt8] = []) {
        self.init(head: HTTPResponse(status: status, headerFields: headerFields), body: body)
    }

    /// A response with a `Content-Type: application/json` body, for test doubles.
    ///
    /// - Parameters:
    ///   - text: The JSON text.
    ///   - status: The status; `200 OK` by default.
    /// - Returns: The response.
    public static func json(_ text: String, status: HTTPResponse.Status = .ok) -> HTTPTransportResponse {
        HTTPTransportResponse(status: status, headerFields: [.contentType: "application/json"], body: Array(text.utf8))
    }

    /// The body decoded as UTF-8 (invalid bytes are replaced), for messages and tests.
    public var bodyText: String {
        String(decoding: body, as: UTF8.self)
    }
}
