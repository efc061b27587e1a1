import DBLambdaCore
public import DBLambdaCredentials
public import DBLambdaHTTP
import DBLambdaSigV4
public import Foundation
import HTTPTypes
public import Logging

/// Invokes AWS Lambda functions: synchronously, asynchronously (`Event`) or as a dry run, with typed errors, the
/// AWS standard retry mode and limits checked before sending.
///
/// ```swift
/// let client = try LambdaClient(configuration: .fromEnvironment())
/// let result = try await client.invoke(function: "orders", payload: Array(#"{"id":1}"#.utf8))
/// try await client.shutdown()
/// ```
///
/// One client shares one HTTP connection pool and one retry quota across all concurrent calls: create it once.
///
/// **A synchronous invocation is never sent twice** after a failure that happened once the request may have reached
/// Lambda (a timeout while waiting, a dropped connection), because the function would run twice; opt in with
/// ``InvokeOptions/retryAfterPossibleDelivery``. Error *responses* that the standard mode retries (HTTP 429, 500,
/// 502, 503, 504 and throttling codes) are retried for every invocation type, and connection failures that happen
/// before anything was sent are always retried.
public final class LambdaClient: Sendable {
    /// The settings.
    public let configuration: Configuration
    /// Where credentials come from.
    public let credentialProvider: any CredentialProvider
    /// How requests are sent.
    public let transport: any HTTPTransport
    private let logger: Logger
    private let quota = RetryQuota()
    private let keyCache = SigV4SigningKeyCache()
    /// The endpoint of the configured region, resolved once (the configuration cannot change): parsing a custom
    /// endpoint URL on every call was a measurable part of an invocation.
    private let configuredEndpoint: Result<Endpoint, LambdaInvokeError>?

    /// Creates a client on a transport and a credential provider the caller owns.
    ///
    /// - Parameters:
    ///   - configuration: The settings.
    ///   - credentialProvider: The credentials, for example a `DefaultCredentialChain` or a
    ///     `StaticCredentialProvider`.
    ///   - transport: How requests are sent; ``shutdown()`` does not shut it down.
    ///   - logger: Where the client logs retries (never payloads or secrets).
    public init(
        configuration: Configuration,
        credentialProvider: any CredentialProvider,
        transport: any HTTPTransport,
        logger: Logger = Logger(label: "DBLambdaInvoke")
    ) {
        self.configuration = configuration
        self.credentialProvider = credentialProvider
        self.transport = transport
        self.logger = logger
        self.configuredEndpoint = configuration.region.map { region in
            Result { () throws(LambdaInvokeError) in try configuration.resolveEndpoint(region: region) }
        }
    }

    /// Creates a client with its own async-http-client transport and the default credential chain; call
    /// ``shutdown()`` when done.
    ///
    /// When `configuration.region` is `nil`, the region is resolved like the AWS SDKs do (`AWS_REGION`,
    /// `AWS_DEFAULT_REGION`, the profile's `region`); a function given as a full ARN supplies its own region.
    ///
    /// - Parameters:
    ///   - configuration: The settings; see ``Configuration/fromEnvironment(_:region:)``.
    ///   - environment: The environment of the credential chain and of the region lookup.
    ///   - profile: A profile chosen explicitly (`--profile`); `nil` uses `AWS_PROFILE`.
    ///   - logger: Where the client logs.
    /// - Throws: ``LambdaInvokeError/Code/invalidConfiguration`` when the shared config files cannot be read.
    public convenience init(
        configuration: Configuration = Configuration(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        profile: String? = nil,
        logger: Logger = Logger(label: "DBLambdaInvoke")
    ) throws {
        var configuration = configuration
        if configuration.region == nil {
            let name: String?
            do {
                name = try RegionResolver.resolveRegion(explicit: nil, environment: environment, profile: profile)
            } catch {
                throw LambdaInvokeError(code: .invalidConfiguration, message: "cannot resolve the region: \(error)")
            }
            if let name {
                configuration.region = try Configuration.parseRegion(name, source: "region setting")
            }
        }
        let transport = AsyncHTTPClientTransport(defaultTimeout: configuration.timeout)
        let chain = DefaultCredentialChain(
            environment: environment,
            transport: transport,
            configuration: DefaultCredentialChain.Configuration(profile: profile, region: configuration.region?.name)
        )
        self.init(configuration: configuration, credentialProvider: chain, transport: transport, logger: logger)
        ownedTransportBox.withLock { $0 = transport }
    }

    private let ownedTransportBox = Locked<AsyncHTTPClientTransport?>(nil)

    /// Shuts down the transport if the client created it. Call it once, after the last call.
    public func shutdown() async throws {
        if let transport = ownedTransportBox.withLock({ $0 }) {
            try await transport.shutdown()
        }
    }

    /// The retry tokens left in the client's quota (500 when full).
    public var retryQuotaAvailable: Int { quota.available }

    /// Invokes a function with a JSON payload given as bytes.
    ///
    /// - Parameters:
    ///   - function: The function (name, partial ARN or full ARN, optionally qualified).
    ///   - payload: The JSON payload; empty sends no body. Checked against the limit of the invocation type.
    ///   - options: Invocation type, log type, qualifier, client context, timeout.
    /// - Returns: The result; ``LambdaInvokeResult/functionError`` is set when the function failed.
    /// - Throws: ``LambdaInvokeError``: Lambda's error response, or a client-side failure (invalid input, limits,
    ///   no credentials, network).
    public func invoke(
        function: LambdaFunctionIdentifier,
        payload: [UInt8],
        options: InvokeOptions = InvokeOptions()
    ) async throws -> LambdaInvokeResult {
        try configuration.validate()
        let prepared = try prepare(function: function, payload: payload, options: options)
        let credentials: Credentials
        do {
            credentials = try await credentialProvider.credentials(logger: logger)
        } catch {
            throw LambdaInvokeError(
                code: .credentialsUnavailable,
                message: "no credentials to sign the request (\(credentialProvider.sourceName)): \(error)"
            )
        }
        let signer = SigV4Signer(
            credentials: credentials,
            region: prepared.region.name,
            service: "lambda",
            keyCache: keyCache
        )
        let requestOptions = HTTPRequestOptions(
            timeout: options.timeout ?? configuration.timeout,
            maxResponseBytes: LambdaPayloadLimits.response + 1024 * 1024
        )
        var attempt = 0
        var lastRetryCost: Int?
        while true {
            attempt += 1
            let signed: HTTPRequest
            do {
                signed = try signer.sign(prepared.request, body: payload, at: SigV4Timestamp(configuration.now()))
            } catch {
                throw LambdaInvokeError(code: .signingFailed, message: "cannot sign the request: \(error.message)")
            }
            let failure: LambdaInvokeError
            do {
                let response = try await transport.send(signed, body: payload, options: requestOptions, logger: logger)
                if (200..<300).contains(response.head.status.code) {
                    quota.release(lastRetryCost ?? RetryQuota.noRetryIncrement)
                    return Self.result(response, attempts: attempt)
                }
                failure = ErrorResponseParser.error(for: response, attempts: attempt)
            } catch let transportError as HTTPTransportError {
                var wrapped = LambdaInvokeError(
                    code: .transportFailure,
                    message: transportError.description,
                    attempts: attempt
                )
                wrapped.transportError = transportError
                failure = wrapped
            } catch {
                var wrapped = LambdaInvokeError(
                    code: .transportFailure,
                    message: "the transport failed: \(error)",
                    attempts: attempt
                )
                wrapped.transportError = HTTPTransportError(code: .unknown, message: "\(error)")
                failure = wrapped
            }
            let decision = RetryClassifier.decide(
                failure,
                invocationType: options.invocationType,
                retryAfterSend: options.retryAfterPossibleDelivery
            )
            guard case .retry(let cost, let throttling) = decision, attempt < configuration.maxAttempts else {
                throw failure
            }
            guard quota.acquire(cost) else {
                logger.debug("retry quota exhausted", metadata: ["lambda.error": "\(failure.code)"])
                throw failure
            }
            lastRetryCost = cost
            let delay = backoff(retry: attempt, throttling: throttling)
            logger.debug(
                "retrying Lambda invoke",
                metadata: [
                    "lambda.error": "\(failure.code)", "lambda.attempt": "\(attempt)",
                    "lambda.delay_ms":
                        "\(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)",
                ]
            )
            do {
                try await configuration.sleep(delay)
            } catch {
                var cancelled = LambdaInvokeError(
                    code: .transportFailure,
                    message: "cancelled while waiting to retry",
                    attempts: attempt
                )
                cancelled.transportError = HTTPTransportError(
                    code: .cancelled,
                    message: "cancelled",
                    requestMayHaveBeenSent: false
                )
                throw cancelled
            }
        }
    }

    /// Invokes a function with a payload given as any string (validated as a function identifier first).
    ///
    /// - Parameters:
    ///   - function: A name, partial ARN or full ARN, optionally qualified.
    ///   - payload: The JSON payload bytes.
    ///   - options: Invocation type, log type, qualifier, client context, timeout.
    /// - Returns: The result.
    /// - Throws: ``LambdaInvokeError``, ``LambdaInvokeError/Code/invalidFunctionName`` for a malformed identifier.
    public func invoke(
        function: String,
        payload: [UInt8],
        options: InvokeOptions = InvokeOptions()
    ) async throws -> LambdaInvokeResult {
        try await invoke(function: LambdaFunctionIdentifier(function), payload: payload, options: options)
    }

    /// Invokes a function with an `Encodable` payload, encoded as JSON.
    ///
    /// - Parameters:
    ///   - function: The function.
    ///   - json: The payload value.
    ///   - encoder: The encoder; a plain `JSONEncoder` by default.
    ///   - options: Invocation type, log type, qualifier, client context, timeout.
    /// - Returns: The result; decode its payload with ``LambdaInvokeResult/decode(_:decoder:)``.
    /// - Throws: ``LambdaInvokeError``, ``LambdaInvokeError/Code/payloadEncodingFailed`` when encoding fails.
    public func invoke(
        function: LambdaFunctionIdentifier,
        json: some Encodable & Sendable,
        encoder: JSONEncoder = JSONEncoder(),
        options: InvokeOptions = InvokeOptions()
    ) async throws -> LambdaInvokeResult {
        let payload: Data
        do {
            payload = try encoder.encode(json)
        } catch {
            throw LambdaInvokeError(
                code: .payloadEncodingFailed,
                message: "cannot encode \(type(of: json)) as JSON: \(error)"
            )
        }
        return try await invoke(function: function, payload: Array(payload), options: options)
    }

    // MARK: - Internals

    struct Prepared {
        var request: HTTPRequest
        var region: Region
    }

    /// Validates the call and builds the unsigned request. Nothing is sent.
    func prepare(
        function: LambdaFunctionIdentifier,
        payload: [UInt8],
        options: InvokeOptions
    ) throws(LambdaInvokeError)
        -> Prepared
    {
        let limit = options.invocationType.payloadLimit
        guard payload.count <= limit else {
            throw LambdaInvokeError(
                code: .payloadTooLarge,
                message: "the payload is \(payload.count) bytes, over the \(limit)-byte limit of "
                    + "\(options.invocationType) invocations; nothing was sent"
            )
        }
        if let qualifier = options.qualifier {
            guard LambdaFunctionIdentifier.isValidQualifier(qualifier) else {
                throw LambdaInvokeError(
                    code: .invalidQualifier,
                    message: "qualifier '\(qualifier.prefix(200))' must be 1 to 128 characters of [a-zA-Z0-9-_$] "
                        + "(a version, an alias, $LATEST or $LATEST.PUBLISHED)"
                )
            }
        }
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[.userAgent] = "dblambda/DBLambdaInvoke"
        fields[Self.invocationTypeField] = options.invocationType.rawValue
        if options.logType == .tail {
            fields[Self.logTypeField] = options.logType.rawValue
        }
        if let context = options.clientContext {
            guard (try? JSONSerialization.jsonObject(with: Data(context))) is [String: Any] else {
                throw LambdaInvokeError(
                    code: .invalidClientContext,
                    message: "the client context must be a JSON object"
                )
            }
            let encoded = Data(context).base64EncodedString()
            guard encoded.utf8.count <= LambdaPayloadLimits.clientContext else {
                throw LambdaInvokeError(
                    code: .clientContextTooLarge,
                    message: "the client context is \(encoded.utf8.count) bytes in base64, over the "
                        + "\(LambdaPayloadLimits.clientContext)-byte limit; nothing was sent"
                )
            }
            fields[Self.clientContextField] = encoded
        }
        guard let region = configuration.region ?? function.arn?.region else {
            throw LambdaInvokeError(
                code: .missingRegion,
                message: "no region: set one in the configuration (--region, AWS_REGION, AWS_DEFAULT_REGION, the "
                    + "profile's region) or pass a full function ARN"
            )
        }
        let endpoint: Endpoint
        if let configuredEndpoint, region == configuration.region {
            endpoint = try configuredEndpoint.get()
        } else {
            endpoint = try configuration.resolveEndpoint(region: region)
        }
        var path = "\(endpoint.basePath)/2015-03-31/functions/\(function.pathComponent)/invocations"
        if let qualifier = options.qualifier {
            path += "?Qualifier=\(percentEncode(qualifier))"
        }
        let request = HTTPRequest(
            method: .post,
            scheme: endpoint.scheme,
            authority: endpoint.authority,
            path: path,
            headerFields: fields
        )
        return Prepared(request: request, region: region)
    }

    /// The delay before retry number `retry` (1 for the first retry): full jitter, capped.
    func backoff(retry: Int, throttling: Bool) -> Duration {
        let base = throttling ? configuration.throttlingBackoffBase : configuration.backoffBase
        let exponent = min(retry - 1, 30)
        let ceiling = min(base * (1 << exponent), configuration.maxBackoff)
        let fraction = min(max(configuration.random(), 0), 1)
        return ceiling * fraction
    }

    static let invocationTypeField = HTTPField.Name("X-Amz-Invocation-Type") ?? .contentType
    static let logTypeField = HTTPField.Name("X-Amz-Log-Type") ?? .contentType
    static let clientContextField = HTTPField.Name("X-Amz-Client-Context") ?? .contentType
    static let functionErrorField = HTTPField.Name("X-Amz-Function-Error") ?? .contentType
    static let logResultField = HTTPField.Name("X-Amz-Log-Result") ?? .contentType
    static let executedVersionField = HTTPField.Name("X-Amz-Executed-Version") ?? .contentType

    static func result(_ response: HTTPTransportResponse, attempts: Int) -> LambdaInvokeResult {
        let headers = response.head.headerFields
        var result = LambdaInvokeResult(
            statusCode: response.head.status.code,
            executedVersion: headers[executedVersionField],
            payload: response.body,
            requestID: ErrorResponseParser.requestIDField.flatMap { headers[$0] },
            attempts: attempts
        )
        if let kind = headers[functionErrorField], !kind.isEmpty {
            result.functionError = FunctionError(kind: kind, payload: response.body)
        }
        if let log = headers[logResultField], !log.isEmpty {
            result.logResult = Data(base64Encoded: log).map { String(decoding: $0, as: UTF8.self) }
        }
        return result
    }
}
