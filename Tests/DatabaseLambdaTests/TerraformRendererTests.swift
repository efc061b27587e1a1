import Foundation
import Testing

@testable import DatabaseLambda

@Suite("TerraformPlanRenderer")
struct TerraformRendererTests {
    /// Checks the HCL without Terraform: balanced braces outside strings, comments and heredocs, every string
    /// closed on its line with valid escapes, every heredoc closed. Returns the problems found.
    static func structuralProblems(_ text: String) -> [String] {
        var problems: [String] = []
        var depth = 0
        var heredoc: String?
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let delimiter = heredoc {
                if line.trimmingCharacters(in: .whitespaces) == delimiter { heredoc = nil }
                continue
            }
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("#") { continue }
            var inString = false
            var characters = Array(line)
            var index = 0
            while index < characters.count {
                let character = characters[index]
                if inString {
                    if character == "\\" {
                        let next = index + 1 < characters.count ? characters[index + 1] : " "
                        if !"\\\"nrtu".contains(next) { problems.append("line \(number + 1): bad escape \\\(next)") }
                        index += 2
                        continue
                    }
                    if character == "$" || character == "%", index + 1 < characters.count, characters[index + 1] == "{"
                    {
                        let escaped = index > 0 && characters[index - 1] == character
                        if !escaped { problems.append("line \(number + 1): unescaped template sequence") }
                    }
                    if character == "\"" { inString = false }
                } else if character == "\"" {
                    inString = true
                } else if character == "{" {
                    depth += 1
                } else if character == "}" {
                    depth -= 1
                } else if character == "<", line.dropFirst(index).hasPrefix("<<-") {
                    heredoc = String(line.dropFirst(index + 3))
                    characters = []
                }
                index += 1
            }
            if inString { problems.append("line \(number + 1): unterminated string") }
        }
        if depth != 0 { problems.append("unbalanced braces (\(depth))") }
        if let heredoc { problems.append("unterminated heredoc \(heredoc)") }
        return problems
    }

    /// `terraform fmt` of `text` through standard input, when Terraform is installed.
    static func terraformFormat(_ text: String) async throws -> ProcessRunner.Result? {
        guard let terraform = ProcessRunner.find("terraform") else { return nil }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("tf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        return try await ProcessRunner.run(
            terraform,
            ["fmt", "-no-color", "-"],
            stdin: text,
            environment: ["HOME": home.path, "PATH": "/usr/local/bin:/usr/bin:/bin", "CHECKPOINT_DISABLE": "1"],
            currentDirectory: home
        )
    }

    @Test("snapshots of the Swift-built plans match and are well-formed HCL (terraform fmt leaves them unchanged)")
    func swiftSnapshots() async throws {
        for (name, plan) in try RendererFixtures.swiftPlans() {
            let text = plan.render(.terraform)
            try Snapshot.check(text, named: "terraform-\(name).tf")
            #expect(Self.structuralProblems(text).isEmpty, "\(name): \(Self.structuralProblems(text))")
            if let formatted = try await Self.terraformFormat(text) {
                #expect(formatted.status == 0, "terraform fmt \(name): \(formatted.stderr)")
                #expect(formatted.stdout == text, "terraform fmt changes \(name)")
            }
        }
    }

    @Test("snapshots of the Examples configs match and are well-formed HCL", arguments: RendererFixtures.exampleNames)
    func exampleSnapshots(name: String) async throws {
        let text = try RendererFixtures.example(name).render(.terraform)
        try Snapshot.check(text, named: "terraform-\(name).tf")
        #expect(Self.structuralProblems(text).isEmpty, "\(name): \(Self.structuralProblems(text))")
        if let formatted = try await Self.terraformFormat(text) {
            #expect(formatted.status == 0, "terraform fmt \(name): \(formatted.stderr)")
            #expect(formatted.stdout == text, "terraform fmt changes \(name)")
        }
    }

    @Test("RDS for PostgreSQL: role, inline policy, instance role association with feature Lambda, permission")
    func postgres() throws {
        let plan = try RendererFixtures.postgres()
        let text = plan.render(.terraform)
        #expect(text.contains("resource \"aws_iam_role\" \"dblambda_orders\" {\n  name        = \"orders-db-invoke\""))
        #expect(text.contains("  assume_role_policy = <<-EOT\n    {\n      \"Version\" : \"2012-10-17\","))
        #expect(text.contains("resource \"aws_iam_role_policy\" \"dblambda_orders_invoke\" {"))
        #expect(text.contains("  role = aws_iam_role.dblambda_orders.id\n"))
        #expect(
            text.contains(
                """
                resource "aws_db_instance_role_association" "dblambda_orders" {
                  db_instance_identifier = "orders-db"
                  feature_name           = "Lambda"
                  role_arn               = aws_iam_role.dblambda_orders.arn
                }
                """
            )
        )
        #expect(
            text.contains(
                """
                resource "aws_lambda_permission" "dblambda_orders" {
                  statement_id   = "dblambda-orders"
                  action         = "lambda:InvokeFunction"
                  function_name  = "arn:aws:lambda:us-east-1:123456789012:function:orders-handler"
                  principal      = aws_iam_role.dblambda_orders.arn
                  qualifier      = "live"
                  source_account = "123456789012"
                }
                """
            )
        )
        #expect(text.contains("#     name         = \"aws_lambda.request_timeout_ms\"\n#     value        = \"6000\""))
    }

    @Test("Aurora MySQL: cluster association without feature name; aws_default_lambda_role as a parameter comment")
    func auroraMySQL() throws {
        let text = try RendererFixtures.hostile().render(.terraform)
        #expect(text.contains("resource \"aws_rds_cluster_role_association\" \"dblambda_shop_2_x\" {"))
        #expect(!text.contains("  feature_name "), "Aurora MySQL takes no feature name")
        #expect(text.contains("  path        = \"/dblambda/\""))
        #expect(text.contains("# Parameter group changes: add these blocks to your aws_rds_cluster_parameter_group"))
        #expect(text.contains("#     value        = aws_iam_role.dblambda_shop_2_x.arn"))
        let count = text.components(separatedBy: "aws_default_lambda_role\"").count - 1
        #expect(count == 1, "the parameter appears once although both the plan and the step name it")
        #expect(text.contains(#"#     value        = "it's \"$${HOME}\" | $(id) `x` 100%%{y} \\n back\\slash""#))
    }

    @Test("HCL strings escape quotes, backslashes, control characters and template sequences")
    func strings() {
        #expect(HCL.string(#"a"b\c"#) == #""a\"b\\c""#)
        #expect(HCL.string("${x} %{y} $x %x $${z}") == #""$${x} %%{y} $x %x $$${z}""#)
        #expect(HCL.string("a\nb\tc\u{1}") == #""a\nb\tc\u0001""#)
        #expect(HCL.string("a\r\nb\"\u{301}") == #""a\r\nb\"\#u{301}""#)
        #expect(HCL.heredocText("${x}\n%{ if }\n$y") == "$${x}\n%%{ if }\n$y")
        #expect(HCL.label("shop-2_x") == "dblambda_shop_2_x")
    }

    @Test("a hostile plan still gives well-formed HCL")
    func hostileStructure() throws {
        let text = try RendererFixtures.hostile().render(.terraform)
        #expect(Self.structuralProblems(text).isEmpty, "\(Self.structuralProblems(text))")
        #expect(!Self.structuralProblems("resource \"x\" \"y\" {\n  a = \"${b}\"\n").isEmpty)
    }
}
