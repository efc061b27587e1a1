import DBLambdaCore

/// Answers whether a DB instance reaches the Lambda endpoint `lambda.<region>.<dnsSuffix>:443`, by which route,
/// or which components block it and how to fix them.
///
/// The analysis follows what decides the path in AWS:
/// - **DNS decides the path.** An available interface endpoint for Lambda in the instance's region and VPC, with
///   private DNS, both VPC DNS attributes on and, for RDS/Aurora PostgreSQL, `rds.custom_dns_resolution = 1`,
///   captures the calls: the endpoint path is then the only path (a NAT gateway does not rescue a broken
///   endpoint). Otherwise the calls take the public path.
/// - **The public path** follows the route table of each subnet of the DB subnet group (explicit association,
///   else the VPC's main table): the `0.0.0.0/0` route leads to a NAT gateway (available, public, in a subnet
///   routed to an attached internet gateway) or to an internet gateway (the instance must be publicly
///   accessible).
/// - **Security groups** are stateful: the instance's groups must allow TCP 443 out; an endpoint's groups must
///   allow TCP 443 in from the instance. **Network ACLs** are stateless and evaluated lowest rule first, in the
///   DB subnet, the NAT gateway's subnet and the endpoint's subnets: the request on 443 and the return traffic
///   on ephemeral ports must both pass.
/// - Anything that cannot be followed (a missing input, a transit gateway, a customer prefix list) makes the
///   verdict ``Verdict/unknown`` with the reason in ``NetworkReport/warnings``, never a guessed `reachable`.
///
/// Indexes by id are built once, so the analysis is linear in the size of the network.
public enum NetworkAnalyzer: Sendable {
    /// The port range the return traffic uses (Linux's default ephemeral range); it must be allowed by NACLs.
    public static let requiredEphemeralPorts: ClosedRange<Int> = 32768...60999
    /// The ephemeral range AWS recommends allowing in NACLs; a denied part is a warning.
    public static let recommendedEphemeralPorts: ClosedRange<Int> = 1024...65535

    /// Analyzes the path from the DB instance `instanceID` to the Lambda endpoint of its region.
    ///
    /// - Throws: ``NetworkError/instanceNotFound`` when `describe-db-instances` was provided but does not
    ///   list `instanceID`.
    public static func analyze(_ network: AWSNetwork, instanceID: String) throws(NetworkError) -> NetworkReport {
        if network.missingInputs.contains(.dbInstances) {
            let finding = Finding(
                code: .missingInput,
                component: instanceID,
                message: "\(NetworkInput.dbInstances.fileName) was not provided, so nothing can be analyzed",
                fix: "aws rds describe-db-instances --db-instance-identifier \(instanceID) > "
                    + NetworkInput.dbInstances.fileName
            )
            return NetworkReport(
                instanceID: instanceID,
                endpointHost: nil,
                verdict: .unknown,
                route: nil,
                blockers: [],
                warnings: [finding],
                subnets: []
            )
        }
        guard let instance = network.instances.first(where: { $0.identifier == instanceID }) else {
            let known = network.instances.map(\.identifier).sorted().joined(separator: ", ")
            throw NetworkError(
                code: .instanceNotFound,
                message: "no DB instance \"\(instanceID)\" in \(NetworkInput.dbInstances.fileName)"
                    + (known.isEmpty ? "" : " (found: \(known))")
            )
        }
        var analysis = Analysis(index: NetworkIndex(network), instance: instance)
        return analysis.run()
    }
}

/// The state of one analysis.
struct Analysis {
    let index: NetworkIndex
    let instance: DBInstance
    let securityGroupIDs: [String]
    let vpcID: String?
    var globalWarnings: [Finding] = []
    var globalUnknowns: [Finding] = []

    init(index: NetworkIndex, instance: DBInstance) {
        self.index = index
        self.instance = instance
        var groups = instance.securityGroupIDs
        if groups.isEmpty, let cluster = instance.clusterIdentifier,
            let found = index.network.clusters.first(where: { $0.identifier == cluster })
        {
            groups = found.securityGroupIDs
        }
        securityGroupIDs = groups
        vpcID = instance.vpcID ?? instance.subnetIDs.lazy.compactMap { index.subnets[$0]?.vpcID }.first
    }

    var network: AWSNetwork { index.network }

    var region: Region? { instance.region }

    var endpointHost: String? {
        region.map { $0.partition.hostname(service: "lambda", region: $0) }
    }

    var hostLabel: String { endpointHost ?? "the Lambda endpoint" }

    // MARK: Running

    mutating func run() -> NetworkReport {
        if region == nil {
            globalUnknowns.append(
                Finding(
                    code: .missingResource,
                    component: instance.identifier,
                    message: "the instance's region is unknown (no DBInstanceArn or AvailabilityZone), so the Lambda "
                        + "endpoint name and the matching VPC endpoint service cannot be determined",
                    fix:
                        "aws rds describe-db-instances --db-instance-identifier \(instance.identifier) --region <region>"
                )
            )
        }
        if instance.subnetIDs.isEmpty {
            globalUnknowns.append(
                Finding(
                    code: .missingResource,
                    component: instance.identifier,
                    message: "the instance lists no DBSubnetGroup.Subnets, so no path can be followed",
                    fix: "aws rds describe-db-instances --db-instance-identifier \(instance.identifier) (the output "
                        + "must include DBSubnetGroup)"
                )
            )
        }
        let capture = decideCapture()
        var paths: [SubnetPath] = []
        var blockers: [Finding] = []
        var warnings: [Finding] = globalWarnings + globalUnknowns + capture.warnings
        for subnetID in instance.subnetIDs {
            var evaluation: PathEvaluation
            switch capture.state {
            case .captured(let endpoint):
                evaluation = endpointPath(endpoint, subnetID: subnetID)
            case .notCaptured:
                evaluation = publicPath(subnetID: subnetID)
                if evaluation.verdict == .unreachable {
                    evaluation.blockers.append(contentsOf: capture.bypassReasons)
                } else {
                    evaluation.warnings.append(contentsOf: capture.bypassReasons)
                }
            case .undecided(let endpoint):
                let viaEndpoint = endpointPath(endpoint, subnetID: subnetID)
                let viaPublic = publicPath(subnetID: subnetID)
                evaluation = combine(viaEndpoint, viaPublic, reasons: capture.undecidedReasons)
            }
            blockers.append(contentsOf: evaluation.blockers)
            warnings.append(contentsOf: evaluation.unknowns)
            warnings.append(contentsOf: evaluation.warnings)
            var verdict = evaluation.verdict
            if verdict == .reachable, !globalUnknowns.isEmpty { verdict = .unknown }
            paths.append(
                SubnetPath(
                    subnetID: subnetID,
                    verdict: verdict,
                    route: evaluation.route,
                    hops: evaluation.hops,
                    blockers: deduplicated(evaluation.blockers)
                )
            )
        }
        var verdict: Verdict = .reachable
        if paths.contains(where: { $0.verdict == .unreachable }) {
            verdict = .unreachable
        } else if paths.isEmpty || paths.contains(where: { $0.verdict == .unknown }) || !globalUnknowns.isEmpty {
            verdict = .unknown
        }
        let routes = Set(paths.compactMap(\.route))
        if routes.count > 1 {
            let listed = paths.map { "\($0.subnetID): \($0.route?.rawValue ?? "none")" }.joined(separator: ", ")
            warnings.append(
                Finding(
                    code: .mixedRoutes,
                    component: instance.identifier,
                    message: "the subnets of the DB subnet group use different routes (\(listed)); the path changes "
                        + "when the instance fails over",
                    fix: "give every subnet of the DB subnet group the same route to Lambda"
                )
            )
        }
        return NetworkReport(
            instanceID: instance.identifier,
            endpointHost: endpointHost,
            verdict: verdict,
            route: verdict == .reachable ? paths.first?.route : nil,
            blockers: verdict == .reachable ? [] : deduplicated(blockers),
            warnings: deduplicated(warnings),
            subnets: paths
        )
    }

    private func deduplicated(_ findings: [Finding]) -> [Finding] {
        var seen: Set<String> = []
        return findings.filter { seen.insert("\($0.code.rawValue)\u{0}\($0.component)").inserted }
    }

    /// When it is unknown whether the endpoint captures the calls: both paths must agree.
    private func combine(
        _ viaEndpoint: PathEvaluation,
        _ viaPublic: PathEvaluation,
        reasons: [Finding]
    )
        -> PathEvaluation
    {
        var result = PathEvaluation()
        result.hops = viaEndpoint.hops + viaPublic.hops
        result.warnings = viaEndpoint.warnings + viaPublic.warnings
        switch (viaEndpoint.verdict, viaPublic.verdict) {
        case (.reachable, .reachable):
            result.route = viaEndpoint.route
            result.warnings += reasons
        case (.unreachable, .unreachable):
            result.blockers = viaEndpoint.blockers + viaPublic.blockers
            result.warnings += reasons
        default:
            result.unknowns = reasons + viaEndpoint.unknowns + viaPublic.unknowns
            result.warnings += viaEndpoint.blockers + viaPublic.blockers
        }
        return result
    }

    // MARK: Missing data

    func missing(_ input: NetworkInput, id: String, what: String, command: String) -> Finding {
        if network.missingInputs.contains(input) {
            return Finding(
                code: .missingInput,
                component: id,
                message: "\(input.fileName) was not provided, so \(what) \(id) cannot be checked",
                fix: "\(command) > \(input.fileName)"
            )
        }
        return Finding(
            code: .missingResource,
            component: id,
            message: "\(what) \(id) is not in \(input.fileName)",
            fix: "\(command) > \(input.fileName) (in the instance's account and region)"
        )
    }

    func subnetRecord(_ subnetID: String, into evaluation: inout PathEvaluation) -> Subnet? {
        if let subnet = index.subnets[subnetID], subnet.cidrBlock != nil { return subnet }
        evaluation.unknown(
            missing(
                .subnets,
                id: subnetID,
                what: "subnet",
                command: "aws ec2 describe-subnets --subnet-ids \(subnetID)"
            )
        )
        return nil
    }
}
