import Foundation

/// Input and output helpers every `dblambda` subcommand shares, so they all keep the contract: stable
/// JSON (sorted keys, unescaped slashes), input from a file or `-`, and `CLIFailure` for bad input.
enum CLIIO {
    /// Reads a whole input: a file path, or `-` for standard input.
    static func readInput(_ path: String) throws -> Data {
        if path == "-" {
            return FileHandle.standardInput.readDataToEndOfFile()
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CLIFailure(message: "cannot read input file \(path)")
        }
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
