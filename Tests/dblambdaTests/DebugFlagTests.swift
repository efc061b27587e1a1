import Foundation
import Testing

@Suite("The global --debug flag (black box)")
struct DebugFlagTests {
    private static func input() -> [String: Any] {
        [
            "method": "POST",
            "url": "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/f/invocations",
            "headers": [["Content-Type", "application/json"]],
            "body": "{}",
            "accessKeyId": "AKIDEXAMPLE",
            "secretAccessKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "sessionToken": "debug-flag-session-token",
            "region": "us-east-1",
            "service": "lambda",
            "date": "20150830T123600Z",
        ]
    }

    private func sign(_ arguments: [String]) async throws -> CLIRunner.Result {
        let data = try JSONSerialization.data(withJSONObject: Self.input(), options: [.sortedKeys])
        return try await CLIRunner.run(arguments, stdin: data)
    }

    @Test("without --debug standard error stays empty; with it, before or after the subcommand, log lines appear")
    func logsOnlyWithTheFlag() async throws {
        let quiet = try await sign(["sign", "--input", "-"])
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty)
        for arguments in [["--debug", "sign", "--input", "-"], ["sign", "--input", "-", "--debug"]] {
            let loud = try await sign(arguments)
            #expect(loud.status == 0)
            #expect(loud.stdout == quiet.stdout, "--debug must not change standard output")
            #expect(loud.stderr.contains("debug dblambda: command=sign"))
            #expect(loud.stderr.contains("read input"))
            #expect(!loud.stderr.contains("wJalrXUtnFEMI"))
            #expect(!loud.stderr.contains("debug-flag-session-token"))
        }
    }

    @Test("--debug after a -- terminator is an argument, not the flag; bad input still prints one error line")
    func terminatorAndErrors() async throws {
        let afterTerminator = try await CLIRunner.run(["sign", "--", "--debug"])
        #expect(afterTerminator.status == 2)
        #expect(afterTerminator.stderrLines.count == 1)
        let bad = try await CLIRunner.run(["--debug", "sign", "--input", "-"], stdin: Data("[1]".utf8))
        #expect(bad.status == 2)
        #expect(bad.stdout.isEmpty)
        #expect(bad.stderrLines.filter { $0.hasPrefix("error: ") }.count == 1)
        #expect(bad.stderrLines.last?.hasPrefix("error: ") == true)
    }
}
