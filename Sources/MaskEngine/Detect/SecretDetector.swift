/// Validates secrets at the trigger positions stage 1 marks: `_` (a token glued after an underscore),
/// `=` `:` `>` and a quote before `,` (assignments, URLs, Telegram tokens), `--` (PEM blocks), `$`
/// after a letter or digit (password hashes, `PasswordHashShape`), a credential keyword after a `-`
/// (command-line options, `CommandLineCredentialRule.option`) or a space (`SpokenCredentialRule`); and at the
/// starts of long token runs (`token(_:start:…)`: the catalogue's prefix tokens, JWTs, Discord tokens).
/// Every rule is anchored on a fixed prefix, keyword or shape, then checks the token's alphabet, length
/// and boundaries.
enum SecretDetector {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// The secret triggered by the anchor byte at `position`, as an absolute range and kind.
    @inline(__always)
    static func match(_ bytes: Bytes, at position: Int, lower: Int, upper: Int,
                      catalogue: TokenCatalogue.Index = TokenCatalogue.index) -> (Range<Int>, SecretKind)? {
        switch bytes[position] {
        case UInt8(ascii: "_"): return afterUnderscore(bytes, at: position, lower: lower, upper: upper, catalogue: catalogue)
        case UInt8(ascii: ":"):
            if let found = WebhookURLRule.match(bytes, colon: position, lower: lower, upper: upper) { return found }
            if let found = telegramBotToken(bytes, colon: position, lower: lower, upper: upper) { return found }
            if let found = CommandLineCredentialRule.match(bytes, colon: position, lower: lower, upper: upper) { return found }
            return hashNarrowed(AssignmentRule.match(bytes, at: position, lower: lower, upper: upper), in: bytes)
        case UInt8(ascii: "="), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"):
            return hashNarrowed(AssignmentRule.match(bytes, at: position, lower: lower, upper: upper), in: bytes)
        case UInt8(ascii: "-"): return privateKeyBlock(bytes, at: position, lower: lower, upper: upper)
        case UInt8(ascii: " "), UInt8(ascii: "("):
            return hashNarrowed(AssignmentRule.quotedAfterKey(bytes, at: position, lower: lower, upper: upper), in: bytes)
        case UInt8(ascii: "$"): return PasswordHashShape.match(bytes, dollar: position, lower: lower, upper: upper)
        default: return afterKeyword(bytes, keyword: position, lower: lower, upper: upper)
        }
    }

    /// A credential keyword's anchor: after a space, told in a sentence (`my password is
    /// Hunter2-Secret9`); after a `-`, a command-line option (`--password S3cret`). One call out of
    /// `match`, which the column batches' walks inline: the two rules inlined there made the walk
    /// slower on every cell (Benchmarks/RESULTS.md).
    @inline(never)
    static func afterKeyword(_ bytes: Bytes, keyword position: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        if position > lower && bytes[position - 1] == 32 {
            return SpokenCredentialRule.match(bytes, keyword: position, lower: lower, upper: upper)
        }
        return CommandLineCredentialRule.option(bytes, keyword: position, lower: lower, upper: upper)
    }

    /// An assigned value that is a password hash and nothing else (`"password_hash": "$2b$12$…"`,
    /// `PASSWORD 'SCRAM-SHA-256$…'`): its salt and hash, so that the token is a hash of the same format.
    @inline(__always)
    static func hashNarrowed(_ found: (Range<Int>, SecretKind)?, in bytes: Bytes) -> (Range<Int>, SecretKind)? {
        guard let (range, kind) = found, kind == .passwordAssignment,
              let hash = PasswordHashShape.wholeValue(bytes, lower: range.lowerBound, upper: range.upperBound) else { return found }
        return (hash, .passwordHash)
    }

    /// A token that starts exactly at `start`: a catalogue prefix token, a JWT, a Discord bot token, a
    /// PEM private key. Used at the starts of long token runs and for assignment values.
    @inline(__always)
    static func token(_ bytes: Bytes, start: Int, lower: Int, upper: Int,
                      catalogue: TokenCatalogue.Index = TokenCatalogue.index) -> (Range<Int>, SecretKind)? {
        guard start < upper else { return nil }
        if let found = TokenCatalogue.match(bytes, start: start, lower: lower, upper: upper, in: catalogue) { return found }
        if let found = suffixedToken(bytes, start: start, lower: lower, upper: upper) { return found }
        switch bytes[start] {
        case UInt8(ascii: "e"): return jwt(bytes, start: start, lower: lower, upper: upper)
        case UInt8(ascii: "M"), UInt8(ascii: "N"), UInt8(ascii: "O"): return discordBotToken(bytes, start: start, lower: lower, upper: upper)
        case UInt8(ascii: "-"): return privateKeyBlock(bytes, at: start, lower: lower, upper: upper)
        default: return nil
        }
    }

    /// `MY_ghp_…`, `token_sk_live_…`: a token glued after an underscore starts at the word before the
    /// `_` that triggered; the catalogue decides.
    static func afterUnderscore(_ bytes: Bytes, at u: Int, lower: Int, upper: Int,
                                catalogue: TokenCatalogue.Index) -> (Range<Int>, SecretKind)? {
        var s = u
        while s > lower && u - s < 16 && ASCII.isAlnum(bytes[s - 1]) { s -= 1 }
        guard s < u else { return nil }
        return TokenCatalogue.match(bytes, start: s, lower: lower, upper: upper, in: catalogue)
    }

    /// Tokens whose distinctive part is not a prefix, tried at the start of a long token run:
    /// MaxMind license keys (`6 _ 29 _mmk`), Mailchimp API keys (32 hex `-us` 1–2 digits), Terraform
    /// Cloud tokens (14 `.atlasv1.` 60–70), Azure AD client secrets (3, a digit, `Q~`, 31–34).
    static func suffixedToken(_ bytes: Bytes, start: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        guard start == lower || !ASCII.isAlnum(bytes[start - 1]) else { return nil }
        // Each shape has its separator at a fixed offset: one byte read rejects almost every word.
        let underscoreAt6 = start + 6 < upper && bytes[start + 6] == UInt8(ascii: "_")
        let dotAt14 = start + 14 < upper && bytes[start + 14] == UInt8(ascii: ".")
        let dashAt32 = start + 32 < upper && bytes[start + 32] == UInt8(ascii: "-")
        // Azure AD client secrets: 3 characters, a digit, `Q~`, 31–34 of `[A-Za-z0-9_~.-]`.
        if start + 6 < upper, bytes[start + 5] == UInt8(ascii: "~"), bytes[start + 4] == UInt8(ascii: "Q"),
           ASCII.isDigit(bytes[start + 3]) {
            let body = run(bytes, from: start + 6, upper: upper, limit: 35) { ASCII.isBase64URL($0) || $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: ".") }
            let end = start + 6 + body
            if body >= 31 && body <= 34, end == upper || !ASCII.isAlnum(bytes[end]), !TokenPlaceholder.isPlaceholder(bytes, start + 6, end) {
                return (start..<end, .azureClientSecret)
            }
        }
        guard underscoreAt6 || dotAt14 || dashAt32 else { return nil }
        let head = run(bytes, from: start, upper: upper, limit: 33, ASCII.isAlnum)
        var end = start + head
        if head == 6, end < upper, bytes[end] == UInt8(ascii: "_") {
            let body = run(bytes, from: end + 1, upper: upper, limit: 30, ASCII.isAlnum)
            end += 1 + body
            if body == 29, has(bytes, end, "_mmk", upper: upper), end + 4 == upper || !ASCII.isAlnum(bytes[end + 4]) {
                return (start..<(end + 4), .maxmindLicenseKey)
            }
        } else if head == 32, (start..<end).allSatisfy({ ASCII.isDigit(bytes[$0]) || bytes[$0] &- 97 < 6 }),
                  has(bytes, end, "-us", upper: upper) {
            let region = run(bytes, from: end + 3, upper: upper, limit: 3, ASCII.isDigit)
            if region >= 1 && region <= 2, end + 3 + region == upper || !ASCII.isAlnum(bytes[end + 3 + region]),
               !TokenPlaceholder.isPlaceholder(bytes, start, end) {
                return (start..<(end + 3 + region), .mailchimpAPIKey)
            }
        } else if head == 14, has(bytes, end, ".atlasv1.", upper: upper) {
            let body = run(bytes, from: end + 9, upper: upper, limit: 71, ASCII.isBase64URL)
            if body >= 60 && body <= 70, !TokenPlaceholder.isPlaceholder(bytes, end + 9, end + 9 + body) {
                return (start..<(end + 9 + body), .terraformToken)
            }
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





    /// `eyJ…` header, `.`, payload of 10 or more base64url characters, `.`, optional signature.
    static func jwt(_ bytes: Bytes, start: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        guard start >= lower, bytes[start] == UInt8(ascii: "e"), leftBoundary(bytes, start, lower: lower),
              start == lower || !ASCII.isBase64URL(bytes[start - 1]) else { return nil }
        guard has(bytes, start, "eyJ", upper: upper) else { return nil }
        // No cap: the rule runs once per token run, so a long header costs its length once.
        let header = run(bytes, from: start, upper: upper, limit: upper - start, ASCII.isBase64URL)
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
        let bodyStart = i
        while i < upper {
            if bytes[i] == UInt8(ascii: "-"), has(bytes, i, "-----END ", upper: upper) {
                // A key's body is at least 64 characters; `BEGIN … anything … END` is an example.
                guard i - bodyStart >= 64 else { return nil }
                var j = i + 9
                while j < upper && bytes[j] != UInt8(ascii: "-") { j += 1 }
                let close = run(bytes, from: j, upper: upper, limit: 5) { $0 == UInt8(ascii: "-") }
                return (start..<(j + close), .privateKey)
            }
            i += 1
        }
        return (start..<upper, .privateKey)
    }

    /// Discord bot tokens: `[MNO]` + 23–27 base64url (the user id), `.`, 6 base64url (a timestamp),
    /// `.`, 27–38 base64url (the HMAC).
    static func discordBotToken(_ bytes: Bytes, start: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        let id = run(bytes, from: start, upper: upper, limit: 28, ASCII.isAlnum)
        guard id >= 24 && id <= 28 else { return nil }
        var i = start + id
        guard i < upper, bytes[i] == UInt8(ascii: "."), i + 7 < upper else { return nil }
        let stamp = run(bytes, from: i + 1, upper: upper, limit: 7, ASCII.isBase64URL)
        guard stamp == 6, bytes[i + 7] == UInt8(ascii: ".") else { return nil }
        i += 8
        let mac = run(bytes, from: i, upper: upper, limit: 39, ASCII.isBase64URL)
        guard mac >= 27 && mac <= 38, i + mac == upper || !ASCII.isAlnum(bytes[i + mac]),
              !TokenPlaceholder.isPlaceholder(bytes, i, i + mac) else { return nil }
        return (start..<(i + mac), SecretKind.discordBotToken)
    }

    /// Telegram bot API tokens: 8–10 digits (the bot id), `:`, `AA` + 33 base64url, or `A` + 34.
    static func telegramBotToken(_ bytes: Bytes, colon: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        var s = colon
        while s > lower && colon - s < 11 && ASCII.isDigit(bytes[s - 1]) { s -= 1 }
        guard colon - s >= 5, colon - s <= 16, s == lower || !ASCII.isAlnum(bytes[s - 1]),
              colon + 1 < upper, bytes[colon + 1] == UInt8(ascii: "A") else { return nil }
        let n = run(bytes, from: colon + 1, upper: upper, limit: 36, ASCII.isBase64URL)
        guard n == 35, colon + 1 + n == upper || !ASCII.isAlnum(bytes[colon + 1 + n]) else { return nil }
        return (s..<(colon + 1 + n), .telegramBotToken)
    }
}
