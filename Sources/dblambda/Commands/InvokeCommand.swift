import ArgumentParser
import DBLambdaCore
import DBLambdaCredentials
import DBLambdaInvoke
import Foundation
import Logging

/// `dblambda invoke FUNCTION`: invokes a Lambda function and prints `{"StatusCode", "ExecutedVersion"?,
/// "FunctionError"?, "LogResult"?, "Payload"?}`; exit 1 on a function error or a Lambda error response, 2 on bad
/// input (a payload over its invocation type's limit included, checked before sending).
struct InvokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoke",
        abstract: "Invoke an AWS Lambda function and print the result as JSON.",
        discussion: """
            FUNCTION is a name, a partial ARN (123456789012:function:NAME) or a full ARN, optionally followed by \
            :VERSION or :ALIAS. Credentials and region come from the default chain (--region > AWS_REGION > \
            AWS_DEFAULT_REGION > the profile's region; --profile > AWS_PROFILE). Output: {"StatusCode", \
            "ExecutedVersion"?, "FunctionError"?, "LogResult"? (decoded), "Payload"?}. Exit 1 on a function error \
            or a Lambda error response, 2 on bad input. A RequestResponse invocation is never sent again after a \
            failure that happened once the request may have reached Lambda.
            """
    )

    @Argument(help: ArgumentHelp("The function: name, partial ARN or full ARN.", valueName: "FUNCTION"))
    var function: String

    @Option(
        name: .long,
        help: ArgumentHelp("The JSON payload, or @FILE to read it from a file.", valueName: "JSON|@file")
    )
    var payload: String?

    @Option(name: .customLong("invocation-type"), help: "RequestResponse (default), Event or DryRun.")
    var invocationType: String = "RequestResponse"

    @Option(name: .customLong("log-type"), help: "None (default) or Tail.")
    var logType: String = "None"

    @Option(name: .long, help: "A version or alias.")
    var qualifier: String?

    @Option(
        name: .customLong("client-context"),
        help: ArgumentHelp("A JSON object passed to the function.", valueName: "JSON")
    )
    var clientContext: String?

    @Option(name: .long, help: "The AWS region.")
    var region: String?

    @OptionGroup var endpoint: LambdaEndpointOptions

    @Option(
        name: .customLong("read-timeout"),
        help: ArgumentHelp("The longest one attempt may take.", valueName: "SECONDS")
    )
    var readTimeout: Double?

    @Option(
        name: .customLong("max-attempts"),
        help: ArgumentHelp("All attempts, the first included (1 = no retry).", valueName: "N")
    )
    var maxAttempts: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let options = try invokeOptions()
        let body = try payloadBytes()
        let identifier: LambdaFunctionIdentifier
        do {
            identifier = try LambdaFunctionIdentifier(function)
        } catch {
            throw CLIFailure(message: "\(error.code): \(error.message)")
        }
        guard body.count <= options.invocationType.payloadLimit else {
            throw CLIFailure(
                message: "payloadTooLarge: the payload is \(body.count) bytes, over the "
                    + "\(options.invocationType.payloadLimit)-byte limit of \(options.invocationType) invocations; "
                    + "nothing was sent"
            )
        }
        let logger = CLIIO.logger(label: "dblambda.invoke")
        let client = try clientOptions(environment: environment).makeClient(environment: environment, logger: logger)
        let outcome: Result<LambdaInvokeResult, LambdaInvokeError>
        do {
            outcome = .success(try await client.invoke(function: identifier, payload: body, options: options))
        } catch let error as LambdaInvokeError {
            outcome = .failure(error)
        } catch {
            outcome = .failure(LambdaInvokeError(code: .transportFailure, message: "\(error)"))
        }
        try? await client.shutdown()
        switch outcome {
        case .success(let result):
            FileHandle.standardOutput.write(Data(InvokeOutput.render(result).utf8))
            if let functionError = result.functionError {
                throw CLIFailure(
                    message: "function error (\(functionError.kind)): "
                        + "\(functionError.errorType ?? "unknown error type")"
                        + (functionError.errorMessage.map { ": \($0)" } ?? ""),
                    exitStatus: 1
                )
            }
        case .failure(let error):
            throw CLIFailure(message: error.description, exitStatus: Self.exitStatus(for: error))
        }
    }

    /// Lambda's answers and network failures are negative outcomes (1); input and setup problems are 2.
    static func exitStatus(for error: LambdaInvokeError) -> Int32 {
        if error.isServiceError || error.code == .transportFailure || error.code == .invalidResponse {
            return 1
        }
        return 2
    }

    private func invokeOptions() throws -> InvokeOptions {
        guard let type = InvocationType(rawValue: invocationType) else {
            throw CLIFailure(
                message: "--invocation-type must be RequestResponse, Event or DryRun, not '\(invocationType)'"
            )
        }
        guard let log = LogType(rawValue: logType) else {
            throw CLIFailure(message: "--log-type must be None or Tail, not '\(logType)'")
        }
        var options = InvokeOptions(invocationType: type, logType: log, qualifier: qualifier)
        if let clientContext {
            let bytes = Array(clientContext.utf8)
            guard (try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any] else {
                throw CLIFailure(message: "--client-context must be a JSON object")
            }
            options.clientContext = bytes
        }
        if let readTimeout {
            guard readTimeout > 0, readTimeout.isFinite, readTimeout <= 86_400 else {
                throw CLIFailure(message: "--read-timeout must be a number of seconds above 0, got \(readTimeout)")
            }
            options.timeout = .milliseconds(Int64((readTimeout * 1000).rounded(.up)))
        }
        return options
    }

    private func payloadBytes() throws -> [UInt8] {
        guard let payload else { return [] }
        let data: Data
        if payload.hasPrefix("@") {
            data = try CLIIO.readInput(String(payload.dropFirst()))
        } else {
            data = Data(payload.utf8)
        }
        guard (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil else {
            throw CLIFailure(message: "--payload is not valid JSON (Lambda accepts only JSON payloads)")
        }
        return Array(data)
    }

    /// The client options, the region resolved like the AWS CLI does (`--region` > `AWS_REGION` >
    /// `AWS_DEFAULT_REGION` > the profile's region).
    private func clientOptions(environment: [String: String]) throws -> LambdaClientOptions {
        let resolved: String?
        do {
            resolved = try RegionResolver.resolveRegion(
                explicit: region,
                environment: environment,
                profile: endpoint.profile
            )
        } catch {
            throw CLIFailure(message: "cannot resolve the region: \(error)")
        }
        return LambdaClientOptions(
            region: try resolved.map(LambdaClientOptions.region),
            endpoint: endpoint,
            maxAttempts: maxAttempts
        )
    }
}
