public import DBLambdaHTTP

/// The error of `DBLambdaInvoke`: an invocation that Lambda rejected, or that could not be sent or understood.
///
/// Lambda's own error responses carry the service's error code (``Code`` has a constant for every Invoke error of
/// the API model, and for the authentication errors), the HTTP status, the message and the request id.
/// A code this release does not know is kept as it was received (`Code(rawValue:)`), never dropped.
/// Client-side failures (bad input, no credentials, a network failure) have a ``statusCode`` of `nil`.
///
/// A *function* error (the function threw) is not a `LambdaInvokeError`: Lambda answers it with HTTP 200 and
/// ``LambdaInvokeResult/functionError`` describes it.
///
/// `==` and hashing compare the ``code`` only, so the static members work with Swift Testing and `catch`:
///
/// ```swift
/// do {
///     _ = try await client.invoke(function: "orders", payload: payload)
/// } catch LambdaInvokeError.tooManyRequests {
///     // throttled even after the retries
/// }
/// ```
///
/// No description contains credentials, signatures or payloads.
public struct LambdaInvokeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of error: Lambda's error code (for example `ResourceNotFoundException`) or a client-side code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code as received from Lambda (`ResourceNotFoundException`), or the client-side code's name.
        public let rawValue: String
        /// Whether the code is one that Lambda (or the authentication layer) sends, rather than a client-side one.
        public let isServiceCode: Bool

        /// A Lambda error code as received, for codes this release has no constant for.
        ///
        /// - Parameter rawValue: The code, for example `SomeNewException`.
        public init(rawValue: String) {
            self.rawValue = rawValue
            self.isServiceCode = true
        }

        init(serviceCode: String) {
            self.rawValue = serviceCode
            self.isServiceCode = true
        }

        init(clientCode: String) {
            self.rawValue = clientCode
            self.isServiceCode = false
        }

        /// The code, for example `ResourceNotFoundException` or `payloadTooLarge`.
        public var description: String { rawValue }

        /// The HTTP status the API model documents for this code, if it is one of the known service codes.
        public var documentedStatus: Int? {
            Self.serviceCodes.first { $0.code == self }?.status
        }
    }

    /// The kind of error.
    public var code: Code
    /// What went wrong: Lambda's message, or for client-side errors what and where (field, value, limit).
    public var message: String
    /// The HTTP status of Lambda's error response; `nil` when there was no response.
    public var statusCode: Int?
    /// Lambda's request id (`x-amzn-RequestId`, or `RequestId` of an XML error body), when there was one.
    public var requestID: String?
    /// The `Type` member of the error body (`User` for client faults, `Service` for server faults), if present.
    public var errorKind: String?
    /// For ``Code/tooManyRequests``: the `Reason` (`ConcurrentInvocationLimitExceeded`, `CallerRateLimitExceeded`…).
    public var throttleReason: String?
    /// The `Retry-After` header in seconds, when Lambda sent one.
    public var retryAfterSeconds: Int?
    /// For ``Code/transportFailure``: the transport's error, which tells whether the request may have been sent.
    public var transportError: HTTPTransportError?
    /// How many attempts were made before the error was returned (0 when nothing was sent).
    public var attempts: Int

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of error.
    ///   - message: What went wrong; must not contain secrets.
    ///   - statusCode: The HTTP status of the error response, if there was one.
    ///   - requestID: Lambda's request id, if known.
    ///   - attempts: How many attempts were made.
    public init(code: Code, message: String, statusCode: Int? = nil, requestID: String? = nil, attempts: Int = 0) {
        self.code = code
        self.message = message
        self.statusCode = statusCode
        self.requestID = requestID
        self.attempts = attempts
    }

    /// Whether Lambda (or its authentication layer) answered with this error, rather than the client failing.
    public var isServiceError: Bool { statusCode != nil }

    /// One line: `<Code>: <message> (HTTP <status>, request id <id>)` for Lambda's errors, `<code>: <message>`
    /// for client-side ones.
    public var description: String {
        var text = "\(code): \(message)"
        if let statusCode {
            text += " (HTTP \(statusCode), request id \(requestID ?? "none"))"
        }
        return String(text.map { $0.isNewline ? " " : $0 })
    }

    /// Compares the codes only.
    public static func == (lhs: LambdaInvokeError, rhs: LambdaInvokeError) -> Bool {
        lhs.code == rhs.code
    }

    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }

    /// Whether `rhs` is a ``LambdaInvokeError`` with the code of `lhs`, for `catch` patterns.
    public static func ~= (lhs: LambdaInvokeError, rhs: any Error) -> Bool {
        guard let error = rhs as? LambdaInvokeError else { return false }
        return error.code == lhs.code
    }
}

extension LambdaInvokeError.Code {
    /// `InvalidParameterValueException` (HTTP 400): A parameter of the request is invalid.
    public static let invalidParameterValue = Self(serviceCode: "InvalidParameterValueException")
    /// `InvalidRequestContentException` (HTTP 400): The request body is not JSON or a header is malformed.
    public static let invalidRequestContent = Self(serviceCode: "InvalidRequestContentException")
    /// `ModeNotSupportedException` (HTTP 400): The invocation type does not fit the function (synchronous vs asynchronous only).
    public static let modeNotSupported = Self(serviceCode: "ModeNotSupportedException")
    /// `NoPublishedVersionException` (HTTP 400): The function has no published version for `$LATEST.PUBLISHED`.
    public static let noPublishedVersion = Self(serviceCode: "NoPublishedVersionException")
    /// `RecursiveInvocationException` (HTTP 400): Lambda detected a recursive loop and stopped the invocation.
    public static let recursiveInvocation = Self(serviceCode: "RecursiveInvocationException")
    /// `SnapStartException` (HTTP 400): The SnapStart snapshot could not be restored.
    public static let snapStart = Self(serviceCode: "SnapStartException")
    /// `ServiceQuotaExceededException` (HTTP 402): A service quota is exceeded.
    public static let serviceQuotaExceeded = Self(serviceCode: "ServiceQuotaExceededException")
    /// `EFSMountFailureException` (HTTP 403): The function could not mount its EFS file system.
    public static let efsMountFailure = Self(serviceCode: "EFSMountFailureException")
    /// `S3FilesMountFailureException` (HTTP 403): The function could not mount its S3 Files file system.
    public static let s3FilesMountFailure = Self(serviceCode: "S3FilesMountFailureException")
    /// `ResourceNotFoundException` (HTTP 404): The function, version or alias does not exist.
    public static let resourceNotFound = Self(serviceCode: "ResourceNotFoundException")
    /// `EFSMountConnectivityException` (HTTP 408): The function could not connect to its EFS file system.
    public static let efsMountConnectivity = Self(serviceCode: "EFSMountConnectivityException")
    /// `EFSMountTimeoutException` (HTTP 408): Mounting the EFS file system timed out.
    public static let efsMountTimeout = Self(serviceCode: "EFSMountTimeoutException")
    /// `S3FilesMountConnectivityException` (HTTP 408): The function could not connect to its S3 Files file system.
    public static let s3FilesMountConnectivity = Self(serviceCode: "S3FilesMountConnectivityException")
    /// `S3FilesMountTimeoutException` (HTTP 408): Mounting the S3 Files file system timed out.
    public static let s3FilesMountTimeout = Self(serviceCode: "S3FilesMountTimeoutException")
    /// `SnapStartTimeoutException` (HTTP 408): Restoring the SnapStart snapshot timed out.
    public static let snapStartTimeout = Self(serviceCode: "SnapStartTimeoutException")
    /// `ResourceConflictException` (HTTP 409): The function is being updated or is in a state that forbids the call.
    public static let resourceConflict = Self(serviceCode: "ResourceConflictException")
    /// `SnapStartNotReadyException` (HTTP 409): The SnapStart snapshot is not ready yet.
    public static let snapStartNotReady = Self(serviceCode: "SnapStartNotReadyException")
    /// `SnapStartRegenerationFailureException` (HTTP 409): Regenerating the SnapStart snapshot failed.
    public static let snapStartRegenerationFailure = Self(serviceCode: "SnapStartRegenerationFailureException")
    /// `CodeArtifactUserPendingException` (HTTP 409): The code artifact user is still being created.
    public static let codeArtifactUserPending = Self(serviceCode: "CodeArtifactUserPendingException")
    /// `CodeArtifactUserDeletedException` (HTTP 409): The code artifact user was deleted.
    public static let codeArtifactUserDeleted = Self(serviceCode: "CodeArtifactUserDeletedException")
    /// `CodeArtifactUserFailedException` (HTTP 409): Creating the code artifact user failed.
    public static let codeArtifactUserFailed = Self(serviceCode: "CodeArtifactUserFailedException")
    /// `DurableExecutionAlreadyStartedException` (HTTP 409): A durable execution with that name already started.
    public static let durableExecutionAlreadyStarted = Self(serviceCode: "DurableExecutionAlreadyStartedException")
    /// `EFSIOException` (HTTP 410): An I/O error on the function's EFS file system.
    public static let efsIO = Self(serviceCode: "EFSIOException")
    /// `RequestTooLargeException` (HTTP 413): The request payload is larger than Lambda accepts.
    public static let requestTooLarge = Self(serviceCode: "RequestTooLargeException")
    /// `SerializedRequestEntityTooLargeException` (HTTP 413): The serialized request is larger than Lambda accepts.
    public static let serializedRequestEntityTooLarge = Self(serviceCode: "SerializedRequestEntityTooLargeException")
    /// `UnsupportedMediaTypeException` (HTTP 415): The request's content type is not JSON.
    public static let unsupportedMediaType = Self(serviceCode: "UnsupportedMediaTypeException")
    /// `TooManyRequestsException` (HTTP 429): Throttled; ``LambdaInvokeError/throttleReason`` says why.
    public static let tooManyRequests = Self(serviceCode: "TooManyRequestsException")
    /// `ServiceException` (HTTP 500): Lambda had an internal error.
    public static let serviceException = Self(serviceCode: "ServiceException")
    /// `EC2AccessDeniedException` (HTTP 502): Lambda may not set up the function's VPC network interfaces.
    public static let ec2AccessDenied = Self(serviceCode: "EC2AccessDeniedException")
    /// `EC2ThrottledException` (HTTP 502): EC2 throttled Lambda while it set up the function's network.
    public static let ec2Throttled = Self(serviceCode: "EC2ThrottledException")
    /// `EC2UnexpectedException` (HTTP 502): EC2 failed unexpectedly while Lambda set up the function.
    public static let ec2Unexpected = Self(serviceCode: "EC2UnexpectedException")
    /// `ENILimitReachedException` (HTTP 502): The VPC has no room for another network interface.
    public static let eniLimitReached = Self(serviceCode: "ENILimitReachedException")
    /// `ENINotReadyException` (HTTP 502): The function's network interface is not ready yet.
    public static let eniNotReady = Self(serviceCode: "ENINotReadyException")
    /// `InvalidRuntimeException` (HTTP 502): The function's runtime or runtime settings are invalid.
    public static let invalidRuntime = Self(serviceCode: "InvalidRuntimeException")
    /// `InvalidSecurityGroupIDException` (HTTP 502): A security group of the function's VPC configuration is invalid.
    public static let invalidSecurityGroupID = Self(serviceCode: "InvalidSecurityGroupIDException")
    /// `InvalidSubnetIDException` (HTTP 502): A subnet of the function's VPC configuration is invalid.
    public static let invalidSubnetID = Self(serviceCode: "InvalidSubnetIDException")
    /// `InvalidZipFileException` (HTTP 502): Lambda could not unzip the deployment package.
    public static let invalidZipFile = Self(serviceCode: "InvalidZipFileException")
    /// `KMSAccessDeniedException` (HTTP 502): Lambda may not use the KMS key of the function's environment.
    public static let kmsAccessDenied = Self(serviceCode: "KMSAccessDeniedException")
    /// `KMSDisabledException` (HTTP 502): The KMS key of the function's environment is disabled.
    public static let kmsDisabled = Self(serviceCode: "KMSDisabledException")
    /// `KMSInvalidStateException` (HTTP 502): The KMS key of the function's environment is in an invalid state.
    public static let kmsInvalidState = Self(serviceCode: "KMSInvalidStateException")
    /// `KMSNotFoundException` (HTTP 502): The KMS key of the function's environment does not exist.
    public static let kmsNotFound = Self(serviceCode: "KMSNotFoundException")
    /// `ResourceNotReadyException` (HTTP 502): The function is still being created or its network is being set up.
    public static let resourceNotReady = Self(serviceCode: "ResourceNotReadyException")
    /// `SubnetIPAddressLimitReachedException` (HTTP 502): A subnet of the function has no free IP address.
    public static let subnetIPAddressLimitReached = Self(serviceCode: "SubnetIPAddressLimitReachedException")
    /// `SignatureDoesNotMatch` (HTTP 403): The request signature does not match (wrong secret key, or a bug in signing).
    public static let signatureDoesNotMatch = Self(serviceCode: "SignatureDoesNotMatch")
    /// `InvalidSignatureException` (HTTP 403): Lambda rejected the signature (wrong secret key, or a clock far off).
    public static let invalidSignature = Self(serviceCode: "InvalidSignatureException")
    /// `UnrecognizedClientException` (HTTP 403): Lambda does not know the access key id.
    public static let unrecognizedClient = Self(serviceCode: "UnrecognizedClientException")
    /// `InvalidClientTokenId` (HTTP 403): The access key id is unknown (moto and other query-protocol services).
    public static let invalidClientTokenID = Self(serviceCode: "InvalidClientTokenId")
    /// `AccessDeniedException` (HTTP 403): The caller is not allowed to invoke the function.
    public static let accessDeniedException = Self(serviceCode: "AccessDeniedException")
    /// `AccessDenied` (HTTP 403): The caller is not allowed to invoke the function (XML error form, e.g. moto).
    public static let accessDenied = Self(serviceCode: "AccessDenied")
    /// `ExpiredTokenException` (HTTP 403): The session token has expired.
    public static let expiredToken = Self(serviceCode: "ExpiredTokenException")
    /// `IncompleteSignatureException` (HTTP 403): The Authorization header is malformed.
    public static let incompleteSignature = Self(serviceCode: "IncompleteSignatureException")
    /// `MissingAuthenticationTokenException` (HTTP 403): The request carries no credentials.
    public static let missingAuthenticationToken = Self(serviceCode: "MissingAuthenticationTokenException")
    /// Client side: The function identifier does not match Invoke's pattern (name, partial ARN or full ARN).
    public static let invalidFunctionName = Self(clientCode: "invalidFunctionName")
    /// Client side: The qualifier is not a version, an alias or `$LATEST`.
    public static let invalidQualifier = Self(clientCode: "invalidQualifier")
    /// Client side: The client context is not a JSON object.
    public static let invalidClientContext = Self(clientCode: "invalidClientContext")
    /// Client side: The payload exceeds the limit of its invocation type; nothing was sent.
    public static let payloadTooLarge = Self(clientCode: "payloadTooLarge")
    /// Client side: The base64 client context exceeds 3 583 bytes; nothing was sent.
    public static let clientContextTooLarge = Self(clientCode: "clientContextTooLarge")
    /// Client side: A setting (region, endpoint, retry mode, attempts, environment variable) is invalid.
    public static let invalidConfiguration = Self(clientCode: "invalidConfiguration")
    /// Client side: No region was configured and none could be resolved.
    public static let missingRegion = Self(clientCode: "missingRegion")
    /// Client side: No credentials could be resolved; nothing was sent.
    public static let credentialsUnavailable = Self(clientCode: "credentialsUnavailable")
    /// Client side: The request could not be signed.
    public static let signingFailed = Self(clientCode: "signingFailed")
    /// Client side: The request failed without an HTTP response; ``LambdaInvokeError/transportError`` says how.
    public static let transportFailure = Self(clientCode: "transportFailure")
    /// Client side: Lambda's response could not be understood.
    public static let invalidResponse = Self(clientCode: "invalidResponse")
    /// Client side: An `Encodable` payload could not be encoded as JSON.
    public static let payloadEncodingFailed = Self(clientCode: "payloadEncodingFailed")
    /// Client side: The response payload could not be decoded into the requested type.
    public static let payloadDecodingFailed = Self(clientCode: "payloadDecodingFailed")

    /// Every Lambda Invoke error code of the API model with its HTTP status, plus the authentication errors.
    static let serviceCodes: [(code: LambdaInvokeError.Code, status: Int)] = [
        (.invalidParameterValue, 400),
        (.invalidRequestContent, 400),
        (.modeNotSupported, 400),
        (.noPublishedVersion, 400),
        (.recursiveInvocation, 400),
        (.snapStart, 400),
        (.serviceQuotaExceeded, 402),
        (.efsMountFailure, 403),
        (.s3FilesMountFailure, 403),
        (.resourceNotFound, 404),
        (.efsMountConnectivity, 408),
        (.efsMountTimeout, 408),
        (.s3FilesMountConnectivity, 408),
        (.s3FilesMountTimeout, 408),
        (.snapStartTimeout, 408),
        (.resourceConflict, 409),
        (.snapStartNotReady, 409),
        (.snapStartRegenerationFailure, 409),
        (.codeArtifactUserPending, 409),
        (.codeArtifactUserDeleted, 409),
        (.codeArtifactUserFailed, 409),
        (.durableExecutionAlreadyStarted, 409),
        (.efsIO, 410),
        (.requestTooLarge, 413),
        (.serializedRequestEntityTooLarge, 413),
        (.unsupportedMediaType, 415),
        (.tooManyRequests, 429),
        (.serviceException, 500),
        (.ec2AccessDenied, 502),
        (.ec2Throttled, 502),
        (.ec2Unexpected, 502),
        (.eniLimitReached, 502),
        (.eniNotReady, 502),
        (.invalidRuntime, 502),
        (.invalidSecurityGroupID, 502),
        (.invalidSubnetID, 502),
        (.invalidZipFile, 502),
        (.kmsAccessDenied, 502),
        (.kmsDisabled, 502),
        (.kmsInvalidState, 502),
        (.kmsNotFound, 502),
        (.resourceNotReady, 502),
        (.subnetIPAddressLimitReached, 502),
        (.signatureDoesNotMatch, 403),
        (.invalidSignature, 403),
        (.unrecognizedClient, 403),
        (.invalidClientTokenID, 403),
        (.accessDeniedException, 403),
        (.accessDenied, 403),
        (.expiredToken, 403),
        (.incompleteSignature, 403),
        (.missingAuthenticationToken, 403),
    ]
}

extension LambdaInvokeError {
    /// An error with code ``Code/invalidParameterValue``, for matching.
    public static let invalidParameterValue = Self(
        code: .invalidParameterValue,
        message: "InvalidParameterValueException"
    )
    /// An error with code ``Code/invalidRequestContent``, for matching.
    public static let invalidRequestContent = Self(
        code: .invalidRequestContent,
        message: "InvalidRequestContentException"
    )
    /// An error with code ``Code/modeNotSupported``, for matching.
    public static let modeNotSupported = Self(code: .modeNotSupported, message: "ModeNotSupportedException")
    /// An error with code ``Code/noPublishedVersion``, for matching.
    public static let noPublishedVersion = Self(code: .noPublishedVersion, message: "NoPublishedVersionException")
    /// An error with code ``Code/recursiveInvocation``, for matching.
    public static let recursiveInvocation = Self(code: .recursiveInvocation, message: "RecursiveInvocationException")
    /// An error with code ``Code/snapStart``, for matching.
    public static let snapStart = Self(code: .snapStart, message: "SnapStartException")
    /// An error with code ``Code/serviceQuotaExceeded``, for matching.
    public static let serviceQuotaExceeded = Self(code: .serviceQuotaExceeded, message: "ServiceQuotaExceededException")
    /// An error with code ``Code/efsMountFailure``, for matching.
    public static let efsMountFailure = Self(code: .efsMountFailure, message: "EFSMountFailureException")
    /// An error with code ``Code/s3FilesMountFailure``, for matching.
    public static let s3FilesMountFailure = Self(code: .s3FilesMountFailure, message: "S3FilesMountFailureException")
    /// An error with code ``Code/resourceNotFound``, for matching.
    public static let resourceNotFound = Self(code: .resourceNotFound, message: "ResourceNotFoundException")
    /// An error with code ``Code/efsMountConnectivity``, for matching.
    public static let efsMountConnectivity = Self(code: .efsMountConnectivity, message: "EFSMountConnectivityException")
    /// An error with code ``Code/efsMountTimeout``, for matching.
    public static let efsMountTimeout = Self(code: .efsMountTimeout, message: "EFSMountTimeoutException")
    /// An error with code ``Code/s3FilesMountConnectivity``, for matching.
    public static let s3FilesMountConnectivity = Self(
        code: .s3FilesMountConnectivity,
        message: "S3FilesMountConnectivityException"
    )
    /// An error with code ``Code/s3FilesMountTimeout``, for matching.
    public static let s3FilesMountTimeout = Self(code: .s3FilesMountTimeout, message: "S3FilesMountTimeoutException")
    /// An error with code ``Code/snapStartTimeout``, for matching.
    public static let snapStartTimeout = Self(code: .snapStartTimeout, message: "SnapStartTimeoutException")
    /// An error with code ``Code/resourceConflict``, for matching.
    public static let resourceConflict = Self(code: .resourceConflict, message: "ResourceConflictException")
    /// An error with code ``Code/snapStartNotReady``, for matching.
    public static let snapStartNotReady = Self(code: .snapStartNotReady, message: "SnapStartNotReadyException")
    /// An error with code ``Code/snapStartRegenerationFailure``, for matching.
    public static let snapStartRegenerationFailure = Self(
        code: .snapStartRegenerationFailure,
        message: "SnapStartRegenerationFailureException"
    )
    /// An error with code ``Code/codeArtifactUserPending``, for matching.
    public static let codeArtifactUserPending = Self(
        code: .codeArtifactUserPending,
        message: "CodeArtifactUserPendingException"
    )
    /// An error with code ``Code/codeArtifactUserDeleted``, for matching.
    public static let codeArtifactUserDeleted = Self(
        code: .codeArtifactUserDeleted,
        message: "CodeArtifactUserDeletedException"
    )
    /// An error with code ``Code/codeArtifactUserFailed``, for matching.
    public static let codeArtifactUserFailed = Self(
        code: .codeArtifactUserFailed,
        message: "CodeArtifactUserFailedException"
    )
    /// An error with code ``Code/durableExecutionAlreadyStarted``, for matching.
    public static let durableExecutionAlreadyStarted = Self(
        code: .durableExecutionAlreadyStarted,
        message: "DurableExecutionAlreadyStartedException"
    )
    /// An error with code ``Code/efsIO``, for matching.
    public static let efsIO = Self(code: .efsIO, message: "EFSIOException")
    /// An error with code ``Code/requestTooLarge``, for matching.
    public static let requestTooLarge = Self(code: .requestTooLarge, message: "RequestTooLargeException")
    /// An error with code ``Code/serializedRequestEntityTooLarge``, for matching.
    public static let serializedRequestEntityTooLarge = Self(
        code: .serializedRequestEntityTooLarge,
        message: "SerializedRequestEntityTooLargeException"
    )
    /// An error with code ``Code/unsupportedMediaType``, for matching.
    public static let unsupportedMediaType = Self(code: .unsupportedMediaType, message: "UnsupportedMediaTypeException")
    /// An error with code ``Code/tooManyRequests``, for matching.
    public static let tooManyRequests = Self(code: .tooManyRequests, message: "TooManyRequestsException")
    /// An error with code ``Code/serviceException``, for matching.
    public static let serviceException = Self(code: .serviceException, message: "ServiceException")
    /// An error with code ``Code/ec2AccessDenied``, for matching.
    public static let ec2AccessDenied = Self(code: .ec2AccessDenied, message: "EC2AccessDeniedException")
    /// An error with code ``Code/ec2Throttled``, for matching.
    public static let ec2Throttled = Self(code: .ec2Throttled, message: "EC2ThrottledException")
    /// An error with code ``Code/ec2Unexpected``, for matching.
    public static let ec2Unexpected = Self(code: .ec2Unexpected, message: "EC2UnexpectedException")
    /// An error with code ``Code/eniLimitReached``, for matching.
    public static let eniLimitReached = Self(code: .eniLimitReached, message: "ENILimitReachedException")
    /// An error with code ``Code/eniNotReady``, for matching.
    public static let eniNotReady = Self(code: .eniNotReady, message: "ENINotReadyException")
    /// An error with code ``Code/invalidRuntime``, for matching.
    public static let invalidRuntime = Self(code: .invalidRuntime, message: "InvalidRuntimeException")
    /// An error with code ``Code/invalidSecurityGroupID``, for matching.
    public static let invalidSecurityGroupID = Self(
        code: .invalidSecurityGroupID,
        message: "InvalidSecurityGroupIDException"
    )
    /// An error with code ``Code/invalidSubnetID``, for matching.
    public static let invalidSubnetID = Self(code: .invalidSubnetID, message: "InvalidSubnetIDException")
    /// An error with code ``Code/invalidZipFile``, for matching.
    public static let invalidZipFile = Self(code: .invalidZipFile, message: "InvalidZipFileException")
    /// An error with code ``Code/kmsAccessDenied``, for matching.
    public static let kmsAccessDenied = Self(code: .kmsAccessDenied, message: "KMSAccessDeniedException")
    /// An error with code ``Code/kmsDisabled``, for matching.
    public static let kmsDisabled = Self(code: .kmsDisabled, message: "KMSDisabledException")
    /// An error with code ``Code/kmsInvalidState``, for matching.
    public static let kmsInvalidState = Self(code: .kmsInvalidState, message: "KMSInvalidStateException")
    /// An error with code ``Code/kmsNotFound``, for matching.
    public static let kmsNotFound = Self(code: .kmsNotFound, message: "KMSNotFoundException")
    /// An error with code ``Code/resourceNotReady``, for matching.
    public static let resourceNotReady = Self(code: .resourceNotReady, message: "ResourceNotReadyException")
    /// An error with code ``Code/subnetIPAddressLimitReached``, for matching.
    public static let subnetIPAddressLimitReached = Self(
        code: .subnetIPAddressLimitReached,
        message: "SubnetIPAddressLimitReachedException"
    )
    /// An error with code ``Code/signatureDoesNotMatch``, for matching.
    public static let signatureDoesNotMatch = Self(code: .signatureDoesNotMatch, message: "SignatureDoesNotMatch")
    /// An error with code ``Code/invalidSignature``, for matching.
    public static let invalidSignature = Self(code: .invalidSignature, message: "InvalidSignatureException")
    /// An error with code ``Code/unrecognizedClient``, for matching.
    public static let unrecognizedClient = Self(code: .unrecognizedClient, message: "UnrecognizedClientException")
    /// An error with code ``Code/invalidClientTokenID``, for matching.
    public static let invalidClientTokenID = Self(code: .invalidClientTokenID, message: "InvalidClientTokenId")
    /// An error with code ``Code/accessDeniedException``, for matching.
    public static let accessDeniedException = Self(code: .accessDeniedException, message: "AccessDeniedException")
    /// An error with code ``Code/accessDenied``, for matching.
    public static let accessDenied = Self(code: .accessDenied, message: "AccessDenied")
    /// An error with code ``Code/expiredToken``, for matching.
    public static let expiredToken = Self(code: .expiredToken, message: "ExpiredTokenException")
    /// An error with code ``Code/incompleteSignature``, for matching.
    public static let incompleteSignature = Self(code: .incompleteSignature, message: "IncompleteSignatureException")
    /// An error with code ``Code/missingAuthenticationToken``, for matching.
    public static let missingAuthenticationToken = Self(
        code: .missingAuthenticationToken,
        message: "MissingAuthenticationTokenException"
    )
    /// An error with code ``Code/invalidFunctionName``, for matching.
    public static let invalidFunctionName = Self(code: .invalidFunctionName, message: "invalidFunctionName")
    /// An error with code ``Code/invalidQualifier``, for matching.
    public static let invalidQualifier = Self(code: .invalidQualifier, message: "invalidQualifier")
    /// An error with code ``Code/invalidClientContext``, for matching.
    public static let invalidClientContext = Self(code: .invalidClientContext, message: "invalidClientContext")
    /// An error with code ``Code/payloadTooLarge``, for matching.
    public static let payloadTooLarge = Self(code: .payloadTooLarge, message: "payloadTooLarge")
    /// An error with code ``Code/clientContextTooLarge``, for matching.
    public static let clientContextTooLarge = Self(code: .clientContextTooLarge, message: "clientContextTooLarge")
    /// An error with code ``Code/invalidConfiguration``, for matching.
    public static let invalidConfiguration = Self(code: .invalidConfiguration, message: "invalidConfiguration")
    /// An error with code ``Code/missingRegion``, for matching.
    public static let missingRegion = Self(code: .missingRegion, message: "missingRegion")
    /// An error with code ``Code/credentialsUnavailable``, for matching.
    public static let credentialsUnavailable = Self(code: .credentialsUnavailable, message: "credentialsUnavailable")
    /// An error with code ``Code/signingFailed``, for matching.
    public static let signingFailed = Self(code: .signingFailed, message: "signingFailed")
    /// An error with code ``Code/transportFailure``, for matching.
    public static let transportFailure = Self(code: .transportFailure, message: "transportFailure")
    /// An error with code ``Code/invalidResponse``, for matching.
    public static let invalidResponse = Self(code: .invalidResponse, message: "invalidResponse")
    /// An error with code ``Code/payloadEncodingFailed``, for matching.
    public static let payloadEncodingFailed = Self(code: .payloadEncodingFailed, message: "payloadEncodingFailed")
    /// An error with code ``Code/payloadDecodingFailed``, for matching.
    public static let payloadDecodingFailed = Self(code: .payloadDecodingFailed, message: "payloadDecodingFailed")
}
