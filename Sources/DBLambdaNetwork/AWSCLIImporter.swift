import DBLambdaCore
public import Foundation

/// Reads the JSON that AWS CLI `describe-*` commands print into an ``AWSNetwork``.
///
/// Field names are the CLI's (`DBSubnetGroup.Subnets[].SubnetIdentifier`, `IpPermissionsEgress[]`, …); unknown
/// fields are ignored. Malformed input throws ``NetworkError`` with the file and the JSON path.
///
/// ```swift
/// let network = try AWSCLIImporter.importDirectory(at: "aws-json")
/// let report = try NetworkAnalyzer.analyze(network, instanceID: "orders")
/// ```
public enum AWSCLIImporter: Sendable {
    /// Reads every file of ``NetworkInput`` from a directory; files that do not exist are recorded in
    /// ``AWSNetwork/missingInputs``.
    public static func importDirectory(at path: String) throws(NetworkError) -> AWSNetwork {
        var network = AWSNetwork()
        let directory = URL(fileURLWithPath: path, isDirectory: true)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw NetworkError(code: .unreadableFile, message: "\(path) is not a directory")
        }
        for input in NetworkInput.allCases {
            let url = directory.appendingPathComponent(input.fileName)
            guard FileManager.default.fileExists(atPath: url.path) else {
                network.missingInputs.insert(input)
                continue
            }
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw NetworkError(
                    code: .unreadableFile,
                    message: "cannot read the file",
                    location: InputLocation(file: url.path)
                )
            }
            try importDocument(data, as: input, file: url.path, into: &network)
        }
        return network
    }

    /// Reads one document (the output of the command `input` names) into `network`.
    ///
    /// - Parameters:
    ///   - data: The JSON text.
    ///   - input: Which command printed it.
    ///   - file: The name used in error messages.
    ///   - network: The model to add to.
    public static func importDocument(
        _ data: Data,
        as input: NetworkInput,
        file: String? = nil,
        into network: inout AWSNetwork
    ) throws(NetworkError) {
        let root = try JSONCursor.parse(data, file: file ?? input.fileName)
        try root.object()
        network.missingInputs.remove(input)
        switch input {
        case .dbInstances:
            for item in try root.required("DBInstances").array() { network.add(try instance(item)) }
        case .dbClusters:
            for item in try root.required("DBClusters").array() { network.add(try cluster(item)) }
        case .dbParameters:
            for item in try root.required("Parameters").array() {
                let name = try item.requiredString("ParameterName")
                if let value = try item.optional("ParameterValue") {
                    network.dbParameters[name] = try value.scalarText()
                }
            }
        case .vpcs:
            for item in try root.required("Vpcs").array() { network.vpcs.append(try vpc(item)) }
        case .dnsSupport:
            let vpcID = try root.requiredString("VpcId")
            network.dnsSupport[vpcID] = try root.required("EnableDnsSupport").required("Value").bool()
        case .dnsHostnames:
            let vpcID = try root.requiredString("VpcId")
            network.dnsHostnames[vpcID] = try root.required("EnableDnsHostnames").required("Value").bool()
        case .subnets:
            for item in try root.required("Subnets").array() {
                network.add(
                    Subnet(
                        id: try item.requiredString("SubnetId"),
                        vpcID: try item.requiredString("VpcId"),
                        cidrBlock: try item.optional("CidrBlock")?.cidr(),
                        availabilityZone: try item.optionalString("AvailabilityZone")
                    )
                )
            }
        case .routeTables:
            for item in try root.required("RouteTables").array() { network.add(try routeTable(item)) }
        case .securityGroups:
            for item in try root.required("SecurityGroups").array() {
                network.add(
                    SecurityGroup(
                        id: try item.requiredString("GroupId"),
                        vpcID: try item.optionalString("VpcId"),
                        ingress: try item.optionalArray("IpPermissions").map { (rule) throws(NetworkError) in
                            try securityGroupRule(rule)
                        },
                        egress: try item.optionalArray("IpPermissionsEgress").map { (rule) throws(NetworkError) in
                            try securityGroupRule(rule)
                        }
                    )
                )
            }
        case .networkACLs:
            for item in try root.required("NetworkAcls").array() { network.add(try networkACL(item)) }
        case .natGateways:
            for item in try root.required("NatGateways").array() {
                network.add(
                    NATGateway(
                        id: try item.requiredString("NatGatewayId"),
                        vpcID: try item.requiredString("VpcId"),
                        subnetID: try item.requiredString("SubnetId"),
                        state: try item.optionalString("State") ?? "unknown",
                        isPrivate: try item.optionalString("ConnectivityType")?.lowercased() == "private"
                    )
                )
            }
        case .internetGateways:
            for item in try root.required("InternetGateways").array() {
                var attachments: [InternetGateway.Attachment] = []
                for attachment in try item.optionalArray("Attachments") {
                    attachments.append(
                        InternetGateway.Attachment(
                            vpcID: try attachment.requiredString("VpcId"),
                            state: try attachment.optionalString("State") ?? "unknown"
                        )
                    )
                }
                network.add(
                    InternetGateway(id: try item.requiredString("InternetGatewayId"), attachments: attachments)
                )
            }
        case .vpcEndpoints:
            for item in try root.required("VpcEndpoints").array() { network.add(try endpoint(item)) }
        }
    }

    private static func instance(_ item: JSONCursor) throws(NetworkError) -> DBInstance {
        let identifier = try item.requiredString("DBInstanceIdentifier")
        var region: Region?
        if let arn = try item.optionalString("DBInstanceArn") {
            guard let parsed = try? RDSInstanceARN(parsing: arn) else {
                throw try item.required("DBInstanceArn").fail(.invalidValue, "\"\(arn)\" is not an RDS instance ARN")
            }
            region = parsed.region
        } else if let zone = try item.optionalString("AvailabilityZone") {
            region = try? Region(String(zone.reversed().drop(while: \.isLetter).reversed()))
        }
        var subnetIDs: [String] = []
        var vpcID: String?
        if let group = try item.optional("DBSubnetGroup") {
            vpcID = try group.optionalString("VpcId")
            for subnet in try group.optionalArray("Subnets") {
                subnetIDs.append(try subnet.requiredString("SubnetIdentifier"))
            }
        }
        var groups: [String] = []
        for group in try item.optionalArray("VpcSecurityGroups") {
            groups.append(try group.requiredString("VpcSecurityGroupId"))
        }
        var parameterGroup: String?
        if let first = try item.optionalArray("DBParameterGroups").first {
            parameterGroup = try first.optionalString("DBParameterGroupName")
        }
        return DBInstance(
            identifier: identifier,
            engine: try item.optionalString("Engine") ?? "",
            region: region,
            publiclyAccessible: try item.optionalBool("PubliclyAccessible") ?? false,
            vpcID: vpcID,
            subnetIDs: subnetIDs,
            securityGroupIDs: groups,
            parameterGroupName: parameterGroup,
            clusterIdentifier: try item.optionalString("DBClusterIdentifier")
        )
    }

    private static func cluster(_ item: JSONCursor) throws(NetworkError) -> DBCluster {
        var groups: [String] = []
        for group in try item.optionalArray("VpcSecurityGroups") {
            groups.append(try group.requiredString("VpcSecurityGroupId"))
        }
        var members: [String] = []
        for member in try item.optionalArray("DBClusterMembers") {
            members.append(try member.requiredString("DBInstanceIdentifier"))
        }
        return DBCluster(
            identifier: try item.requiredString("DBClusterIdentifier"),
            engine: try item.optionalString("Engine") ?? "",
            securityGroupIDs: groups,
            memberInstanceIDs: members,
            parameterGroupName: try item.optionalString("DBClusterParameterGroup")
        )
    }

    private static func vpc(_ item: JSONCursor) throws(NetworkError) -> VPC {
        var blocks: [IPv4CIDR] = []
        if let primary = try item.optional("CidrBlock") { blocks.append(try primary.cidr()) }
        for association in try item.optionalArray("CidrBlockAssociationSet") {
            if let block = try association.optional("CidrBlock") {
                let cidr = try block.cidr()
                if !blocks.contains(cidr) { blocks.append(cidr) }
            }
        }
        return VPC(id: try item.requiredString("VpcId"), cidrBlocks: blocks)
    }

    private static func routeTable(_ item: JSONCursor) throws(NetworkError) -> RouteTable {
        var table = RouteTable(id: try item.requiredString("RouteTableId"), vpcID: try item.requiredString("VpcId"))
        for association in try item.optionalArray("Associations") {
            if let state = try association.optional("AssociationState")?.optionalString("State"),
                ["disassociated", "disassociating", "failed"].contains(state.lowercased())
            {
                continue
            }
            if try association.optionalBool("Main") == true { table.isMain = true }
            if let subnet = try association.optionalString("SubnetId") { table.subnetIDs.append(subnet) }
        }
        for route in try item.optionalArray("Routes") {
            let destination: RouteDestination
            if let cidr = try route.optional("DestinationCidrBlock") {
                destination = .ipv4(try cidr.cidr())
            } else if let ipv6 = try route.optionalString("DestinationIpv6CidrBlock") {
                destination = .ipv6(ipv6)
            } else if let list = try route.optionalString("DestinationPrefixListId") {
                destination = .prefixList(list)
            } else {
                throw route.fail(
                    .missingField,
                    "a route has none of DestinationCidrBlock, DestinationIpv6CidrBlock, DestinationPrefixListId"
                )
            }
            table.routes.append(
                Route(
                    destination: destination,
                    target: try routeTarget(route),
                    isActive: try route.optionalString("State")?.lowercased() != "blackhole"
                )
            )
        }
        return table
    }

    private static func routeTarget(_ route: JSONCursor) throws(NetworkError) -> RouteTarget {
        if let gateway = try route.optionalString("GatewayId") {
            if gateway == "local" { return .local }
            if gateway.hasPrefix("igw-") { return .internetGateway(gateway) }
            if gateway.hasPrefix("vpce-") { return .gatewayEndpoint(gateway) }
            if gateway.hasPrefix("vgw-") { return .virtualPrivateGateway(gateway) }
            return .other(gateway)
        }
        if let nat = try route.optionalString("NatGatewayId") { return .natGateway(nat) }
        if let tgw = try route.optionalString("TransitGatewayId") { return .transitGateway(tgw) }
        if let eigw = try route.optionalString("EgressOnlyInternetGatewayId") {
            return .egressOnlyInternetGateway(eigw)
        }
        if let peering = try route.optionalString("VpcPeeringConnectionId") { return .vpcPeering(peering) }
        if let interface = try route.optionalString("NetworkInterfaceId") { return .networkInterface(interface) }
        if let instance = try route.optionalString("InstanceId") { return .networkInterface(instance) }
        for key in ["LocalGatewayId", "CarrierGatewayId", "CoreNetworkArn"] {
            if let other = try route.optionalString(key) { return .other(other) }
        }
        return .other("unknown-target")
    }

    private static func portRange(from: Int?, to: Int?) -> ClosedRange<Int>? {
        guard let from, let to, from >= 0, to >= from else { return nil }
        return from...to
    }

    private static func securityGroupRule(_ item: JSONCursor) throws(NetworkError) -> SecurityGroupRule {
        let ipProtocol = IPProtocol(awsValue: try item.required("IpProtocol").scalarText())
        var rule = SecurityGroupRule(
            ipProtocol: ipProtocol,
            ports: ipProtocol == .all
                ? nil : portRange(from: try item.optionalInt("FromPort"), to: try item.optionalInt("ToPort"))
        )
        for range in try item.optionalArray("IpRanges") { rule.ipv4Ranges.append(try range.required("CidrIp").cidr()) }
        for range in try item.optionalArray("Ipv6Ranges") {
            rule.ipv6Ranges.append(try range.requiredString("CidrIpv6"))
        }
        for pair in try item.optionalArray("UserIdGroupPairs") {
            if let group = try pair.optionalString("GroupId") { rule.groupIDs.append(group) }
        }
        for list in try item.optionalArray("PrefixListIds") {
            rule.prefixListIDs.append(try list.requiredString("PrefixListId"))
        }
        return rule
    }

    private static func networkACL(_ item: JSONCursor) throws(NetworkError) -> NetworkACL {
        var acl = NetworkACL(
            id: try item.requiredString("NetworkAclId"),
            vpcID: try item.requiredString("VpcId"),
            isDefault: try item.optionalBool("IsDefault") ?? false
        )
        for association in try item.optionalArray("Associations") {
            if let subnet = try association.optionalString("SubnetId") { acl.subnetIDs.append(subnet) }
        }
        for entry in try item.optionalArray("Entries") {
            let actionCursor = try entry.required("RuleAction")
            let action = try actionCursor.string().lowercased()
            guard action == "allow" || action == "deny" else {
                throw actionCursor.fail(.invalidValue, "expected allow or deny, found \"\(action)\"")
            }
            var ports: ClosedRange<Int>?
            if let range = try entry.optional("PortRange") {
                let from = try range.required("From").int()
                let to = try range.required("To").int()
                guard from >= 0, to >= from, to <= 65535 else {
                    throw range.fail(.invalidValue, "invalid port range \(from)-\(to)")
                }
                ports = from...to
            }
            acl.entries.append(
                NetworkACLEntry(
                    ruleNumber: try entry.required("RuleNumber").int(),
                    egress: try entry.required("Egress").bool(),
                    allows: action == "allow",
                    ipProtocol: IPProtocol(awsValue: try entry.required("Protocol").scalarText()),
                    ports: ports,
                    cidrBlock: try entry.optional("CidrBlock")?.cidr()
                )
            )
        }
        return acl
    }

    private static func endpoint(_ item: JSONCursor) throws(NetworkError) -> VPCEndpoint {
        var subnets: [String] = []
        for subnet in try item.optionalArray("SubnetIds") { subnets.append(try subnet.string()) }
        var groups: [String] = []
        for group in try item.optionalArray("Groups") { groups.append(try group.requiredString("GroupId")) }
        return VPCEndpoint(
            id: try item.requiredString("VpcEndpointId"),
            vpcID: try item.requiredString("VpcId"),
            serviceName: try item.requiredString("ServiceName"),
            type: try item.optionalString("VpcEndpointType") ?? "Interface",
            state: try item.optionalString("State") ?? "unknown",
            privateDNSEnabled: try item.optionalBool("PrivateDnsEnabled") ?? false,
            subnetIDs: subnets,
            securityGroupIDs: groups
        )
    }
}
