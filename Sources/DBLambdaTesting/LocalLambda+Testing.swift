import DBLambdaCredentials
import DBLambdaHTTP
public import DBLambdaInvoke
public import DBLambdaLocal

/// The keys ``withLocalLambda(handler:configuration:_:)`` configures on both sides: the local server accepts
/// exactly these, and the client signs with them.
public enum LocalLambdaTestKeys: Sendable {
    /// The access key id.
    public static let accessKeyID = "AKIDLOCALLAMBDATEST1"
    /// The secret access key (a test value, not a secret).
    public static let secretAccessKey = "dblambda/local/test/secret/0000000000000"
}

/// Runs `body` with a `LocalLambdaServer` on `127.0.0.1` and a free port and a `LambdaClient` pointed at it,
/// then shuts both down (also when `body` throws).
///
/// The server checks SigV4 signatures: it accepts ``LocalLambdaTestKeys`` only, and the client signs with them, so
/// your test exercises the real client — signing, error decoding, payload limits — against a real HTTP server,
/// without AWS. The client makes one attempt per call (no retries) so failures show at once.
///
/// ```swift
/// try await withLocalLambda(handler: .closure { invocation in
///     .json(#"{"received":\#(invocation.payload.count)}"#)
/// }) { server, client in
///     let result = try await client.invoke(function: "orders", payload: Array(#"{"id":1}"#.utf8))
///     #expect(result.statusCode == 200)
/// }
/// ```
///
/// - Parameters:
///   - handler: Answers every function name (the configuration's `LocalLambdaServer.Configuration.functions`
///     still win for their names).
///   - configuration: Further settings (functions, resource policy, principals, region, account). Its host, port
///     and credentials are replaced: `127.0.0.1`, a free port, and ``LocalLambdaTestKeys``.
///   - body: The test code; it receives the running server and the client.
/// - Returns: What `body` returns.
public func withLocalLambda<Result: Sendable>(
    handler: LocalLambdaHandler? = nil,
    configuration: LocalLambdaServer.Configuration = LocalLambdaServer.Configuration(),
    _ body: (LocalLambdaServer, LambdaClient) async throws -> Result
) async throws -> Result {
    var configuration = configuration
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.credentials = [LocalLambdaTestKeys.accessKeyID: LocalLambdaTestKeys.secretAccessKey]
    if let handler { configuration.defaultHandler = handler }
    let server = try await LocalLambdaServer.start(configuration)
    let transport = AsyncHTTPClientTransport()
    let client = LambdaClient(
        configuration: LambdaClient.Configuration(
            region: configuration.region,
            endpoint: server.endpoint,
            maxAttempts: 1,
            timeout: .seconds(60)
        ),
        credentialProvider: StaticCredentialProvider(
            accessKeyID: LocalLambdaTestKeys.accessKeyID,
            secretAccessKey: LocalLambdaTestKeys.secretAccessKey
        ),
        transport: transport
    )
    let result: Result
    do {
        result = try await body(server, client)
    } catch {
        try? await transport.shutdown()
        try? await server.shutdown()
        throw error
    }
    try await transport.shutdown()
    try await server.shutdown()
    return result
}
