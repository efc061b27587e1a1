import ArgumentParser
import DBLambdaCore
import DBLambdaInvoke
import Logging

/// `--endpoint-url` and `--profile`, declared once for `invoke` and `verify`.
struct LambdaEndpointOptions: ParsableArguments {
    @Option(name: .customLong("endpoint-url"), help: ArgumentHelp("A custom Lambda endpoint.", valueName: "URL"))
    var endpointURL: String?

    @Option(name: .long, help: "The shared config profile.")
    var profile: String?
}

/// The Lambda client settings `invoke` and `verify` share: a region, `--endpoint-url`, `--profile` and (for
/// `invoke`) `--max-attempts`. Each command declares its own options and resolves its own region; this builds the
/// client from them, turning every failure into a ``CLIFailure`` (exit 2).
struct LambdaClientOptions {
    /// The region; `nil` leaves it to `AWS_REGION`, `AWS_DEFAULT_REGION` and the profile.
    var region: Region?
    /// `--endpoint-url` and `--profile` (`nil` uses `AWS_PROFILE`).
    var endpoint: LambdaEndpointOptions
    /// `--max-attempts`: all attempts, the first included.
    var maxAttempts: Int? = nil

    /// `name` as a region, or a ``CLIFailure`` `invalid region 'NAME': …`.
    static func region(_ name: String) throws -> Region {
        do {
            return try Region(name)
        } catch {
            throw CLIFailure(message: "invalid region '\(name)': \(error.message)")
        }
    }

    /// The client settings: the environment's (`AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`, …) with the region, then
    /// `--endpoint-url` and `--max-attempts` on top.
    func configuration(environment: [String: String]) throws -> LambdaClient.Configuration {
        var configuration: LambdaClient.Configuration
        do {
            configuration = try LambdaClient.Configuration.fromEnvironment(environment, region: region)
        } catch {
            throw CLIFailure(message: "\(error.code): \(error.message)")
        }
        if let endpointURL = endpoint.endpointURL {
            configuration.endpoint = endpointURL
        }
        if let maxAttempts {
            guard maxAttempts >= 1 else {
                throw CLIFailure(message: "--max-attempts must be at least 1, got \(maxAttempts)")
            }
            configuration.maxAttempts = maxAttempts
        }
        return configuration
    }

    /// A client with ``configuration(environment:)`` and the default credential chain; call `shutdown()` when done.
    func makeClient(environment: [String: String], logger: Logger) throws -> LambdaClient {
        let configuration = try configuration(environment: environment)
        do {
            return try LambdaClient(
                configuration: configuration,
                environment: environment,
                profile: endpoint.profile,
                logger: logger
            )
        } catch let error as LambdaInvokeError {
            throw CLIFailure(message: "\(error.code): \(error.message)")
        } catch {
            throw CLIFailure(message: "cannot set up the Lambda client: \(error)")
        }
    }
}
