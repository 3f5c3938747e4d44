import MaskEngine

/// The secret detector against ReferenceSecret, on two shapes:
///
/// - a token of one of six documented formats alone in its cell (after nothing or a space), its body
///   one character short, exact or one long, from its alphabet or with a foreign byte, before the end,
///   a space, a dot, a quote, an underscore, a letter or a digit. Restriction: the cell holds nothing
///   else, so no key, URL or context can make the token matter or not; SendGrid bodies use no `_`/`-`
///   at the segment ends' neighbours other than their own.
/// - an assignment `key<op>value` of a strong key (the value is masked whatever its entropy).
///   Restriction, so that the reference is exact: the value is 4 to 24 bytes of digits and the
///   consonants `QWZKJVMGRN` (no vowel, `x`, `t`, `b` or `d`: no placeholder word, no `x` run, no
///   token prefix can be spelled), has at least two distinct bytes, and is not dominated by one byte
///   when 16 or longer; bare or in matching quotes; followed by nothing, a line end, `; next=1`,
///   `, next=2` or `&next=3`. The key is first in its cell.
public enum DifferentialSecrets: DifferentialTarget {
    public static let name = "DifferentialSecrets"

    public static func mismatch(in data: UnsafeRawBufferPointer) -> DifferentialMismatch? {
        var input = DifferentialInput(data)
        return input.byte() & 1 == 0 ? token(&input) : assignment(&input)
    }

    static func token(_ input: inout DifferentialInput) -> DifferentialMismatch? {
        let format = input.choice(ReferenceSecret.formats)
        var body = ""
        for (i, segment) in format.segments.enumerated() {
            if i > 0, let s = format.separator { body.append(s) }
            let length = segment.length + input.choice([0, 0, 0, 0, -1, 1])
            let alphabet = Array(segment.alphabet).sorted()
            for _ in 0..<length {
                // One byte in 64 is foreign to the alphabet.
                let raw = input.byte()
                body.append(raw == 255 ? input.choice(Array("%.+/Ga")) : alphabet[Int(raw) % alphabet.count])
            }
        }
        let before = input.choice(["", " "])
        let after = input.choice(["", " ", ".", "\"", "_", "x", "7", "\n"])
        let cell = before + format.prefix + body + after
        // The token must end where its body does: a letter or digit right after it is read as part of
        // the body (a longer word, or a longer body where the format may grow).
        // Likewise a byte of the last segment's own alphabet (`_` `-`) while that segment is short of its
        // length: `SG.<22>.<42>_` has a 43-byte last segment.
        let lastSegment = format.segments[format.segments.count - 1]
        let lastLength = body.split(separator: format.separator ?? "\u{0}", omittingEmptySubsequences: false).last?.count ?? 0
        if let c = after.first, c.isLetter || c.isNumber || (lastSegment.alphabet.contains(c) && lastLength < lastSegment.length) {
            body += after
        }
        // A byte that is no letter or digit, not the separator and in no segment's alphabet (`/`, `%`,
        // `+`) ends the token there, as secrets.md says: what follows it is not part of the body.
        if let cut = body.firstIndex(where: { c in
            !(c.isLetter || c.isNumber) && c != format.separator && !format.segments.contains { $0.alphabet.contains(c) }
        }) {
            body = String(body[..<cut])
        }
        // A separator after the last segment (`SG.<22>.<43>.`) is no part of the token: the body has as
        // many parts as the format has segments, and the token ends before a further separator.
        if let separator = format.separator {
            let parts = body.split(separator: separator, omittingEmptySubsequences: false)
            if parts.count > format.segments.count {
                body = parts.prefix(format.segments.count).joined(separator: String(separator))
            }
        }
        // A last segment longer than its format whose byte just past the length is punctuation of its
        // own alphabet (`-`, `_`) ends at the length: only a letter or digit makes a longer word.
        if !format.mayGrow, var parts = format.separator.map({ s in body.split(separator: s, omittingEmptySubsequences: false).map(String.init) }) ?? Optional([body]),
           let last = parts.last, last.count > lastSegment.length {
            let next = last[last.index(last.startIndex, offsetBy: lastSegment.length)]
            if !(next.isLetter || next.isNumber) {
                parts[parts.count - 1] = String(last.prefix(lastSegment.length))
                body = format.separator.map { parts.joined(separator: String($0)) } ?? parts[0]
            }
        }
        // A body whose placeholder test sits on its entropy threshold is not judged (rounding decides it).
        if ReferenceSecret.placeholderTestIsOnTheEdge(body) { return nil }
        let start = before.utf8.count
        let expected = ReferenceSecret.isToken(format, body: body)
            ? [start..<(start + format.prefix.utf8.count + body.utf8.count)] : []
        // Only the token at the cell's start is judged: a body that is no token of its format may hold
        // one of another (`…WT.s.nIII35yJ3yyy0p4EvkrdjiWT`: a Vault `s.` token after a dot), which the
        // catalogue masks and this reference does not know.
        return DifferentialScan.compare(Array(cell.utf8), .secret, expected: expected, startingAt: start)
    }

    static func assignment(_ input: inout DifferentialInput) -> DifferentialMismatch? {
        let key = input.choice(ReferenceSecret.strongKeys)
        let op = input.choice(["=", ": ", " = ", ":=", "=>", ":"])
        let alphabet = Array("0123456789QWZKJVMGRN")
        var value = String((0..<input.number(in: 4...24)).map { _ in input.choice(alphabet) })
        if Set(value).count < 2 { value = "Q9" + value.dropFirst(2) }
        var counts: [Character: Int] = [:]
        for c in value { counts[c, default: 0] += 1 }
        // secrets.md: a 16+ byte value that one character dominates, with fewer than 8 other bytes, is
        // a placeholder; with 8 or more it is masked (a value followed by filler).
        if value.count >= 16, counts.values.max()! * 2 > value.count, value.count - counts.values.max()! < 8 {
            return DifferentialScan.compare(Array((key + op + value).utf8), .secret, expected: [])
        }
        let quote = input.choice(["", "", "\"", "'"])
        let after = input.choice(["", "\n", "; next=1", ", next=2", "&next=3"])
        let cell = key + op + quote + value + quote + after
        let start = (key + op + quote).utf8.count
        return DifferentialScan.compare(Array(cell.utf8), .secret, expected: [start..<(start + value.utf8.count)])
    }
}
