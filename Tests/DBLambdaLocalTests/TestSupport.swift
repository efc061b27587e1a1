import DBLambdaHTTP
import DBLambdaLocal
import DBLambdaSigV4
import Foundation
import HTTPTypes
import Logging
import Testing

/// Keys the raw-HTTP tests configure on the server.
enum TestKeys {
    static let accessKeyID = "AKIDLOCALRAWTEST0001"
    static let secretAccessKey = "local/raw/test/secret/00000000000000000"
    static let credentials = Credentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey)
}

/// Sends raw HTTP requests to a local server, signed or not, and exposes the response's headers by name.
struct RawClient {
    let server: LocalLambdaServer
    let transport: any HTTPTransport

    /// Sends `POST path` with `headers` and `body`; signs with `credentials` at `date` unless `credentials` is nil.
    func post(
        _ path: String,
        headers: [(String, String)] = [],
        body: [UInt8] = Array("{}".utf8),
        credentials: Credentials? = TestKeys.credentials,
        region: String = "us-east-1",
        date: Date = Date(),
        method: HTTPRequest.Method = .post
    ) async throws -> HTTPTransportResponse {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in headers {
            fields.append(HTTPField(name: try #require(HTTPField.Name(name)), value: value))
        }
        var request = HTTPRequest(
            method: method,
            scheme: "http",
            authority: "127.0.0.1:\(server.port)",
            path: path,
            headerFields: fields
        )
        if let credentials {
            let signer = SigV4Signer(credentials: credentials, region: region, service: "lambda")
            request = try signer.sign(request, body: body, at: SigV4Timestamp(date))
        }
        return try await transport.send(request, body: body, options: HTTPRequestOptions(), logger: Logger(label: "t"))
    }
}

/// Starts a server with `configuration` (signature checking with ``TestKeys`` unless `signed` is false), runs
/// `body` with a raw client, and shuts everything down.
func withRawServer<Result: Sendable>(
    _ configuration: LocalLambdaServer.Configuration,
    signed: Bool = true,
    _ body: (LocalLambdaServer, RawClient) async throws -> Result
) async throws -> Result {
    var configuration = configuration
    if signed { configuration.credentials = [TestKeys.accessKeyID: TestKeys.secretAccessKey] }
    let server = try await LocalLambdaServer.start(configuration)
    do {
        let result = try await AsyncHTTPClientTransport.withTransport { transport in
            try await body(server, RawClient(server: server, transport: transport))
        }
        try await server.shutdown()
        return result
    } catch {
        try? await server.shutdown()
        throw error
    }
}

extension HTTPTransportResponse {
    func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { head.headerFields[$0] }
    }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }
}

/// A handler that echoes the payload and logs a line.
let echoHandler = LocalLambdaHandler.closure { invocation in
    LocalInvocationResponse(payload: invocation.payload, log: "echo \(invocation.payload.count) bytes")
}

/// The invoke path of a function identifier, percent-encoding `:` and `$` as SDKs do.
func invokePath(_ function: String, qualifier: String? = nil) -> String {
    let encoded = function.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: "$", with: "%24")
    return "/2015-03-31/functions/\(encoded)/invocations" + (qualifier.map { "?Qualifier=\($0)" } ?? "")
}

/// Counts calls; handlers signal through it.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String] = []

    func record(_ value: String) {
        lock.lock()
        values.append(value)
        lock.unlock()
    }

    var recorded: [String] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
}
