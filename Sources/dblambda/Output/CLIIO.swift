import Foundation
import Logging

/// Input and output helpers every `dblambda` subcommand shares, so they all keep the contract: stable
/// JSON (sorted keys, unescaped slashes), input from a file or `-`, and `CLIFailure` for bad input.
enum CLIIO {
    /// Reads a whole input: a file path, or `-` for standard input.
    static func readInput(_ path: String) throws -> Data {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw CLIFailure(message: "cannot read input file \(path)")
            }
        }
        logger(label: "dblambda.input").debug(
            "read input",
            metadata: ["input": "\(path == "-" ? "standard input" : path)", "bytes": "\(data.count)"]
        )
        return data
    }

    /// A logger for a command: silent unless `--debug` was given, then trace level on standard error.
    static func logger(label: String) -> Logger {
        Logger(label: label)
    }

    /// Writes a Foundation JSON object (dictionaries, arrays, strings, numbers, `NSNull`) with sorted
    /// keys and unescaped slashes, followed by a newline.
    static func writeJSON(_ object: Any, pretty: Bool = true) throws {
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: object, options: options)
        } catch {
            throw CLIFailure(message: "cannot encode the output as JSON")
        }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// Writes `text` and a newline to standard output.
    static func writeLine(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}

/// The global `--debug` flag: swift-log goes to standard error at trace level, so users see the request flow
/// (credential sources tried, endpoints, HTTP status codes, retries). Log lines carry no secret: the libraries never
/// log secret keys, session tokens, web identity tokens, `Authorization` values or signatures (tested by
/// `IntegrationTests/SecretsLeakTests`).
enum DebugLogging {
    /// The flag, accepted anywhere before a `--` terminator (before or after the subcommand).
    static let flag = "--debug"

    /// Removes every `--debug` before a `--` terminator from `arguments`; returns whether there was one.
    static func extractFlag(from arguments: inout [String]) -> Bool {
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        let before = arguments[..<end]
        guard before.contains(flag) else { return false }
        arguments = before.filter { $0 != flag } + arguments[end...]
        return true
    }

    /// Bootstraps swift-log once for the process: trace level on standard error when `enabled`, else nothing.
    static func bootstrap(enabled: Bool) {
        LoggingSystem.bootstrap { label in
            guard enabled else { return SwiftLogNoOpLogHandler(label) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .trace
            return handler
        }
    }
}
