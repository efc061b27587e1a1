import ArgumentParser
import Foundation
import Logging

/// The entry point of `dblambda`. It parses with swift-argument-parser but maps every outcome to
/// the command-line contract: exit 0 on success (help goes to standard output), 2 on bad usage
/// or bad input with exactly one `error:` line on standard error, 1 for a reported negative
/// outcome. Nothing ever ends in a crash or a stack trace.
///
/// The global flag `--debug` (anywhere before a `--` terminator) logs the request flow at trace level to standard
/// error (see ``DebugLogging``); secrets are never logged.
@main
struct DBLambdaCLI {
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let debug = DebugLogging.extractFlag(from: &arguments)
        DebugLogging.bootstrap(enabled: debug)
        do {
            var command = try DBLambdaCommand.parseAsRoot(arguments)
            CLIIO.logger(label: "dblambda").debug(
                "running command",
                metadata: ["command": "\(type(of: command).configuration.commandName ?? "dblambda")"]
            )
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch {
            exit(report(error))
        }
    }

    /// Writes the message for `error` where the contract wants it and returns the exit status.
    static func report(_ error: any Error) -> Int32 {
        if let failure = error as? CLIFailure {
            writeError(failure.message)
            return failure.exitStatus
        }
        let code = DBLambdaCommand.exitCode(for: error)
        if code == .success {
            // --help, help subcommand, --version: the full text on standard output.
            var text = DBLambdaCommand.fullMessage(for: error)
            if !text.hasSuffix("\n") { text += "\n" }
            FileHandle.standardOutput.write(Data(text.utf8))
            return 0
        }
        let message = DBLambdaCommand.message(for: error)
        let line =
            message.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty } ?? "invalid usage"
        writeError(line.hasPrefix("Error: ") ? String(line.dropFirst("Error: ".count)) : line)
        return 2
    }

    /// Writes `error: <message>` as exactly one line on standard error.
    static func writeError(_ message: String) {
        let oneLine = String(message.map { $0.isNewline ? " " : $0 })
        FileHandle.standardError.write(Data("error: \(oneLine)\n".utf8))
    }
}

/// A failure that the contract reports with an `error:` line and an exit status (2: bad input).
struct CLIFailure: Error, CustomStringConvertible {
    var message: String
    var exitStatus: Int32 = 2

    var description: String { message }
}
