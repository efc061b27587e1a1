import DBLambdaCore

/// One value of an INI section: plain text or an indented sub-section (`s3 =\n  key = value`).
enum INIValue: Sendable, Hashable {
    /// Plain text (continuation lines joined with `\n`).
    case text(String)
    /// A nested sub-section.
    case nested([String: String])
}

/// A key's value and the line it was set on.
struct INIEntry: Sendable, Hashable {
    /// The value.
    var value: INIValue
    /// The 1-based line of the key.
    var line: Int

    /// The plain-text value, or `nil` for a sub-section.
    var text: String? {
        if case .text(let text) = value { return text }
        return nil
    }
}

/// One section of an INI file: its keys (lower-cased) and the line of its (first) header.
struct INISection: Sendable, Hashable {
    /// The keys of the section, lower-cased, with their values.
    var entries: [String: INIEntry] = [:]
    /// The 1-based line of the section header.
    var line: Int
}

/// A parsed INI file in the dialect of the AWS shared `config` and `credentials` files.
///
/// The dialect follows botocore (Python's `RawConfigParser` plus its sub-section rule):
/// - `[name]` starts a section; the name is trimmed; text after the closing `]` is ignored.
/// - Lines whose first non-blank character is `#` or `;` are comments; blank lines are skipped.
///   A `#` or `;` *inside* a value is part of the value, as in botocore.
/// - `key = value` (or `key: value`, the first `=` or `:` delimits); keys are trimmed and lower-cased,
///   values trimmed.
/// - A line indented deeper than its key continues that key's value. When the key's own value is empty the
///   continuation lines form a sub-section of `key = value` lines (for example `s3 =\n  addressing_style = path`).
/// - Unlike botocore, which rejects them, a repeated key keeps its **last** value and a repeated section
///   adds to the earlier one (the rule of the AWS CRT and Rust SDK profile parsers).
///
/// Anything else (a key before the first section, a line without `=`, an unclosed `[`) is a
/// ``CredentialsError/Code/malformedFile`` error that names the file and line.
struct INIFile: Sendable, Hashable {
    /// The sections by name.
    var sections: [String: INISection] = [:]

    /// Parses `text`; `path` is only used in error locations.
    init(parsing text: String, path: String) throws {
        var currentSection: String?
        var pendingKey: (name: String, line: Int, indent: Int, value: String, continuation: [(Int, String)])?

        func malformed(_ line: Int, _ message: String) -> CredentialsError {
            CredentialsError(
                code: .malformedFile,
                message: message,
                location: InputLocation(file: path, line: line)
            )
        }

        func flush() throws {
            guard let key = pendingKey, let section = currentSection else { return }
            pendingKey = nil
            let value: INIValue
            if key.continuation.isEmpty {
                value = .text(key.value)
            } else if key.value.isEmpty {
                var nested: [String: String] = [:]
                for (line, content) in key.continuation {
                    guard let equals = content.firstIndex(of: "=") else {
                        throw malformed(line, "expected \"key = value\" in sub-section \(quote(key.name))")
                    }
                    let name = content[..<equals].trimmingWhitespace().lowercased()
                    guard !name.isEmpty else { throw malformed(line, "missing key before \"=\"") }
                    nested[name] = String(content[content.index(after: equals)...].trimmingWhitespace())
                }
                value = .nested(nested)
            } else {
                value = .text(([key.value] + key.continuation.map(\.1)).joined(separator: "\n"))
            }
            sections[section, default: INISection(line: key.line)].entries[key.name] = INIEntry(
                value: value,
                line: key.line
            )
        }

        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if lineNumber == 1, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            let indent = line.prefix(while: { $0 == " " || $0 == "\t" }).count
            if let key = pendingKey, indent > key.indent {
                pendingKey?.continuation.append((lineNumber, String(trimmed)))
                continue
            }
            try flush()
            if trimmed.hasPrefix("[") {
                guard let close = trimmed.lastIndex(of: "]") else {
                    throw malformed(lineNumber, "section header \(quote(String(trimmed))) has no closing \"]\"")
                }
                let name = trimmed[trimmed.index(after: trimmed.startIndex)..<close].trimmingWhitespace()
                guard !name.isEmpty else { throw malformed(lineNumber, "empty section name") }
                currentSection = String(name)
                if sections[String(name)] == nil { sections[String(name)] = INISection(line: lineNumber) }
                continue
            }
            guard currentSection != nil else {
                throw malformed(lineNumber, "expected a [section] header before the first key")
            }
            guard let delimiter = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw malformed(lineNumber, "expected \"key = value\" or a [section] header")
            }
            let name = trimmed[..<delimiter].trimmingWhitespace().lowercased()
            guard !name.isEmpty else { throw malformed(lineNumber, "missing key before \"\(trimmed[delimiter])\"") }
            let value = trimmed[trimmed.index(after: delimiter)...].trimmingWhitespace()
            pendingKey = (name, lineNumber, indent, String(value), [])
        }
        try flush()
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> SubSequence {
        var start = startIndex
        var end = endIndex
        while start < end, self[start] == " " || self[start] == "\t" { start = index(after: start) }
        while end > start {
            let before = index(before: end)
            guard self[before] == " " || self[before] == "\t" else { break }
            end = before
        }
        return self[start..<end]
    }
}
