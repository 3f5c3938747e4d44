/// Validates secrets at the trigger positions stage 1 marks: `_` (GitHub and Stripe prefixes), `=` and
/// `:` (keyword assignments), `--` (PEM blocks), `yJ` (JWTs), `xo` (Slack), `IA` and `Iz` (AWS key ids,
/// Google API keys). Every rule is anchored on a fixed prefix or keyword, then checks the token's
/// alphabet, length and boundaries; generic assignments also need high entropy.
enum SecretDetector {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// The secret triggered at `position`, as an absolute range and kind.
    @inline(__always)
    static func match(_ bytes: Bytes, at position: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        switch bytes[position] {
        case UInt8(ascii: "_"): return underscorePrefixed(bytes, at: position, lower: lower, upper: upper)
        case UInt8(ascii: "="), UInt8(ascii: ":"): return AssignmentRule.match(bytes, at: position, lower: lower, upper: upper)
        case UInt8(ascii: "-"): return privateKeyBlock(bytes, at: position, lower: lower, upper: upper)
        case UInt8(ascii: "y"): return jwt(bytes, start: position - 1, lower: lower, upper: upper)
        case UInt8(ascii: "x"): return slack(bytes, start: position, lower: lower, upper: upper)
        case UInt8(ascii: "I"):
            if position + 1 < upper && bytes[position + 1] == UInt8(ascii: "z") {
                return googleAPIKey(bytes, start: position - 1, lower: lower, upper: upper)
            }
            return awsAccessKeyID(bytes, start: position - 2, lower: lower, upper: upper)
        default: return nil
        }
    }

    /// A token that starts at `start`, whatever its trigger: used for assignment values, so that
    /// `token = ghp_…` reports `github_token`, not a generic assignment.
    static func specific(_ bytes: Bytes, start: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        var i = start
        let limit = min(upper, start + 12)
        while i < limit {
            let b = bytes[i]
            let next: UInt8 = i + 1 < upper ? bytes[i + 1] : 0
            var found: (Range<Int>, SecretKind)? = nil
            switch b {
            case UInt8(ascii: "_"): found = underscorePrefixed(bytes, at: i, lower: start, upper: upper)
            case UInt8(ascii: "-") where next == UInt8(ascii: "-"): found = privateKeyBlock(bytes, at: i, lower: start, upper: upper)
            case UInt8(ascii: "y") where next == UInt8(ascii: "J"): found = jwt(bytes, start: i - 1, lower: start, upper: upper)
            case UInt8(ascii: "x") where next == UInt8(ascii: "o"): found = slack(bytes, start: i, lower: start, upper: upper)
            case UInt8(ascii: "I") where next == UInt8(ascii: "z"): found = googleAPIKey(bytes, start: i - 1, lower: start, upper: upper)
            case UInt8(ascii: "I") where next == UInt8(ascii: "A"): found = awsAccessKeyID(bytes, start: i - 2, lower: start, upper: upper)
            default: break
            }
            if let found, found.0.lowerBound == start { return found }
            i += 1
        }
        return nil
    }

    // MARK: - Rules

    @inline(__always)
    static func leftBoundary(_ bytes: Bytes, _ start: Int, lower: Int) -> Bool {
        start >= lower && (start == lower || !ASCII.isAlnum(bytes[start - 1]))
    }

    @inline(__always)
    static func has(_ bytes: Bytes, _ at: Int, _ literal: StaticString, upper: Int) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard at >= 0, at + n <= upper else { return false }
        let p = literal.utf8Start
        for k in 0..<n where bytes[at + k] != p[k] { return false }
        return true
    }

    /// Counts bytes from `from` while `accept` holds, up to `limit` bytes.
    @inline(__always)
    static func run(_ bytes: Bytes, from: Int, upper: Int, limit: Int, _ accept: (UInt8) -> Bool) -> Int {
        var i = from
        let end = min(upper, from + limit)
        while i < end && accept(bytes[i]) { i += 1 }
        return i - from
    }

    /// `ghp_` `gho_` `ghu_` `ghs_` `ghr_` + 36 alphanumerics; `github_pat_` + 22 or more of `[A-Za-z0-9_]`;
    /// Stripe `sk_live_` `rk_live_` `sk_test_` `rk_test_` + 16 or more alphanumerics.
    static func underscorePrefixed(_ bytes: Bytes, at u: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        if u - 3 >= lower && bytes[u - 3] == UInt8(ascii: "g") && bytes[u - 2] == UInt8(ascii: "h") {
            let c = bytes[u - 1]
            if c == UInt8(ascii: "p") || c == UInt8(ascii: "o") || c == UInt8(ascii: "u") || c == UInt8(ascii: "s")
                || c == UInt8(ascii: "r"), leftBoundary(bytes, u - 3, lower: lower) {
                let n = run(bytes, from: u + 1, upper: upper, limit: 255, ASCII.isAlnum)
                if n >= 36 && (u + 1 + n == upper || !ASCII.isBase64URL(bytes[u + 1 + n])) {
                    return ((u - 3)..<(u + 1 + n), .githubToken)
                }
            }
        }
        if has(bytes, u - 6, "github_pat_", upper: upper), leftBoundary(bytes, u - 6, lower: lower) {
            let n = run(bytes, from: u + 5, upper: upper, limit: 255) { ASCII.isAlnum($0) || $0 == UInt8(ascii: "_") }
            if n >= 22 { return ((u - 6)..<(u + 5 + n), .githubToken) }
        }
        if u - 2 >= lower, bytes[u - 1] == UInt8(ascii: "k"),
           bytes[u - 2] == UInt8(ascii: "s") || bytes[u - 2] == UInt8(ascii: "r"),
           has(bytes, u + 1, "live_", upper: upper) || has(bytes, u + 1, "test_", upper: upper),
           leftBoundary(bytes, u - 2, lower: lower) {
            let n = run(bytes, from: u + 6, upper: upper, limit: 255, ASCII.isAlnum)
            if n >= 16 { return ((u - 2)..<(u + 6 + n), .stripeKey) }
        }
        return nil
    }

    /// `AKIA`/`ASIA`/`ABIA` + 16 of `[A-Z0-9]`, standing alone.
    static func awsAccessKeyID(_ bytes: Bytes, start: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        guard start >= lower, start + 20 <= upper, leftBoundary(bytes, start, lower: lower) else { return nil }
        guard has(bytes, start, "AKIA", upper: upper) || has(bytes, start, "ASIA", upper: upper)
            || has(bytes, start, "ABIA", upper: upper) else { return nil }
        for i in (start + 4)..<(start + 20) where !ASCII.isUpperOrDigit(bytes[i]) { return nil }
        if start + 20 < upper && ASCII.isAlnum(bytes[start + 20]) { return nil }
        return (start..<(start + 20), .awsAccessKeyID)
    }

    /// `AIza` + 35 of `[A-Za-z0-9_-]`.
    static func googleAPIKey(_ bytes: Bytes, start: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        guard start >= lower, has(bytes, start, "AIza", upper: upper), leftBoundary(bytes, start, lower: lower) else { return nil }
        let n = run(bytes, from: start + 4, upper: upper, limit: 36, ASCII.isBase64URL)
        guard n == 35 else { return nil }
        return (start..<(start + 39), .googleAPIKey)
    }

    /// `xoxa-` `xoxb-` `xoxp-` `xoxr-` `xoxs-` + at least 10 of `[A-Za-z0-9-]`.
    static func slack(_ bytes: Bytes, start: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        guard has(bytes, start, "xox", upper: upper), start + 5 <= upper, leftBoundary(bytes, start, lower: lower),
              bytes[start + 4] == UInt8(ascii: "-") else { return nil }
        let c = bytes[start + 3]
        guard c == UInt8(ascii: "a") || c == UInt8(ascii: "b") || c == UInt8(ascii: "p") || c == UInt8(ascii: "r")
            || c == UInt8(ascii: "s") else { return nil }
        var n = run(bytes, from: start + 5, upper: upper, limit: 255) { ASCII.isAlnum($0) || $0 == UInt8(ascii: "-") }
        while n > 0 && bytes[start + 5 + n - 1] == UInt8(ascii: "-") { n -= 1 }
        guard n >= 10 else { return nil }
        return (start..<(start + 5 + n), .slackToken)
    }

    /// `eyJ…` header, `.`, payload of 10 or more base64url characters, `.`, optional signature.
    static func jwt(_ bytes: Bytes, start: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        guard start >= lower, bytes[start] == UInt8(ascii: "e"), leftBoundary(bytes, start, lower: lower),
              start == lower || !ASCII.isBase64URL(bytes[start - 1]) else { return nil }
        // JWT headers are short; the cap keeps a long base64 run full of "yJ" pairs linear.
        let header = run(bytes, from: start, upper: upper, limit: 512, ASCII.isBase64URL)
        var i = start + header
        guard header >= 10, i < upper, bytes[i] == UInt8(ascii: ".") else { return nil }
        i += 1
        let payload = run(bytes, from: i, upper: upper, limit: 65536, ASCII.isBase64URL)
        guard payload >= 10 else { return nil }
        i += payload
        guard i < upper, bytes[i] == UInt8(ascii: ".") else { return nil }
        i += 1
        let signature = run(bytes, from: i, upper: upper, limit: 8192, ASCII.isBase64URL)
        return (start..<(i + signature), .jwt)
    }

    /// A whole `-----BEGIN … PRIVATE KEY-----` … `-----END … PRIVATE KEY-----` block. Without its END
    /// line, the block runs to the end of the cell: a truncated key is still a key.
    static func privateKeyBlock(_ bytes: Bytes, at start: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        guard start == lower || bytes[start - 1] != UInt8(ascii: "-"),
              has(bytes, start, "-----BEGIN ", upper: upper) else { return nil }
        var i = start + 11
        let labelLimit = min(upper, i + 64)
        var sawPrivateKey = false
        while i < labelLimit && bytes[i] != UInt8(ascii: "-") {
            if has(bytes, i, "PRIVATE KEY", upper: upper) { sawPrivateKey = true }
            i += 1
        }
        guard sawPrivateKey, has(bytes, i, "-----", upper: upper) else { return nil }
        i += 5
        while i < upper {
            if bytes[i] == UInt8(ascii: "-"), has(bytes, i, "-----END ", upper: upper) {
                var j = i + 9
                while j < upper && bytes[j] != UInt8(ascii: "-") { j += 1 }
                let close = run(bytes, from: j, upper: upper, limit: 5) { $0 == UInt8(ascii: "-") }
                return (start..<(j + close), .privateKey)
            }
            i += 1
        }
        return (start..<upper, .privateKey)
    }
}
