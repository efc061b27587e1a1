import ArgumentParser
import DatabaseLambda
import Foundation
import Logging

/// `dblambda verify CONFIG`: a live check that the caller's credentials may invoke the integration's function
/// (a `DryRun` invoke). Prints the plan's checklist with the permission-assignment step `verified` or `failed`;
/// exit 0 when verified, 1 when Lambda denied or the call failed, 2 on a bad config or bad options.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check live, with a DryRun invoke, that the credentials may invoke the integration's function.",
        discussion: """
            Run it with the role's credentials (for example after aws sts assume-role, or --profile naming a \
            profile that assumes the role). Lambda checks the permission without running the function. Output: \
            {"checklist": [...], "verification": {"status", "message", "errorCode"?, "requestID"?}}. The region \
            is --region, else the function ARN's region; credentials come from the default chain (--profile > \
            AWS_PROFILE). Exit 0 verified, 1 denied or failed, 2 on a bad config.
            """
    )

    @Argument(help: ArgumentHelp("The integration config (.yaml, .yml or .json).", valueName: "CONFIG"))
    var config: String

    @Option(name: .long, help: "The AWS region (default: the function ARN's region).")
    var region: String?

    @OptionGroup var endpoint: LambdaEndpointOptions

    func run() async throws {
        let integration = try PlanCLI.load(config)
        let plan: IntegrationPlan
        do {
            plan = try integration.plan()
        } catch {
            throw CLIFailure(message: "\(config): \(error.description)")
        }
        let environment = ProcessInfo.processInfo.environment
        let logger = CLIIO.logger(label: "dblambda.verify")
        let options = LambdaClientOptions(
            region: try region.map(LambdaClientOptions.region) ?? integration.function.arn.region,
            endpoint: endpoint
        )
        let client = try options.makeClient(environment: environment, logger: logger)
        let result = await DatabaseLambda(integration: integration, client: client, logger: logger).verify()
        try? await client.shutdown()
        let verified = plan.applying(result)
        var verification: [String: Any] = ["status": result.status.rawValue, "message": result.message]
        if let code = result.errorCode { verification["errorCode"] = code }
        if let requestID = result.requestID { verification["requestID"] = requestID }
        let checklist: [[String: Any]] = verified.checklist.map {
            ["step": $0.step.rawValue, "title": $0.title, "status": $0.status.rawValue, "details": $0.details]
        }
        try CLIIO.writeJSON(["checklist": checklist, "verification": verification])
        if !result.isVerified {
            throw CLIFailure(message: result.message, exitStatus: 1)
        }
    }
}
