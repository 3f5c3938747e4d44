import Foundation

/// Secrets as docs/detection/secrets.md and the vendors' documentation define them, for two shapes
/// whose rules a short reference can decide exactly.
enum ReferenceSecret {
    /// A token format: a fixed prefix, then segments of an alphabet and an exact length.
    struct TokenFormat {
        let prefix: String
        let segments: [(alphabet: Set<Character>, length: Int)]
        let separator: Character?
        /// The last segment may be longer (GitHub: "the length of tokens may change"; 36 is the least).
        var mayGrow = false
    }

    static let alnum = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    static let urlSafe = alnum.union("_-")

    /// Formats from the vendors' documentation (lengths and alphabets as published): GitHub personal
    /// access and OAuth tokens (`ghp_`, `gho_` + 36 or more letters and digits: GitHub announced that
    /// token lengths may grow), npm (`npm_` + 36), AWS access
    /// key ids (`AKIA` + 16 of base32's `A-Z2-7`), Twilio API keys (`SK` + 32 lower-case hex), SendGrid
    /// (`SG.` + 22 + `.` + 43 of the URL-safe base64 alphabet).
    static let formats: [TokenFormat] = [
        TokenFormat(prefix: "ghp_", segments: [(alnum, 36)], separator: nil, mayGrow: true),
        TokenFormat(prefix: "gho_", segments: [(alnum, 36)], separator: nil, mayGrow: true),
        TokenFormat(prefix: "npm_", segments: [(alnum, 36)], separator: nil),
        TokenFormat(prefix: "AKIA", segments: [(Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 16)], separator: nil),
        TokenFormat(prefix: "SK", segments: [(Set("0123456789abcdef"), 32)], separator: nil),
        TokenFormat(prefix: "SG.", segments: [(urlSafe, 22), (urlSafe, 43)], separator: "."),
    ]

    /// Whether `body` (what follows the prefix, up to a byte that is no letter or digit, or the end) is
    /// a token of `format` that secrets.md reports: every segment of its exact length and alphabet, and
    /// not a placeholder (one character more than half the body, or under 2.5 bits of entropy per byte).
    static func isToken(_ format: TokenFormat, body: String) -> Bool {
        let parts = format.separator.map { s in body.split(separator: s, omittingEmptySubsequences: false).map(String.init) } ?? [body]
        guard parts.count == format.segments.count else { return false }
        for (i, (part, segment)) in zip(parts, format.segments).enumerated() {
            let longer = format.mayGrow && i == format.segments.count - 1 && part.count > segment.length
            guard part.count == segment.length || longer, part.allSatisfy(segment.alphabet.contains) else { return false }
        }
        return !isPlaceholder(body)
    }

    static func isPlaceholder(_ body: String) -> Bool {
        placeholderParts(body).allSatisfy(isPlaceholderWhole)
    }

    /// What the placeholder test weighs: secrets.md: a body ending in a run of 8+ of one byte after 16+
    /// other bytes is a placeholder only if, without the run, it is one too (a real token followed by
    /// filler is masked); any other body alone.
    static func placeholderParts(_ body: String) -> [String] {
        let chars = Array(body)
        guard let last = chars.last else { return [body] }
        let run = chars.reversed().prefix { $0 == last }.count
        return run >= 8 && chars.count - run >= 16 ? [body, String(chars.dropLast(run))] : [body]
    }

    /// One character more than half the body, or under 2.5 bits of entropy per byte.
    static func isPlaceholderWhole(_ body: String) -> Bool {
        let counts = characterCounts(body)
        if let most = counts.max(), most * 2 > body.count { return true }
        return entropy(counts, of: body.count) < 2.5
    }

    /// Each character's count, in ascending order: summed in a dictionary's order, which is seeded per
    /// process, one body's entropy could differ in its last bit from run to run.
    static func characterCounts(_ body: String) -> [Int] {
        var counts: [Character: Int] = [:]
        for c in body { counts[c, default: 0] += 1 }
        return counts.values.sorted()
    }

    /// Bits of entropy per character of a body of `n` characters with these counts.
    static func entropy(_ counts: [Int], of n: Int) -> Double {
        counts.reduce(0.0) { sum, count in
            let p = Double(count) / Double(n)
            return sum - p * log2(p)
        }
    }

    /// Whether the placeholder test of `body` weighs an entropy within rounding of 2.5 bits: the engine
    /// sums the same quantity another way (`Entropy`), so on an exact 2.5 (`XLZXB1000000110BXLZL010K`:
    /// counts 9, 4, 3, 3, 2, 2, 1 of 24) the two may fall on either side of it, and such a body is not
    /// judged.
    static func placeholderTestIsOnTheEdge(_ body: String) -> Bool {
        placeholderParts(body).contains { !$0.isEmpty && abs(entropy(characterCounts($0), of: $0.count) - 2.5) < 1e-9 }
    }

    /// The strong keys of secrets.md's assignment rule, written as people write them.
    static let strongKeys = ["password", "PASSWORD", "db_password", "dbPassword", "passwd", "secret", "client_secret",
                             "clientSecret", "api_key", "apiKey", "API_KEY", "access_token", "pwd", "private_key"]
}
