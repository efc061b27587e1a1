public import DBLambdaCore

/// An IP protocol as security groups and network ACLs name it (`-1`, `tcp`/`6`, `udp`/`17`, `icmp`/`1`, …).
public enum IPProtocol: Sendable, Hashable, CustomStringConvertible {
    /// Every protocol (`-1`).
    case all
    /// TCP (`tcp` or `6`).
    case tcp
    /// UDP (`udp` or `17`).
    case udp
    /// ICMP (`icmp` or `1`).
    case icmp
    /// Any other protocol, as the AWS CLI printed it.
    case other(String)

    /// Parses the spellings the AWS CLI prints: a name or a protocol number.
    public init(awsValue: String) {
        switch awsValue.lowercased() {
        case "-1", "all": self = .all
        case "tcp", "6": self = .tcp
        case "udp", "17": self = .udp
        case "icmp", "1": self = .icmp
        default: self = .other(awsValue)
        }
    }

    /// Whether this protocol carries TCP traffic (TCP itself or every protocol).
    public var carriesTCP: Bool { self == .all || self == .tcp }

    /// `-1`, `tcp`, `udp`, `icmp` or the original spelling.
    public var description: String {
        switch self {
        case .all: "-1"
        case .tcp: "tcp"
        case .udp: "udp"
        case .icmp: "icmp"
        case .other(let value): value
        }
    }
}

/// An RDS DB instance, as `aws rds describe-db-instances` describes it.
public struct DBInstance: Sendable, Hashable {
    /// `DBInstanceIdentifier`.
    public var identifier: String
    /// `Engine`, for example `postgres`, `aurora-postgresql`, `aurora-mysql`.
    public var engine: String
    /// The region, from `DBInstanceArn` (or the availability zone).
    public var region: Region?
    /// `PubliclyAccessible`.
    public var publiclyAccessible: Bool
    /// `DBSubnetGroup.VpcId`.
    public var vpcID: String?
    /// `DBSubnetGroup.Subnets[].SubnetIdentifier`, in the order listed.
    public var subnetIDs: [String]
    /// `VpcSecurityGroups[].VpcSecurityGroupId`.
    public var securityGroupIDs: [String]
    /// `DBParameterGroups[0].DBParameterGroupName`.
    public var parameterGroupName: String?
    /// `DBClusterIdentifier`, for Aurora instances.
    public var clusterIdentifier: String?

    /// Creates an instance description.
    public init(
        identifier: String,
        engine: String,
        region: Region? = nil,
        publiclyAccessible: Bool = false,
        vpcID: String? = nil,
        subnetIDs: [String] = [],
        securityGroupIDs: [String] = [],
        parameterGroupName: String? = nil,
        clusterIdentifier: String? = nil
    ) {
        self.identifier = identifier
        self.engine = engine
        self.region = region
        self.publiclyAccessible = publiclyAccessible
        self.vpcID = vpcID
        self.subnetIDs = subnetIDs
        self.securityGroupIDs = securityGroupIDs
        self.parameterGroupName = parameterGroupName
        self.clusterIdentifier = clusterIdentifier
    }

    /// Whether the engine is RDS for PostgreSQL or Aurora PostgreSQL, the engines that need
    /// `rds.custom_dns_resolution = 1` to use an interface endpoint's private DNS.
    public var isPostgreSQL: Bool {
        engine.lowercased() == "postgres" || engine.lowercased() == "aurora-postgresql"
    }
}

/// An Aurora DB cluster, as `aws rds describe-db-clusters` describes it.
public struct DBCluster: Sendable, Hashable {
    /// `DBClusterIdentifier`.
    public var identifier: String
    /// `Engine`.
    public var engine: String
    /// `VpcSecurityGroups[].VpcSecurityGroupId`.
    public var securityGroupIDs: [String]
    /// `DBClusterMembers[].DBInstanceIdentifier`.
    public var memberInstanceIDs: [String]
    /// `DBClusterParameterGroup`.
    public var parameterGroupName: String?

    /// Creates a cluster description.
    public init(
        identifier: String,
        engine: String,
        securityGroupIDs: [String] = [],
        memberInstanceIDs: [String] = [],
        parameterGroupName: String? = nil
    ) {
        self.identifier = identifier
        self.engine = engine
        self.securityGroupIDs = securityGroupIDs
        self.memberInstanceIDs = memberInstanceIDs
        self.parameterGroupName = parameterGroupName
    }
}

/// A VPC (`aws ec2 describe-vpcs`).
public struct VPC: Sendable, Hashable {
    /// `VpcId`.
    public var id: String
    /// `CidrBlock` and `CidrBlockAssociationSet[].CidrBlock`.
    public var cidrBlocks: [IPv4CIDR]

    /// Creates a VPC description.
    public init(id: String, cidrBlocks: [IPv4CIDR] = []) {
        self.id = id
        self.cidrBlocks = cidrBlocks
    }
}

/// A subnet (`aws ec2 describe-subnets`).
public struct Subnet: Sendable, Hashable {
    /// `SubnetId`.
    public var id: String
    /// `VpcId`.
    public var vpcID: String
    /// `CidrBlock`.
    public var cidrBlock: IPv4CIDR?
    /// `AvailabilityZone`.
    public var availabilityZone: String?

    /// Creates a subnet description.
    public init(id: String, vpcID: String, cidrBlock: IPv4CIDR?, availabilityZone: String? = nil) {
        self.id = id
        self.vpcID = vpcID
        self.cidrBlock = cidrBlock
        self.availabilityZone = availabilityZone
    }
}

/// Where a route sends traffic (`aws ec2 describe-route-tables`, `Routes[]`).
public enum RouteTarget: Sendable, Hashable, CustomStringConvertible {
    /// `GatewayId: local`, the VPC itself.
    case local
    /// An internet gateway, `GatewayId: igw-…`.
    case internetGateway(String)
    /// An egress-only internet gateway (IPv6), `EgressOnlyInternetGatewayId: eigw-…`.
    case egressOnlyInternetGateway(String)
    /// A NAT gateway, `NatGatewayId: nat-…`.
    case natGateway(String)
    /// A gateway VPC endpoint (S3, DynamoDB), `GatewayId: vpce-…`.
    case gatewayEndpoint(String)
    /// A virtual private gateway, `GatewayId: vgw-…`.
    case virtualPrivateGateway(String)
    /// A transit gateway, `TransitGatewayId: tgw-…`.
    case transitGateway(String)
    /// A VPC peering connection, `VpcPeeringConnectionId: pcx-…`.
    case vpcPeering(String)
    /// A network interface or an instance (a NAT instance or an appliance).
    case networkInterface(String)
    /// Any other target (local gateway, carrier gateway, core network…), with its id.
    case other(String)

    /// The target's id (`local` for the local route).
    public var id: String {
        switch self {
        case .local: "local"
        case .internetGateway(let id), .egressOnlyInternetGateway(let id), .natGateway(let id),
            .gatewayEndpoint(let id), .virtualPrivateGateway(let id), .transitGateway(let id), .vpcPeering(let id),
            .networkInterface(let id), .other(let id):
            id
        }
    }

    /// The target's id.
    public var description: String { id }
}

/// The destination of a route.
public enum RouteDestination: Sendable, Hashable, CustomStringConvertible {
    /// `DestinationCidrBlock`.
    case ipv4(IPv4CIDR)
    /// `DestinationIpv6CidrBlock`, kept as text: IPv6 is reported, not analyzed.
    case ipv6(String)
    /// `DestinationPrefixListId`.
    case prefixList(String)

    /// The CIDR block or prefix list id.
    public var description: String {
        switch self {
        case .ipv4(let cidr): cidr.description
        case .ipv6(let text): text
        case .prefixList(let id): id
        }
    }
}

/// One route of a route table.
public struct Route: Sendable, Hashable {
    /// Where the route applies.
    public var destination: RouteDestination
    /// Where it sends traffic.
    public var target: RouteTarget
    /// `State`: `false` for `blackhole` (the target is gone).
    public var isActive: Bool

    /// Creates a route.
    public init(destination: RouteDestination, target: RouteTarget, isActive: Bool = true) {
        self.destination = destination
        self.target = target
        self.isActive = isActive
    }
}

/// A route table (`aws ec2 describe-route-tables`).
public struct RouteTable: Sendable, Hashable {
    /// `RouteTableId`.
    public var id: String
    /// `VpcId`.
    public var vpcID: String
    /// `Associations[].SubnetId`: the subnets explicitly associated.
    public var subnetIDs: [String]
    /// Whether an association has `Main: true`: the table of every subnet without an explicit one.
    public var isMain: Bool
    /// `Routes[]`.
    public var routes: [Route]

    /// Creates a route table.
    public init(id: String, vpcID: String, subnetIDs: [String] = [], isMain: Bool = false, routes: [Route] = []) {
        self.id = id
        self.vpcID = vpcID
        self.subnetIDs = subnetIDs
        self.isMain = isMain
        self.routes = routes
    }
}

/// One rule of a security group (`IpPermissions[]` or `IpPermissionsEgress[]`).
public struct SecurityGroupRule: Sendable, Hashable {
    /// `IpProtocol`.
    public var ipProtocol: IPProtocol
    /// `FromPort`…`ToPort`; `nil` means every port (protocol `-1`, or no ports printed).
    public var ports: ClosedRange<Int>?
    /// `IpRanges[].CidrIp`.
    public var ipv4Ranges: [IPv4CIDR]
    /// `Ipv6Ranges[].CidrIpv6`, kept as text.
    public var ipv6Ranges: [String]
    /// `UserIdGroupPairs[].GroupId`.
    public var groupIDs: [String]
    /// `PrefixListIds[].PrefixListId`.
    public var prefixListIDs: [String]

    /// Creates a rule.
    public init(
        ipProtocol: IPProtocol,
        ports: ClosedRange<Int>? = nil,
        ipv4Ranges: [IPv4CIDR] = [],
        ipv6Ranges: [String] = [],
        groupIDs: [String] = [],
        prefixListIDs: [String] = []
    ) {
        self.ipProtocol = ipProtocol
        self.ports = ports
        self.ipv4Ranges = ipv4Ranges
        self.ipv6Ranges = ipv6Ranges
        self.groupIDs = groupIDs
        self.prefixListIDs = prefixListIDs
    }

    /// A TCP rule for one port to some CIDR blocks.
    public static func tcp(_ port: Int, to cidrs: [IPv4CIDR]) -> SecurityGroupRule {
        SecurityGroupRule(ipProtocol: .tcp, ports: port...port, ipv4Ranges: cidrs)
    }

    /// Whether the rule covers TCP on `port`.
    func coversTCP(port: Int) -> Bool {
        guard ipProtocol.carriesTCP else { return false }
        return ports.map { $0.contains(port) } ?? true
    }
}

/// A security group (`aws ec2 describe-security-groups`).
public struct SecurityGroup: Sendable, Hashable {
    /// `GroupId`.
    public var id: String
    /// `VpcId`.
    public var vpcID: String?
    /// `IpPermissions[]`.
    public var ingress: [SecurityGroupRule]
    /// `IpPermissionsEgress[]`.
    public var egress: [SecurityGroupRule]

    /// Creates a security group.
    public init(
        id: String,
        vpcID: String? = nil,
        ingress: [SecurityGroupRule] = [],
        egress: [SecurityGroupRule] = []
    ) {
        self.id = id
        self.vpcID = vpcID
        self.ingress = ingress
        self.egress = egress
    }
}

/// One entry of a network ACL (`Entries[]`).
public struct NetworkACLEntry: Sendable, Hashable {
    /// `RuleNumber` (32767 is the final `*` rule).
    public var ruleNumber: Int
    /// `Egress`.
    public var egress: Bool
    /// `RuleAction` is `allow`.
    public var allows: Bool
    /// `Protocol`.
    public var ipProtocol: IPProtocol
    /// `PortRange.From`…`PortRange.To`; `nil` means every port.
    public var ports: ClosedRange<Int>?
    /// `CidrBlock`; `nil` for an IPv6 entry (`Ipv6CidrBlock`).
    public var cidrBlock: IPv4CIDR?

    /// Creates an entry.
    public init(
        ruleNumber: Int,
        egress: Bool,
        allows: Bool,
        ipProtocol: IPProtocol = .all,
        ports: ClosedRange<Int>? = nil,
        cidrBlock: IPv4CIDR? = .anywhere
    ) {
        self.ruleNumber = ruleNumber
        self.egress = egress
        self.allows = allows
        self.ipProtocol = ipProtocol
        self.ports = ports
        self.cidrBlock = cidrBlock
    }
}

/// A network ACL (`aws ec2 describe-network-acls`).
public struct NetworkACL: Sendable, Hashable {
    /// `NetworkAclId`.
    public var id: String
    /// `VpcId`.
    public var vpcID: String
    /// `IsDefault`: the ACL of every subnet without an explicit association.
    public var isDefault: Bool
    /// `Associations[].SubnetId`.
    public var subnetIDs: [String]
    /// `Entries[]`.
    public var entries: [NetworkACLEntry]

    /// Creates a network ACL.
    public init(
        id: String,
        vpcID: String,
        isDefault: Bool = false,
        subnetIDs: [String] = [],
        entries: [NetworkACLEntry] = []
    ) {
        self.id = id
        self.vpcID = vpcID
        self.isDefault = isDefault
        self.subnetIDs = subnetIDs
        self.entries = entries
    }

    /// The entries of a default ACL: allow everything in both directions (rule 100), then `*` deny.
    public static func allowAllEntries() -> [NetworkACLEntry] {
        [
            NetworkACLEntry(ruleNumber: 100, egress: true, allows: true),
            NetworkACLEntry(ruleNumber: 32767, egress: true, allows: false),
            NetworkACLEntry(ruleNumber: 100, egress: false, allows: true),
            NetworkACLEntry(ruleNumber: 32767, egress: false, allows: false),
        ]
    }
}

/// A NAT gateway (`aws ec2 describe-nat-gateways`).
public struct NATGateway: Sendable, Hashable {
    /// `NatGatewayId`.
    public var id: String
    /// `VpcId`.
    public var vpcID: String
    /// `SubnetId`: the subnet the gateway lives in.
    public var subnetID: String
    /// `State`: `pending`, `failed`, `available`, `deleting` or `deleted`.
    public var state: String
    /// `ConnectivityType` is `private` (absent means `public`).
    public var isPrivate: Bool

    /// Creates a NAT gateway.
    public init(id: String, vpcID: String, subnetID: String, state: String = "available", isPrivate: Bool = false) {
        self.id = id
        self.vpcID = vpcID
        self.subnetID = subnetID
        self.state = state
        self.isPrivate = isPrivate
    }
}

/// An internet gateway (`aws ec2 describe-internet-gateways`).
public struct InternetGateway: Sendable, Hashable {
    /// `InternetGatewayId`.
    public var id: String
    /// `Attachments[]` as (VPC id, state); the CLI prints `available` for an attached gateway.
    public var attachments: [Attachment]

    /// One attachment of an internet gateway to a VPC.
    public struct Attachment: Sendable, Hashable {
        /// `VpcId`.
        public var vpcID: String
        /// `State`: `available` or `attached` when attached; `attaching`, `detaching`, `detached` otherwise.
        public var state: String

        /// Creates an attachment.
        public init(vpcID: String, state: String = "available") {
            self.vpcID = vpcID
            self.state = state
        }
    }

    /// Creates an internet gateway.
    public init(id: String, attachments: [Attachment] = []) {
        self.id = id
        self.attachments = attachments
    }

    /// Whether the gateway is attached to `vpcID`.
    public func isAttached(to vpcID: String) -> Bool {
        attachments.contains { $0.vpcID == vpcID && ["available", "attached"].contains($0.state.lowercased()) }
    }
}

/// A VPC endpoint (`aws ec2 describe-vpc-endpoints`).
public struct VPCEndpoint: Sendable, Hashable {
    /// `VpcEndpointId`.
    public var id: String
    /// `VpcId`.
    public var vpcID: String
    /// `ServiceName`, for example `com.amazonaws.us-east-1.lambda`.
    public var serviceName: String
    /// `VpcEndpointType`: `Interface`, `Gateway`, `GatewayLoadBalancer`….
    public var type: String
    /// `State`, as printed (`available`, `pending`, `pendingAcceptance`, `failed`, …).
    public var state: String
    /// `PrivateDnsEnabled`.
    public var privateDNSEnabled: Bool
    /// `SubnetIds`.
    public var subnetIDs: [String]
    /// `Groups[].GroupId`.
    public var securityGroupIDs: [String]

    /// Creates an endpoint.
    public init(
        id: String,
        vpcID: String,
        serviceName: String,
        type: String = "Interface",
        state: String = "available",
        privateDNSEnabled: Bool = true,
        subnetIDs: [String] = [],
        securityGroupIDs: [String] = []
    ) {
        self.id = id
        self.vpcID = vpcID
        self.serviceName = serviceName
        self.type = type
        self.state = state
        self.privateDNSEnabled = privateDNSEnabled
        self.subnetIDs = subnetIDs
        self.securityGroupIDs = securityGroupIDs
    }

    /// The region named in a Lambda service name (`com.amazonaws.<region>.lambda`,
    /// `cn.com.amazonaws.<region>.lambda`), or `nil` when this is not a Lambda endpoint.
    public var lambdaRegion: String? {
        let parts = serviceName.split(separator: ".")
        guard parts.count >= 4, parts.last == "lambda" else { return nil }
        return String(parts[parts.count - 2])
    }
}
