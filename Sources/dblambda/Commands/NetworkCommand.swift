import ArgumentParser
import DBLambdaNetwork
import Foundation

/// `dblambda network`: offline network diagnosis from the AWS CLI's JSON.
struct NetworkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Diagnose whether a database can reach the Lambda endpoint.",
        subcommands: [NetworkCheckCommand.self]
    )
}

/// `dblambda network check --aws-json DIR --db-instance ID [--format json|text]`.
struct NetworkCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the path from a DB instance to lambda.<region>.<suffix>:443.",
        discussion: """
            DIR holds the output of AWS CLI commands, one file each: describe-db-instances.json, \
            describe-db-parameters.json (the instance's parameter group), describe-vpcs.json, \
            describe-vpc-attribute-enableDnsSupport.json, describe-vpc-attribute-enableDnsHostnames.json, \
            describe-subnets.json, describe-route-tables.json, describe-security-groups.json, \
            describe-network-acls.json, describe-nat-gateways.json, describe-internet-gateways.json, \
            describe-vpc-endpoints.json (and optionally describe-db-clusters.json). Prints {"verdict", "route", \
            "blockers", "warnings"}; exit 0 only when reachable, 1 when unreachable or unknown, 2 on bad input.
            """
    )

    /// The output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json
        case text
    }

    @Option(
        name: .customLong("aws-json"),
        help: ArgumentHelp("The directory with the AWS CLI's JSON files.", valueName: "DIR")
    )
    var awsJSON: String

    @Option(name: .customLong("db-instance"), help: ArgumentHelp("The DB instance identifier.", valueName: "ID"))
    var dbInstance: String

    @Option(name: .long, help: "The output format: json (default) or text.")
    var format: Format = .json

    func run() async throws {
        let report: NetworkReport
        do {
            let network = try AWSCLIImporter.importDirectory(at: awsJSON)
            report = try NetworkAnalyzer.analyze(network, instanceID: dbInstance)
        } catch {
            throw CLIFailure(message: error.description)
        }
        switch format {
        case .json:
            try CLIIO.writeJSON(NetworkCheckCommand.contractObject(report))
        case .text:
            FileHandle.standardOutput.write(Data(report.text.utf8))
        }
        guard report.verdict == .reachable else {
            let codes = (report.blockers.isEmpty ? report.warnings : report.blockers).map(\.code.rawValue)
            var unique: [String] = []
            for code in codes where !unique.contains(code) { unique.append(code) }
            throw CLIFailure(
                message: "\(dbInstance) cannot be shown to reach Lambda: verdict \(report.verdict.rawValue)"
                    + (unique.isEmpty ? "" : " (\(unique.joined(separator: ", ")))"),
                exitStatus: 1
            )
        }
    }

    /// The contract's JSON object: `{"verdict", "route", "blockers", "warnings"}`.
    static func contractObject(_ report: NetworkReport) -> [String: Any] {
        func finding(_ finding: Finding) -> [String: Any] {
            [
                "code": finding.code.rawValue,
                "component": finding.component,
                "message": finding.message,
                "fix": finding.fix,
            ]
        }
        return [
            "verdict": report.verdict.rawValue,
            "route": report.route.map { $0.rawValue as Any } ?? NSNull(),
            "blockers": report.blockers.map(finding),
            "warnings": report.warnings.map(finding),
        ]
    }
}
