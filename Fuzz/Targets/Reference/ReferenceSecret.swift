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
        // secrets.md: a body ending in a run of 8+ of one byte after 16+ other bytes is a placeholder
        // only if, without the run, it is one too (a real token followed by filler is masked).
        let chars = Array(body)
        if let last = chars.last {
            let run = chars.reversed().prefix { $0 == last }.count
            if run >= 8 && chars.count - run >= 16 {
                return isPlaceholderWhole(body) && isPlaceholderWhole(String(chars.dropLast(run)))
            }
        }
        return isPlaceholderWhole(body)
    }

    /// One character more than half the body, or under 2.5 bits of entropy per byte.
    static func isPlaceholderWhole(_ body: String) -> Bool {
        var counts: [Character: Int] = [:]
        for c in body { counts[c, default: 0] += 1 }
        if let most = counts.values.max(), most * 2 > body.count { return true }
        let n = Double(body.count)
        let entropy = counts.values.reduce(0.0) { sum, count in
            let p = Double(count) / n
            return sum - p * log2(p)
        }
        return entropy < 2.5
    }

    /// The strong keys of secrets.md's assignment rule, written as people write them.
    static let strongKeys = ["password", "PASSWORD", "db_password", "dbPassword", "passwd", "secret", "client_secret",
                             "clientSecret", "api_key", "apiKey", "API_KEY", "access_token", "pwd", "private_key"]
}
