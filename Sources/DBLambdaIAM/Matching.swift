/// A wildcard pattern over UTF-8: literal bytes, `*` (any run, possibly empty) and `?` (exactly one character).
struct WildcardPattern: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        case literal(UInt8)
        case anyRun
        case anyOne
    }

    var tokens: [Token]

    /// Reads `*` and `?` as wildcards.
    init(_ text: Substring) {
        tokens = text.utf8.map { byte in
            switch byte {
            case UInt8(ascii: "*"): return .anyRun
            case UInt8(ascii: "?"): return .anyOne
            default: return .literal(byte)
            }
        }
    }

    init(tokens: [Token]) { self.tokens = tokens }

    var isMatchAll: Bool { tokens.count == 1 && tokens[0] == .anyRun }

    /// The pattern's text (wildcards written as `*` and `?`).
    var text: String {
        let bytes: [UInt8] = tokens.map { token in
            switch token {
            case .literal(let byte): return byte
            case .anyRun: return UInt8(ascii: "*")
            case .anyOne: return UInt8(ascii: "?")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Matches `text`; `caseInsensitive` folds ASCII letters on both sides.
    func matches(_ text: Substring, caseInsensitive: Bool = false) -> Bool {
        var text = text
        return text.withUTF8 { subject in
            WildcardPattern.matches(tokens[...], subject, caseInsensitive: caseInsensitive)
        }
    }

    private static func fold(_ byte: UInt8, _ enabled: Bool) -> UInt8 {
        guard enabled, byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") else { return byte }
        return byte | 0x20
    }

    /// The length of the UTF-8 sequence starting at `index` (at least 1).
    private static func scalarLength(_ subject: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        var end = index + 1
        while end < subject.count, subject[end] & 0xC0 == 0x80 { end += 1 }
        return end - index
    }

    static func matches(
        _ tokens: ArraySlice<Token>,
        _ subject: UnsafeBufferPointer<UInt8>,
        caseInsensitive: Bool
    ) -> Bool {
        var p = tokens.startIndex
        var s = 0
        var starP = -1
        var starS = 0
        let end = tokens.endIndex
        while s < subject.count {
            if p < end {
                switch tokens[p] {
                case .anyRun:
                    starP = p
                    starS = s
                    p += 1
                    continue
                case .anyOne:
                    p += 1
                    s += scalarLength(subject, s)
                    continue
                case .literal(let byte):
                    if fold(byte, caseInsensitive) == fold(subject[s], caseInsensitive) {
                        p += 1
                        s += 1
                        continue
                    }
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starS += 1
            s = starS
        }
        while p < end, tokens[p] == .anyRun { p += 1 }
        return p == end
    }
}

enum ARNMatching {
    /// Splits an ARN string into its six parts (the last keeps any further colons), or `nil` when it has fewer.
    static func parts(_ arn: String) -> [Substring]? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        return parts.count == 6 ? parts : nil
    }

    /// Whether `text` contains `${` (a policy variable).
    static func hasVariable(_ text: String) -> Bool {
        var previousDollar = false
        for byte in text.utf8 {
            if previousDollar, byte == UInt8(ascii: "{") { return true }
            previousDollar = byte == UInt8(ascii: "$")
        }
        return false
    }

    /// ArnLike semantics: each of the six colon-delimited parts matched separately, case-sensitively, `*`/`?`
    /// allowed in every part (a lone `*` matches anything).
    static func matches(pattern: WildcardPattern, arn: String) -> Bool {
        if pattern.isMatchAll { return true }
        var patternBounds: [Int] = []
        patternBounds.reserveCapacity(5)
        let colon = WildcardPattern.Token.literal(UInt8(ascii: ":"))
        for index in pattern.tokens.indices where pattern.tokens[index] == colon {
            patternBounds.append(index)
            if patternBounds.count == 5 { break }
        }
        guard patternBounds.count == 5 else { return false }
        var arn = arn
        return arn.withUTF8 { bytes -> Bool in
            var subjectBounds: [Int] = []
            subjectBounds.reserveCapacity(5)
            for index in 0..<bytes.count where bytes[index] == UInt8(ascii: ":") {
                subjectBounds.append(index)
                if subjectBounds.count == 5 { break }
            }
            guard subjectBounds.count == 5 else { return false }
            var patternStart = 0
            var subjectStart = 0
            for part in 0..<6 {
                let patternEnd: Int = part < 5 ? patternBounds[part] : pattern.tokens.count
                let subjectEnd: Int = part < 5 ? subjectBounds[part] : bytes.count
                let subject = UnsafeBufferPointer(rebasing: bytes[subjectStart..<subjectEnd])
                let tokens = pattern.tokens[patternStart..<patternEnd]
                if !WildcardPattern.matches(tokens, subject, caseInsensitive: false) { return false }
                patternStart = patternEnd + 1
                subjectStart = subjectEnd + 1
            }
            return true
        }
    }
}

/// Resolves `${…}` policy variables in Resource elements and string/ARN condition values.
struct PolicyVariableResolver {
    var context: RequestContext

    /// The pattern with variables replaced by literal values, or `nil` when a variable has no single value and no
    /// default (AWS then treats the value as not matching). `${*}`, `${?}`, `${$}` give literal characters.
    func resolve(_ text: String, resolveVariables: Bool) -> WildcardPattern? {
        guard resolveVariables, ARNMatching.hasVariable(text) else { return WildcardPattern(Substring(text)) }
        var tokens: [WildcardPattern.Token] = []
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "$", text[index...].hasPrefix("${"),
                let close = text[index...].firstIndex(of: "}")
            {
                let inner = text[text.index(index, offsetBy: 2)..<close]
                guard let value = value(of: inner) else { return nil }
                tokens.append(contentsOf: value.utf8.map { WildcardPattern.Token.literal($0) })
                index = text.index(after: close)
                continue
            }
            switch text[index] {
            case "*": tokens.append(.anyRun)
            case "?": tokens.append(.anyOne)
            default: tokens.append(contentsOf: String(text[index]).utf8.map { WildcardPattern.Token.literal($0) })
            }
            index = text.index(after: index)
        }
        return WildcardPattern(tokens: tokens)
    }

    /// The resolved text (for equality operators), or `nil` when unresolvable.
    func resolveText(_ text: String, resolveVariables: Bool) -> String? {
        guard resolveVariables, ARNMatching.hasVariable(text) else { return text }
        return resolve(text, resolveVariables: true)?.text
    }

    private func value(of inner: Substring) -> String? {
        switch inner {
        case "*": return "*"
        case "?": return "?"
        case "$": return "$"
        default: break
        }
        var key = inner
        var fallback: String?
        if let comma = inner.firstIndex(of: ",") {
            key = inner[..<comma]
            let rest = trimmed(inner[inner.index(after: comma)...])
            if rest.count >= 2, rest.hasPrefix("'"), rest.hasSuffix("'") {
                fallback = String(rest.dropFirst().dropLast())
            }
        }
        if let values = context.values(for: trimmed(key)), values.count == 1, let only = values.first {
            return only
        }
        return fallback
    }

    private func trimmed(_ text: Substring) -> String {
        var slice = text
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
