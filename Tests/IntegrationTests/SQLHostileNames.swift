/// A small deterministic generator (SplitMix64), so the property tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Hostile names built from the pieces that break naive quoting.
enum HostileNames {
    static let pieces = [
        "\"", "'", "`", "``", ";", "--", "/*", "*/", "\\", "\\'", "$$", "$dblambda$", "$1", "\n", "\r\n", "\t", " ",
        "ü", "😀", "ℌ", "DELIMITER ;", "DROP TABLE x; --", "'); DROP TABLE x; --", "a", "B", "select", "0", "%", "_",
        ":x", ":'x'", "\\g", "\\!", "#", "\u{2028}", "é", "\u{7F}",
    ]

    static func make(_ generator: inout SplitMix64, pieces count: Int = 6) -> String {
        var name = ""
        for _ in 0..<Int.random(in: 1...count, using: &generator) {
            name += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
        }
        return name
    }
}
