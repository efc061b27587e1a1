import Foundation
import Testing

@testable import DatabaseLambda

@Suite("MarkdownPlanRenderer")
struct MarkdownRendererTests {
    /// The fenced code blocks of a Markdown text: (language, content).
    static func codeBlocks(_ text: String) -> [(language: String, content: String)] {
        var blocks: [(String, String)] = []
        var fence: String?
        var language = ""
        var content: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let open = fence {
                if line == open {
                    blocks.append((language, content.joined(separator: "\n")))
                    fence = nil
                } else {
                    content.append(line)
                }
            } else if line.hasPrefix("```") {
                let ticks = line.prefix { $0 == "`" }
                fence = String(ticks)
                language = String(line.dropFirst(ticks.count))
                content = []
            }
        }
        return blocks
    }

    @Test("snapshots of the Swift-built plans match")
    func swiftSnapshots() throws {
        for (name, plan) in try RendererFixtures.swiftPlans() {
            try Snapshot.check(plan.render(.markdown), named: "markdown-\(name).md")
        }
    }

    @Test("snapshots of the Examples configs match", arguments: RendererFixtures.exampleNames)
    func exampleSnapshots(name: String) throws {
        let plan = try RendererFixtures.example(name)
        try Snapshot.check(plan.render(.markdown), named: "markdown-\(name).md")
        #expect(plan.network?.verdict == .reachable)
    }

    @Test("sections come in order: summary, checklist, the four steps in seed order, warnings")
    func sectionOrder() throws {
        let text = try RendererFixtures.postgres().render(.markdown)
        let headings = text.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { String($0.prefix(14)) }
        #expect(
            headings == [
                "## Summary", "## Checklist", "## 1. Lambda f", "## 2. Database", "## 3. Permissi", "## 4. Trigger ",
                "## Warnings",
            ]
        )
        #expect(text.hasPrefix("# Database → Lambda integration plan: `orders`\n"))
    }

    @Test("the summary table names database, engine, function, role, delivery and the network verdict")
    func summary() throws {
        let text = try RendererFixtures.postgres().render(.markdown)
        #expect(text.contains("| Database | `arn:aws:rds:us-east-1:123456789012:db:orders-db` (DB instance) |"))
        #expect(text.contains("| Engine | `postgres` 15.8 |"))
        #expect(
            text.contains(
                "| Function | `arn:aws:lambda:us-east-1:123456789012:function:orders-handler:live` (timeout 5 s) |"
            )
        )
        #expect(text.contains("| Role | `arn:aws:iam::123456789012:role/orders-db-invoke` |"))
        #expect(text.contains("| Delivery | direct (the database invokes Lambda itself) |"))
        #expect(text.contains("| Network | ✅ reachable via nat-gateway |"))
    }

    @Test("the checklist lists the four steps in seed order with status badges and ticks ready steps")
    func checklist() throws {
        let text = try RendererFixtures.postgres().render(.markdown)
        let items = text.split(separator: "\n").filter { $0.hasPrefix("- [") }
        #expect(
            items == [
                "- [x] **1. Lambda function set-up** — ✅ `ready`",
                "- [x] **2. Database network configuration** — ✅ `ready`",
                "- [ ] **3. Permission assignment** — 📝 `action-required`",
                "- [ ] **4. Trigger set-up** — 📝 `action-required`",
            ]
        )
        #expect(text.contains("  - create the role orders-db-invoke\n"))
        let hostile = try RendererFixtures.hostile().render(.markdown)
        #expect(hostile.contains("**2. Database network configuration** — ⛔ `blocked`"))
        #expect(hostile.contains("**3. Permission assignment** — ❌ `failed`"))
    }

    @Test("the JSON blocks are the trust, invoke and resource policies; sh blocks hold the commands; SQL per table")
    func blocks() throws {
        let plan = try RendererFixtures.postgres()
        let blocks = Self.codeBlocks(plan.render(.markdown))
        let json = blocks.filter { $0.language == "json" }.map(\.content)
        #expect(
            json == [
                plan.trustPolicy?.jsonString() ?? "", plan.invokePolicy.jsonString(),
                plan.resourcePermission.policy.jsonString(),
            ]
        )
        let shell = blocks.filter { $0.language == "sh" }.map(\.content).joined(separator: "\n")
        #expect(shell.contains(plan.resourcePermission.awsCLICommand))
        for step in plan.roleAssociation?.steps ?? [] {
            #expect(shell.contains(step.command))
        }
        #expect(
            shell.contains(
                "aws rds modify-db-parameter-group --db-parameter-group-name orders-pg15 --parameters "
                    + "ParameterName=aws_lambda.request_timeout_ms,ParameterValue=6000,ApplyMethod=immediate"
            )
        )
        let sql = blocks.filter { $0.language == "sql" }.map(\.content)
        #expect(sql.map { $0 + "\n" } == plan.tables.map { $0.sql.hasSuffix("\n") ? $0.sql : $0.sql + "\n" })
    }

    @Test("network blockers and warnings are tables with code, component, message and fix")
    func network() throws {
        let hostile = try RendererFixtures.hostile().render(.markdown)
        #expect(
            hostile.contains("DB instance `shop-instance-1` → `lambda.eu-west-1.amazonaws.com:443`: **unreachable**")
        )
        #expect(hostile.contains("### Blockers\n\n| Code | Component | Message | Fix |"))
        #expect(
            hostile.contains(
                "| `SG_EGRESS_BLOCKED` | `sg-0123\\|4` | No rule allows TCP 443 out. echo INJECTED Second line"
            )
        )
        let postgres = try RendererFixtures.postgres().render(.markdown)
        #expect(postgres.contains("### Warnings\n\n| Code | Component | Message | Fix |"))
        #expect(postgres.contains("| `NACL_EPHEMERAL_PARTIAL` | `acl-0a1b2c3d` |"))
    }

    /// The number of unescaped `|` in a table row.
    static func separators(_ row: Substring) -> Int {
        var count = 0
        var previous: Character?
        for character in row {
            if character == "|", previous != "\\" { count += 1 }
            previous = character
        }
        return count
    }

    @Test("hostile text cannot break a table row or a code block")
    func escaping() throws {
        let text = try RendererFixtures.hostile().render(.markdown)
        var tables: [[Substring]] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("|") {
                current.append(line)
            } else if !current.isEmpty {
                tables.append(current)
                current = []
            }
        }
        #expect(tables.count == 5, "summary, subnets, blockers, parameter changes, warnings")
        for table in tables {
            let columns = Self.separators(table[0])
            for row in table {
                #expect(Self.separators(row) == columns, "\(row)")
            }
        }
        #expect(text.contains("| `SG_EGRESS_BLOCKED` | `sg-0123\\|4` |"))
        #expect(text.contains("| `ODD_WARNING` | A \\| B C `D` ${E} | echo \"$(id)\" 'x' |"))
        let sql = Self.codeBlocks(text).filter { $0.language == "sql" }.map(\.content)
        #expect(sql == [String(RendererFixtures.hostileSQL.dropLast())])
        #expect(text.contains("\n````sql\n"), "a SQL script holding ``` gets a longer fence")
        #expect(MarkdownText.code("a`b") == "``a`b``")
        #expect(MarkdownText.code("`a") == "`` `a ``")
    }

    @Test("a plan without a network check says so")
    func notChecked() throws {
        var plan = try RendererFixtures.postgres()
        plan.network = nil
        let text = plan.render(.markdown)
        #expect(text.contains("| Network | ❔ not checked |"))
        #expect(text.contains("Not checked: the configuration names no network description."))
    }
}
