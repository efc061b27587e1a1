import ArgumentParser
import DBLambdaEvents
import Foundation

/// `dblambda events`: tools for change-event payloads.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Work with database change-event payloads.",
        subcommands: [EventsDecodeCommand.self]
    )
}

/// `dblambda events decode [--input FILE|-]`: one payload per input line → one normalized event per output
/// line.
struct EventsDecodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode change-event payloads into one normalized event per line.",
        discussion: """
            Input: one JSON document per line — a DatabaseLambda envelope (single event or batch), a \
            Debezium event (with or without schemas), a Supabase database webhook or a Hasura event trigger \
            payload. Output: one line per event, {"operation","schema","table","old","new","changedColumns"} \
            in that order; row values keep their exact JSON text and column order. Blank lines are skipped. \
            An unknown envelope or invalid JSON exits 2 and prints nothing on standard output.
            """
    )

    @Option(
        name: .long,
        help: ArgumentHelp("The input file, or - for standard input (the default).", valueName: "FILE|-")
    )
    var input: String = "-"

    func run() async throws {
        let data = try CLIIO.readInput(input)
        let output = try EventsDecoding.decodeLines([UInt8](data))
        FileHandle.standardOutput.write(Data(output))
    }
}

/// The line-by-line decoding behind `dblambda events decode`.
enum EventsDecoding {
    /// Decodes every non-blank line; returns the output text (one normalized event per line).
    static func decodeLines(_ bytes: [UInt8]) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        let serializer = JSONSerializer()
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let isBlank = line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            if isBlank { continue }
            let events: [ChangeEvent]
            do {
                events = try ChangeEvent.decode(from: line)
            } catch {
                throw CLIFailure(message: "input line \(lineNumber): \(error.description)")
            }
            for event in events {
                serializer.write(event.normalized, into: &output)
                output.append(UInt8(ascii: "\n"))
            }
        }
        return output
    }
}
