/// One input of the analysis: the output of one AWS CLI command, saved under its file name.
public enum NetworkInput: String, Sendable, Hashable, CaseIterable, Comparable {
    /// `aws rds describe-db-instances`.
    case dbInstances = "describe-db-instances.json"
    /// `aws rds describe-db-clusters` (optional; used for Aurora instances).
    case dbClusters = "describe-db-clusters.json"
    /// `aws rds describe-db-parameters` for the instance's own parameter group.
    case dbParameters = "describe-db-parameters.json"
    /// `aws ec2 describe-vpcs`.
    case vpcs = "describe-vpcs.json"
    /// `aws ec2 describe-vpc-attribute --attribute enableDnsSupport`.
    case dnsSupport = "describe-vpc-attribute-enableDnsSupport.json"
    /// `aws ec2 describe-vpc-attribute --attribute enableDnsHostnames`.
    case dnsHostnames = "describe-vpc-attribute-enableDnsHostnames.json"
    /// `aws ec2 describe-subnets`.
    case subnets = "describe-subnets.json"
    /// `aws ec2 describe-route-tables`.
    case routeTables = "describe-route-tables.json"
    /// `aws ec2 describe-security-groups`.
    case securityGroups = "describe-security-groups.json"
    /// `aws ec2 describe-network-acls`.
    case networkACLs = "describe-network-acls.json"
    /// `aws ec2 describe-nat-gateways`.
    case natGateways = "describe-nat-gateways.json"
    /// `aws ec2 describe-internet-gateways`.
    case internetGateways = "describe-internet-gateways.json"
    /// `aws ec2 describe-vpc-endpoints`.
    case vpcEndpoints = "describe-vpc-endpoints.json"

    /// The file name, for example `describe-subnets.json`.
    public var fileName: String { rawValue }

    /// Orders by file name.
    public static func < (lhs: NetworkInput, rhs: NetworkInput) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Everything the analyzer knows about a database's network: the model built by ``AWSCLIImporter`` from the
/// AWS CLI's JSON, or programmatically.
///
/// The collections are plain arrays, so the value is also a builder:
///
/// ```swift
/// var network = AWSNetwork()
/// network.add(DBInstance(identifier: "orders", engine: "postgres", region: try Region("us-east-1"),
///                        vpcID: "vpc-1", subnetIDs: ["subnet-a"], securityGroupIDs: ["sg-db"]))
/// network.add(Subnet(id: "subnet-a", vpcID: "vpc-1", cidrBlock: IPv4CIDR("10.0.1.0/24")))
/// ```
///
/// Inputs listed in ``missingInputs`` were not provided; anything the analysis would have needed from them
/// makes the verdict ``Verdict/unknown`` instead of a guess.
public struct AWSNetwork: Sendable, Hashable {
    /// DB instances.
    public var instances: [DBInstance] = []
    /// Aurora clusters.
    public var clusters: [DBCluster] = []
    /// Values of the instance's own parameter group, by parameter name (`rds.custom_dns_resolution`).
    public var dbParameters: [String: String] = [:]
    /// VPCs.
    public var vpcs: [VPC] = []
    /// `enableDnsSupport` by VPC id.
    public var dnsSupport: [String: Bool] = [:]
    /// `enableDnsHostnames` by VPC id.
    public var dnsHostnames: [String: Bool] = [:]
    /// Subnets.
    public var subnets: [Subnet] = []
    /// Route tables.
    public var routeTables: [RouteTable] = []
    /// Security groups.
    public var securityGroups: [SecurityGroup] = []
    /// Network ACLs.
    public var networkACLs: [NetworkACL] = []
    /// NAT gateways.
    public var natGateways: [NATGateway] = []
    /// Internet gateways.
    public var internetGateways: [InternetGateway] = []
    /// VPC endpoints.
    public var vpcEndpoints: [VPCEndpoint] = []
    /// Inputs that were not provided (a programmatic model provides all of them unless told otherwise).
    public var missingInputs: Set<NetworkInput> = []

    /// An empty network with every input marked as provided.
    public init() {}

    /// Adds a DB instance.
    public mutating func add(_ instance: DBInstance) { instances.append(instance) }
    /// Adds an Aurora cluster.
    public mutating func add(_ cluster: DBCluster) { clusters.append(cluster) }
    /// Adds a VPC with its DNS attributes (`nil` leaves an attribute unknown).
    public mutating func add(_ vpc: VPC, dnsSupport: Bool? = true, dnsHostnames: Bool? = true) {
        vpcs.append(vpc)
        if let dnsSupport { self.dnsSupport[vpc.id] = dnsSupport }
        if let dnsHostnames { self.dnsHostnames[vpc.id] = dnsHostnames }
    }
    /// Adds a subnet.
    public mutating func add(_ subnet: Subnet) { subnets.append(subnet) }
    /// Adds a route table.
    public mutating func add(_ routeTable: RouteTable) { routeTables.append(routeTable) }
    /// Adds a security group.
    public mutating func add(_ securityGroup: SecurityGroup) { securityGroups.append(securityGroup) }
    /// Adds a network ACL.
    public mutating func add(_ networkACL: NetworkACL) { networkACLs.append(networkACL) }
    /// Adds a NAT gateway.
    public mutating func add(_ natGateway: NATGateway) { natGateways.append(natGateway) }
    /// Adds an internet gateway.
    public mutating func add(_ internetGateway: InternetGateway) { internetGateways.append(internetGateway) }
    /// Adds a VPC endpoint.
    public mutating func add(_ endpoint: VPCEndpoint) { vpcEndpoints.append(endpoint) }
}
