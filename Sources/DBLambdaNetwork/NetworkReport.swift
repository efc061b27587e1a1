/// The answer of the analysis.
public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every subnet of the DB subnet group reaches the Lambda endpoint; nothing blocks.
    case reachable
    /// At least one component blocks the path from at least one subnet.
    case unreachable
    /// Something on the path cannot be followed (a missing input, a transit gateway, a customer prefix list).
    case unknown
}

/// The three ways a database reaches the Lambda endpoint.
public enum NetworkRoute: String, Sendable, Hashable, Codable, CaseIterable {
    /// An interface VPC endpoint for Lambda whose private DNS captures the endpoint name.
    case vpcEndpoint = "vpc-endpoint"
    /// A public NAT gateway in a subnet routed to an internet gateway.
    case natGateway = "nat-gateway"
    /// An internet gateway, for a publicly accessible instance.
    case internetGateway = "internet-gateway"
}

/// A stable explanation code, in the spirit of VPC Reachability Analyzer's explanation codes.
///
/// The set is open: new codes may be added. The raw value is what `dblambda network check` prints.
public struct FindingCode: Sendable, Hashable, Codable, CustomStringConvertible, RawRepresentable {
    /// The printed code, for example `SG_EGRESS_BLOCKED`.
    public let rawValue: String

    /// Creates a code from its printed form.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The route table has no route for the Lambda endpoint's public addresses (no `0.0.0.0/0`).
    public static let noRouteToInternet = FindingCode(rawValue: "NO_ROUTE_TO_INTERNET")
    /// The route the traffic takes is a blackhole (its target was deleted).
    public static let blackholeRoute = FindingCode(rawValue: "BLACKHOLE_ROUTE")
    /// The route goes to a transit gateway; what lies beyond cannot be followed.
    public static let transitGatewayRoute = FindingCode(rawValue: "TRANSIT_GATEWAY_ROUTE")
    /// The route goes to a target the tool cannot follow (peering, appliance, virtual private gateway…).
    public static let unsupportedRouteTarget = FindingCode(rawValue: "UNSUPPORTED_ROUTE_TARGET")
    /// A route or rule uses a customer-managed prefix list whose entries are not in the input.
    public static let prefixListNotFollowed = FindingCode(rawValue: "PREFIX_LIST_NOT_FOLLOWED")
    /// A more specific route covers part of the public address space and may capture the endpoint's addresses.
    public static let specificRouteMayCapture = FindingCode(rawValue: "SPECIFIC_ROUTE_MAY_CAPTURE")
    /// The internet-gateway route is taken but the instance is not publicly accessible (no public IP).
    public static let notPubliclyAccessible = FindingCode(rawValue: "NOT_PUBLICLY_ACCESSIBLE")
    /// The internet gateway is not attached to the VPC.
    public static let internetGatewayNotAttached = FindingCode(rawValue: "IGW_NOT_ATTACHED")
    /// The NAT gateway is not `available`.
    public static let natGatewayNotAvailable = FindingCode(rawValue: "NAT_GATEWAY_NOT_AVAILABLE")
    /// The NAT gateway is private (`ConnectivityType: private`) and cannot reach the internet.
    public static let natGatewayPrivate = FindingCode(rawValue: "NAT_GATEWAY_PRIVATE")
    /// The NAT gateway's subnet has no route to an attached internet gateway.
    public static let natSubnetNoInternetRoute = FindingCode(rawValue: "NAT_SUBNET_NO_INTERNET_ROUTE")
    /// No security group of the instance allows TCP 443 out to the destination.
    public static let securityGroupEgressBlocked = FindingCode(rawValue: "SG_EGRESS_BLOCKED")
    /// The endpoint's security groups do not allow TCP 443 in from the database.
    public static let endpointSecurityGroupIngressBlocked = FindingCode(rawValue: "ENDPOINT_SG_INGRESS_BLOCKED")
    /// A network ACL denies the request (TCP 443) leaving or entering a subnet.
    public static let networkACLRequestBlocked = FindingCode(rawValue: "NACL_REQUEST_BLOCKED")
    /// A network ACL denies the response on ephemeral ports (NACLs are stateless).
    public static let networkACLReturnBlocked = FindingCode(rawValue: "NACL_RETURN_BLOCKED")
    /// A network ACL allows the usual ephemeral ports but denies part of 1024–65535.
    public static let networkACLEphemeralPartial = FindingCode(rawValue: "NACL_EPHEMERAL_PARTIAL")
    /// The interface endpoint captures the calls but is not `available`.
    public static let endpointNotAvailable = FindingCode(rawValue: "ENDPOINT_NOT_AVAILABLE")
    /// The interface endpoint has no subnet (no network interface to connect to).
    public static let endpointNoSubnets = FindingCode(rawValue: "ENDPOINT_NO_SUBNETS")
    /// A Lambda endpoint exists but private DNS is off, so the calls take the public path.
    public static let endpointPrivateDNSDisabled = FindingCode(rawValue: "ENDPOINT_PRIVATE_DNS_DISABLED")
    /// A Lambda endpoint exists for another region than the instance's.
    public static let endpointWrongRegion = FindingCode(rawValue: "ENDPOINT_WRONG_REGION")
    /// `enableDnsSupport` is off, so the endpoint's private DNS name does not resolve.
    public static let vpcDNSSupportDisabled = FindingCode(rawValue: "VPC_DNS_SUPPORT_DISABLED")
    /// `enableDnsHostnames` is off, so the endpoint's private DNS does not apply.
    public static let vpcDNSHostnamesDisabled = FindingCode(rawValue: "VPC_DNS_HOSTNAMES_DISABLED")
    /// RDS/Aurora PostgreSQL without `rds.custom_dns_resolution = 1` ignores the endpoint's private DNS.
    public static let customDNSResolutionOff = FindingCode(rawValue: "CUSTOM_DNS_RESOLUTION_OFF")
    /// An input file was not provided.
    public static let missingInput = FindingCode(rawValue: "MISSING_INPUT")
    /// A resource the path needs is not in its input file.
    public static let missingResource = FindingCode(rawValue: "MISSING_RESOURCE")
    /// A security group or network ACL rule partly covers the destination; the outcome depends on the address.
    public static let ruleCoverageUnknown = FindingCode(rawValue: "RULE_COVERAGE_UNKNOWN")
    /// IPv6 routes (egress-only internet gateways) are not analyzed: the Lambda endpoint name resolves to IPv4.
    public static let ipv6NotAnalyzed = FindingCode(rawValue: "IPV6_NOT_ANALYZED")
    /// The DB subnets use different routes (failover changes the path).
    public static let mixedRoutes = FindingCode(rawValue: "MIXED_ROUTES")

    /// The printed code.
    public var description: String { rawValue }
}

/// A blocking component or a warning: an explanation code, the component's id, a message and a fix.
public struct Finding: Sendable, Hashable, Codable {
    /// The stable explanation code.
    public var code: FindingCode
    /// The id of the component concerned (`sg-…`, `rtb-…`, `acl-…`, `nat-…`, `vpce-…`, `vpc-…`, `subnet-…`,
    /// the instance id or the parameter group name).
    public var component: String
    /// A human-readable sentence.
    public var message: String
    /// A concrete fix: an AWS CLI command or a console setting.
    public var fix: String

    /// Creates a finding.
    public init(code: FindingCode, component: String, message: String, fix: String) {
        self.code = code
        self.component = component
        self.message = message
        self.fix = fix
    }
}

/// One step of the path from one subnet, for the readable report.
public struct PathHop: Sendable, Hashable, Codable {
    /// The component's id.
    public var component: String
    /// What was checked and its outcome.
    public var detail: String
    /// Whether this step passes.
    public var passes: Bool

    /// Creates a hop.
    public init(component: String, detail: String, passes: Bool) {
        self.component = component
        self.detail = detail
        self.passes = passes
    }
}

/// The analysis of the path from one subnet of the DB subnet group.
public struct SubnetPath: Sendable, Hashable, Codable {
    /// The subnet's id.
    public var subnetID: String
    /// The verdict for this subnet.
    public var verdict: Verdict
    /// The route the traffic takes from this subnet, when it is known.
    public var route: NetworkRoute?
    /// The path, hop by hop.
    public var hops: [PathHop]
    /// What blocks this subnet.
    public var blockers: [Finding]

    /// Creates a subnet path.
    public init(subnetID: String, verdict: Verdict, route: NetworkRoute?, hops: [PathHop], blockers: [Finding]) {
        self.subnetID = subnetID
        self.verdict = verdict
        self.route = route
        self.hops = hops
        self.blockers = blockers
    }
}

/// The result of ``NetworkAnalyzer/analyze(_:instanceID:)``.
public struct NetworkReport: Sendable, Hashable, Codable {
    /// The DB instance analyzed.
    public var instanceID: String
    /// The Lambda endpoint host name, for example `lambda.us-east-1.amazonaws.com`, when the region is known.
    public var endpointHost: String?
    /// The overall verdict: `reachable` only when every subnet reaches the endpoint and nothing is unknown.
    public var verdict: Verdict
    /// The route taken, when the verdict is `reachable` (the route of the first subnet when they differ).
    public var route: NetworkRoute?
    /// Every blocking component, once each, in a stable order. Empty when reachable.
    public var blockers: [Finding]
    /// Warnings, and the reasons for an `unknown` verdict.
    public var warnings: [Finding]
    /// The path from each subnet of the DB subnet group.
    public var subnets: [SubnetPath]

    /// Creates a report.
    public init(
        instanceID: String,
        endpointHost: String?,
        verdict: Verdict,
        route: NetworkRoute?,
        blockers: [Finding],
        warnings: [Finding],
        subnets: [SubnetPath]
    ) {
        self.instanceID = instanceID
        self.endpointHost = endpointHost
        self.verdict = verdict
        self.route = route
        self.blockers = blockers
        self.warnings = warnings
        self.subnets = subnets
    }

    /// A readable report: the verdict, the path hop by hop for each subnet, the blockers and their fixes.
    public var text: String {
        var lines: [String] = []
        lines.append("DB instance \(instanceID) -> \(endpointHost ?? "the Lambda endpoint"):443")
        lines.append("Verdict: \(verdict.rawValue)" + (route.map { " via \($0.rawValue)" } ?? ""))
        for subnet in subnets {
            lines.append("")
            let via = subnet.route.map { " via \($0.rawValue)" } ?? ""
            lines.append("From \(subnet.subnetID): \(subnet.verdict.rawValue)\(via)")
            for (index, hop) in subnet.hops.enumerated() {
                lines.append("  \(index + 1). [\(hop.passes ? "ok" : "!!")] \(hop.component): \(hop.detail)")
            }
        }
        if !blockers.isEmpty {
            lines.append("")
            lines.append("Blockers:")
            for finding in blockers {
                lines.append("  - \(finding.code) \(finding.component): \(finding.message)")
                lines.append("    fix: \(finding.fix)")
            }
        }
        if !warnings.isEmpty {
            lines.append("")
            lines.append("Warnings:")
            for finding in warnings {
                lines.append("  - \(finding.code) \(finding.component): \(finding.message)")
                lines.append("    fix: \(finding.fix)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
