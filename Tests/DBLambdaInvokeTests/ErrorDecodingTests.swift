import DBLambdaHTTP
import DBLambdaInvoke
import DBLambdaTesting
import Foundation
import Testing

@Suite("Typed errors from Lambda's error responses")
struct ErrorDecodingTests {
    static let modelCodes: [(String, Int, LambdaInvokeError)] = [
        ("InvalidParameterValueException", 400, .invalidParameterValue),
        ("InvalidRequestContentException", 400, .invalidRequestContent),
        ("ModeNotSupportedException", 400, .modeNotSupported),
        ("NoPublishedVersionException", 400, .noPublishedVersion),
        ("RecursiveInvocationException", 400, .recursiveInvocation),
        ("SnapStartException", 400, .snapStart),
        ("ServiceQuotaExceededException", 402, .serviceQuotaExceeded),
        ("EFSMountFailureException", 403, .efsMountFailure),
        ("S3FilesMountFailureException", 403, .s3FilesMountFailure),
        ("ResourceNotFoundException", 404, .resourceNotFound),
        ("EFSMountConnectivityException", 408, .efsMountConnectivity),
        ("EFSMountTimeoutException", 408, .efsMountTimeout),
        ("S3FilesMountConnectivityException", 408, .s3FilesMountConnectivity),
        ("S3FilesMountTimeoutException", 408, .s3FilesMountTimeout),
        ("SnapStartTimeoutException", 408, .snapStartTimeout),
        ("ResourceConflictException", 409, .resourceConflict),
        ("SnapStartNotReadyException", 409, .snapStartNotReady),
        ("SnapStartRegenerationFailureException", 409, .snapStartRegenerationFailure),
        ("CodeArtifactUserPendingException", 409, .codeArtifactUserPending),
        ("CodeArtifactUserDeletedException", 409, .codeArtifactUserDeleted),
        ("CodeArtifactUserFailedException", 409, .codeArtifactUserFailed),
        ("DurableExecutionAlreadyStartedException", 409, .durableExecutionAlreadyStarted),
        ("EFSIOException", 410, .efsIO),
        ("RequestTooLargeException", 413, .requestTooLarge),
        ("SerializedRequestEntityTooLargeException", 413, .serializedRequestEntityTooLarge),
        ("UnsupportedMediaTypeException", 415, .unsupportedMediaType),
        ("TooManyRequestsException", 429, .tooManyRequests),
        ("ServiceException", 500, .serviceException),
        ("EC2AccessDeniedException", 502, .ec2AccessDenied),
        ("EC2ThrottledException", 502, .ec2Throttled),
        ("EC2UnexpectedException", 502, .ec2Unexpected),
        ("ENILimitReachedException", 502, .eniLimitReached),
        ("ENINotReadyException", 502, .eniNotReady),
        ("InvalidRuntimeException", 502, .invalidRuntime),
        ("InvalidSecurityGroupIDException", 502, .invalidSecurityGroupID),
        ("InvalidSubnetIDException", 502, .invalidSubnetID),
        ("InvalidZipFileException", 502, .invalidZipFile),
        ("KMSAccessDeniedException", 502, .kmsAccessDenied),
        ("KMSDisabledException", 502, .kmsDisabled),
        ("KMSInvalidStateException", 502, .kmsInvalidState),
        ("KMSNotFoundException", 502, .kmsNotFound),
        ("ResourceNotReadyException", 502, .resourceNotReady),
        ("SubnetIPAddressLimitReachedException", 502, .subnetIPAddressLimitReached),
        ("InvalidSignatureException", 403, .invalidSignature),
        ("UnrecognizedClientException", 403, .unrecognizedClient),
        ("AccessDeniedException", 403, .accessDeniedException),
    ]

    @Test("every Invoke error of the API model decodes to its typed code, status, message and request id")
    func everyModelError() async throws {
        for (name, status, expected) in Self.modelCodes {
            let transport = ScriptedLambdaTransport(replies: [
                .serviceError(status: status, code: name, message: "m \(name)")
            ])
            do {
                _ = try await makeClient(transport, configuration: testConfiguration(maxAttempts: 1))
                    .invoke(function: "f", payload: [])
                Issue.record("\(name) did not throw")
            } catch let error as LambdaInvokeError {
                #expect(error == expected, "\(name)")
                #expect(error.code.rawValue == name)
                #expect(error.code.documentedStatus == status, "\(name)")
                #expect(error.statusCode == status)
                #expect(error.message == "m \(name)")
                #expect(error.requestID == "scripted-1")
                #expect(error.description == "\(name): m \(name) (HTTP \(status), request id scripted-1)")
            }
        }
    }

    @Test(
        "the code comes from x-amzn-ErrorType without its suffix, else from __type, code or Code; both message casings"
    )
    func codeSources() async throws {
        let cases: [(HTTPTransportResponse, String, String)] = [
            (
                response(
                    404,
                    [("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/x/")],
                    body:
                        #"{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:f"}"#
                ),
                "ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:123456789012:function:f"
            ),
            (
                response(404, body: #"{"__type":"ResourceNotFoundException","message":"nope"}"#),
                "ResourceNotFoundException", "nope"
            ),
            (
                response(400, body: #"{"code":"com.amazonaws#InvalidParameterValueException","message":"bad"}"#),
                "InvalidParameterValueException", "bad"
            ),
            (
                response(409, body: #"{"Code":"ResourceConflictException","Message":"busy"}"#),
                "ResourceConflictException", "busy"
            ),
            (
                response(418, [("x-amzn-ErrorType", "BrandNewException")], body: #"{"message":"new"}"#),
                "BrandNewException", "new"
            ),
            (response(400, body: "not json"), "HTTP400", "HTTP 400: not json"),
        ]
        for (reply, code, message) in cases {
            let transport = RecordingHTTPTransport(replies: [.response(reply)])
            do {
                _ = try await makeClient(transport).invoke(function: "f", payload: [])
                Issue.record("no error for \(code)")
            } catch let error as LambdaInvokeError {
                #expect(error.code.rawValue == code)
                #expect(error.message == message)
                #expect(error.code == LambdaInvokeError.Code(rawValue: code))
            }
            #expect(transport.requests.count == 1)
        }
    }

    @Test("a 429 carries its Reason, Type and Retry-After")
    func throttleReason() async throws {
        let transport = RecordingHTTPTransport(responder: { _, _ in
            response(
                429,
                [
                    ("x-amzn-ErrorType", "TooManyRequestsException"), ("x-amzn-RequestId", "r-429"),
                    ("Retry-After", "3"),
                ],
                body:
                    #"{"Type":"User","message":"Rate Exceeded.","Reason":"ReservedFunctionConcurrentInvocationLimitExceeded"}"#
            )
        })
        do {
            _ = try await makeClient(transport).invoke(function: "f", payload: [])
            Issue.record("no error")
        } catch let error as LambdaInvokeError {
            #expect(error == .tooManyRequests)
            #expect(error.throttleReason == "ReservedFunctionConcurrentInvocationLimitExceeded")
            #expect(error.errorKind == "User")
            #expect(error.retryAfterSeconds == 3)
            #expect(error.requestID == "r-429")
            #expect(error.attempts == 3)
        }
    }

    @Test("moto's XML auth errors decode to SignatureDoesNotMatch / InvalidClientTokenId with the request id")
    func xmlErrors() async throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ErrorResponse><Errors><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code>
            <Message>The request signature we calculated does not match the signature you provided.</Message>
            </Error></Errors><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>
            """
        let transport = RecordingHTTPTransport(replies: [
            .response(response(403, [("Content-Type", "text/html")], body: xml)),
            .response(
                response(
                    403,
                    body:
                        "<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>"
                )
            ),
        ])
        let client = makeClient(transport)
        await #expect(throws: LambdaInvokeError.signatureDoesNotMatch) {
            try await client.invoke(function: "f", payload: [])
        }
        do {
            _ = try await client.invoke(function: "f", payload: [])
        } catch let error as LambdaInvokeError {
            #expect(error == .invalidClientTokenID)
            #expect(error.message == "The security token included in the request is invalid.")
        }
        #expect(transport.requests.count == 2)
    }

    @Test("function errors are results: kind, errorType, errorMessage, stackTrace and the decoded log tail")
    func functionError() async throws {
        let log = "START RequestId: 1\nTraceback: ValueError\nEND"
        let transport = RecordingHTTPTransport(replies: [
            .response(
                response(
                    200,
                    [
                        ("X-Amz-Function-Error", "Unhandled"),
                        ("X-Amz-Log-Result", Data(log.utf8).base64EncodedString()),
                        ("X-Amz-Executed-Version", "7"), ("x-amzn-RequestId", "r-1"),
                    ],
                    body:
                        #"{"errorMessage":"boom","errorType":"ValueError","stackTrace":["  File \"/var/task/app.py\", line 3"]}"#
                )
            )
        ])
        let result = try await makeClient(transport).invoke(
            function: "f",
            payload: [],
            options: InvokeOptions(logType: .tail)
        )
        #expect(result.statusCode == 200)
        #expect(
            result.functionError
                == FunctionError(
                    kind: "Unhandled",
                    errorType: "ValueError",
                    errorMessage: "boom",
                    stackTrace: [#"  File "/var/task/app.py", line 3"#]
                )
        )
        #expect(result.functionError?.description == "Unhandled: ValueError: boom")
        #expect(result.logResult == log)
        #expect(result.executedVersion == "7")
        #expect(result.requestID == "r-1")
        #expect(result.attempts == 1)
        #expect(transport.requests.count == 1)
    }

    @Test("decode(_:) reads the payload into a Decodable type and reports a typed error otherwise")
    func decodeHelper() throws {
        struct Answer: Decodable, Equatable { var ok: Bool }
        let result = LambdaInvokeResult(statusCode: 200, payload: bytes(#"{"ok":true}"#))
        #expect(try result.decode(Answer.self) == Answer(ok: true))
        let bad = LambdaInvokeResult(statusCode: 200, payload: bytes("oops"))
        #expect(throws: LambdaInvokeError.payloadDecodingFailed) { try bad.decode(Answer.self) }
    }

    @Test("an Encodable payload is sent as its JSON encoding")
    func encodablePayload() async throws {
        struct Order: Encodable, Sendable { var id: Int }
        let transport = ScriptedLambdaTransport()
        let result = try await makeClient(transport).invoke(function: LambdaFunctionIdentifier("f"), json: Order(id: 9))
        #expect(result.payload == bytes(#"{"id":9}"#))
        #expect(transport.invocations.first?.payload == bytes(#"{"id":9}"#))
    }
}
