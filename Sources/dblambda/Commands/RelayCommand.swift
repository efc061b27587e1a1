import ArgumentParser
import DBLambdaCore
import DBLambdaCredentials
import DBLambdaInvoke
import DBLambdaRelay
import DBLambdaSQL
import DatabaseLambda
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `dblambda relay [CONFIG] [--database URL] [--function ARN] …`: delivers the committed rows of the PostgreSQL outbox
/// to a Lambda function until SIGTERM or SIGINT (graceful: the batches in flight finish and commit; exit 0).
/// Settings come from CONFIG (an integration with `delivery: outbox`) and the flags, which override it; the
/// database URL only from `--database` or `DBLAMBDA_DATABASE_URL`. Logs go to standard error.
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Deliver committed outbox rows to Lambda until SIGTERM (outbox delivery mode).",
        discussion: """
            Runs the outbox relay: claims pending rows of the outbox with FOR UPDATE SKIP LOCKED, invokes the \
            function, marks them delivered, retries failures with exponential backoff and moves an event to the \
            dead letter after --max-attempts. Several relays may run side by side (with the same --ordering). \
            CONFIG is an integration config with delivery: outbox (its function, qualifier, outbox and relay \
            sections); flags override it; without CONFIG, --function is required. The database URL \
            (postgres://user:password@host:port/db?sslmode=…) comes from --database or DBLAMBDA_DATABASE_URL, never \
            from the config file, and is never printed with its password. Logs go to standard error (--debug: \
            trace level). SIGTERM or SIGINT: stop claiming, finish the batches in flight, exit 0. Exit 2 with one \
            error line on bad input; --check prints the effective settings as JSON and exits without connecting.
            """
    )

    @Argument(help: ArgumentHelp("An integration config with delivery: outbox.", valueName: "CONFIG"))
    var config: String?

    @OptionGroup var database: OutboxDatabaseOptions

    @Option(name: .long, help: ArgumentHelp("The function: name, partial ARN or full ARN.", valueName: "ARN"))
    var function: String?

    @Option(name: .long, help: "A version or alias.")
    var qualifier: String?

    @Option(name: .customLong("invocation-type"), help: "Event (default) or RequestResponse.")
    var invocationType: String?

    @Option(name: .customLong("batch-size"), help: ArgumentHelp("Events claimed per transaction.", valueName: "N"))
    var batchSize: Int?

    @Option(name: .long, help: ArgumentHelp("Workers, each with its own connection.", valueName: "N"))
    var concurrency: Int?

    @Option(name: .long, help: "none (default) or partition-key.")
    var ordering: String?

    @Option(
        name: .customLong("max-attempts"),
        help: ArgumentHelp("Attempts before the dead letter.", valueName: "N")
    )
    var maxAttempts: Int?

    @Option(
        name: .customLong("retry-base-seconds"),
        help: ArgumentHelp("The first retry delay (exponential, full jitter).", valueName: "N")
    )
    var retryBaseSeconds: Int?

    @Option(name: .customLong("retry-max-seconds"), help: ArgumentHelp("The longest retry delay.", valueName: "N"))
    var retryMaxSeconds: Int?

    @Option(
        name: .customLong("poll-interval-ms"),
        help: ArgumentHelp("How often idle workers poll without a NOTIFY.", valueName: "N")
    )
    var pollIntervalMs: Int?

    @Option(
        name: .customLong("retention-hours"),
        help: ArgumentHelp("How long delivered rows stay (0: deleted at once; forever: kept).", valueName: "H")
    )
    var retentionHours: String?

    @Option(name: .long, help: ArgumentHelp("The outbox schema (default dblambda).", valueName: "S"))
    var schema: String?

    @Option(name: .long, help: ArgumentHelp("The NOTIFY channel (default dblambda_outbox).", valueName: "C"))
    var channel: String?

    @Option(name: .long, help: "The AWS region (default: the function ARN's, then the default chain).")
    var region: String?

    @OptionGroup var endpoint: LambdaEndpointOptions

    @Flag(name: .long, help: "Print the effective settings as JSON and exit without connecting.")
    var check = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = try RelaySettings.resolve(self, environment: environment)
        if check {
            try CLIIO.writeJSON(settings.summary)
            return
        }
        let logger = RelayLogging.logger(label: "dblambda.relay")
        let client = try LambdaClientOptions(region: settings.region, endpoint: endpoint)
            .makeClient(environment: environment, logger: logger)
        let relay = OutboxRelay(
            configuration: settings.configuration,
            database: settings.database,
            lambda: client,
            logger: logger
        )
        logger.info(
            "relay starting",
            metadata: [
                "function": "\(settings.configuration.function)",
                "database": "\(settings.database)",
                "outbox": "\(settings.configuration.names.qualifiedOutbox)",
            ]
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [ServiceGroupConfiguration.ServiceConfiguration(service: relay)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        let outcome: Result<Void, any Error>
        do {
            try await group.run()
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try? await client.shutdown()
        switch outcome {
        case .success:
            logger.info("relay stopped")
        case .failure(let error):
            throw RelaySettings.failure(error)
        }
    }
}

/// `--database URL` (or `DBLAMBDA_DATABASE_URL`) and `--schema`, shared by `relay` and `outbox`.
struct OutboxDatabaseOptions: ParsableArguments {
    /// The environment variable read when `--database` is not given.
    static let environmentVariable = "DBLAMBDA_DATABASE_URL"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "postgres://user:password@host:port/db?sslmode=… (default: $DBLAMBDA_DATABASE_URL).",
            valueName: "URL"
        )
    )
    var database: String?

    /// The URL from `--database`, else `DBLAMBDA_DATABASE_URL`, parsed; a missing or bad URL is exit 2.
    func url(environment: [String: String]) throws -> DatabaseURL {
        guard let text = database ?? environment[Self.environmentVariable], !text.isEmpty else {
            throw CLIFailure(
                message: "no database URL: give --database postgres://… or set \(Self.environmentVariable)"
            )
        }
        do {
            return try DatabaseURL(text)
        } catch {
            throw CLIFailure(message: "--database: \(error.message)")
        }
    }
}

/// The relay's logger: standard error at `info` (trace with `--debug`), whatever the process-wide logging says.
enum RelayLogging {
    static func logger(label: String) -> Logger {
        let arguments = CommandLine.arguments.dropFirst()
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        let debug = arguments[..<end].contains(DebugLogging.flag)
        var logger = Logger(label: label) { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = debug ? .trace : .info
        return logger
    }
}

/// The relay's settings after merging CONFIG and the flags, validated.
struct RelaySettings {
    var configuration: RelayConfiguration
    var database: DatabaseURL
    var region: Region?

    /// Merges CONFIG (when given) and the flags of `command`; every problem is a ``CLIFailure`` (exit 2).
    static func resolve(_ command: RelayCommand, environment: [String: String]) throws -> RelaySettings {
        var relay = Integration.Relay()
        var names = OutboxNames.standard
        var function: String?
        var qualifier: String?
        var region: String?
        if let path = command.config {
            let integration = try PlanCLI.load(path)
            guard integration.delivery == .outbox else {
                throw CLIFailure(
                    message: "\(path): delivery: the relay needs delivery: outbox (the config says direct)"
                )
            }
            relay = integration.relay
            do {
                names = try OutboxNames(schema: integration.outbox.schema, channel: integration.outbox.channel)
            } catch {
                throw CLIFailure(message: "\(path): outbox: \(error.message)")
            }
            let invoked = integration.invokedFunctionARN
            function = invoked.unqualified.description
            qualifier = invoked.qualifier?.value
            region = invoked.region.name
        }
        if let value = command.function {
            function = value
            // A full ARN names its region; a name or partial ARN keeps the config's (or leaves it to the chain).
            region = (try? LambdaFunctionARN(parsing: value))?.region.name ?? region
            if command.qualifier == nil { qualifier = nil }
        }
        if let value = command.qualifier { qualifier = value }
        guard let function else {
            throw CLIFailure(message: "no function: give CONFIG (delivery: outbox) or --function ARN")
        }
        if let value = command.invocationType {
            switch value {
            case "Event": relay.invocationType = .event
            case "RequestResponse": relay.invocationType = .requestResponse
            default:
                throw CLIFailure(message: "--invocation-type must be Event or RequestResponse, not '\(value)'")
            }
        }
        if let value = command.ordering {
            guard let ordering = Integration.Relay.Ordering(rawValue: value) else {
                throw CLIFailure(message: "--ordering must be none or partition-key, not '\(value)'")
            }
            relay.ordering = ordering
        }
        let integers: [(String, Int?, WritableKeyPath<Integration.Relay, Int>, ClosedRange<Int>)] = [
            ("--batch-size", command.batchSize, \.batchSize, RelayConfiguration.batchSizeRange),
            ("--concurrency", command.concurrency, \.concurrency, RelayConfiguration.concurrencyRange),
            ("--max-attempts", command.maxAttempts, \.maxAttempts, RelayConfiguration.maxAttemptsRange),
            ("--retry-base-seconds", command.retryBaseSeconds, \.retryBaseSeconds, 1...86_400),
            ("--retry-max-seconds", command.retryMaxSeconds, \.retryMaxSeconds, 1...604_800),
            ("--poll-interval-ms", command.pollIntervalMs, \.pollIntervalMilliseconds, 10...3_600_000),
        ]
        for (flag, value, keyPath, range) in integers {
            guard let value else { continue }
            guard range.contains(value) else {
                throw CLIFailure(message: "\(flag) must be \(range.lowerBound)-\(range.upperBound), got \(value)")
            }
            relay[keyPath: keyPath] = value
        }
        if let value = command.retentionHours {
            if value == "forever" {
                relay.retentionHours = nil
            } else if let hours = Int(value), (0...87_600).contains(hours) {
                relay.retentionHours = hours
            } else {
                throw CLIFailure(message: "--retention-hours must be 0-87600 or forever, not '\(value.prefix(40))'")
            }
        }
        do {
            names = try OutboxNames(schema: command.schema ?? names.schema, channel: command.channel ?? names.channel)
        } catch {
            throw CLIFailure(message: "--schema/--channel: \(error.message)")
        }
        if let value = command.region { region = value }
        let configuration = RelayConfiguration(
            function: function,
            qualifier: qualifier,
            invocationType: relay.invocationType == .requestResponse ? .requestResponse : .event,
            names: names,
            batchSize: relay.batchSize,
            concurrency: relay.concurrency,
            ordering: relay.ordering == .partitionKey ? .partitionKey : .none,
            maxAttempts: relay.maxAttempts,
            retryBaseDelay: .seconds(relay.retryBaseSeconds),
            retryMaxDelay: .seconds(relay.retryMaxSeconds),
            pollInterval: .milliseconds(relay.pollIntervalMilliseconds),
            retention: relay.retentionHours.map { .seconds($0 * 3_600) }
        )
        do {
            try configuration.validate()
        } catch {
            throw CLIFailure(message: error.message)
        }
        let database = try command.database.url(environment: environment)
        return RelaySettings(
            configuration: configuration,
            database: database,
            region: try resolvedRegion(region, profile: command.endpoint.profile, environment: environment)
        )
    }

    /// `explicit` (the flag or the function ARN's region), else the default chain; `nil` when nothing names one.
    private static func resolvedRegion(
        _ explicit: String?,
        profile: String?,
        environment: [String: String]
    ) throws -> Region? {
        let name: String?
        do {
            name = try RegionResolver.resolveRegion(explicit: explicit, environment: environment, profile: profile)
        } catch {
            throw CLIFailure(message: "cannot resolve the region: \(error)")
        }
        return try name.map(LambdaClientOptions.region)
    }

    /// The effective settings as JSON for `--check` (the database URL without its password).
    var summary: [String: Any] {
        let seconds = { (duration: Duration) -> Double in
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        return [
            "function": configuration.function,
            "qualifier": configuration.qualifier ?? NSNull(),
            "invocationType": configuration.invocationType.rawValue,
            "region": region?.name ?? NSNull(),
            "database": database.description,
            "schema": configuration.names.schema,
            "channel": configuration.names.channel,
            "batchSize": configuration.batchSize,
            "concurrency": configuration.concurrency,
            "ordering": configuration.ordering.rawValue,
            "maxAttempts": configuration.maxAttempts,
            "retryBaseSeconds": seconds(configuration.retryBaseDelay),
            "retryMaxSeconds": seconds(configuration.retryMaxDelay),
            "pollIntervalMs": Int(seconds(configuration.pollInterval) * 1_000),
            "retentionHours": configuration.retention.map { seconds($0) / 3_600 } ?? NSNull(),
        ]
    }

    /// A failure of a running relay: bad settings are exit 2, anything else exit 1.
    static func failure(_ error: any Error) -> CLIFailure {
        if let relay = error as? RelayError {
            let input = relay.code == .invalidConfiguration || relay.code == .invalidDatabaseURL
            return CLIFailure(message: relay.description, exitStatus: input ? 2 : 1)
        }
        return CLIFailure(message: "the relay stopped: \(error)", exitStatus: 1)
    }
}
