public import DBLambdaEvents
public import DBLambdaInvoke
import DBLambdaPayload
import DBLambdaSQL
public import Logging

/// The runtime façade a host application holds: it delivers change events the application collected itself to
/// the integration's function, and checks live that the permission to invoke it is in place.
///
/// ```swift
/// let integration = try Integration.load(contentsOf: "dblambda.yaml")
/// let lambda = DatabaseLambda(integration: integration, client: try LambdaClient())
/// for outcome in await lambda.deliver(events) where !outcome.isDelivered { logger.warning("\(outcome)") }
/// ```
public struct DatabaseLambda: Sendable {
    /// The integration whose function receives the events.
    public let integration: Integration
    /// The client that sends the invocations.
    public let client: LambdaClient
    private let logger: Logger

    /// Creates the façade.
    ///
    /// - Parameters:
    ///   - integration: The integration (its function and qualifier are invoked).
    ///   - client: The Lambda client; the caller owns it and shuts it down.
    ///   - logger: Where failures are logged (never payloads or secrets).
    public init(integration: Integration, client: LambdaClient, logger: Logger = Logger(label: "DatabaseLambda")) {
        self.integration = integration
        self.client = client
        self.logger = logger
    }

    /// Delivers `events` in as few invocations as fit the payload limit of the invocation type, in order.
    ///
    /// - Parameters:
    ///   - events: The events, in the order they happened.
    ///   - invocationType: `Event` (1 MB batches) or `RequestResponse` (6 MB batches); `nil` uses the first
    ///     table's invocation type. `DryRun` checks the permission without running the function.
    /// - Returns: One outcome per event, in input order. A function error or a Lambda error fails every event of
    ///   its batch with the reason; an event too large for one invocation fails alone.
    public func deliver(_ events: [ChangeEvent], invocationType: InvocationType? = nil) async -> [DeliveryOutcome] {
        let type = invocationType ?? defaultInvocationType
        let limit = PayloadLimit(maximumBytes: type.payloadLimit)
        var outcomes: [DeliveryOutcome?] = Array(repeating: nil, count: events.count)
        // Events too large for one invocation fail alone; the rest are batched.
        var sendable: [Int] = []
        for (index, event) in events.enumerated() {
            let size = EnvelopeEncoder.encode(event).count
            if limit.fits(size) {
                sendable.append(index)
            } else {
                outcomes[index] = .failed(
                    "event \(index) on \(event.source.schema).\(event.source.table) is \(size) bytes, over the "
                        + "\(limit.maximumBytes)-byte limit of one \(type.rawValue) invocation"
                )
            }
        }
        let payloads: [EnvelopeEncoder.Payload]
        do {
            payloads = try EnvelopeEncoder.payloads(for: sendable.map { events[$0] }, limit: limit)
        } catch {
            // Unreachable after the size check above; fail the remaining events rather than crash.
            for index in sendable { outcomes[index] = .failed(error.description) }
            return outcomes.map { $0 ?? .failed(error.description) }
        }
        let function = integration.invokedFunctionARN.description
        for payload in payloads {
            let outcome: DeliveryOutcome
            do {
                let result = try await client.invoke(
                    function: function,
                    payload: payload.bytes,
                    options: InvokeOptions(invocationType: type)
                )
                if let error = result.functionError {
                    outcome = .functionError(
                        type: error.errorType ?? error.kind,
                        message: error.errorMessage ?? error.description
                    )
                } else {
                    outcome = .delivered(requestID: result.requestID)
                }
            } catch {
                outcome = .failed(String(describing: error))
            }
            if !outcome.isDelivered {
                logger.warning(
                    "delivery failed",
                    metadata: [
                        "function": "\(function)", "events": "\(payload.eventRange.count)", "reason": "\(outcome)",
                    ]
                )
            }
            for position in payload.eventRange { outcomes[sendable[position]] = outcome }
        }
        return outcomes.map { $0 ?? .failed("not sent") }
    }

    /// Checks live that the caller may invoke the function: a `DryRun` invoke (Lambda checks the permission without
    /// running the function). Run it with the role's credentials.
    ///
    /// - Returns: The permission-assignment checklist item, `verified` or `failed` with Lambda's error text; apply
    ///   it to a plan with ``IntegrationPlan/applying(_:)``.
    public func verify() async -> VerificationResult {
        let function = integration.invokedFunctionARN.description
        do {
            let result = try await client.invoke(
                function: function,
                payload: [],
                options: InvokeOptions(invocationType: .dryRun)
            )
            let detail =
                "DryRun invoke of \(function) succeeded (HTTP \(result.statusCode), request id "
                + "\(result.requestID ?? "none"))"
            return VerificationResult(
                status: .verified,
                requestID: result.requestID,
                message: detail
            )
        } catch let error as LambdaInvokeError {
            return VerificationResult(
                status: .failed,
                requestID: error.requestID,
                errorCode: error.code.rawValue,
                message: "DryRun invoke of \(function) failed: \(error.description)"
            )
        } catch {
            return VerificationResult(
                status: .failed,
                message: "DryRun invoke of \(function) failed: \(error)"
            )
        }
    }

    private var defaultInvocationType: InvocationType {
        let type: TriggerInvocationType? =
            integration.delivery == .outbox
            ? integration.relay.invocationType : integration.tables.first?.invocationType
        switch type {
        case .requestResponse: return .requestResponse
        case .event, nil: return .event
        }
    }
}

/// What happened to one event handed to ``DatabaseLambda/deliver(_:invocationType:)``.
public enum DeliveryOutcome: Sendable, Hashable, CustomStringConvertible {
    /// Lambda accepted (`Event`) or ran (`RequestResponse`) the invocation that carried the event.
    case delivered(requestID: String?)
    /// The function ran and failed (`X-Amz-Function-Error`): its error type and message.
    case functionError(type: String, message: String)
    /// The invocation was not accepted (a Lambda error, the network, the payload limit): the reason.
    case failed(String)

    /// Whether the event was delivered.
    public var isDelivered: Bool {
        if case .delivered = self { return true }
        return false
    }

    /// One line: `delivered (request id …)`, `function error Type: message` or `failed: reason`.
    public var description: String {
        switch self {
        case .delivered(let requestID): return "delivered (request id \(requestID ?? "none"))"
        case .functionError(let type, let message): return oneLine("function error \(type): \(message)")
        case .failed(let reason): return oneLine("failed: \(reason)")
        }
    }
}

/// The outcome of ``DatabaseLambda/verify()``: the permission-assignment step checked live.
public struct VerificationResult: Sendable, Hashable {
    /// ``ChecklistItem/Status/verified`` or ``ChecklistItem/Status/failed``.
    public var status: ChecklistItem.Status
    /// Lambda's request id, when it answered.
    public var requestID: String?
    /// Lambda's error code (e.g. `AccessDeniedException`) or the client's, when the check failed.
    public var errorCode: String?
    /// What happened, on one line.
    public var message: String

    /// Creates a result.
    public init(status: ChecklistItem.Status, requestID: String? = nil, errorCode: String? = nil, message: String) {
        self.status = status
        self.requestID = requestID
        self.errorCode = errorCode
        self.message = message
    }

    /// Whether the permission is in place.
    public var isVerified: Bool { status == .verified }

    /// The permission-assignment checklist item this result stands for.
    public var checklistItem: ChecklistItem {
        ChecklistItem(
            step: .permissionAssignment,
            title: ChecklistItem.Step.permissionAssignment.title,
            status: status,
            details: [message]
        )
    }
}

extension IntegrationPlan {
    /// The plan with its permission-assignment item replaced by the outcome of a live check.
    public func applying(_ verification: VerificationResult) -> IntegrationPlan {
        var plan = self
        let item = verification.checklistItem
        if let index = plan.checklist.firstIndex(where: { $0.step == .permissionAssignment }) {
            var updated = plan.checklist[index]
            updated.status = item.status
            updated.details = item.details
            plan.checklist[index] = updated
        } else {
            plan.checklist.append(item)
        }
        return plan
    }
}

extension ChecklistItem.Step {
    /// The step's title as the checklist shows it.
    public var title: String {
        switch self {
        case .functionSetup: "Lambda function set-up"
        case .networkConfiguration: "Database network configuration"
        case .permissionAssignment: "Permission assignment"
        case .triggerSetup: "Trigger set-up"
        }
    }
}
