import ArgumentParser
import DatabaseLambda
import Foundation

/// `dblambda plan CONFIG [--format markdown|json|shell|terraform]`: loads an integration config, plans it offline
/// and prints the plan. Exit 0; a bad config is exit 2 with one `error: file:line: key: message` line.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print everything one database -> Lambda integration needs, offline.",
        discussion: """
            CONFIG is a dblambda.yaml or .json file (see Examples/). The plan holds the IAM documents, the role \
            association and parameter group commands, the network verdict, the SQL per table, warnings and the \
            checklist of the four set-up steps. Formats: markdown (a runbook for a pull request, the default), json \
            (for tooling), shell (a bash script of AWS CLI commands) and terraform (HCL for the role, its policy, \
            the role association and the Lambda permission). Exit 0, or 2 with one error line naming file, line \
            and key when the config is wrong.
            """
    )

    @Argument(help: ArgumentHelp("The integration config (.yaml, .yml or .json).", valueName: "CONFIG"))
    var config: String

    @Option(name: .long, help: ArgumentHelp("markdown (default), json, shell or terraform.", valueName: "FORMAT"))
    var format: String = PlanFormat.markdown.rawValue

    func run() async throws {
        guard let planFormat = PlanFormat(rawValue: format) else {
            let names = PlanFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw CLIFailure(message: "--format must be one of \(names), not '\(format)'")
        }
        let plan = try PlanCLI.plan(config)
        FileHandle.standardOutput.write(Data(plan.render(planFormat).utf8))
    }
}

/// Loading and planning a config with the errors the CLI contract wants (exit 2, one line).
enum PlanCLI {
    static func load(_ path: String) throws -> Integration {
        do {
            return try Integration.load(contentsOf: path)
        } catch {
            throw CLIFailure(message: error.description)
        }
    }

    static func plan(_ path: String) throws -> IntegrationPlan {
        let integration = try load(path)
        do {
            return try integration.plan()
        } catch {
            throw CLIFailure(message: "\(path): \(error.description)")
        }
    }
}
