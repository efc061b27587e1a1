// The two CLI input readers are compiled from the command-line tool's own files (symbolic links to
// Sources/dblambda/Commands/SignInput.swift and EventsCommand.swift: an executable target cannot be imported).
// These stand-ins replace the pieces of Sources/dblambda they use; keep them source-compatible with
// Sources/dblambda/DBLambda.swift and Sources/dblambda/Output/CLIIO.swift.
import Foundation

/// Stand-in for the tool's failure type (same shape as in Sources/dblambda/DBLambda.swift).
struct CLIFailure: Error, CustomStringConvertible {
    var message: String
    var exitStatus: Int32 = 2

    var description: String { message }
}

/// Stand-in for the tool's input/output helpers; the fuzz target never reads files.
enum CLIIO {
    static func readInput(_ path: String) throws -> Data { Data() }
}
