public import DBLambdaCore

/// One statement of a Lambda function's resource-based policy, as `aws lambda add-permission` creates it: who may
/// invoke the function, optionally bound to a source ARN and account.
public struct LambdaPermission: Sendable, Hashable {
    /// Who is granted.
    public enum Grantee: Sendable, Hashable, CustomStringConvertible {
        /// An IAM role (same or another account).
        case role(IAMRoleARN)
        /// A whole account (stored by Lambda as `arn:<partition>:iam::<id>:root`).
        case account(AccountID)
        /// An AWS service principal such as `rds.amazonaws.com`.
        case service(String)

        /// Parses a role ARN, a 12-digit account id or a service principal (`name.amazonaws.com`).
        ///
        /// - Throws: ``PolicyError`` (`invalidArgument`) when it is none of them.
        public init(parsing text: String) throws(PolicyError) {
            if text.hasPrefix("arn:") {
                do {
                    self = .role(try IAMRoleARN(parsing: text))
                } catch {
                    throw PolicyError(code: .invalidArgument, message: "invalid principal: \(error.description)")
                }
            } else if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
                do {
                    self = .account(try AccountID(text))
                } catch {
                    throw PolicyError(
                        code: .invalidArgument,
                        message: "invalid principal account: \(error.description)"
                    )
                }
            } else if LambdaPermission.isServicePrincipal(text) {
                self = .service(text)
            } else {
                throw PolicyError(
                    code: .invalidArgument,
                    message: "invalid principal \"\(text)\": expected an IAM role ARN, a 12-digit account id or a "
                        + "service principal such as rds.amazonaws.com"
                )
            }
        }

        /// The value given to `--principal`.
        public var description: String {
            switch self {
            case .role(let arn): return arn.description
            case .account(let account): return account.value
            case .service(let name): return name
            }
        }
    }

    /// The function (a qualified ARN scopes the permission to that version or alias).
    public var function: LambdaFunctionARN
    /// The statement id (1–100 of `[A-Za-z0-9-_]`).
    public var statementID: String
    /// Who is granted.
    public var grantee: Grantee
    /// The `aws:SourceArn` the caller must come from, if any (stored as `ArnLike`).
    public var sourceARN: String?
    /// The `aws:SourceAccount` the caller must come from, if any (stored as `StringEquals`).
    public var sourceAccount: AccountID?

    /// The default statement id.
    public static let defaultStatementID = "dblambda-invoke"

    /// Creates a permission after validating the statement id, the source ARN and the qualifier.
    ///
    /// - Throws: ``PolicyError``: `invalidStatementID`, or `invalidArgument` for a malformed source ARN or a
    ///   `$LATEST` qualifier (Lambda does not accept policies on `$LATEST`).
    public init(
        function: LambdaFunctionARN,
        grantee: Grantee,
        statementID: String = LambdaPermission.defaultStatementID,
        sourceARN: String? = nil,
        sourceAccount: AccountID? = nil
    ) throws(PolicyError) {
        try LambdaPermission.validateStatementID(statementID)
        if let sourceARN {
            do {
                _ = try ARN(parsing: sourceARN)
            } catch {
                throw PolicyError(code: .invalidArgument, message: "invalid source ARN: \(error.description)")
            }
        }
        if function.qualifier?.kind == .latest || function.qualifier?.kind == .latestPublished {
            throw PolicyError(
                code: .invalidArgument,
                message: "Lambda does not accept a resource policy on \(function.qualifier?.value ?? "$LATEST")"
            )
        }
        self.function = function
        self.grantee = grantee
        self.statementID = statementID
        self.sourceARN = sourceARN
        self.sourceAccount = sourceAccount
    }

    /// Checks a Lambda statement id: 1–100 characters of `[A-Za-z0-9-_]`.
    ///
    /// - Throws: ``PolicyError`` (`invalidStatementID`) quoting the id.
    public static func validateStatementID(_ id: String) throws(PolicyError) {
        let valid =
            (1...100).contains(id.count)
            && id.unicodeScalars.allSatisfy {
                ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                    || $0 == "_"
            }
        if !valid {
            throw PolicyError(
                code: .invalidStatementID,
                message: "invalid statement id \"\(id)\": expected 1-100 characters of A-Z, a-z, 0-9, - and _"
            )
        }
    }

    static func isServicePrincipal(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && text.count <= 2048
            && labels.allSatisfy { label in
                !label.isEmpty && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            }
    }

    /// The principal element Lambda stores.
    public var principal: Principal {
        switch grantee {
        case .role(let arn): return .aws(PolicyStrings(arn.description))
        case .account(let account):
            return .aws(PolicyStrings("arn:\(function.partition.id):iam::\(account.value):root"))
        case .service(let name): return .service(PolicyStrings(name))
        }
    }

    /// The statement as Lambda stores it (only the conditions asked for, keys spelled `AWS:` as Lambda does).
    public var statement: Statement {
        var entries: [ConditionEntry] = []
        if let sourceARN {
            entries.append(ConditionEntry(operatorName: "ArnLike", key: "AWS:SourceArn", values: [.string(sourceARN)]))
        }
        if let sourceAccount {
            entries.append(
                ConditionEntry(
                    operatorName: "StringEquals",
                    key: "AWS:SourceAccount",
                    values: [.string(sourceAccount.value)]
                )
            )
        }
        return Statement(
            sid: statementID,
            effect: .allow,
            principal: principal,
            action: "lambda:InvokeFunction",
            resource: PolicyStrings(function.description),
            condition: entries.isEmpty ? nil : ConditionBlock(entries)
        )
    }

    /// A resource policy holding exactly this statement (`Version` 2012-10-17, `Id` `default`, as `GetPolicy` shows).
    public var policy: PolicyDocument {
        PolicyDocument(id: "default", statements: [statement], statementIsArray: true)
    }

    /// The `aws lambda add-permission` arguments (after `aws`).
    public var awsCLIArguments: [String] {
        var arguments = [
            "lambda", "add-permission",
            "--function-name", function.unqualified.description,
            "--statement-id", statementID,
            "--action", "lambda:InvokeFunction",
            "--principal", grantee.description,
        ]
        if let sourceARN { arguments += ["--source-arn", sourceARN] }
        if let sourceAccount { arguments += ["--source-account", sourceAccount.value] }
        if let qualifier = function.qualifier { arguments += ["--qualifier", qualifier.value] }
        arguments += ["--region", function.region.name]
        return arguments
    }

    /// The complete `aws lambda add-permission …` command line, shell-quoted where needed.
    public var awsCLICommand: String {
        (["aws"] + awsCLIArguments.map(shellQuoted)).joined(separator: " ")
    }
}
