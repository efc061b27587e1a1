import DBLambdaNetwork
import Foundation

/// A generated VPC in the AWS CLI's JSON shapes, sized by its number of subnets `n`: `n` subnets with one route
/// table each, `n / 2` security groups of 20 egress and 20 ingress rules, `n / 5` network ACLs of 20 entries,
/// one NAT gateway per 100 subnets, and a DB instance in three private subnets whose egress rule is the last rule
/// of its group (at 1 000: 1 000 subnets, 1 000 route tables, 500 security groups, 200 NACLs).
enum SyntheticVPC {
    static let vpcID = "vpc-0bench0000000001"
    static let instanceID = "bench-db"

    private static func subnetID(_ index: Int) -> String { "subnet-\(String(format: "%012x", index))" }

    private static func subnetCIDR(_ index: Int) -> String { "10.\(index / 256 % 256).\(index % 256).0/24" }

    /// Every document, by input.
    static func documents(subnets n: Int) -> [NetworkInput: Data] {
        let natCount = max(1, n / 100)
        let groupCount = max(3, n / 2)
        let aclCount = max(1, n / 5)
        // Public subnets: the first of each block of 100 (they hold the NAT gateways).
        func isPublic(_ index: Int) -> Bool { index % 100 == 0 }
        var subnets: [[String: Any]] = []
        var tables: [[String: Any]] = []
        for index in 0..<n {
            let id = subnetID(index)
            subnets.append([
                "SubnetId": id, "VpcId": vpcID, "CidrBlock": subnetCIDR(index), "AvailabilityZone": "us-east-1a",
                "State": "available", "MapPublicIpOnLaunch": false, "AvailableIpAddressCount": 251,
            ])
            let defaultRoute: [String: Any] =
                isPublic(index)
                ? ["DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-0bench0000000001", "State": "active"]
                : [
                    "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-\(index / 100 % natCount)",
                    "State": "active",
                ]
            tables.append([
                "RouteTableId": "rtb-\(index)", "VpcId": vpcID,
                "Associations": [["Main": index == 0, "SubnetId": id, "RouteTableId": "rtb-\(index)"]],
                "Routes": [
                    ["DestinationCidrBlock": "10.0.0.0/8", "GatewayId": "local", "State": "active"],
                    [
                        "DestinationCidrBlock": "172.16.\(index % 256).0/24", "VpcPeeringConnectionId": "pcx-1",
                        "State": "active",
                    ],
                    [
                        "DestinationCidrBlock": "192.168.\(index % 256).0/24", "TransitGatewayId": "tgw-1",
                        "State": "active",
                    ],
                    defaultRoute,
                ],
            ])
        }
        var groups: [[String: Any]] = []
        for group in 0..<groupCount {
            func rule(_ number: Int, last: Bool) -> [String: Any] {
                if last {
                    return ["IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [["CidrIp": "0.0.0.0/0"]]]
                }
                return [
                    "IpProtocol": "tcp", "FromPort": 1000 + number, "ToPort": 1000 + number,
                    "IpRanges": [["CidrIp": "10.\(number).0.0/16"]],
                    "UserIdGroupPairs": [["GroupId": "sg-\((group + number) % groupCount)", "UserId": "123456789012"]],
                ]
            }
            groups.append([
                "GroupId": "sg-\(group)", "VpcId": vpcID, "GroupName": "group-\(group)",
                "IpPermissions": (0..<20).map { rule($0, last: false) },
                "IpPermissionsEgress": (0..<20).map { rule($0, last: $0 == 19) },
            ])
        }
        var acls: [[String: Any]] = []
        for acl in 0..<aclCount {
            var entries: [[String: Any]] = []
            for number in 0..<9 {
                for egress in [true, false] {
                    entries.append([
                        "RuleNumber": 10 + number, "Egress": egress, "RuleAction": "deny", "Protocol": "6",
                        "PortRange": ["From": 20 + number, "To": 20 + number], "CidrBlock": "0.0.0.0/0",
                    ])
                }
            }
            for egress in [true, false] {
                entries.append([
                    "RuleNumber": 100, "Egress": egress, "RuleAction": "allow", "Protocol": "-1",
                    "CidrBlock": "0.0.0.0/0",
                ])
            }
            let associated = stride(from: acl, to: n, by: aclCount).map { ["SubnetId": subnetID($0)] }
            acls.append([
                "NetworkAclId": "acl-\(acl)", "VpcId": vpcID, "IsDefault": acl == 0, "Associations": associated,
                "Entries": entries,
            ])
        }
        let nats: [[String: Any]] = (0..<natCount).map {
            [
                "NatGatewayId": "nat-\($0)", "VpcId": vpcID, "SubnetId": subnetID($0 * 100), "State": "available",
                "ConnectivityType": "public",
            ]
        }
        let dbSubnets = [1, n / 2 + 1, n - 1].map { ["SubnetIdentifier": subnetID($0)] }
        let instance: [String: Any] = [
            "DBInstanceIdentifier": instanceID, "Engine": "postgres", "PubliclyAccessible": false,
            "DBInstanceArn": "arn:aws:rds:us-east-1:123456789012:db:\(instanceID)",
            "DBSubnetGroup": ["VpcId": vpcID, "Subnets": dbSubnets],
            "VpcSecurityGroups": [["VpcSecurityGroupId": "sg-0"], ["VpcSecurityGroupId": "sg-1"]],
            "DBParameterGroups": [["DBParameterGroupName": "bench-pg"]],
        ]
        let objects: [NetworkInput: Any] = [
            .dbInstances: ["DBInstances": [instance]],
            .dbParameters: ["Parameters": [["ParameterName": "rds.custom_dns_resolution", "ParameterValue": "0"]]],
            .vpcs: ["Vpcs": [["VpcId": vpcID, "CidrBlock": "10.0.0.0/8"]]],
            .dnsSupport: ["VpcId": vpcID, "EnableDnsSupport": ["Value": true]],
            .dnsHostnames: ["VpcId": vpcID, "EnableDnsHostnames": ["Value": true]],
            .subnets: ["Subnets": subnets],
            .routeTables: ["RouteTables": tables],
            .securityGroups: ["SecurityGroups": groups],
            .networkACLs: ["NetworkAcls": acls],
            .natGateways: ["NatGateways": nats],
            .internetGateways: [
                "InternetGateways": [
                    [
                        "InternetGatewayId": "igw-0bench0000000001",
                        "Attachments": [["VpcId": vpcID, "State": "available"]],
                    ]
                ]
            ],
            .vpcEndpoints: ["VpcEndpoints": [[String: Any]]()],
            .dbClusters: ["DBClusters": [[String: Any]]()],
        ]
        var documents: [NetworkInput: Data] = [:]
        for (input, object) in objects {
            documents[input] = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        }
        return documents
    }

    /// Imports every document into a model.
    static func importAll(_ documents: [NetworkInput: Data]) throws -> AWSNetwork {
        var network = AWSNetwork()
        for input in NetworkInput.allCases {
            if let data = documents[input] {
                try AWSCLIImporter.importDocument(data, as: input, into: &network)
            }
        }
        return network
    }
}
