import DBLambdaCore
import DBLambdaIAM
import Foundation
import Logging
import NIOConcurrencyHelpers

/// A response the server writes.
struct OutgoingResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
}

/// Turns one complete request into one response: size, signature, routing, resource policy, handler.
/// Independent of NIO, so the channel handler only moves bytes.
final class InvokeProcessor: Sendable {
    let configuration: LocalLambdaServer.Configuration
    let verifier: SignatureVerifier?
    let evaluator = PolicyEvaluator()
    let logger: Logger
    /// `Event` invocations still running, so ``LocalLambdaServer/waitForEventInvocations()`` can wait for them.
    let events = EventTracker()

    init(configuration: LocalLambdaServer.Configuration) {
        self.configuration = configuration
        self.logger = configuration.logger
        if let keys = configuration.credentials {
            verifier = SignatureVerifier(
                keys: keys,
                region: configuration.region.name,
                maxSkew: configuration.maxClockSkew,
                now: configuration.now
            )
        } else {
            verifier = nil
        }
    }

    static let pathPrefix = "/2015-03-31/functions/"
    static let pathSuffix = "/invocations"

    func process(_ request: IncomingRequest, bodyTooLarge: Int?) async -> OutgoingResponse {
        let requestID = UUID().uuidString.lowercased()
        let outcome = await route(request, bodyTooLarge: bodyTooLarge, requestID: requestID)
        var response: OutgoingResponse
        switch outcome {
        case .success(let value):
            response = value
        case .failure(let error):
            logger.debug(
                "local Lambda error response",
                metadata: ["lambda.error": "\(error.code)", "lambda.request_id": "\(requestID)"]
            )
            response = OutgoingResponse(
                status: error.status,
                headers: [("Content-Type", "application/json"), ("x-amzn-ErrorType", error.code)],
                body: error.body
            )
        }
        response.headers.insert(("x-amzn-RequestId", requestID), at: 0)
        return response
    }

    private func route(
        _ request: IncomingRequest,
        bodyTooLarge: Int?,
        requestID: String
    ) async -> Result<OutgoingResponse, ServiceError> {
        let invocationTypeText = request.header("X-Amz-Invocation-Type") ?? "RequestResponse"
        let invocationType = LocalInvocationType(rawValue: invocationTypeText)
        if let size = bodyTooLarge {
            return .failure(
                .tooLarge(size, limit: invocationType?.payloadLimit ?? LocalLambdaLimits.requestResponsePayload)
            )
        }
        var accessKeyID: String?
        if let verifier {
            switch verifier.verify(request) {
            case .success(let keyID): accessKeyID = keyID
            case .failure(let error): return .failure(error)
            }
        }
        let target: FunctionTarget
        switch parseTarget(request) {
        case .success(let value): target = value
        case .failure(let error): return .failure(error)
        }
        if let policy = configuration.resourcePolicy {
            let principal = accessKeyID.flatMap { configuration.principals[$0] } ?? defaultPrincipal(accessKeyID)
            let resource = target.qualifier.map { "\(target.arn):\($0)" } ?? target.arn
            let result = evaluator.evaluate(
                EvaluationRequest(principal: principal, action: "lambda:InvokeFunction", resource: resource),
                identityPolicies: [],
                resourcePolicy: policy
            )
            guard result.isAllowed else {
                let reason =
                    result.decision == .explicitDeny
                    ? "an explicit deny in a resource-based policy (\(result.matched.map(\.description).joined(separator: ", ")))"
                    : "no resource-based policy allows the lambda:InvokeFunction action"
                return .failure(.accessDenied(principal: principal, resource: resource, decision: reason))
            }
        }
        guard let handler = configuration.functions[target.name] ?? configuration.defaultHandler else {
            return .failure(.resourceNotFound(target.qualifier.map { "\(target.arn):\($0)" } ?? target.arn))
        }
        guard let invocationType else {
            return .failure(
                .invalidParameter(
                    "1 validation error detected: Value '\(invocationTypeText.prefix(100))' at 'invocationType' failed "
                        + "to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]"
                )
            )
        }
        let logTypeText = request.header("X-Amz-Log-Type") ?? "None"
        guard logTypeText == "None" || logTypeText == "Tail" else {
            return .failure(
                .invalidParameter(
                    "1 validation error detected: Value '\(logTypeText.prefix(100))' at 'logType' failed to satisfy "
                        + "constraint: Member must satisfy enum value set: [Tail, None]"
                )
            )
        }
        guard request.body.count <= invocationType.payloadLimit else {
            return .failure(.tooLarge(request.body.count, limit: invocationType.payloadLimit))
        }
        if !request.body.isEmpty,
            (try? JSONSerialization.jsonObject(with: Data(request.body), options: [.fragmentsAllowed])) == nil
        {
            return .failure(.invalidContent("Could not parse request body into json: Unexpected character"))
        }
        var clientContext: [UInt8]?
        if let encoded = request.header("X-Amz-Client-Context") {
            guard let data = Data(base64Encoded: encoded),
                (try? JSONSerialization.jsonObject(with: data)) is [String: Any]
            else {
                return .failure(.invalidContent("Client context must be a valid Base64-encoded JSON object."))
            }
            clientContext = Array(data)
        }
        let version = target.qualifier ?? "$LATEST"
        let invocation = LocalInvocation(
            functionName: target.name,
            functionARN: target.arn,
            qualifier: target.qualifier,
            payload: request.body,
            invocationType: invocationType,
            clientContext: clientContext,
            requestID: requestID,
            accessKeyID: accessKeyID
        )
        let region = configuration.region.name
        switch invocationType {
        case .dryRun:
            return .success(OutgoingResponse(status: 204, headers: [("X-Amz-Executed-Version", version)], body: []))
        case .event:
            let logger = self.logger
            events.start {
                let response = await handler.invoke(invocation, region: region)
                if let error = response.functionError {
                    logger.info(
                        "asynchronous invocation failed",
                        metadata: [
                            "lambda.function": "\(invocation.functionName)", "lambda.request_id": "\(requestID)",
                            "lambda.error_type": "\(error.errorType)",
                        ]
                    )
                }
            }
            return .success(OutgoingResponse(status: 202, headers: [("X-Amz-Executed-Version", version)], body: []))
        case .requestResponse:
            let started = ContinuousClock.now
            var response = await handler.invoke(invocation, region: region)
            let elapsed = ContinuousClock.now - started
            if response.functionError == nil && response.payload.count > LocalLambdaLimits.responsePayload {
                response.functionError = LocalFunctionError(
                    errorType: "Function.ResponseSizeTooLarge",
                    errorMessage: "Response payload size exceeded maximum allowed payload size "
                        + "(\(LocalLambdaLimits.responsePayload) bytes)."
                )
            }
            var headers: [(name: String, value: String)] = [
                ("Content-Type", "application/json"), ("X-Amz-Executed-Version", version),
            ]
            var body = response.payload
            if let error = response.functionError {
                headers.append(("X-Amz-Function-Error", error.kind.rawValue))
                body = JSONText.functionError(error)
            }
            if logTypeText == "Tail" {
                let log = Self.lambdaLog(response.log, requestID: requestID, version: version, elapsed: elapsed)
                headers.append(("X-Amz-Log-Result", Data(Self.tail(log)).base64EncodedString()))
            }
            return .success(OutgoingResponse(status: 200, headers: headers, body: body))
        }
    }

    /// The principal of a key without a configured principal: an IAM user named after the key, in the account.
    private func defaultPrincipal(_ accessKeyID: String?) -> String {
        let account = configuration.accountID
        let partition = configuration.region.partition.id
        guard let accessKeyID else { return "arn:\(partition):iam::\(account):user/anonymous" }
        return "arn:\(partition):iam::\(account):user/\(accessKeyID)"
    }

    struct FunctionTarget {
        var name: String
        var qualifier: String?
        /// The unqualified ARN in the server's account and region.
        var arn: String
    }

    /// Reads `{FunctionName}` (a name, `name:qualifier`, a partial ARN or a full ARN, percent-encoded) and the
    /// `Qualifier` query parameter.
    private func parseTarget(_ request: IncomingRequest) -> Result<FunctionTarget, ServiceError> {
        let uri = request.uri
        let pathPart = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard request.method == "POST", pathPart.hasPrefix(Self.pathPrefix), pathPart.hasSuffix(Self.pathSuffix),
            pathPart.count > Self.pathPrefix.count + Self.pathSuffix.count
        else {
            return .failure(.unknownOperation(request.method, String(pathPart)))
        }
        let encoded = pathPart.dropFirst(Self.pathPrefix.count).dropLast(Self.pathSuffix.count)
        guard !encoded.contains("/"), let identifier = String(encoded).removingPercentEncoding else {
            return .failure(.unknownOperation(request.method, String(pathPart)))
        }
        var queryQualifier: String?
        if let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first {
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if parts[0] == "Qualifier" {
                    queryQualifier = parts.count > 1 ? String(parts[1]).removingPercentEncoding : ""
                }
            }
        }
        let account = configuration.accountID
        let region = configuration.region.name
        let partition = configuration.region.partition.id
        var parts = identifier.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var identifierAccount: String?
        var identifierRegion: String?
        if parts.first == "arn" {
            guard parts.count >= 7, parts[2] == "lambda", parts[5] == "function" else {
                return .failure(.invalidParameter("FunctionName '\(identifier.prefix(256))' is not a function ARN"))
            }
            identifierRegion = parts[3]
            identifierAccount = parts[4]
            parts.removeFirst(6)
        } else if parts.count >= 4, parts[2] == "function" {
            identifierRegion = parts[0]
            identifierAccount = parts[1]
            parts.removeFirst(3)
        } else if parts.count >= 3, parts[1] == "function" {
            identifierAccount = parts[0]
            parts.removeFirst(2)
        }
        guard let name = parts.first, (1...64).contains(name.count), parts.count <= 2,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
        else {
            return .failure(
                .invalidParameter(
                    "1 validation error detected: Value '\(identifier.prefix(256))' at 'functionName' failed to "
                        + "satisfy constraint: Member must satisfy regular expression pattern"
                )
            )
        }
        var qualifier = parts.count == 2 ? parts[1] : nil
        if let queryQualifier {
            if let pathQualifier = qualifier, pathQualifier != queryQualifier {
                return .failure(
                    .invalidParameter(
                        "The derived qualifier from the function name does not match the specified qualifier."
                    )
                )
            }
            qualifier = queryQualifier
        }
        if let qualifier,
            qualifier.isEmpty || qualifier.count > 128
                || !qualifier.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_$.".contains($0)) })
        {
            return .failure(.invalidParameter("The qualifier '\(qualifier.prefix(128))' is not a version or an alias"))
        }
        let arn = "arn:\(partition):lambda:\(region):\(account):function:\(name)"
        if let identifierAccount, identifierAccount != account {
            return .failure(
                .resourceNotFound(
                    "arn:\(partition):lambda:\(identifierRegion ?? region):\(identifierAccount):function:\(name)"
                )
            )
        }
        if let identifierRegion, identifierRegion != region {
            return .failure(
                .resourceNotFound("arn:\(partition):lambda:\(identifierRegion):\(account):function:\(name)")
            )
        }
        return .success(FunctionTarget(name: name, qualifier: qualifier, arn: arn))
    }

    /// The log as Lambda shows it: `START`, the function's output, `END` and `REPORT` lines.
    static func lambdaLog(_ text: String, requestID: String, version: String, elapsed: Duration) -> String {
        var log = "START RequestId: \(requestID) Version: \(version)\n"
        log += text
        if !text.isEmpty && !text.hasSuffix("\n") { log += "\n" }
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        log += "END RequestId: \(requestID)\n"
        log += "REPORT RequestId: \(requestID)\tDuration: \(String(format: "%.2f", milliseconds)) ms\n"
        return log
    }

    /// The last 4 KB of `log`, cut at a UTF-8 character boundary.
    static func tail(_ log: String) -> [UInt8] {
        let bytes = Array(log.utf8)
        guard bytes.count > LocalLambdaLimits.logTail else { return bytes }
        var start = bytes.count - LocalLambdaLimits.logTail
        while start < bytes.count && bytes[start] & 0xC0 == 0x80 { start += 1 }
        return Array(bytes[start...])
    }
}

/// Keeps the tasks of `Event` invocations so they can be awaited.
final class EventTracker: Sendable {
    private struct State {
        var next = 0
        var running: [Int: Task<Void, Never>] = [:]
    }

    private let state = NIOLockedValueBox(State())

    func start(_ work: @escaping @Sendable () async -> Void) {
        state.withLockedValue { state in
            let id = state.next
            state.next += 1
            state.running[id] = Task { [weak self] in
                await work()
                self?.finished(id)
            }
        }
    }

    private func finished(_ id: Int) {
        state.withLockedValue { _ = $0.running.removeValue(forKey: id) }
    }

    var count: Int { state.withLockedValue { $0.running.count } }

    /// Waits until no `Event` invocation runs (including ones started while waiting).
    func waitForAll() async {
        while true {
            let tasks = state.withLockedValue { Array($0.running.values) }
            if tasks.isEmpty { return }
            for task in tasks { await task.value }
        }
    }
}
