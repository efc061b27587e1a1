/// Dictionaries by id over an ``AWSNetwork``, built once in linear time so that every lookup of the analysis
/// is constant time.
struct NetworkIndex {
    let network: AWSNetwork
    let subnets: [String: Subnet]
    let explicitRouteTables: [String: RouteTable]
    let mainRouteTables: [String: RouteTable]
    let securityGroups: [String: SecurityGroup]
    let explicitACLs: [String: NetworkACL]
    let defaultACLs: [String: NetworkACL]
    let natGateways: [String: NATGateway]
    let internetGateways: [String: InternetGateway]
    let endpointsByVPC: [String: [VPCEndpoint]]

    init(_ network: AWSNetwork) {
        self.network = network
        subnets = Dictionary(network.subnets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var explicit: [String: RouteTable] = [:]
        var main: [String: RouteTable] = [:]
        for table in network.routeTables {
            for subnet in table.subnetIDs where explicit[subnet] == nil { explicit[subnet] = table }
            if table.isMain, main[table.vpcID] == nil { main[table.vpcID] = table }
        }
        explicitRouteTables = explicit
        mainRouteTables = main
        securityGroups = Dictionary(
            network.securityGroups.map { ($0.id, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        var explicitACL: [String: NetworkACL] = [:]
        var defaultACL: [String: NetworkACL] = [:]
        for acl in network.networkACLs {
            let sorted = NetworkACL(
                id: acl.id,
                vpcID: acl.vpcID,
                isDefault: acl.isDefault,
                subnetIDs: acl.subnetIDs,
                entries: acl.entries.sorted { ($0.ruleNumber, $0.egress ? 1 : 0) < ($1.ruleNumber, $1.egress ? 1 : 0) }
            )
            for subnet in acl.subnetIDs where explicitACL[subnet] == nil { explicitACL[subnet] = sorted }
            if acl.isDefault, defaultACL[acl.vpcID] == nil { defaultACL[acl.vpcID] = sorted }
        }
        explicitACLs = explicitACL
        defaultACLs = defaultACL
        natGateways = Dictionary(network.natGateways.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        internetGateways = Dictionary(
            network.internetGateways.map { ($0.id, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        var endpoints: [String: [VPCEndpoint]] = [:]
        for endpoint in network.vpcEndpoints { endpoints[endpoint.vpcID, default: []].append(endpoint) }
        endpointsByVPC = endpoints.mapValues { $0.sorted { $0.id < $1.id } }
    }

    func routeTable(forSubnet subnetID: String, vpcID: String?) -> RouteTable? {
        if let table = explicitRouteTables[subnetID] { return table }
        guard let vpc = vpcID ?? subnets[subnetID]?.vpcID else { return nil }
        return mainRouteTables[vpc]
    }

    func networkACL(forSubnet subnetID: String, vpcID: String?) -> NetworkACL? {
        if let acl = explicitACLs[subnetID] { return acl }
        guard let vpc = vpcID ?? subnets[subnetID]?.vpcID else { return nil }
        return defaultACLs[vpc]
    }
}
