extension Analysis {
    // MARK: Security groups

    /// Checks that `groupIDs` together allow TCP 443 to (egress) or from (ingress) `peer`.
    func securityGroupCheck(
        _ groupIDs: [String],
        egress: Bool,
        peer: SecurityGroupPeer,
        peerLabel: String,
        fixDestination: String,
        into evaluation: inout PathEvaluation
    ) {
        let direction = egress ? "egress" : "ingress"
        let component = groupIDs.first ?? instance.identifier
        var rules: [SecurityGroupRule] = []
        for id in groupIDs {
            guard let group = index.securityGroups[id] else {
                evaluation.unknown(
                    missing(
                        .securityGroups,
                        id: id,
                        what: "security group",
                        command: "aws ec2 describe-security-groups --group-ids \(id)"
                    )
                )
                return
            }
            rules.append(contentsOf: egress ? group.egress : group.ingress)
        }
        let outcome = Analysis.evaluate(rules, peer: peer, port: 443)
        let groupsText = groupIDs.isEmpty ? "no security group" : groupIDs.joined(separator: ", ")
        switch outcome {
        case .allowed:
            evaluation.pass(
                component,
                "\(direction) TCP 443 \(egress ? "to" : "from") \(peerLabel) allowed by \(groupsText)"
            )
        case .denied(let detail):
            let command = egress ? "authorize-security-group-egress" : "authorize-security-group-ingress"
            evaluation.block(
                Finding(
                    code: egress ? .securityGroupEgressBlocked : .endpointSecurityGroupIngressBlocked,
                    component: component,
                    message:
                        "no rule of \(groupsText) allows \(direction) TCP 443 \(egress ? "to" : "from") \(peerLabel)"
                        + (detail.isEmpty ? "" : " (\(detail))"),
                    fix: "aws ec2 \(command) --group-id \(component) --ip-permissions "
                        + "'IpProtocol=tcp,FromPort=443,ToPort=443,\(fixDestination)'"
                )
            )
        case .unknown(let detail):
            evaluation.unknown(
                Finding(
                    code: detail.contains("prefix list") ? .prefixListNotFollowed : .ruleCoverageUnknown,
                    component: component,
                    message: "\(groupsText): whether \(direction) TCP 443 \(egress ? "to" : "from") \(peerLabel) is "
                        + "allowed cannot be decided: \(detail)",
                    fix: "add an explicit rule: aws ec2 "
                        + (egress ? "authorize-security-group-egress" : "authorize-security-group-ingress")
                        + " --group-id \(component) --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,"
                        + "\(fixDestination)'"
                )
            )
        }
    }

    /// Whether security group rules (stateful, allow-only) allow TCP `port` with `peer`.
    static func evaluate(_ rules: [SecurityGroupRule], peer: SecurityGroupPeer, port: Int) -> CheckOutcome {
        let matching = rules.filter { $0.coversTCP(port: port) }
        switch peer {
        case .internet:
            var maybe: String?
            for rule in matching {
                if rule.ipv4Ranges.contains(where: { $0.prefixLength == 0 }) { return .allowed }
                if let partial = rule.ipv4Ranges.first(where: { !$0.isNonPublic }) {
                    maybe = maybe ?? "the rule for \(partial) covers only part of the public address space"
                }
                if let list = rule.prefixListIDs.first {
                    maybe = maybe ?? "the rule for prefix list \(list) cannot be followed (entries not in the input)"
                }
            }
            if let maybe { return .unknown(maybe) }
            return .denied("")
        case .interfaces(let blocks, let groups):
            if matching.contains(where: { !Set($0.groupIDs).isDisjoint(with: groups) }) { return .allowed }
            var maybe: String?
            for block in blocks {
                if matching.contains(where: { $0.ipv4Ranges.contains { $0.contains(block) } }) { continue }
                if let partial = matching.lazy.flatMap(\.ipv4Ranges).first(where: { $0.overlaps(block) }) {
                    maybe = maybe ?? "\(partial) covers only part of \(block)"
                    continue
                }
                if let list = matching.lazy.flatMap(\.prefixListIDs).first {
                    maybe = maybe ?? "the rule for prefix list \(list) cannot be followed (entries not in the input)"
                    continue
                }
                return .denied("nothing covers \(block)")
            }
            if let maybe { return .unknown(maybe) }
            return blocks.isEmpty ? .denied("") : .allowed
        }
    }

    // MARK: Network ACLs

    /// Checks the network ACL of `subnetID` for the request (TCP 443) or the return traffic (ephemeral ports).
    func aclCheck(
        subnetID: String,
        egress: Bool,
        peer: Peer,
        request: Bool,
        into evaluation: inout PathEvaluation
    ) {
        guard let acl = index.networkACL(forSubnet: subnetID, vpcID: vpcID ?? index.subnets[subnetID]?.vpcID) else {
            evaluation.unknown(
                missing(
                    .networkACLs,
                    id: subnetID,
                    what: "the network ACL of subnet",
                    command: "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=\(subnetID)"
                )
            )
            return
        }
        let ports = request ? 443...443 : NetworkAnalyzer.recommendedEphemeralPorts
        let required = request ? 443...443 : NetworkAnalyzer.requiredEphemeralPorts
        let result = ACLEvaluator.evaluate(acl, egress: egress, peer: peer, ports: ports, required: required)
        let direction = egress ? "outbound" : "inbound"
        let what =
            request
            ? "\(direction) TCP 443 \(egress ? "to" : "from") \(peer.label)"
            : "\(direction) return traffic on ephemeral ports \(egress ? "to" : "from") \(peer.label)"
        let portText = request ? "From=443,To=443" : "From=1024,To=65535"
        let number = ACLEvaluator.freeRuleNumber(in: acl, egress: egress, before: result.denyingRule)
        let fix =
            "aws ec2 create-network-acl-entry --network-acl-id \(acl.id) \(egress ? "--egress" : "--ingress") "
            + "--rule-number \(number) --protocol tcp --port-range \(portText) --cidr-block \(peer.cidrText) "
            + "--rule-action allow"
        switch result.outcome {
        case .allowed:
            evaluation.pass(acl.id, "\(subnetID): \(what) allowed")
            if !request, !result.otherDenied.isEmpty {
                evaluation.warn(
                    Finding(
                        code: .networkACLEphemeralPartial,
                        component: acl.id,
                        message: "\(acl.id) (\(subnetID)) denies \(direction) TCP \(result.otherDenied.description) "
                            + "from the ephemeral range 1024-65535; connections whose local port falls there fail",
                        fix: fix
                    )
                )
            }
        case .denied(let detail):
            evaluation.block(
                Finding(
                    code: request ? .networkACLRequestBlocked : .networkACLReturnBlocked,
                    component: acl.id,
                    message: "\(acl.id) (\(subnetID)) blocks \(what): \(detail)"
                        + (request ? "" : " (network ACLs are stateless: the response needs its own rule)"),
                    fix: fix
                )
            )
        case .unknown(let detail):
            evaluation.unknown(
                Finding(
                    code: .ruleCoverageUnknown,
                    component: acl.id,
                    message: "\(acl.id) (\(subnetID)): whether \(what) is allowed depends on the endpoint's address: "
                        + detail,
                    fix: fix
                )
            )
        }
    }
}
