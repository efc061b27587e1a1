/// Names of generated objects: readable when they fit, shortened with a stable hash when they do not.
enum GeneratedNames {
    /// `prefix + middle + suffix` when it fits in `limit` (measured by `length`); otherwise `middle` is cut at a
    /// character boundary and an 8-digit hash of `hashInput` is appended, so different tables keep different names.
    static func fitting(
        prefix: String,
        middle: String,
        suffix: String,
        hashInput: String,
        limit: Int,
        length: (String) -> Int
    ) -> String {
        let whole = prefix + middle + suffix
        if length(whole) <= limit { return whole }
        let tag = "_" + FNV1a.hex8(hashInput)
        var kept = ""
        for character in middle {
            let candidate = kept + String(character)
            if length(prefix + candidate + tag + suffix) > limit { break }
            kept = candidate
        }
        return prefix + kept + tag + suffix
    }
}

/// Text of SQL comments: every value shown in a comment goes through ``line(_:)`` so a name with a line break
/// can never end the comment and start a statement.
enum SQLComment {
    static func line(_ text: String) -> String {
        text.isEmpty ? "--" : "-- " + SQLText.visible(text)
    }
}
