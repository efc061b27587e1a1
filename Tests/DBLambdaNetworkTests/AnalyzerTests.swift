import DBLambdaCore
import DBLambdaNetwork
import Testing

/// A private instance in two subnets behind a NAT gateway, built without JSON.
private func natNetwork() throws -> AWSNetwork {
    var network = AWSNetwork()
    network.add(
        DBInstance(
            identifier: "db",
            engine: "postgres",
            region: try Region("eu-central-1"),
            vpcID: "vpc-1",
            subnetIDs: ["subnet-a", "subnet-b"],
            securityGroupIDs: ["sg-db"]
        )
    )
    network.add(VPC(id: "vpc-1", cidrBlocks: [try #require(IPv4CIDR("10.0.0.0/16"))]))
    network.add(Subnet(id: "subnet-a", vpcID: "vpc-1", cidrBlock: IPv4CIDR("10.0.1.0/24")))
    network.add(Subnet(id: "subnet-b", vpcID: "vpc-1", cidrBlock: IPv4CIDR("10.0.2.0/24")))
    network.add(Subnet(id: "subnet-p", vpcID: "vpc-1", cidrBlock: IPv4CIDR("10.0.100.0/24")))
    network.add(
        RouteTable(
            id: "rtb-private",
            vpcID: "vpc-1",
            subnetIDs: ["subnet-a", "subnet-b"],
            routes: [Route(destination: .ipv4(.anywhere), target: .natGateway("nat-1"))]
        )
    )
    network.add(
        RouteTable(
            id: "rtb-public",
            vpcID: "vpc-1",
            subnetIDs: ["subnet-p"],
            routes: [Route(destination: .ipv4(.anywhere), target: .internetGateway("igw-1"))]
        )
    )
    network.add(SecurityGroup(id: "sg-db", egress: [.tcp(443, to: [.anywhere])]))
    network.add(NetworkACL(id: "acl-1", vpcID: "vpc-1", isDefault: true, entries: NetworkACL.allowAllEntries()))
    network.add(NATGateway(id: "nat-1", vpcID: "vpc-1", subnetID: "subnet-p"))
    network.add(InternetGateway(id: "igw-1", attachments: [.init(vpcID: "vpc-1")]))
    network.dbParameters["rds.custom_dns_resolution"] = "0"
    return network
}

@Suite("The analyzer on networks built in Swift")
struct AnalyzerTests {
    @Test("a built NAT network is reachable through the NAT gateway, hop by hop")
    func natReachable() throws {
        let report = try NetworkAnalyzer.analyze(try natNetwork(), instanceID: "db")
        #expect(report.verdict == .reachable)
        #expect(report.route == .natGateway)
        #expect(report.endpointHost == "lambda.eu-central-1.amazonaws.com")
        #expect(report.blockers.isEmpty)
        #expect(report.subnets.map(\.subnetID) == ["subnet-a", "subnet-b"])
        #expect(report.subnets.allSatisfy { $0.hops.allSatisfy(\.passes) })
        #expect(report.text.contains("Verdict: reachable via nat-gateway"))
    }

    @Test("an unknown instance id is a typed error")
    func unknownInstance() throws {
        #expect(throws: NetworkError.instanceNotFound) {
            try NetworkAnalyzer.analyze(try natNetwork(), instanceID: "other")
        }
    }

    @Test("a working endpoint captures the calls, so a deleted NAT gateway does not matter")
    func endpointCaptures() throws {
        var network = try natNetwork()
        network.natGateways[0].state = "deleted"
        network.dbParameters["rds.custom_dns_resolution"] = "1"
        network.dnsSupport["vpc-1"] = true
        network.dnsHostnames["vpc-1"] = true
        network.add(
            VPCEndpoint(
                id: "vpce-1",
                vpcID: "vpc-1",
                serviceName: "com.amazonaws.eu-central-1.lambda",
                subnetIDs: ["subnet-a"],
                securityGroupIDs: ["sg-e"]
            )
        )
        network.add(
            SecurityGroup(
                id: "sg-e",
                ingress: [SecurityGroupRule(ipProtocol: .tcp, ports: 443...443, groupIDs: ["sg-db"])]
            )
        )
        network.securityGroups[0].egress = [SecurityGroupRule(ipProtocol: .tcp, ports: 443...443, groupIDs: ["sg-e"])]
        let report = try NetworkAnalyzer.analyze(network, instanceID: "db")
        #expect(report.verdict == .reachable)
        #expect(report.route == .vpcEndpoint)
    }

    @Test("unknown DNS attributes with an endpoint and a broken public path give unknown, not reachable")
    func unknownDNSAttributes() throws {
        var network = try natNetwork()
        network.routeTables[0].routes = []
        network.dbParameters["rds.custom_dns_resolution"] = "1"
        network.add(
            VPCEndpoint(
                id: "vpce-1",
                vpcID: "vpc-1",
                serviceName: "com.amazonaws.eu-central-1.lambda",
                subnetIDs: ["subnet-a"],
                securityGroupIDs: ["sg-e"]
            )
        )
        network.add(SecurityGroup(id: "sg-e", ingress: [.tcp(443, to: [try #require(IPv4CIDR("10.0.0.0/16"))])]))
        network.dnsSupport = [:]
        network.dnsHostnames = [:]
        network.missingInputs = [.dnsSupport, .dnsHostnames]
        let report = try NetworkAnalyzer.analyze(network, instanceID: "db")
        #expect(report.verdict == .unknown)
        #expect(report.warnings.contains { $0.code == .missingInput && $0.component == "vpc-1" })
    }

    @Test("a private NAT gateway and an unattached internet gateway are each blamed, the healthy table is not")
    func blame() throws {
        var network = try natNetwork()
        network.natGateways[0].isPrivate = true
        var report = try NetworkAnalyzer.analyze(network, instanceID: "db")
        #expect(report.blockers.map(\.code) == [.natGatewayPrivate])
        #expect(report.blockers.map(\.component) == ["nat-1"])
        network = try natNetwork()
        network.internetGateways[0].attachments = [.init(vpcID: "vpc-1", state: "detached")]
        report = try NetworkAnalyzer.analyze(network, instanceID: "db")
        #expect(report.blockers.map(\.code) == [.internetGatewayNotAttached])
        #expect(
            report.blockers.first?.fix.hasPrefix("aws ec2 attach-internet-gateway --internet-gateway-id igw-1") == true
        )
    }

    @Test("security group egress to part of the public space is unknown, to a private block is blocked")
    func partialEgress() throws {
        var network = try natNetwork()
        network.securityGroups[0].egress = [.tcp(443, to: [try #require(IPv4CIDR("52.0.0.0/8"))])]
        #expect(try NetworkAnalyzer.analyze(network, instanceID: "db").verdict == .unknown)
        network.securityGroups[0].egress = [.tcp(443, to: [try #require(IPv4CIDR("10.0.0.0/8"))])]
        let report = try NetworkAnalyzer.analyze(network, instanceID: "db")
        #expect(report.verdict == .unreachable)
        #expect(report.blockers.map(\.code) == [.securityGroupEgressBlocked])
    }

    @Test("network ACL rules are evaluated lowest number first, whatever their order in the input")
    func aclOrder() throws {
        var network = try natNetwork()
        network.networkACLs[0].entries = [
            NetworkACLEntry(ruleNumber: 200, egress: true, allows: true),
            NetworkACLEntry(ruleNumber: 32767, egress: true, allows: false),
            NetworkACLEntry(ruleNumber: 100, egress: true, allows: false, ipProtocol: .tcp, ports: 443...443),
            NetworkACLEntry(ruleNumber: 100, egress: false, allows: true),
            NetworkACLEntry(ruleNumber: 32767, egress: false, allows: false),
        ]
        let report = try NetworkAnalyzer.analyze(network, instanceID: "db")
        #expect(report.verdict == .unreachable)
        #expect(report.blockers.map(\.code) == [.networkACLRequestBlocked])
        #expect(report.blockers.first?.fix.contains("--egress --rule-number 99 ") == true)
    }

    @Test("a missing describe-db-instances gives unknown with the reason")
    func missingInstances() throws {
        var network = AWSNetwork()
        network.missingInputs = [.dbInstances]
        let report = try NetworkAnalyzer.analyze(network, instanceID: "db")
        #expect(report.verdict == .unknown)
        #expect(report.warnings.map(\.code) == [.missingInput])
    }
}

@Suite("IPv4 CIDR blocks")
struct IPv4CIDRTests {
    @Test("parsing clears host bits and rejects malformed blocks")
    func parsing() throws {
        #expect(IPv4CIDR("10.0.1.7/24")?.description == "10.0.1.0/24")
        #expect(IPv4CIDR("192.168.1.1")?.prefixLength == 32)
        for bad in [
            "", "10.0.0/8", "10.0.0.256/8", "10.0.0.0/33", "a.b.c.d/8", "10.0.0.0/", "1.2.3.4/8/9", "01234.1.1.1",
        ] {
            #expect(IPv4CIDR(bad) == nil, "\(bad)")
        }
    }

    @Test("containment, overlap and private space")
    func relations() throws {
        let vpc = try #require(IPv4CIDR("10.0.0.0/16"))
        let subnet = try #require(IPv4CIDR("10.0.1.0/24"))
        #expect(vpc.contains(subnet) && !subnet.contains(vpc))
        #expect(vpc.overlaps(subnet) && subnet.overlaps(vpc))
        #expect(IPv4CIDR.anywhere.contains(vpc))
        #expect(vpc.isNonPublic)
        #expect(try #require(IPv4CIDR("52.94.0.0/16")).isNonPublic == false)
        #expect(IPv4CIDR.anywhere.isNonPublic == false)
    }
}
