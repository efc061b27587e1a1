import DBLambdaCore
import Testing

@Suite("Seeded random inputs")
struct FuzzTests {
    /// A small deterministic generator (SplitMix64), so every run sees the same inputs.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let tokens = [
        "arn", ":", ":", ":", "aws", "aws-cn", "aws-eusc", "aws-us-gov", "lambda", "rds", "iam", "us-east-1",
        "us-gov-west-1", "eusc-de-east-1", "cn-north-1", "123456789012", "12345", "function", "db", "cluster",
        "role", "/", "f", "my-db", "$LATEST", "$LATEST.PUBLISHED", "-", "--", "é", "🦆", "\n", "\"", "1", "prod", ".",
    ]

    @Test("10 000 seeded token soups never crash; whatever parses prints back exactly")
    func tokenSoup() {
        var generator = SplitMix64(state: 20_261_127)
        var parsed = 0
        for _ in 0..<10_000 {
            var input = ""
            if Bool.random(using: &generator) {
                // Structured: six components, each a plausible value or a random token.
                let choices = [
                    ["arn"], ["aws", "aws-cn", "aws-eusc", "aws-us-gov"], ["lambda", "rds", "iam"],
                    ["", "us-east-1", "us-gov-west-1", "eusc-de-east-1", "cn-north-1"], ["", "123456789012"],
                ]
                for options in choices {
                    let useToken = Int.random(in: 0..<10, using: &generator) == 0
                    let pool = useToken ? Self.tokens : options
                    input += (pool.randomElement(using: &generator) ?? "") + ":"
                }
            }
            for _ in 0..<Int.random(in: 0...8, using: &generator) {
                input += Self.tokens.randomElement(using: &generator) ?? ""
            }
            if let arn = try? ARN(parsing: input) {
                parsed += 1
                #expect(arn.description == input)
            }
            check(input, LambdaFunctionARN.init(parsing:), \.description)
            check(input, RDSInstanceARN.init(parsing:), \.description)
            check(input, RDSClusterARN.init(parsing:), \.description)
            check(input, IAMRoleARN.init(parsing:), \.description)
        }
        #expect(parsed > 0)
    }

    private func check<T>(_ input: String, _ parse: (String) throws(ARNError) -> T, _ print: (T) -> String) {
        do {
            let value = try parse(input)
            #expect(print(value) == input)
        } catch {
            #expect(!error.description.contains("\n"))
            #expect(!error.message.isEmpty)
        }
    }
}
