import CMaskKernels

/// Validates an email address around an `@` found by stage 1, or around an encoded `@` (`%40`,
/// `\u0040`, `&#64;`, `&#x40;`) found at the digits stage 1 marks.
///
/// Grammar accepted (docs/detection/emails.md has the whole story):
/// - **Local part**, read leftward from the separator: letters and digits of any script, and
///   `. _ % + - ' ! # $ & * ^ ~` (`ASCII.isEmailLocal`); or a quoted string (`"john..doe"@…`). It must
///   hold a letter or digit. Leading `. ' ! # $ & * ^ ~ -` are punctuation, not address
///   (`'ann@x.com'`, `**ann@x.com**`); an apostrophe that opens a quoted literal (`u'ann@x.com'`,
///   `E'ann@x.com'`) is not part of it either; nor is the letter of a JSON escape (`\nann@x.com`).
/// - **Domain**, read rightward: labels of letters and digits of any script and `-`, joined by single
///   dots (`.` or the ideographic `。` `．` `｡`); at least two labels; the last one that starts with a
///   top-level domain ends the address. A TLD is 2 to 63 letters (`com`, `рф`, `广告`) or a punycode
///   label (`xn--p1ai`); a label like `com1` contributes its letters (`a@b.com1` masks `a@b.com`:
///   fail closed). Or an address literal: `[192.0.2.1]`, `[IPv6:2001:db8::1]`.
/// - Every character may be written raw (ASCII or UTF-8) or escaped (`%XX`, `\uXXXX`, `&#NN;`): see
///   `EncodedCharacter`.
///
/// Rejected: `@mentions` and decorators (empty local part), `root@localhost` and `name@host` (one
/// label), `a@b.c` and `user@example.c0m` (no TLD), `user@192.168.0.1` (a login to a host, not a
/// mailbox; bracketed literals are addresses).
///
/// Cost: the scans stop at the previous `@` on the left and at the first non-domain character on the
/// right (1 KiB at most), so the work per separator is linear in the bytes of the address and a text
/// is scanned in linear time overall.
enum EmailDetector {
    /// The longest domain looked at, in bytes (253 characters of punycode, more in UTF-8 or escapes).
    static let maxDomain = 1024

    /// The span of the address whose literal `@` is at `at`, within `lower..<upper` of `bytes`.
    @inline(__always)
    static func match(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, lower: Int, upper: Int) -> Range<Int>? {
        match(bytes, separator: at..<(at + 1), lower: lower, upper: upper)
    }

    /// The span of the address whose `@` (literal or encoded) occupies `separator`.
    static func match(_ bytes: UnsafeBufferPointer<UInt8>, separator: Range<Int>, lower: Int,
                      upper: Int) -> Range<Int>? {
        guard let end = domainEnd(bytes, from: separator.upperBound, upper: upper),
              let start = localStart(bytes, before: separator.lowerBound, lower: lower, addressEnd: end, upper: upper)
        else { return nil }
        return start..<end
    }

    /// The encoded `@` whose digits start at `position` (`%40`, `\u0040`, `&#64;`, `&#x40;`), or nil.
    @inline(__always)
    static func encodedSeparator(_ bytes: UnsafeBufferPointer<UInt8>, digitsAt position: Int, lower: Int,
                                 upper: Int) -> Range<Int>? {
        guard position > lower else { return nil }
        var escapeStart: Int
        switch bytes[position - 1] {
        case UInt8(ascii: "%"): escapeStart = position - 1
        case UInt8(ascii: "u"), UInt8(ascii: "#"): escapeStart = position - 2
        case UInt8(ascii: "x"), UInt8(ascii: "X"): escapeStart = position - 3
        default: return nil
        }
        guard escapeStart >= lower else { return nil }
        // `\\u0040` (JSON in a JSON string, or in a COPY row): the escape starts at its first backslash.
        while escapeStart > lower && bytes[escapeStart] == UInt8(ascii: "\\") && bytes[escapeStart - 1] == UInt8(ascii: "\\") {
            escapeStart -= 1
        }
        let c = EncodedCharacter.at(bytes, escapeStart, upper: upper)
        guard c.scalar == 0x40, c.form != .raw else { return nil }
        return c.start..<c.end
    }

    // MARK: - Local part

    /// Where the local part that ends at `end` starts, or nil when there is none.
    private static func localStart(_ bytes: UnsafeBufferPointer<UInt8>, before end: Int, lower: Int, addressEnd: Int,
                                   upper: Int) -> Int? {
        if end > lower && bytes[end - 1] == UInt8(ascii: "\"") {
            return quotedLocalStart(bytes, closingQuote: end - 1, lower: lower)
        }
        var start = end
        // Where the word character nearest the separator starts: what is left after the leading
        // punctuation is dropped must still reach it.
        var nearestWord = -1
        var letters = false
        // Most local parts are plain ASCII. The usual one is read in one vector pass
        // (`mk_email_local_run_of`): the run of plain local-part bytes that ends at the separator, when
        // the 32 bytes before it hold no byte that an escape or a UTF-8 character needs. Then the first
        // loop below goes on byte by byte with the same rules while the byte before is ASCII that ends no
        // escape, and the second from there (it stops at once on a byte that is no local-part byte), its
        // script run rebuilt for the letters read so far.
        // Sound: `end` is inside `bytes` (the separator's first byte), so `bytes[0..<end]` is readable.
        let plain = mk_email_local_run_of(bytes.baseAddress, lower, end)
        if plain.handled != 0 {
            start = plain.start
            nearestWord = plain.nearest_word
            letters = plain.letters != 0
        }
        while start > lower && EncodedCharacter.isPlainASCII(before: start, in: bytes, lower: lower) {
            let b = bytes[start - 1]
            guard ASCII.isEmailLocal(b) else { break }
            if ASCII.isAlnum(b) {
                if nearestWord < 0 { nearestWord = start - 1 }
                letters = letters || ASCII.isAlpha(b)
            }
            start -= 1
        }
        // The script of the word's letters, and whether a run of the other script inside it is being read.
        var run = ScriptRun(asciiLetters: letters)
        while start > lower {
            let c = EncodedCharacter.before(bytes, start, lower: lower)
            if c.scalar < 0x80 {
                let b = UInt8(truncatingIfNeeded: c.scalar)
                guard ASCII.isEmailLocal(b) else { break }
                if ASCII.isAlnum(b) && nearestWord < 0 { nearestWord = c.start }
            } else {
                guard WordScalar.isWordLike(c.scalar) else { break }
                if nearestWord < 0 { nearestWord = c.start }
            }
            // `邮箱ann@…`: where Han meets Latin is the start of the address, unless Latin resumes
            // further left (`hans.m端ller@…`, a mojibake `ü`).
            guard run.admits(LetterScript.of(c.scalar), resumes: {
                resumesBackward(bytes, before: c.start, script: $0, lower: lower)
            }) else { break }
            start = c.start
        }
        // After a backslash, an escape's letter is not address: `"a\nann@x.com"` in JSON or COPY text
        // (`\\n` when the JSON sits in a COPY row or in another JSON string).
        if start > lower && start < end && bytes[start - 1] == UInt8(ascii: "\\") {
            switch bytes[start] {
            case UInt8(ascii: "n"), UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "b"), UInt8(ascii: "f"):
                start += 1
            default:
                break
            }
        }
        guard nearestWord >= 0 else { return nil }
        // Punctuation in front of the address, and whether a quote opened it.
        var openedByQuote = false
        while start < end {
            let c = EncodedCharacter.at(bytes, start, upper: end)
            guard c.scalar < 0x80, ASCII.isEmailLeadingPunctuation(UInt8(truncatingIfNeeded: c.scalar)) else { break }
            if c.scalar == 0x27 { openedByQuote = true }
            start = c.end
        }
        // `u'ann@x.com'`, `E'ann@x.com'`: a quote closes the address, so the first apostrophe inside
        // the local part opened a literal and the letters before it are its prefix.
        if !openedByQuote && addressEnd < upper && EncodedCharacter.at(bytes, addressEnd, upper: upper).scalar == 0x27 {
            var p = start
            while p < end {
                let c = EncodedCharacter.at(bytes, p, upper: end)
                if c.scalar == 0x27 { start = c.end; break }
                p = c.end
            }
        }
        guard start <= nearestWord else { return nil }
        return start
    }

    /// Whether, reading left from `i` over local-part characters, letters of `script` come again: then
    /// the run of the other script is inside the word, not a word of its own.
    private static func resumesBackward(_ bytes: UnsafeBufferPointer<UInt8>, before i: Int, script: LetterScript,
                                        lower: Int) -> Bool {
        var p = i
        while p > lower {
            let c = EncodedCharacter.before(bytes, p, lower: lower)
            let inLocalPart = c.scalar < 0x80 ? ASCII.isEmailLocal(UInt8(truncatingIfNeeded: c.scalar)) : WordScalar.isWordLike(c.scalar)
            guard inLocalPart else { return false }
            if LetterScript.of(c.scalar) == script { return true }
            p = c.start
        }
        return false
    }

    /// Whether, reading right from `i` over label characters, letters of `script` come again.
    private static func resumesForward(_ bytes: UnsafeBufferPointer<UInt8>, from i: Int, script: LetterScript,
                                       upper: Int) -> Bool {
        var p = i
        while p < upper {
            let c = EncodedCharacter.at(bytes, p, upper: upper)
            guard isLabelCharacter(c.scalar) else { return false }
            if LetterScript.of(c.scalar) == script { return true }
            p = c.end
        }
        return false
    }

    /// `"…"@`: the opening quote of a quoted local part, on the same line; what precedes it must not be
    /// part of a word (`x"y"@…` is not a quoted local part). In JSON text the quotes are escaped
    /// (`\"ann\"@x.com`), and the opening one must be escaped too: an unescaped quote there is the JSON
    /// string's own, which a token must never replace.
    private static func quotedLocalStart(_ bytes: UnsafeBufferPointer<UInt8>, closingQuote: Int, lower: Int) -> Int? {
        let escaped = closingQuote > lower && bytes[closingQuote - 1] == UInt8(ascii: "\\")
            && EncodedCharacter.unescapedBackslash(bytes, at: closingQuote - 1, lower: lower)
        let contentEnd = escaped ? closingQuote - 1 : closingQuote
        var p = contentEnd - 1
        var opening = -1
        while p >= lower {
            let b = bytes[p]
            if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == 0 { return nil }
            if b == UInt8(ascii: "\"") {
                let isEscaped = p > lower && bytes[p - 1] == UInt8(ascii: "\\")
                    && EncodedCharacter.unescapedBackslash(bytes, at: p - 1, lower: lower)
                if isEscaped == escaped {
                    opening = escaped ? p - 1 : p
                    break
                }
                // An unescaped quote inside an escaped quoted string ends the JSON string; an escaped one
                // inside a plain quoted string is quoted-pair content (`"a\"b"@…`).
                if escaped { return nil }
            }
            p -= 1
        }
        guard opening >= lower, contentEnd - (p + 1) >= 1 else { return nil }
        if opening > lower {
            let before = EncodedCharacter.before(bytes, opening, lower: lower).scalar
            if before < 0x80 ? ASCII.isAlnum(UInt8(truncatingIfNeeded: before)) : WordScalar.isWordLike(before) { return nil }
        }
        return opening
    }

    // MARK: - Domain

    /// Where the address whose domain starts at `start` ends, or nil when no domain is there.
    private static func domainEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, upper: Int) -> Int? {
        guard start < upper else { return nil }
        if bytes[start] == UInt8(ascii: "[") { return addressLiteralEnd(bytes, from: start, upper: upper) }
        let limit = min(upper, start + maxDomain)
        var labelStart = start
        var labels = 0
        var best: Int? = nil
        var p = start
        var letters = false
        // The usual domain first, from one vector pass (`mk_email_domain_run_of`): the run of plain ASCII
        // domain bytes after the separator, whose labels are walked here by its dots, each label's top-level
        // domain read from the letters mask. A run that fills the window (a domain longer than 64 bytes) is
        // read byte by byte below instead.
        // Sound: `start < upper <= bytes.count` and `limit <= upper`.
        let plain = mk_email_domain_run_of(bytes.baseAddress, bytes.count, start, limit)
        if plain.complete != 0 {
            p = plain.end
            var dots = plain.dots
            while dots != 0 {
                let dot = start + dots.trailingZeroBitCount
                // An empty label (`..`, or a dot first) ends the domain, as a byte that is no domain byte does.
                if dot == labelStart { p = dot; break }
                if labels > 0, let tld = plainTopLevelDomainEnd(bytes, labelStart, dot, letters: plain.letters, from: start) { best = tld }
                labels += 1
                labelStart = dot + 1
                dots &= dots &- 1
            }
            letters = labelStart < p && (plain.letters >> UInt64(labelStart - start)) & ((1 << UInt64(p - labelStart)) &- 1) != 0
            if p == limit || !mayStartEncoded(bytes[p]) {
                if labels > 0 && p > labelStart,
                   let tld = plainTopLevelDomainEnd(bytes, labelStart, p, letters: plain.letters, from: start) { best = tld }
                return best
            }
        }
        // Domains the vector pass does not finish: read here byte by byte, with the rules of the loop below,
        // up to a byte that ends the domain or one that may start an escape or a UTF-8 character, from which
        // the loop below goes on (its script run rebuilt for the label's ASCII letters).
        while plain.complete == 0 && p < limit {
            let b = bytes[p]
            if ASCII.isAlnum(b) || b == UInt8(ascii: "-") {
                letters = letters || ASCII.isAlpha(b)
                p += 1
            } else if b == UInt8(ascii: ".") && p > labelStart {
                if labels > 0, let tld = topLevelDomainEnd(bytes, labelStart, p) { best = tld }
                labels += 1
                p += 1
                labelStart = p
                letters = false
            } else {
                break
            }
        }
        if p == limit || !mayStartEncoded(bytes[p]) {
            if labels > 0 && p > labelStart, let tld = topLevelDomainEnd(bytes, labelStart, p) { best = tld }
            return best
        }
        var run = ScriptRun(asciiLetters: letters)
        while p < limit {
            let c = EncodedCharacter.at(bytes, p, upper: limit)
            if isLabelCharacter(c.scalar) {
                // `…@example.com或者打电话`: a label does not change script, so the text after it is not domain.
                guard run.admits(LetterScript.of(c.scalar), resumes: {
                    resumesForward(bytes, from: c.end, script: $0, upper: limit)
                }) else { break }
                p = c.end
                continue
            }
            guard isDot(c.scalar), p > labelStart else { break }
            if labels > 0, let tld = topLevelDomainEnd(bytes, labelStart, p) { best = tld }
            labels += 1
            p = c.end
            labelStart = p
            run = ScriptRun()  // each label starts afresh
        }
        if labels > 0 && p > labelStart, let tld = topLevelDomainEnd(bytes, labelStart, p) { best = tld }
        return best
    }

    /// Whether a domain may go on past `b` as an escape (`%XX`, `\uXXXX`, `&#NN;`) or a UTF-8 character:
    /// where the plain ASCII readings of `domainEnd` hand over to its character loop.
    @inline(__always)
    private static func mayStartEncoded(_ b: UInt8) -> Bool {
        b >= 0x80 || b == UInt8(ascii: "%") || b == UInt8(ascii: "\\") || b == UInt8(ascii: "&")
    }

    @inline(__always)
    private static func isLabelCharacter(_ scalar: UInt32) -> Bool {
        scalar < 0x80 ? (ASCII.isAlnum(UInt8(truncatingIfNeeded: scalar)) || scalar == 0x2D) : WordScalar.isWordLike(scalar)
    }

    /// `.`, and the full stops IDNA reads as dots: ideographic `。`, full-width `．`, half-width `｡`.
    @inline(__always)
    private static func isDot(_ scalar: UInt32) -> Bool {
        scalar == 0x2E || scalar == 0x3002 || scalar == 0xFF0E || scalar == 0xFF61
    }

    /// The end of the top-level domain that label `start..<end` starts with, or nil: a punycode label
    /// whole, else its leading run of 2 to 63 letters.
    private static func topLevelDomainEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        if end - start >= 5 && bytes[start] | 0x20 == UInt8(ascii: "x") && bytes[start + 1] | 0x20 == UInt8(ascii: "n")
            && bytes[start + 2] == UInt8(ascii: "-") && bytes[start + 3] == UInt8(ascii: "-") {
            var p = start + 4
            while p < end && (ASCII.isAlnum(bytes[p]) || bytes[p] == UInt8(ascii: "-")) { p += 1 }
            // Punycode ends in a letter or digit, never a hyphen.
            while p > start + 4 && bytes[p - 1] == UInt8(ascii: "-") { p -= 1 }
            if p > start + 4 { return p }
        }
        var letters = 0
        var p = start
        while p < end && letters < 64 {
            let c = EncodedCharacter.at(bytes, p, upper: end)
            let isLetter = c.scalar < 0x80 ? ASCII.isAlpha(UInt8(truncatingIfNeeded: c.scalar)) : WordScalar.isWordLike(c.scalar)
            guard isLetter else { break }
            letters += 1
            p = c.end
        }
        return letters >= 2 && letters <= 63 ? p : nil
    }

    /// `topLevelDomainEnd` of a label of plain ASCII domain bytes (no dot) inside a vector pass's run,
    /// its letters read from the run's mask (`letters`, bit i the byte at `runStart + i`): the run of
    /// letters that starts the label, 2 to 63 of them. A punycode label (`xn--`) is left to the byte loop.
    @inline(__always)
    private static func plainTopLevelDomainEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                                               letters: UInt64, from runStart: Int) -> Int? {
        if end - start >= 5 && bytes[start] | 0x20 == UInt8(ascii: "x") { return topLevelDomainEnd(bytes, start, end) }
        // The letters from the label's start: the run of ones in the mask there, no longer than the label.
        let count = min((~(letters >> UInt64(start - runStart))).trailingZeroBitCount, end - start)
        return count >= 2 && count <= 63 ? start + count : nil
    }

    /// `[192.0.2.1]` or `[IPv6:…]`: the end after `]`, or nil.
    private static func addressLiteralEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, upper: Int) -> Int? {
        let limit = min(upper, start + 64)
        var p = start + 1
        if p + 5 <= limit && bytes[p] | 0x20 == UInt8(ascii: "i") && bytes[p + 1] | 0x20 == UInt8(ascii: "p")
            && bytes[p + 2] | 0x20 == UInt8(ascii: "v") && bytes[p + 3] == UInt8(ascii: "6") && bytes[p + 4] == UInt8(ascii: ":") {
            p += 5
            let first = p
            while p < limit && (ASCII.isHexDigit(bytes[p]) || bytes[p] == UInt8(ascii: ":") || bytes[p] == UInt8(ascii: ".")) { p += 1 }
            guard p - first >= 2, p < limit, bytes[p] == UInt8(ascii: "]") else { return nil }
            return p + 1
        }
        for part in 0..<4 {
            var value = 0
            let first = p
            while p < limit && ASCII.isDigit(bytes[p]) && p - first < 3 { value = value * 10 + Int(bytes[p] &- 48); p += 1 }
            guard p > first, value <= 255, p < limit else { return nil }
            let expected = part == 3 ? UInt8(ascii: "]") : UInt8(ascii: ".")
            guard bytes[p] == expected else { return nil }
            p += 1
        }
        return p
    }
}
