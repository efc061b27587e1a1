import ArgumentParser
import DBLambdaCore
import DBLambdaIAM
import Foundation

/// `dblambda policy trust|invoke|resource|evaluate|lint`: generate, evaluate and lint IAM documents.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Generate, evaluate and lint the IAM documents of the RDS to Lambda integration.",
        subcommands: [
            PolicyTrustCommand.self, PolicyInvokeCommand.self, PolicyResourceCommand.self, PolicyEvaluateCommand.self,
            PolicyLintCommand.self,
        ]
    )
}

/// Shared helpers of the `policy` subcommands.
enum PolicyCLI {
    /// Prints a document as stable JSON (sorted keys, unescaped slashes).
    static func write(_ document: PolicyDocument) throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: document.jsonData(pretty: false))
        } catch {
            throw CLIFailure(message: "cannot encode the document as JSON")
        }
        try CLIIO.writeJSON(object)
    }

    /// Maps a library error to exit 2 with its one-line description.
    static func badInput(_ error: PolicyError, file: String? = nil) -> CLIFailure {
        let located = file.map { error.located(at: InputLocation(file: $0)) } ?? error
        return CLIFailure(message: located.description)
    }

    static func functionARN(_ text: String) throws -> LambdaFunctionARN {
        do {
            return try LambdaFunctionARN(parsing: text)
        } catch {
            throw CLIFailure(message: "invalid function ARN: \(error.description)")
        }
    }

    /// Reads and parses a policy file (exit 2 on an unreadable file or a malformed document).
    static func readPolicy(_ path: String) throws -> PolicyDocument {
        let data = try CLIIO.readInput(path)
        do {
            return try PolicyDocument(json: data)
        } catch {
            throw badInput(error, file: path)
        }
    }
}

/// `dblambda policy trust --database ARN`.
struct PolicyTrustCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Print the DB role's trust policy (rds.amazonaws.com, bound by aws:SourceArn and aws:SourceAccount)."
    )

    @Option(name: .long, help: ArgumentHelp("The DB instance or cluster ARN (repeatable).", valueName: "ARN"))
    var database: [String]

    @Flag(name: .long, help: "Leave out the aws:SourceArn condition.")
    var noSourceArn = false

    @Flag(name: .long, help: "Leave out the aws:SourceAccount condition.")
    var noSourceAccount = false

    func validate() throws {
        if database.isEmpty { throw CLIFailure(message: "missing --database ARN") }
    }

    func run() async throws {
        do {
            let databases = try database.map { text throws(PolicyError) in try RDSDatabaseARN(parsing: text) }
            let document = try PolicyTemplates.rdsTrustPolicy(
                databases: databases,
                sourceArnCondition: !noSourceArn,
                sourceAccountCondition: !noSourceAccount
            )
            try PolicyCLI.write(document)
        } catch let error as PolicyError {
            throw PolicyCLI.badInput(error)
        }
    }
}

/// `dblambda policy invoke --function ARN...`.
struct PolicyInvokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoke",
        abstract: "Print the DB role's permission policy: lambda:InvokeFunction on exactly the given functions."
    )

    @Option(
        name: .long,
        help: ArgumentHelp("A function ARN (repeatable); a qualified ARN grants only that qualifier.", valueName: "ARN")
    )
    var function: [String]

    func validate() throws {
        if function.isEmpty { throw CLIFailure(message: "missing --function ARN") }
    }

    func run() async throws {
        let functions = try function.map(PolicyCLI.functionARN)
        do {
            try PolicyCLI.write(try PolicyTemplates.invokePolicy(functions: functions))
        } catch let error as PolicyError {
            throw PolicyCLI.badInput(error)
        }
    }
}

/// `dblambda policy resource --function ARN --principal ROLE_ARN|SERVICE …`.
struct PolicyResourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resource",
        abstract: "Print the function's resource-policy statement (or the aws lambda add-permission command)."
    )

    @Option(
        name: .long,
        help: ArgumentHelp("The function ARN (qualified: only that version or alias).", valueName: "ARN")
    )
    var function: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "An IAM role ARN, a 12-digit account id or a service principal.",
            valueName: "ROLE_ARN|SERVICE"
        )
    )
    var principal: String

    @Option(name: .long, help: ArgumentHelp("Require this aws:SourceArn.", valueName: "ARN"))
    var sourceArn: String?

    @Option(name: .long, help: ArgumentHelp("Require this aws:SourceAccount.", valueName: "ID"))
    var sourceAccount: String?

    @Option(name: .long, help: ArgumentHelp("The statement id (1-100 of A-Za-z0-9-_).", valueName: "ID"))
    var statementId: String = LambdaPermission.defaultStatementID

    @Flag(name: .long, help: "Print the aws lambda add-permission command line instead of the policy.")
    var awsCli = false

    func run() async throws {
        let functionARN = try PolicyCLI.functionARN(function)
        var account: AccountID?
        if let sourceAccount {
            do {
                account = try AccountID(sourceAccount)
            } catch {
                throw CLIFailure(message: "invalid --source-account: \(error.description)")
            }
        }
        do {
            let permission = try LambdaPermission(
                function: functionARN,
                grantee: LambdaPermission.Grantee(parsing: principal),
                statementID: statementId,
                sourceARN: sourceArn,
                sourceAccount: account
            )
            if awsCli {
                CLIIO.writeLine(permission.awsCLICommand)
            } else {
                try PolicyCLI.write(permission.policy)
            }
        } catch let error as PolicyError {
            throw PolicyCLI.badInput(error)
        }
    }
}

/// `dblambda policy evaluate --action A --resource ARN --principal ARN …`.
struct PolicyEvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate identity and resource policies for one request (exit 0 allow, 1 deny).",
        discussion: """
            Prints {"decision":"allow|explicitDeny|implicitDeny","matched":[...]}. The principal's and the \
            resource's accounts come from their ARNs: cross-account requests need both policies to allow. Repeat \
            --context KEY=VALUE for a multivalued key.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The action, e.g. lambda:InvokeFunction.", valueName: "A"))
    var action: String

    @Option(name: .long, help: ArgumentHelp("The resource ARN.", valueName: "ARN"))
    var resource: String

    @Option(name: .long, help: ArgumentHelp("The calling principal's ARN (or a service principal).", valueName: "ARN"))
    var principal: String

    @Option(name: .long, help: ArgumentHelp("An identity-based policy file (repeatable).", valueName: "FILE"))
    var identityPolicy: [String] = []

    @Option(name: .long, help: ArgumentHelp("The resource-based policy file.", valueName: "FILE"))
    var resourcePolicy: String?

    @Option(name: .long, help: ArgumentHelp("A request context key and value (repeatable).", valueName: "KEY=VALUE"))
    var context: [String] = []

    func run() async throws {
        let trimmedAction = action.trimmingCharacters(in: .whitespaces)
        let parts = trimmedAction.split(separator: ":", omittingEmptySubsequences: false)
        guard trimmedAction == "*" || (parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty) else {
            throw CLIFailure(message: "invalid --action \"\(action)\": expected service:ActionName")
        }
        if resource != "*" {
            do {
                _ = try ARN(parsing: resource)
            } catch {
                throw CLIFailure(message: "invalid --resource: \(error.description)")
            }
        }
        if principal.hasPrefix("arn:") {
            do {
                _ = try ARN(parsing: principal)
            } catch {
                throw CLIFailure(message: "invalid --principal: \(error.description)")
            }
        } else if !(principal.count == 12 && principal.allSatisfy(\.isNumber)) && !principal.contains(".") {
            throw CLIFailure(message: "invalid --principal \"\(principal)\": expected an ARN or a service principal")
        }
        var requestContext = RequestContext()
        for pair in context {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw CLIFailure(message: "invalid --context \"\(pair)\": expected KEY=VALUE")
            }
            requestContext.add(String(pair[pair.index(after: equals)...]), for: String(pair[..<equals]))
        }
        let identities = try identityPolicy.map(PolicyCLI.readPolicy)
        let resourceDocument = try resourcePolicy.map(PolicyCLI.readPolicy)
        let request = EvaluationRequest(
            principal: principal,
            action: action,
            resource: resource,
            context: requestContext
        )
        let result = PolicyEvaluator().evaluate(request, identityPolicies: identities, resourcePolicy: resourceDocument)
        var output: [String: Any] = [
            "decision": result.decision.rawValue,
            "matched": result.matched.map { reference -> [String: Any] in
                var entry: [String: Any] = [
                    "effect": reference.effect.rawValue,
                    "policyType": reference.policyKind.rawValue,
                    "policy": reference.policyKind == .identity
                        ? identityPolicy[reference.policyIndex] : (resourcePolicy ?? ""),
                    "statement": reference.statementIndex,
                ]
                if let sid = reference.sid { entry["sid"] = sid }
                return entry
            },
        ]
        if !result.unsupported.isEmpty {
            output["unsupported"] = result.unsupported.map(\.description)
        }
        try CLIIO.writeJSON(output)
        if !result.isAllowed {
            throw CLIFailure(message: "request denied (\(result.decision.rawValue))", exitStatus: 1)
        }
    }
}

/// `dblambda policy lint FILE`.
struct PolicyLintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check a policy and print findings with Access Analyzer-style severities (exit 1 on any error).",
        discussion: """
            Prints {"findings":[{"severity","findingType","issueCode","message","path"}]}. Severities: error, \
            securityWarning, warning, suggestion. Grammar errors in valid JSON are findings; only unparsable JSON \
            or an unreadable file is bad input (exit 2).
            """
    )

    @Argument(help: ArgumentHelp("The policy file, or - for standard input.", valueName: "FILE"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("identity, resource or trust (inferred when omitted).", valueName: "TYPE"))
    var policyType: String?

    func run() async throws {
        var type: PolicyLinter.PolicyType?
        if let policyType {
            guard let parsed = PolicyLinter.PolicyType(rawValue: policyType) else {
                throw CLIFailure(
                    message: "invalid --policy-type \"\(policyType)\": expected identity, resource or trust"
                )
            }
            type = parsed
        }
        let data = try CLIIO.readInput(file)
        let findings: [LintFinding]
        do {
            findings = try PolicyLinter(policyType: type).lint(json: data)
        } catch {
            throw PolicyCLI.badInput(error, file: file)
        }
        let objects: [[String: String]] = findings.map {
            [
                "severity": $0.severity.rawValue,
                "findingType": $0.severity.findingType,
                "issueCode": $0.issueCode,
                "message": $0.message,
                "path": $0.path,
            ]
        }
        try CLIIO.writeJSON(["findings": objects])
        let errors = findings.filter { $0.severity == .error }.count
        if errors > 0 {
            throw CLIFailure(message: "\(file): \(errors) error finding\(errors == 1 ? "" : "s")", exitStatus: 1)
        }
    }
}
