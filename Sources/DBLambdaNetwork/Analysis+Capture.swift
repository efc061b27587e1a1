import DBLambdaCore

/// Whether an interface endpoint's private DNS captures the Lambda endpoint name.
struct Capture {
    enum State {
        case captured(VPCEndpoint)
        case notCaptured
        case undecided(VPCEndpoint)
    }

    var state: State
    /// Why Lambda endpoints in the VPC do not capture (blockers when the public path fails, else warnings).
    var bypassReasons: [Finding]
    /// Why it is unknown whether the endpoint captures.
    var undecidedReasons: [Finding]
    /// Warnings about the capture decision itself (a missing input).
    var warnings: [Finding] = []
}

extension Analysis {
    func decideCapture() -> Capture {
        guard let vpcID else { return Capture(state: .notCaptured, bypassReasons: [], undecidedReasons: []) }
        if network.missingInputs.contains(.vpcEndpoints) {
            // Reported, never a silent pass: the path is judged as if no endpoint captured.
            let finding = missing(
                .vpcEndpoints,
                id: vpcID,
                what: "the interface endpoints of VPC",
                command: "aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=\(vpcID)"
            )
            return Capture(state: .notCaptured, bypassReasons: [], undecidedReasons: [], warnings: [finding])
        }
        let lambdaEndpoints = (index.endpointsByVPC[vpcID] ?? []).filter {
            $0.lambdaRegion != nil && $0.type.lowercased() == "interface"
        }
        var bypass: [Finding] = []
        var undecided: (VPCEndpoint, [Finding])?
        for endpoint in lambdaEndpoints {
            if let region, endpoint.lambdaRegion != region.name {
                bypass.append(
                    Finding(
                        code: .endpointWrongRegion,
                        component: endpoint.id,
                        message: "\(endpoint.id) is for \(endpoint.serviceName), not for \(hostLabel) in "
                            + "\(region.name), so it does not capture the calls",
                        fix: createEndpointCommand()
                    )
                )
                continue
            }
            let state = endpoint.state.lowercased()
            if ["deleted", "deleting", "rejected", "expired", "failed"].contains(state) {
                bypass.append(
                    Finding(
                        code: .endpointNotAvailable,
                        component: endpoint.id,
                        message: "\(endpoint.id) is \(endpoint.state), so it does not capture the calls",
                        fix: createEndpointCommand()
                    )
                )
                continue
            }
            var reasons: [Finding] = []
            var unknowns: [Finding] = []
            if !endpoint.privateDNSEnabled {
                reasons.append(
                    Finding(
                        code: .endpointPrivateDNSDisabled,
                        component: endpoint.id,
                        message: "private DNS is off on \(endpoint.id), so \(hostLabel) resolves to public "
                            + "addresses and the calls take the public path",
                        fix: "aws ec2 modify-vpc-endpoint --vpc-endpoint-id \(endpoint.id) --private-dns-enabled"
                    )
                )
            }
            dnsAttribute(
                network.dnsSupport[vpcID],
                input: .dnsSupport,
                name: "enableDnsSupport",
                option: "--enable-dns-support",
                code: .vpcDNSSupportDisabled,
                reasons: &reasons,
                unknowns: &unknowns
            )
            dnsAttribute(
                network.dnsHostnames[vpcID],
                input: .dnsHostnames,
                name: "enableDnsHostnames",
                option: "--enable-dns-hostnames",
                code: .vpcDNSHostnamesDisabled,
                reasons: &reasons,
                unknowns: &unknowns
            )
            if instance.isPostgreSQL {
                customDNSResolution(reasons: &reasons, unknowns: &unknowns)
            }
            if reasons.isEmpty && unknowns.isEmpty {
                return Capture(state: .captured(endpoint), bypassReasons: [], undecidedReasons: [])
            }
            if reasons.isEmpty, undecided == nil {
                undecided = (endpoint, unknowns)
            }
            bypass.append(contentsOf: reasons)
        }
        if let (endpoint, reasons) = undecided {
            return Capture(state: .undecided(endpoint), bypassReasons: bypass, undecidedReasons: reasons)
        }
        return Capture(state: .notCaptured, bypassReasons: bypass, undecidedReasons: [])
    }

    private func dnsAttribute(
        _ value: Bool?,
        input: NetworkInput,
        name: String,
        option: String,
        code: FindingCode,
        reasons: inout [Finding],
        unknowns: inout [Finding]
    ) {
        guard let vpcID else { return }
        switch value {
        case true?:
            break
        case false?:
            reasons.append(
                Finding(
                    code: code,
                    component: vpcID,
                    message: "\(name) is off on \(vpcID), so the interface endpoint's private DNS name is not used",
                    fix: "aws ec2 modify-vpc-attribute --vpc-id \(vpcID) \(option) '{\"Value\":true}'"
                )
            )
        case nil:
            unknowns.append(
                missing(
                    input,
                    id: vpcID,
                    what: "\(name) of VPC",
                    command: "aws ec2 describe-vpc-attribute --vpc-id \(vpcID) --attribute \(name)"
                )
            )
        }
    }

    private func customDNSResolution(reasons: inout [Finding], unknowns: inout [Finding]) {
        let group = instance.parameterGroupName ?? instance.identifier
        let fix =
            (group.hasPrefix("default.")
                ? "create a custom DB parameter group (aws rds create-db-parameter-group), attach it with aws rds "
                    + "modify-db-instance --db-instance-identifier \(instance.identifier) --db-parameter-group-name "
                    + "<group>, then "
                : "")
            + "aws rds modify-db-parameter-group --db-parameter-group-name "
            + (group.hasPrefix("default.") ? "<group>" : group)
            + " --parameters \"ParameterName=rds.custom_dns_resolution,ParameterValue=1,ApplyMethod=pending-reboot\""
            + " && aws rds reboot-db-instance --db-instance-identifier \(instance.identifier)"
        if network.missingInputs.contains(.dbParameters) {
            unknowns.append(
                Finding(
                    code: .missingInput,
                    component: group,
                    message: "\(NetworkInput.dbParameters.fileName) was not provided, so it is unknown whether "
                        + "rds.custom_dns_resolution = 1 lets \(instance.engine) use the endpoint's private DNS",
                    fix: "aws rds describe-db-parameters --db-parameter-group-name \(group) > "
                        + NetworkInput.dbParameters.fileName
                )
            )
            return
        }
        let value = network.dbParameters["rds.custom_dns_resolution"]
        if value != "1" {
            reasons.append(
                Finding(
                    code: .customDNSResolutionOff,
                    component: group,
                    message: "rds.custom_dns_resolution is \(value ?? "not set (default 0)") in \(group); "
                        + "\(instance.engine) ignores the endpoint's private DNS and calls the public \(hostLabel)",
                    fix: fix
                )
            )
        }
    }

    func createEndpointCommand() -> String {
        let service = region.map { "com.amazonaws.\($0.name).lambda" } ?? "com.amazonaws.<region>.lambda"
        return "aws ec2 create-vpc-endpoint --vpc-id \(vpcID ?? "<vpc-id>") --vpc-endpoint-type Interface "
            + "--service-name \(service) --subnet-ids \(instance.subnetIDs.joined(separator: " ")) "
            + "--security-group-ids <endpoint-sg> --private-dns-enabled"
    }
}
