import DBLambdaHTTP
import Foundation

/// The standard mode's retry quota: a bucket of 500 tokens shared by all calls of one client. A retry costs 5
/// tokens (10 after a timeout); a success without retry returns 1, a success after retries returns what the last
/// retry took; the bucket never holds more than its capacity. When it cannot pay, the error is returned at once.
final class RetryQuota: Sendable {
    static let capacity = 500
    static let retryCost = 5
    static let timeoutRetryCost = 10
    static let noRetryIncrement = 1

    private let tokens = Locked(RetryQuota.capacity)

    /// Takes `cost` tokens; `false` when the bucket holds fewer.
    func acquire(_ cost: Int) -> Bool {
        tokens.withLock { tokens in
            guard tokens >= cost else { return false }
            tokens -= cost
            return true
        }
    }

    /// Returns tokens after a success.
    func release(_ amount: Int) {
        tokens.withLock { $0 = min(Self.capacity, $0 + amount) }
    }

    /// The tokens left.
    var available: Int { tokens.withLock { $0 } }
}

/// Which failures the standard mode retries.
enum RetryClassifier {
    static let retryableStatuses: Set<Int> = [429, 500, 502, 503, 504]
    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown",
        "EC2ThrottledException",
    ]
    static let transientCodes: Set<String> = ["RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"]

    /// What to do after an error.
    enum Decision: Equatable {
        case retry(cost: Int, throttling: Bool)
        case stop
    }

    static func decide(_ error: LambdaInvokeError, invocationType: InvocationType, retryAfterSend: Bool) -> Decision {
        if let status = error.statusCode {
            let code = error.code.rawValue
            if throttlingCodes.contains(code) || status == 429 {
                return .retry(cost: RetryQuota.retryCost, throttling: true)
            }
            if retryableStatuses.contains(status) || transientCodes.contains(code) {
                return .retry(cost: RetryQuota.retryCost, throttling: false)
            }
            return .stop
        }
        guard let transport = error.transportError else { return .stop }
        if transport.code == .cancelled || transport.code == .invalidRequest || transport.code == .responseTooLarge {
            return .stop
        }
        let isTimeout =
            transport.code == .timeout || transport.code == .readTimeout
            || transport.code == .connectTimeout
        let cost = isTimeout ? RetryQuota.timeoutRetryCost : RetryQuota.retryCost
        if !transport.requestMayHaveBeenSent {
            return .retry(cost: cost, throttling: false)
        }
        // The request may have reached Lambda: a synchronous invocation could run twice.
        if invocationType == .requestResponse && !retryAfterSend {
            return .stop
        }
        return .retry(cost: cost, throttling: false)
    }
}

/// A value protected by a lock.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
