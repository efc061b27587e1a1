import DBLambdaCore

/// The peer of a security group check.
enum SecurityGroupPeer {
    /// The Lambda endpoint's public addresses.
    case internet
    /// Network interfaces in these subnets that belong to these security groups.
    case interfaces(blocks: [IPv4CIDR], groups: [String])
}

extension Analysis {
    // MARK: The endpoint path

    func endpointPath(_ endpoint: VPCEndpoint, subnetID: String) -> PathEvaluation {
        var evaluation = PathEvaluation()
        evaluation.route = .vpcEndpoint
        evaluation.pass(
            endpoint.id,
            "private DNS of \(endpoint.serviceName) resolves \(hostLabel) to the endpoint's network interfaces"
        )
        let state = endpoint.state.lowercased()
        if state != "available" {
            evaluation.block(
                Finding(
                    code: .endpointNotAvailable,
                    component: endpoint.id,
                    message: "\(endpoint.id) captures \(hostLabel) but is \(endpoint.state), not available",
                    fix: state == "pendingacceptance"
                        ? "accept the endpoint connection, or wait until aws ec2 describe-vpc-endpoints "
                            + "--vpc-endpoint-ids \(endpoint.id) shows State available"
                        : "wait until aws ec2 describe-vpc-endpoints --vpc-endpoint-ids \(endpoint.id) shows State "
                            + "available"
                )
            )
        }
        guard !endpoint.subnetIDs.isEmpty else {
            evaluation.block(
                Finding(
                    code: .endpointNoSubnets,
                    component: endpoint.id,
                    message: "\(endpoint.id) has no subnet, so it has no network interface to connect to",
                    fix: "aws ec2 modify-vpc-endpoint --vpc-endpoint-id \(endpoint.id) --add-subnet-ids "
                        + instance.subnetIDs.joined(separator: " ")
                )
            )
            return evaluation
        }
        guard let dbSubnet = subnetRecord(subnetID, into: &evaluation) else { return evaluation }
        var endpointSubnets: [Subnet] = []
        for id in endpoint.subnetIDs {
            if let subnet = subnetRecord(id, into: &evaluation) { endpointSubnets.append(subnet) }
        }
        guard let dbBlock = dbSubnet.cidrBlock else { return evaluation }
        let blocks = endpointSubnets.compactMap(\.cidrBlock)
        evaluation.pass("local", "the local route of the VPC carries the traffic to the endpoint")
        securityGroupCheck(
            securityGroupIDs,
            egress: true,
            peer: .interfaces(blocks: blocks, groups: endpoint.securityGroupIDs),
            peerLabel: "\(endpoint.id)'s subnets",
            fixDestination: endpoint.securityGroupIDs.first.map { "UserIdGroupPairs=[{GroupId=\($0)}]" }
                ?? "IpRanges=[{CidrIp=\(blocks.first?.description ?? "<cidr>")}]",
            into: &evaluation
        )
        for endpointSubnet in endpointSubnets where endpointSubnet.id != dbSubnet.id {
            guard let block = endpointSubnet.cidrBlock else { continue }
            aclCheck(subnetID: dbSubnet.id, egress: true, peer: .block(block), request: true, into: &evaluation)
            aclCheck(subnetID: dbSubnet.id, egress: false, peer: .block(block), request: false, into: &evaluation)
            aclCheck(
                subnetID: endpointSubnet.id,
                egress: false,
                peer: .block(dbBlock),
                request: true,
                into: &evaluation
            )
            aclCheck(
                subnetID: endpointSubnet.id,
                egress: true,
                peer: .block(dbBlock),
                request: false,
                into: &evaluation
            )
        }
        securityGroupCheck(
            endpoint.securityGroupIDs,
            egress: false,
            peer: .interfaces(blocks: [dbBlock], groups: securityGroupIDs),
            peerLabel: "the DB instance (\(securityGroupIDs.joined(separator: ", ")), \(dbBlock))",
            fixDestination: securityGroupIDs.first.map { "UserIdGroupPairs=[{GroupId=\($0)}]" }
                ?? "IpRanges=[{CidrIp=\(dbBlock)}]",
            into: &evaluation
        )
        return evaluation
    }

    // MARK: The public path

    func publicPath(subnetID: String) -> PathEvaluation {
        var evaluation = PathEvaluation()
        evaluation.pass("dns", "\(hostLabel) resolves to public addresses (no interface endpoint captures it)")
        guard let table = index.routeTable(forSubnet: subnetID, vpcID: vpcID) else {
            evaluation.unknown(
                missing(
                    .routeTables,
                    id: subnetID,
                    what: "the route table of subnet",
                    command: "aws ec2 describe-route-tables --filters Name=vpc-id,Values=\(vpcID ?? "<vpc-id>")"
                )
            )
            return evaluation
        }
        routeNotes(table, into: &evaluation)
        guard let route = defaultRoute(table) else {
            evaluation.block(
                Finding(
                    code: .noRouteToInternet,
                    component: table.id,
                    message: "\(table.id) (used by \(subnetID)) has no route to 0.0.0.0/0, so \(hostLabel) is "
                        + "unreachable from \(subnetID)",
                    fix: noRouteFix(table)
                )
            )
            dbSideChecks(subnetID: subnetID, into: &evaluation)
            return evaluation
        }
        guard route.isActive else {
            evaluation.block(
                Finding(
                    code: .blackholeRoute,
                    component: table.id,
                    message: "the 0.0.0.0/0 route of \(table.id) (used by \(subnetID)) points to \(route.target), "
                        + "which no longer exists (blackhole)",
                    fix: noRouteFix(table, replace: true)
                )
            )
            dbSideChecks(subnetID: subnetID, into: &evaluation)
            return evaluation
        }
        switch route.target {
        case .internetGateway(let gateway):
            evaluation.route = .internetGateway
            evaluation.pass(table.id, "0.0.0.0/0 -> \(gateway)")
            internetGatewayCheck(gateway, into: &evaluation)
            if instance.publiclyAccessible {
                evaluation.pass(instance.identifier, "PubliclyAccessible: the instance has a public IP address")
            } else {
                evaluation.block(
                    Finding(
                        code: .notPubliclyAccessible,
                        component: instance.identifier,
                        message: "\(subnetID) routes 0.0.0.0/0 to \(gateway) but the instance is not publicly "
                            + "accessible, so it has no public IP address to use the internet gateway",
                        fix: "aws rds modify-db-instance --db-instance-identifier \(instance.identifier) "
                            + "--publicly-accessible --apply-immediately (or route 0.0.0.0/0 to a NAT gateway)"
                    )
                )
            }
            dbSideChecks(subnetID: subnetID, into: &evaluation)
        case .natGateway(let gatewayID):
            evaluation.route = .natGateway
            evaluation.pass(table.id, "0.0.0.0/0 -> \(gatewayID)")
            dbSideChecks(subnetID: subnetID, into: &evaluation)
            natGatewayCheck(gatewayID, from: subnetID, routeTable: table, into: &evaluation)
        case .transitGateway(let gateway):
            evaluation.unknown(
                Finding(
                    code: .transitGatewayRoute,
                    component: table.id,
                    message: "\(table.id) (used by \(subnetID)) sends 0.0.0.0/0 to transit gateway \(gateway); the "
                        + "path beyond it (an egress VPC, a firewall) cannot be followed from this input",
                    fix: "check the egress VPC behind \(gateway) with VPC Reachability Analyzer "
                        + "(aws ec2 create-network-insights-path), or add an interface VPC endpoint for Lambda: "
                        + createEndpointCommand()
                )
            )
            dbSideChecks(subnetID: subnetID, into: &evaluation)
        default:
            evaluation.unknown(
                Finding(
                    code: .unsupportedRouteTarget,
                    component: table.id,
                    message: "\(table.id) (used by \(subnetID)) sends 0.0.0.0/0 to \(route.target), which this "
                        + "tool cannot follow",
                    fix: "verify the path through \(route.target) with VPC Reachability Analyzer "
                        + "(aws ec2 create-network-insights-path)"
                )
            )
            dbSideChecks(subnetID: subnetID, into: &evaluation)
        }
        return evaluation
    }

    /// The instance's security groups and its subnet's network ACL towards the public endpoint.
    private func dbSideChecks(subnetID: String, into evaluation: inout PathEvaluation) {
        securityGroupCheck(
            securityGroupIDs,
            egress: true,
            peer: .internet,
            peerLabel: "0.0.0.0/0",
            fixDestination: "IpRanges=[{CidrIp=0.0.0.0/0}]",
            into: &evaluation
        )
        aclCheck(subnetID: subnetID, egress: true, peer: .internet, request: true, into: &evaluation)
        aclCheck(subnetID: subnetID, egress: false, peer: .internet, request: false, into: &evaluation)
    }

    /// The active or blackhole `0.0.0.0/0` route (longest-prefix match for a public address: the only route
    /// that surely covers the endpoint's addresses).
    private func defaultRoute(_ table: RouteTable) -> Route? {
        table.routes.first { $0.destination == .ipv4(.anywhere) }
    }

    /// Warnings and unknowns for routes more specific than `0.0.0.0/0` that may take the traffic.
    private func routeNotes(_ table: RouteTable, into evaluation: inout PathEvaluation) {
        for route in table.routes {
            switch route.destination {
            case .ipv4(let cidr):
                guard cidr.prefixLength > 0, !cidr.isNonPublic, route.target != .local else { continue }
                evaluation.warn(
                    Finding(
                        code: .specificRouteMayCapture,
                        component: table.id,
                        message: "\(table.id) routes the public block \(cidr) to \(route.target); by longest "
                            + "prefix match it takes the traffic if \(hostLabel) resolves into \(cidr)",
                        fix: "make sure \(cidr) does not cover Lambda's addresses (AWS ip-ranges.json), or remove "
                            + "the route: aws ec2 delete-route --route-table-id \(table.id) --destination-cidr-block "
                            + "\(cidr)"
                    )
                )
            case .ipv6(let block):
                evaluation.warn(
                    Finding(
                        code: .ipv6NotAnalyzed,
                        component: table.id,
                        message: "\(table.id) has an IPv6 route \(block) -> \(route.target); IPv6 is not analyzed "
                            + "because \(hostLabel) resolves to IPv4 addresses only",
                        fix: "none needed for Lambda over IPv4; the dual-stack endpoint is not used by RDS"
                    )
                )
            case .prefixList(let list):
                if case .gatewayEndpoint = route.target { continue }
                evaluation.unknown(
                    Finding(
                        code: .prefixListNotFollowed,
                        component: table.id,
                        message: "\(table.id) routes prefix list \(list) to \(route.target); its entries are not in "
                            + "the input, so it may take the traffic to \(hostLabel)",
                        fix: "aws ec2 get-managed-prefix-list-entries --prefix-list-id \(list), then check that "
                            + "no entry covers Lambda's addresses"
                    )
                )
            }
        }
    }

    private func noRouteFix(_ table: RouteTable, replace: Bool = false) -> String {
        let verb = replace ? "replace-route" : "create-route"
        if instance.publiclyAccessible, let vpcID,
            let gateway = network.internetGateways.first(where: { $0.isAttached(to: vpcID) })
        {
            return "aws ec2 \(verb) --route-table-id \(table.id) --destination-cidr-block 0.0.0.0/0 "
                + "--gateway-id \(gateway.id)"
        }
        if let vpcID,
            let nat = network.natGateways.first(where: {
                $0.vpcID == vpcID && $0.state.lowercased() == "available" && !$0.isPrivate
            })
        {
            return "aws ec2 \(verb) --route-table-id \(table.id) --destination-cidr-block 0.0.0.0/0 "
                + "--nat-gateway-id \(nat.id)"
        }
        return "create a NAT gateway in a public subnet (aws ec2 create-nat-gateway --subnet-id <public-subnet> "
            + "--allocation-id <eipalloc-id>), then aws ec2 \(verb) --route-table-id \(table.id) "
            + "--destination-cidr-block 0.0.0.0/0 --nat-gateway-id <nat-id>; or add an interface endpoint: "
            + createEndpointCommand()
    }

    // MARK: Gateways

    private func internetGatewayCheck(_ gatewayID: String, into evaluation: inout PathEvaluation) {
        guard let gateway = index.internetGateways[gatewayID] else {
            evaluation.unknown(
                missing(
                    .internetGateways,
                    id: gatewayID,
                    what: "internet gateway",
                    command: "aws ec2 describe-internet-gateways --internet-gateway-ids \(gatewayID)"
                )
            )
            return
        }
        guard let vpcID else { return }
        if gateway.isAttached(to: vpcID) {
            evaluation.pass(gatewayID, "attached to \(vpcID)")
        } else {
            evaluation.block(
                Finding(
                    code: .internetGatewayNotAttached,
                    component: gatewayID,
                    message: "internet gateway \(gatewayID) is not attached to \(vpcID)",
                    fix: "aws ec2 attach-internet-gateway --internet-gateway-id \(gatewayID) --vpc-id \(vpcID)"
                )
            )
        }
    }

    private func natGatewayCheck(
        _ gatewayID: String,
        from subnetID: String,
        routeTable: RouteTable,
        into evaluation: inout PathEvaluation
    ) {
        guard let gateway = index.natGateways[gatewayID] else {
            evaluation.unknown(
                missing(
                    .natGateways,
                    id: gatewayID,
                    what: "NAT gateway",
                    command: "aws ec2 describe-nat-gateways --nat-gateway-ids \(gatewayID)"
                )
            )
            return
        }
        let replaceFix =
            "create a public NAT gateway in a subnet routed to an internet gateway (aws ec2 create-nat-gateway "
            + "--subnet-id <public-subnet> --allocation-id <eipalloc-id>), then aws ec2 replace-route "
            + "--route-table-id \(routeTable.id) --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <new-nat-id>"
        if gateway.state.lowercased() != "available" {
            evaluation.block(
                Finding(
                    code: .natGatewayNotAvailable,
                    component: gatewayID,
                    message: "NAT gateway \(gatewayID) is \(gateway.state), not available",
                    fix: gateway.state.lowercased() == "pending"
                        ? "wait until aws ec2 describe-nat-gateways --nat-gateway-ids \(gatewayID) shows State "
                            + "available"
                        : replaceFix
                )
            )
            return
        }
        if gateway.isPrivate {
            evaluation.block(
                Finding(
                    code: .natGatewayPrivate,
                    component: gatewayID,
                    message: "NAT gateway \(gatewayID) has ConnectivityType private and cannot reach the internet",
                    fix: replaceFix
                )
            )
            return
        }
        evaluation.pass(gatewayID, "available, public")
        guard let natTable = index.routeTable(forSubnet: gateway.subnetID, vpcID: gateway.vpcID) else {
            evaluation.unknown(
                missing(
                    .routeTables,
                    id: gateway.subnetID,
                    what: "the route table of the NAT gateway's subnet",
                    command: "aws ec2 describe-route-tables --filters Name=vpc-id,Values=\(gateway.vpcID)"
                )
            )
            return
        }
        let route = defaultRoute(natTable)
        let noInternet = Finding(
            code: .natSubnetNoInternetRoute,
            component: natTable.id,
            message: "NAT gateway \(gatewayID) is in \(gateway.subnetID), whose route table \(natTable.id) has no "
                + "route from 0.0.0.0/0 to an internet gateway",
            fix: "aws ec2 create-route --route-table-id \(natTable.id) --destination-cidr-block 0.0.0.0/0 "
                + "--gateway-id <igw-id attached to \(gateway.vpcID)>"
        )
        switch route?.target {
        case .internetGateway(let igw)?:
            if route?.isActive == false {
                evaluation.block(
                    Finding(
                        code: .blackholeRoute,
                        component: natTable.id,
                        message: "the 0.0.0.0/0 route of \(natTable.id) (the NAT gateway's subnet "
                            + "\(gateway.subnetID)) points to \(igw), which no longer exists (blackhole)",
                        fix: "aws ec2 replace-route --route-table-id \(natTable.id) --destination-cidr-block "
                            + "0.0.0.0/0 --gateway-id <igw-id attached to \(gateway.vpcID)>"
                    )
                )
            } else {
                evaluation.pass(natTable.id, "\(gateway.subnetID): 0.0.0.0/0 -> \(igw)")
                internetGatewayCheck(igw, into: &evaluation)
            }
        case .transitGateway(let tgw)?:
            evaluation.unknown(
                Finding(
                    code: .transitGatewayRoute,
                    component: natTable.id,
                    message: "the NAT gateway's subnet \(gateway.subnetID) sends 0.0.0.0/0 to transit gateway "
                        + "\(tgw); the path beyond it cannot be followed",
                    fix: "check the path behind \(tgw) with VPC Reachability Analyzer"
                )
            )
        default:
            evaluation.block(noInternet)
        }
        guard gateway.subnetID != subnetID, let dbBlock = index.subnets[subnetID]?.cidrBlock else {
            if gateway.subnetID != subnetID { _ = subnetRecord(subnetID, into: &evaluation) }
            aclCheck(subnetID: gateway.subnetID, egress: true, peer: .internet, request: true, into: &evaluation)
            aclCheck(subnetID: gateway.subnetID, egress: false, peer: .internet, request: false, into: &evaluation)
            return
        }
        aclCheck(subnetID: gateway.subnetID, egress: false, peer: .block(dbBlock), request: true, into: &evaluation)
        aclCheck(subnetID: gateway.subnetID, egress: true, peer: .internet, request: true, into: &evaluation)
        aclCheck(subnetID: gateway.subnetID, egress: false, peer: .internet, request: false, into: &evaluation)
        aclCheck(subnetID: gateway.subnetID, egress: true, peer: .block(dbBlock), request: false, into: &evaluation)
    }
}
