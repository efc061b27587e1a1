import DBLambdaCore
import DBLambdaNetwork
import Foundation
import Testing

private func importing(_ json: String, as input: NetworkInput) throws -> AWSNetwork {
    var network = AWSNetwork()
    try AWSCLIImporter.importDocument(Data(json.utf8), as: input, into: &network)
    return network
}

private func error(importing json: String, as input: NetworkInput) -> NetworkError? {
    do {
        _ = try importing(json, as: input)
        return nil
    } catch let error as NetworkError {
        return error
    } catch {
        return nil
    }
}

@Suite("AWS CLI JSON importers")
struct ImporterTests {
    @Test("describe-db-instances: identifier, engine, region from the ARN, subnets, groups, parameter group")
    func dbInstances() throws {
        let network = try importing(
            """
            {"DBInstances":[{"DBInstanceIdentifier":"db1","Engine":"aurora-postgresql","PubliclyAccessible":true,
            "DBInstanceArn":"arn:aws-us-gov:rds:us-gov-west-1:123456789012:db:db1","NewField":{"x":1},
            "DBSubnetGroup":{"VpcId":"vpc-1","Subnets":[{"SubnetIdentifier":"subnet-a"},{"SubnetIdentifier":"subnet-b"}]},
            "VpcSecurityGroups":[{"VpcSecurityGroupId":"sg-1","Status":"active"}],
            "DBParameterGroups":[{"DBParameterGroupName":"pg","ParameterApplyStatus":"in-sync"}],
            "DBClusterIdentifier":"c1"}]}
            """,
            as: .dbInstances
        )
        let instance = try #require(network.instances.first)
        #expect(instance.identifier == "db1")
        #expect(instance.isPostgreSQL)
        #expect(instance.region?.name == "us-gov-west-1")
        #expect(instance.publiclyAccessible)
        #expect(instance.vpcID == "vpc-1")
        #expect(instance.subnetIDs == ["subnet-a", "subnet-b"])
        #expect(instance.securityGroupIDs == ["sg-1"])
        #expect(instance.parameterGroupName == "pg")
        #expect(instance.clusterIdentifier == "c1")
    }

    @Test("the region falls back to the availability zone without an ARN")
    func regionFromZone() throws {
        let network = try importing(
            #"{"DBInstances":[{"DBInstanceIdentifier":"db1","Engine":"mysql","AvailabilityZone":"eu-west-3c"}]}"#,
            as: .dbInstances
        )
        #expect(network.instances.first?.region?.name == "eu-west-3")
    }

    @Test("describe-route-tables: main and explicit associations, targets, blackhole state, disassociated skipped")
    func routeTables() throws {
        let network = try importing(
            """
            {"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1",
            "Associations":[{"Main":true},{"Main":false,"SubnetId":"subnet-a"},
            {"Main":false,"SubnetId":"subnet-gone","AssociationState":{"State":"disassociated"}}],
            "Routes":[{"DestinationCidrBlock":"10.0.0.0/16","GatewayId":"local","State":"active"},
            {"DestinationCidrBlock":"0.0.0.0/0","NatGatewayId":"nat-1","State":"blackhole"},
            {"DestinationIpv6CidrBlock":"::/0","EgressOnlyInternetGatewayId":"eigw-1","State":"active"},
            {"DestinationPrefixListId":"pl-1","GatewayId":"vpce-1","State":"active"},
            {"DestinationCidrBlock":"172.16.0.0/12","TransitGatewayId":"tgw-1","State":"active"}]}]}
            """,
            as: .routeTables
        )
        let table = try #require(network.routeTables.first)
        #expect(table.isMain)
        #expect(table.subnetIDs == ["subnet-a"])
        #expect(
            table.routes.map(\.target) == [
                .local, .natGateway("nat-1"), .egressOnlyInternetGateway("eigw-1"), .gatewayEndpoint("vpce-1"),
                .transitGateway("tgw-1"),
            ]
        )
        #expect(table.routes[1].isActive == false)
        #expect(table.routes[3].destination == .prefixList("pl-1"))
    }

    @Test("describe-security-groups: protocol -1 has no ports, ranges, group pairs and prefix lists")
    func securityGroups() throws {
        let network = try importing(
            """
            {"SecurityGroups":[{"GroupId":"sg-1","VpcId":"vpc-1","IpPermissions":[],
            "IpPermissionsEgress":[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[{"CidrIpv6":"::/0"}]},
            {"IpProtocol":"tcp","FromPort":443,"ToPort":443,"UserIdGroupPairs":[{"GroupId":"sg-2","UserId":"1"}],
            "PrefixListIds":[{"PrefixListId":"pl-9"}]}]}]}
            """,
            as: .securityGroups
        )
        let group = try #require(network.securityGroups.first)
        #expect(group.egress[0].ipProtocol == .all)
        #expect(group.egress[0].ports == nil)
        #expect(group.egress[0].ipv4Ranges == [.anywhere])
        #expect(group.egress[0].ipv6Ranges == ["::/0"])
        #expect(group.egress[1].ports == 443...443)
        #expect(group.egress[1].groupIDs == ["sg-2"])
        #expect(group.egress[1].prefixListIDs == ["pl-9"])
    }

    @Test("describe-network-acls, NAT gateways, internet gateways, endpoints and VPC attributes")
    func otherDocuments() throws {
        var network = AWSNetwork()
        let documents: [(NetworkInput, String)] = [
            (
                .networkACLs,
                """
                {"NetworkAcls":[{"NetworkAclId":"acl-1","VpcId":"vpc-1","IsDefault":true,
                "Associations":[{"SubnetId":"subnet-a"}],"Entries":[{"RuleNumber":100,"Egress":false,"RuleAction":"allow",
                "Protocol":"6","PortRange":{"From":1024,"To":65535},"CidrBlock":"0.0.0.0/0"},
                {"RuleNumber":101,"Egress":false,"RuleAction":"deny","Protocol":"-1","Ipv6CidrBlock":"::/0"}]}]}
                """
            ),
            (
                .natGateways,
                #"{"NatGateways":[{"NatGatewayId":"nat-1","VpcId":"vpc-1","SubnetId":"subnet-p","State":"available","ConnectivityType":"private"}]}"#
            ),
            (
                .internetGateways,
                #"{"InternetGateways":[{"InternetGatewayId":"igw-1","Attachments":[{"State":"available","VpcId":"vpc-1"}]}]}"#
            ),
            (
                .vpcEndpoints,
                """
                {"VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcId":"vpc-1","ServiceName":"com.amazonaws.us-east-1.lambda",
                "VpcEndpointType":"Interface","State":"available","PrivateDnsEnabled":true,"SubnetIds":["subnet-a"],
                "Groups":[{"GroupId":"sg-e","GroupName":"e"}]}]}
                """
            ),
            (.dnsSupport, #"{"VpcId":"vpc-1","EnableDnsSupport":{"Value":true}}"#),
            (.dnsHostnames, #"{"VpcId":"vpc-1","EnableDnsHostnames":{"Value":false}}"#),
            (
                .dbParameters,
                #"{"Parameters":[{"ParameterName":"rds.custom_dns_resolution","ParameterValue":"1"},{"ParameterName":"x"}]}"#
            ),
            (
                .vpcs,
                #"{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16","CidrBlockAssociationSet":[{"CidrBlock":"10.1.0.0/16"}]}]}"#
            ),
            (
                .dbClusters,
                #"{"DBClusters":[{"DBClusterIdentifier":"c1","Engine":"aurora-mysql","VpcSecurityGroups":[{"VpcSecurityGroupId":"sg-c"}],"DBClusterMembers":[{"DBInstanceIdentifier":"db1"}]}]}"#
            ),
        ]
        for (input, json) in documents {
            try AWSCLIImporter.importDocument(Data(json.utf8), as: input, into: &network)
        }
        let acl = try #require(network.networkACLs.first)
        #expect(acl.isDefault && acl.subnetIDs == ["subnet-a"])
        #expect(acl.entries[0].ports == 1024...65535 && acl.entries[0].ipProtocol == .tcp && acl.entries[0].allows)
        #expect(acl.entries[1].cidrBlock == nil)
        #expect(network.natGateways.first?.isPrivate == true)
        #expect(network.internetGateways.first?.isAttached(to: "vpc-1") == true)
        #expect(network.vpcEndpoints.first?.lambdaRegion == "us-east-1")
        #expect(network.vpcEndpoints.first?.securityGroupIDs == ["sg-e"])
        #expect(network.dnsSupport["vpc-1"] == true)
        #expect(network.dnsHostnames["vpc-1"] == false)
        #expect(network.dbParameters == ["rds.custom_dns_resolution": "1"])
        #expect(network.vpcs.first?.cidrBlocks.map(\.description) == ["10.0.0.0/16", "10.1.0.0/16"])
        #expect(network.clusters.first?.securityGroupIDs == ["sg-c"])
    }

    @Test("malformed JSON is a typed error naming the file")
    func malformed() {
        let failure = error(importing: "{not json", as: .subnets)
        #expect(failure == .malformedJSON)
        #expect(failure?.location?.file == "describe-subnets.json")
    }

    @Test("a wrong type is reported with its JSON path")
    func wrongType() {
        let failure = error(
            importing:
                #"{"Subnets":[{"SubnetId":"subnet-a","VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"},{"SubnetId":7}]}"#,
            as: .subnets
        )
        #expect(failure == .invalidValue)
        #expect(failure?.location?.jsonPath == "$.Subnets[1].SubnetId")
        #expect(failure?.description.contains("describe-subnets.json at $.Subnets[1].SubnetId") == true)
    }

    @Test("a missing field is reported with its JSON path")
    func missingField() {
        let failure = error(importing: #"{"NatGateways":[{"NatGatewayId":"nat-1","VpcId":"vpc-1"}]}"#, as: .natGateways)
        #expect(failure == .missingField)
        #expect(failure?.location?.jsonPath == "$.NatGateways[0].SubnetId")
    }

    @Test("an invalid CIDR block or rule action is an invalid value")
    func invalidValues() {
        #expect(
            error(
                importing: #"{"Subnets":[{"SubnetId":"s","VpcId":"v","CidrBlock":"10.0.0.300/24"}]}"#,
                as: .subnets
            ) == .invalidValue
        )
        let acl = error(
            importing: """
                {"NetworkAcls":[{"NetworkAclId":"acl-1","VpcId":"v","Entries":[{"RuleNumber":1,"Egress":true,
                "RuleAction":"maybe","Protocol":"-1","CidrBlock":"0.0.0.0/0"}]}]}
                """,
            as: .networkACLs
        )
        #expect(acl == .invalidValue)
        #expect(acl?.location?.jsonPath == "$.NetworkAcls[0].Entries[0].RuleAction")
    }

    @Test("a directory import records the files that are missing")
    func directory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dblambda-network-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(#"{"Subnets":[]}"#.utf8).write(to: directory.appendingPathComponent("describe-subnets.json"))
        let network = try AWSCLIImporter.importDirectory(at: directory.path)
        #expect(!network.missingInputs.contains(.subnets))
        #expect(network.missingInputs.contains(.dbInstances))
        #expect(network.missingInputs.count == NetworkInput.allCases.count - 1)
        #expect(throws: NetworkError.unreadableFile) {
            try AWSCLIImporter.importDirectory(at: directory.appendingPathComponent("nope").path)
        }
    }
}
