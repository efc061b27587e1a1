import DatabaseLambda
import Foundation
import Testing

@testable import DBLambdaRelay

@Suite("RelayConfiguration")
struct RelayConfigurationTests {
    @Test("the defaults are the documented ones and validate")
    func defaults() throws {
        let configuration = RelayConfiguration(function: "orders")
        #expect(configuration.invocationType == .event)
        #expect(configuration.qualifier == nil)
        #expect(configuration.names.schema == "dblambda" && configuration.names.channel == "dblambda_outbox")
        #expect(configuration.batchSize == 100)
        #expect(configuration.concurrency == 2)
        #expect(configuration.ordering == RelayConfiguration.Ordering.none)
        #expect(configuration.maxAttempts == 10)
        #expect(configuration.retryBaseDelay == .seconds(1))
        #expect(configuration.retryMaxDelay == .seconds(300))
        #expect(configuration.pollInterval == .seconds(1))
        #expect(configuration.retention == .seconds(86_400))
        #expect(configuration.cleanupInterval == .seconds(60))
        try configuration.validate()
    }

    @Test("ordering modes have the CLI spellings none and partition-key")
    func orderingNames() {
        #expect(RelayConfiguration.Ordering.allCases.map(\.rawValue) == ["none", "partition-key"])
        #expect(RelayConfiguration.Ordering(rawValue: "partition-key") == .partitionKey)
    }

    /// One invalid change per case: the field it breaks, and the change.
    static func broken(_ change: String) -> RelayConfiguration {
        var c = RelayConfiguration(function: "orders")
        switch change {
        case "batchSize=0": c.batchSize = 0
        case "batchSize=10001": c.batchSize = 10_001
        case "concurrency=0": c.concurrency = 0
        case "concurrency=65": c.concurrency = 65
        case "maxAttempts=0": c.maxAttempts = 0
        case "retryBaseDelay=0": c.retryBaseDelay = .zero
        case "retryMaxDelay<base": c.retryMaxDelay = .milliseconds(10)
        case "pollInterval=0": c.pollInterval = .zero
        case "retention<0": c.retention = .seconds(-1)
        case "cleanupInterval=0": c.cleanupInterval = .zero
        case "invocationType=DryRun": c.invocationType = .dryRun
        case "function=spaces": c.function = "not a function name"
        case "function=empty": c.function = ""
        case "qualifier=slash": c.qualifier = "prod/1"
        case "names=empty schema": c.names.schema = ""
        default: Issue.record("unknown case \(change)")
        }
        return c
    }

    @Test(
        "validate names the field that is out of range",
        arguments: [
            "batchSize=0", "batchSize=10001", "concurrency=0", "concurrency=65", "maxAttempts=0", "retryBaseDelay=0",
            "retryMaxDelay<base", "pollInterval=0", "retention<0", "cleanupInterval=0", "invocationType=DryRun",
            "function=spaces", "function=empty", "qualifier=slash", "names=empty schema",
        ]
    )
    func rejects(change: String) {
        let field = String(change.prefix { $0 != "=" && $0 != "<" })
        let configuration = Self.broken(change)
        #expect(throws: RelayError.invalidConfiguration) { try configuration.validate() }
        do {
            try configuration.validate()
        } catch {
            #expect(error.message.hasPrefix(field), "\(error.message)")
            #expect(error.description.hasPrefix("invalidConfiguration: "))
        }
    }

    @Test("full ARNs, qualifiers, RequestResponse, no retention and immediate deletion are accepted")
    func accepts() throws {
        var configuration = RelayConfiguration(
            function: "arn:aws:lambda:us-east-1:123456789012:function:orders:live",
            qualifier: "$LATEST",
            invocationType: .requestResponse,
            batchSize: 10_000,
            concurrency: 64,
            ordering: .partitionKey,
            maxAttempts: 1,
            retention: nil
        )
        try configuration.validate()
        configuration.retention = .zero
        try configuration.validate()
    }

    @Test("a double quote in the channel is refused before the relay starts (postgres-nio's LISTEN quoting)")
    func channelQuote() throws {
        var names = RelayConfiguration(function: "f").names
        names.channel = #"wake"up"#
        #expect(throws: RelayError.invalidConfiguration) { try OutboxRelay.checkChannel(names) }
        try OutboxRelay.checkChannel(RelayConfiguration(function: "f").names)
    }

    @Test("RelayError compares codes only, matches with ~= and prints one line")
    func errors() {
        let error = RelayError(code: .invalidArgument, message: "limit must be 1 to 100000")
        #expect(error == RelayError.invalidArgument)
        #expect(error != RelayError.databaseFailure)
        #expect(RelayError.invalidArgument ~= error)
        #expect(!(RelayError.invalidArgument ~= TestFailure(description: "x")))
        #expect(error.description == "invalidArgument: limit must be 1 to 100000")
        #expect(Set([error, RelayError.invalidArgument]).count == 1)
    }
}
