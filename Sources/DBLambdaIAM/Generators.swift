public import DBLambdaCore

/// An RDS DB instance or Aurora/RDS DB cluster ARN: the database a trust policy is bound to.
public enum RDSDatabaseARN: Sendable, Hashable, CustomStringConvertible {
    /// A DB instance (`arn:aws:rds:<region>:<account>:db:<id>`).
    case instance(RDSInstanceARN)
    /// A DB cluster (`arn:aws:rds:<region>:<account>:cluster:<id>`).
    case cluster(RDSClusterARN)

    /// Parses an instance or cluster ARN.
    ///
    /// - Throws: ``PolicyError`` (`invalidArgument`) naming the problem when it is neither.
    public init(parsing text: String) throws(PolicyError) {
        let generic: ARN
        do {
            generic = try ARN(parsing: text)
        } catch {
            throw PolicyError(code: .invalidArgument, message: "invalid database ARN: \(error.description)")
        }
        do {
            if generic.resourceType == "cluster" {
                self = .cluster(try RDSClusterARN(generic))
            } else {
                self = .instance(try RDSInstanceARN(generic))
            }
        } catch {
            throw PolicyError(
                code: .invalidArgument,
                message: "invalid database ARN \"\(text)\": expected an RDS db: or cluster: ARN (\(error.description))"
            )
        }
    }

    /// The partition.
    public var partition: Partition {
        switch self {
        case .instance(let arn): return arn.partition
        case .cluster(let arn): return arn.partition
        }
    }

    /// The account.
    public var accountID: AccountID {
        switch self {
        case .instance(let arn): return arn.accountID
        case .cluster(let arn): return arn.accountID
        }
    }

    /// The region.
    public var region: Region {
        switch self {
        case .instance(let arn): return arn.region
        case .cluster(let arn): return arn.region
        }
    }

    /// The DB instance or cluster identifier.
    public var identifier: String {
        switch self {
        case .instance(let arn): return arn.identifier
        case .cluster(let arn): return arn.identifier
        }
    }

    /// The ARN string.
    public var description: String {
        switch self {
        case .instance(let arn): return arn.description
        case .cluster(let arn): return arn.description
        }
    }
}

/// Generators for the documents the RDS → Lambda integration needs.
public enum PolicyTemplates: Sendable {
    /// The service principal of Amazon RDS. It is `rds.amazonaws.com` in every partition (including `aws-cn`).
    public static func rdsServicePrincipal(in partition: Partition) -> String {
        _ = partition
        return "rds.amazonaws.com"
    }

    /// The trust policy of the DB role: `rds.amazonaws.com` may `sts:AssumeRole`, bound by `aws:SourceArn` (the
    /// databases, `ArnLike`) and `aws:SourceAccount` (`StringEquals`) unless turned off (confused-deputy prevention).
    ///
    /// - Throws: ``PolicyError`` (`invalidArgument`) when `databases` is empty.
    public static func rdsTrustPolicy(
        databases: [RDSDatabaseARN],
        sourceArnCondition: Bool = true,
        sourceAccountCondition: Bool = true
    ) throws(PolicyError) -> PolicyDocument {
        guard let first = databases.first else {
            throw PolicyError(code: .invalidArgument, message: "a trust policy needs at least one database ARN")
        }
        var entries: [ConditionEntry] = []
        if sourceArnCondition {
            let arns = unique(databases.map(\.description))
            entries.append(
                ConditionEntry(operatorName: "ArnLike", key: "aws:SourceArn", values: arns.map { .string($0) })
            )
        }
        if sourceAccountCondition {
            let accounts = unique(databases.map(\.accountID.value))
            entries.append(
                ConditionEntry(
                    operatorName: "StringEquals",
                    key: "aws:SourceAccount",
                    values: accounts.map { .string($0) }
                )
            )
        }
        let statement = Statement(
            sid: "AllowRDSAssumeRole",
            effect: .allow,
            principal: .service(PolicyStrings(rdsServicePrincipal(in: first.partition))),
            action: "sts:AssumeRole",
            condition: entries.isEmpty ? nil : ConditionBlock(entries)
        )
        return PolicyDocument(statements: [statement])
    }

    /// The DB role's permission policy: `lambda:InvokeFunction` on exactly the given functions. An unqualified
    /// ARN yields the bare ARN and `ARN:*` (every version and alias); a qualified ARN yields only that qualifier.
    ///
    /// - Throws: ``PolicyError`` (`invalidArgument`) when `functions` is empty.
    public static func invokePolicy(functions: [LambdaFunctionARN]) throws(PolicyError) -> PolicyDocument {
        guard !functions.isEmpty else {
            throw PolicyError(code: .invalidArgument, message: "an invoke policy needs at least one function ARN")
        }
        var resources: [String] = []
        for function in functions {
            if function.qualifier == nil {
                resources.append(function.description)
                resources.append(function.wildcardQualified)
            } else {
                resources.append(function.description)
            }
        }
        let statement = Statement(
            sid: "AllowInvokeFunction",
            effect: .allow,
            action: "lambda:InvokeFunction",
            resource: PolicyStrings(unique(resources), isArray: true)
        )
        return PolicyDocument(statements: [statement])
    }

    static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}

/// Quotes a word for a POSIX shell when it contains anything outside a safe set.
func shellQuoted(_ word: String) -> String {
    let safe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:@=,+-%")
    if !word.isEmpty, word.allSatisfy({ safe.contains($0) }) { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
