/// Where in a user's input something was found: a file, a line and column, and a JSON path.
///
/// Every part is optional. Errors of the `DBLambda` modules carry an `InputLocation` so a message can
/// say *where* the bad value was, for example `policy.json:3:7 at $.Statement[0].Effect`.
public struct InputLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file the input came from (a path as the user gave it), if any.
    public var file: String?
    /// The 1-based line number, if known.
    public var line: Int?
    /// The 1-based column number, if known.
    public var column: Int?
    /// A JSON path into the document, for example `$.Statement[0].Effect`, if known.
    public var jsonPath: String?

    /// Creates a location from its parts; every part is optional.
    public init(file: String? = nil, line: Int? = nil, column: Int? = nil, jsonPath: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.jsonPath = jsonPath
    }

    /// Whether no part of the location is known.
    public var isEmpty: Bool {
        file == nil && line == nil && column == nil && jsonPath == nil
    }

    /// One line: `file.json:3:7 at $.Statement[0].Effect`, `file.json:3`, `line 3, column 7`,
    /// `$.Statement[0]`, or the empty string when nothing is known.
    public var description: String {
        var text = ""
        if let file {
            text = file
            if let line {
                text += ":\(line)"
                if let column { text += ":\(column)" }
            } else if let column {
                text += ": column \(column)"
            }
        } else if let line {
            text = "line \(line)"
            if let column { text += ", column \(column)" }
        } else if let column {
            text = "column \(column)"
        }
        if let jsonPath {
            text += text.isEmpty ? jsonPath : " at \(jsonPath)"
        }
        return escapedForOneLine(text)
    }
}
