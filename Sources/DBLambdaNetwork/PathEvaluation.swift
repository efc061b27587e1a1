/// What one check concluded.
enum CheckOutcome: Equatable {
    case allowed
    case denied(String)
    case unknown(String)
}

/// The hops and findings gathered while following one path from one subnet.
struct PathEvaluation {
    var hops: [PathHop] = []
    var blockers: [Finding] = []
    var unknowns: [Finding] = []
    var warnings: [Finding] = []
    var route: NetworkRoute?

    var verdict: Verdict {
        if !blockers.isEmpty { return .unreachable }
        if !unknowns.isEmpty { return .unknown }
        return .reachable
    }

    mutating func pass(_ component: String, _ detail: String) {
        hops.append(PathHop(component: component, detail: detail, passes: true))
    }

    mutating func block(_ finding: Finding) {
        hops.append(PathHop(component: finding.component, detail: finding.message, passes: false))
        blockers.append(finding)
    }

    mutating func unknown(_ finding: Finding) {
        hops.append(PathHop(component: finding.component, detail: finding.message, passes: false))
        unknowns.append(finding)
    }

    mutating func warn(_ finding: Finding) {
        warnings.append(finding)
    }
}

/// A set of ports as sorted, disjoint closed ranges.
struct PortSet: Equatable {
    var ranges: [ClosedRange<Int>]

    init(_ ranges: [ClosedRange<Int>] = []) { self.ranges = ranges }

    var isEmpty: Bool { ranges.isEmpty }

    func intersection(_ range: ClosedRange<Int>) -> PortSet {
        PortSet(
            ranges.compactMap {
                $0.overlaps(range) ? max($0.lowerBound, range.lowerBound)...min($0.upperBound, range.upperBound) : nil
            }
        )
    }

    func subtracting(_ range: ClosedRange<Int>) -> PortSet {
        var result: [ClosedRange<Int>] = []
        for piece in ranges {
            guard piece.overlaps(range) else {
                result.append(piece)
                continue
            }
            if piece.lowerBound < range.lowerBound { result.append(piece.lowerBound...(range.lowerBound - 1)) }
            if piece.upperBound > range.upperBound { result.append((range.upperBound + 1)...piece.upperBound) }
        }
        return PortSet(result)
    }

    mutating func formUnion(_ other: PortSet) {
        ranges = (ranges + other.ranges).sorted { $0.lowerBound < $1.lowerBound }
    }

    func overlaps(_ range: ClosedRange<Int>) -> Bool { !intersection(range).isEmpty }

    var description: String {
        ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
    }
}

/// The other end of the traffic a rule is evaluated against.
enum Peer {
    /// Some public address of the Lambda endpoint: only `0.0.0.0/0` surely covers it.
    case internet
    /// Addresses inside a block (a subnet).
    case block(IPv4CIDR)

    var label: String {
        switch self {
        case .internet: "the Lambda endpoint's public addresses"
        case .block(let cidr): cidr.description
        }
    }

    var cidrText: String {
        switch self {
        case .internet: "0.0.0.0/0"
        case .block(let cidr): cidr.description
        }
    }

    enum Match { case definite, maybe, none }

    func match(_ cidr: IPv4CIDR) -> Match {
        switch self {
        case .internet:
            if cidr.prefixLength == 0 { return .definite }
            return cidr.isNonPublic ? .none : .maybe
        case .block(let block):
            if cidr.contains(block) { return .definite }
            return cidr.overlaps(block) ? .maybe : .none
        }
    }
}

/// The outcome of a network ACL evaluation.
struct ACLOutcome {
    var outcome: CheckOutcome
    /// The rule number that denied (nil: the final `*` rule).
    var denyingRule: Int?
    /// Ports outside the required range that are denied (for the ephemeral-range warning).
    var otherDenied: PortSet
}

enum ACLEvaluator {
    /// Evaluates the entries of one direction in rule-number order for TCP `ports`; `required` must be allowed.
    static func evaluate(
        _ acl: NetworkACL,
        egress: Bool,
        peer: Peer,
        ports: ClosedRange<Int>,
        required: ClosedRange<Int>
    ) -> ACLOutcome {
        var undecided = PortSet([ports])
        var denied = PortSet()
        var uncertainRule: Int?
        var firstDenyingRule: [ClosedRange<Int>: Int] = [:]
        for entry in acl.entries where entry.egress == egress && entry.ruleNumber < 32767 {
            guard entry.ipProtocol.carriesTCP, let cidr = entry.cidrBlock else { continue }
            let entryPorts = entry.ipProtocol == .all ? 0...65535 : (entry.ports ?? 0...65535)
            let pieces = undecided.intersection(entryPorts)
            guard !pieces.isEmpty else { continue }
            switch peer.match(cidr) {
            case .none:
                continue
            case .maybe:
                if !entry.allows, pieces.overlaps(required), uncertainRule == nil { uncertainRule = entry.ruleNumber }
            case .definite:
                undecided = undecided.subtracting(entryPorts)
                if !entry.allows {
                    for piece in pieces.ranges { firstDenyingRule[piece] = entry.ruleNumber }
                    denied.formUnion(pieces)
                }
            }
        }
        denied.formUnion(undecided)
        let requiredDenied = denied.intersection(required)
        let otherDenied = denied.subtracting(required)
        if !requiredDenied.isEmpty {
            let rule = firstDenyingRule.filter { $0.key.overlaps(required) }.map(\.value).min()
            let ruleText = rule.map { "rule \($0)" } ?? "the final * rule"
            return ACLOutcome(
                outcome: .denied("\(ruleText) denies TCP \(requiredDenied.description)"),
                denyingRule: rule,
                otherDenied: otherDenied
            )
        }
        if let uncertainRule {
            return ACLOutcome(
                outcome: .unknown("rule \(uncertainRule) denies part of the public address space"),
                denyingRule: uncertainRule,
                otherDenied: otherDenied
            )
        }
        return ACLOutcome(outcome: .allowed, denyingRule: nil, otherDenied: otherDenied)
    }

    /// A free rule number for a new allow entry that is evaluated before `denyingRule`.
    static func freeRuleNumber(in acl: NetworkACL, egress: Bool, before denyingRule: Int?) -> Int {
        let taken = Set(acl.entries.filter { $0.egress == egress }.map(\.ruleNumber))
        if let denyingRule {
            for number in stride(from: denyingRule - 1, through: 1, by: -1) where !taken.contains(number) {
                return number
            }
            return 1
        }
        for number in stride(from: 100, through: 32700, by: 100) where !taken.contains(number) { return number }
        return (1...32766).first { !taken.contains($0) } ?? 1
    }
}
