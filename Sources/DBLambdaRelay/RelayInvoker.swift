import DBLambdaInvoke
import Logging

/// What became of one invocation.
enum InvocationOutcome: Sendable, Hashable {
    /// Lambda accepted (`Event`) or ran (`RequestResponse`) it.
    case delivered
    /// The function ran and failed (`X-Amz-Function-Error`): a failed delivery.
    case functionError(String)
    /// Lambda or the network failed; `tooLarge` when Lambda rejected the payload's size, `throttled` for 429s.
    case failed(String, tooLarge: Bool = false, throttled: Bool = false)
    /// The task was cancelled while invoking: the batch is released unchanged.
    case cancelled

    /// The `outcome` dimension of `dblambda_relay_invocations_total`.
    enum Kind: String, Sendable, Hashable, CaseIterable {
        case success
        case functionError = "function_error"
        case throttled
        case error
        case cancelled
    }

    var kind: Kind {
        switch self {
        case .delivered: .success
        case .functionError: .functionError
        case .failed(_, _, let throttled): throttled ? .throttled : .error
        case .cancelled: .cancelled
        }
    }
}

/// Sends one payload (the seam unit tests replace).
protocol RelayInvoker: Sendable {
    func invoke(_ payload: [UInt8]) async -> InvocationOutcome
}

/// Invokes the configured function with `LambdaClient`.
struct LambdaRelayInvoker: RelayInvoker {
    let client: LambdaClient
    let function: LambdaFunctionIdentifier
    let options: InvokeOptions

    init(client: LambdaClient, configuration: RelayConfiguration) throws(RelayError) {
        self.client = client
        do {
            self.function = try LambdaFunctionIdentifier(configuration.function)
        } catch {
            throw RelayError(code: .invalidConfiguration, message: "function: \(error.message)")
        }
        self.options = InvokeOptions(invocationType: configuration.invocationType, qualifier: configuration.qualifier)
    }

    func invoke(_ payload: [UInt8]) async -> InvocationOutcome {
        let result: Result<LambdaInvokeResult, any Error>
        do {
            result = .success(try await client.invoke(function: function, payload: payload, options: options))
        } catch {
            result = .failure(error)
        }
        return Self.outcome(of: result, cancelled: Task.isCancelled)
    }

    /// Classifies an invocation: a function error is a failed delivery; Lambda's size rejections are marked so a
    /// single event can go to the dead letter at once; HTTP 429 is a throttle.
    static func outcome(of result: Result<LambdaInvokeResult, any Error>, cancelled: Bool) -> InvocationOutcome {
        switch result {
        case .success(let result):
            if let error = result.functionError {
                let type = error.errorType ?? error.kind
                return .functionError(oneLine("function error \(type): \(error.errorMessage ?? error.description)"))
            }
            return .delivered
        case .failure(let error as LambdaInvokeError):
            if cancelled { return .cancelled }
            let tooLarge =
                error.code == .requestTooLarge || error.code == .payloadTooLarge
                || error.code == .serializedRequestEntityTooLarge
            return .failed(oneLine(error.description), tooLarge: tooLarge, throttled: error.statusCode == 429)
        case .failure(let error):
            if cancelled { return .cancelled }
            return .failed(oneLine("\(error)"))
        }
    }

    /// At most 2 000 characters on one line (stored as the event's `last_error`).
    static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 2000 ? String(flat.prefix(2000)) + "…" : flat
    }
}
