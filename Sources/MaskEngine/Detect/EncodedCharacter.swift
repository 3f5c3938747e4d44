/// One character of text as data writes it: an ASCII byte, a UTF-8 sequence, or an escape that
/// stands for one character — URL encoding (`%40`, and `%C3%AB` for a UTF-8 sequence), a JSON escape
/// (`\u0040`, `\u00eb`, a surrogate pair for characters beyond the BMP) or an HTML numeric reference
/// (`&#64;`, `&#x40;`).
///
/// A JSON escape may carry more than one backslash: JSON inside a JSON string, and JSON in a COPY text
/// row (where every backslash is doubled), write `\u0040` as `\\u0040`. Any run of backslashes before
/// `uXXXX` is read as one escape, so an address is found at every level of nesting.
///
/// The email rule reads addresses through it, so that `ann%40example.com` in a query string,
/// `zo\u00eb\u0040example.com` in JSON and `zoë@exämple.com` in UTF-8 are one grammar. Reading goes
/// forward (`at`) or backward (`before`); both read the same characters from the same bytes, and both
/// cost a bounded number of byte reads per character (plus the length of a run of backslashes).
struct EncodedCharacter {
    /// How the character is written.
    enum Form: UInt8 { case raw, percent, json, html }

    /// The Unicode scalar value, or `invalid` for bytes that are not a character (malformed UTF-8, a
    /// lone surrogate): callers treat it as the end of a word.
    var scalar: UInt32
    /// The character's bytes are `start..<end`.
    var start: Int
    var end: Int
    var form: Form

    static let invalid: UInt32 = 0xFFFF_FFFF

    /// The character whose first byte is `bytes[i]` (`i < upper`).
    @inline(__always)
    static func at(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, upper: Int) -> EncodedCharacter {
        let b = bytes[i]
        // Most bytes of an address are ASCII that starts no escape: no call.
        if b < 0x80 && b != UInt8(ascii: "%") && b != UInt8(ascii: "\\") && b != UInt8(ascii: "&") {
            return EncodedCharacter(scalar: UInt32(b), start: i, end: i + 1, form: .raw)
        }
        return decode(bytes, i, upper: upper)
    }

    @inline(never)
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, upper: Int) -> EncodedCharacter {
        let b = bytes[i]
        switch b {
        case UInt8(ascii: "%"):
            if let c = percent(bytes, i, upper: upper) { return c }
        case UInt8(ascii: "\\"):
            if let c = json(bytes, i, upper: upper) { return c }
        case UInt8(ascii: "&"):
            if let c = html(bytes, i, upper: upper) { return c }
        default:
            break
        }
        if b < 0x80 { return EncodedCharacter(scalar: UInt32(b), start: i, end: i + 1, form: .raw) }
        return utf8(bytes, i, upper: upper)
    }

    /// The character whose last byte is `bytes[i - 1]` (`i > lower`).
    @inline(__always)
    static func before(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, lower: Int) -> EncodedCharacter {
        if isPlainASCII(before: i, in: bytes, lower: lower) {
            return EncodedCharacter(scalar: UInt32(bytes[i - 1]), start: i - 1, end: i, form: .raw)
        }
        return decode(bytes, before: i, lower: lower)
    }

    /// Whether the byte before `i` is ASCII that ends no escape (`;` ends `&#NN;`, hex digits end `%XX`
    /// and `\uXXXX`), so that `before` reads it as itself, without a call.
    @inline(__always)
    static func isPlainASCII(before i: Int, in bytes: UnsafeBufferPointer<UInt8>, lower: Int) -> Bool {
        let b = bytes[i - 1]
        return b < 0x80 && b != UInt8(ascii: ";")
            && !(ASCII.isHexDigit(b) && ((i - 3 >= lower && bytes[i - 3] == UInt8(ascii: "%"))
                || (i - 6 >= lower && bytes[i - 5] == UInt8(ascii: "u") && bytes[i - 6] == UInt8(ascii: "\\"))))
    }

    @inline(never)
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, before i: Int, lower: Int) -> EncodedCharacter {
        let b = bytes[i - 1]
        if b < 0x80 {
            if ASCII.isHexDigit(b) {
                // `\uXXXX` ends in four hex digits, `%XX` in two.
                if let start = jsonUnitStart(bytes, before: i, lower: lower), let c = json(bytes, start, upper: i), c.end == i {
                    return lowSurrogateJoined(bytes, c, lower: lower)
                }
                if i - 3 >= lower && bytes[i - 3] == UInt8(ascii: "%") && ASCII.isHexDigit(bytes[i - 2]) {
                    return percentBefore(bytes, i, lower: lower)
                }
            } else if b == UInt8(ascii: ";") {
                // `&#NNNNNNN;` is at most 11 bytes.
                var p = i - 3
                while p >= max(lower, i - 11) {
                    if bytes[p] == UInt8(ascii: "&") {
                        if let c = html(bytes, p, upper: i), c.end == i { return c }
                        break
                    }
                    p -= 1
                }
            }
            return EncodedCharacter(scalar: UInt32(b), start: i - 1, end: i, form: .raw)
        }
        // A UTF-8 sequence: back over at most three continuation bytes to its lead byte.
        var start = i - 1
        while start > lower && start > i - 4 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        let c = utf8(bytes, start, upper: i)
        if c.end == i && c.scalar != invalid { return c }
        return EncodedCharacter(scalar: invalid, start: i - 1, end: i, form: .raw)
    }

    // MARK: - Forms

    /// A UTF-8 sequence starting at `i`, checked as the Unicode standard defines well-formed UTF-8
    /// (no overlong forms, no surrogates, nothing above U+10FFFF).
    @inline(__always)
    private static func utf8(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, upper: Int) -> EncodedCharacter {
        let bad = EncodedCharacter(scalar: invalid, start: i, end: i + 1, form: .raw)
        let b = bytes[i]
        let length: Int
        var scalar: UInt32
        if b < 0x80 { return EncodedCharacter(scalar: UInt32(b), start: i, end: i + 1, form: .raw) }
        if b >= 0xC2 && b <= 0xDF { length = 2; scalar = UInt32(b & 0x1F) }
        else if b >= 0xE0 && b <= 0xEF { length = 3; scalar = UInt32(b & 0x0F) }
        else if b >= 0xF0 && b <= 0xF4 { length = 4; scalar = UInt32(b & 0x07) }
        else { return bad }
        guard i + length <= upper else { return bad }
        for k in 1..<length {
            let c = bytes[i + k]
            guard c & 0xC0 == 0x80 else { return bad }
            scalar = scalar << 6 | UInt32(c & 0x3F)
        }
        guard isWellFormed(scalar, length: length) else { return bad }
        return EncodedCharacter(scalar: scalar, start: i, end: i + length, form: .raw)
    }

    @inline(__always)
    private static func isWellFormed(_ scalar: UInt32, length: Int) -> Bool {
        switch length {
        case 2: scalar >= 0x80
        case 3: scalar >= 0x800 && !(0xD800...0xDFFF).contains(scalar)
        default: scalar >= 0x10000 && scalar <= 0x10FFFF
        }
    }

    /// `%XX`, or a UTF-8 sequence written as two to four of them; nil when `i` does not start one.
    @inline(__always)
    private static func percent(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, upper: Int) -> EncodedCharacter? {
        guard let lead = percentByte(bytes, i, upper: upper) else { return nil }
        if lead < 0x80 { return EncodedCharacter(scalar: lead, start: i, end: i + 3, form: .percent) }
        // Escapes that do not spell UTF-8 are not escapes: `%` is a legal local-part character
        // (`xyz%abc@…`), so they read as the characters they are.
        let bad: EncodedCharacter? = nil
        let length: Int
        var scalar: UInt32
        if lead >= 0xC2 && lead <= 0xDF { length = 2; scalar = lead & 0x1F }
        else if lead >= 0xE0 && lead <= 0xEF { length = 3; scalar = lead & 0x0F }
        else if lead >= 0xF0 && lead <= 0xF4 { length = 4; scalar = lead & 0x07 }
        else { return bad }
        for k in 1..<length {
            guard let c = percentByte(bytes, i + 3 * k, upper: upper), c & 0xC0 == 0x80 else { return bad }
            scalar = scalar << 6 | (c & 0x3F)
        }
        guard isWellFormed(scalar, length: length) else { return bad }
        return EncodedCharacter(scalar: scalar, start: i, end: i + 3 * length, form: .percent)
    }

    @inline(__always)
    private static func percentByte(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, upper: Int) -> UInt32? {
        guard i + 2 < upper, bytes[i] == UInt8(ascii: "%"), ASCII.isHexDigit(bytes[i + 1]), ASCII.isHexDigit(bytes[i + 2])
        else { return nil }
        return ASCII.hexValue(bytes[i + 1]) << 4 | ASCII.hexValue(bytes[i + 2])
    }

    /// The `%XX` escape ending at `i`, with the escapes before it when it continues a UTF-8 sequence.
    private static func percentBefore(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, lower: Int) -> EncodedCharacter {
        var start = i - 3
        // Continuation bytes (10xxxxxx): walk back to the lead byte, three escapes at most.
        while start - 3 >= lower && start > i - 12,
              let v = percentByte(bytes, start, upper: i), v & 0xC0 == 0x80,
              percentByte(bytes, start - 3, upper: i) != nil {
            start -= 3
        }
        if let c = percent(bytes, start, upper: i), c.end == i { return c }
        return EncodedCharacter(scalar: UInt32(bytes[i - 1]), start: i - 1, end: i, form: .raw)
    }

    /// `\uXXXX` (after one or more backslashes), joined with a following one when the two are a
    /// surrogate pair; nil when `i` does not start one. A lone surrogate is an invalid character.
    @inline(__always)
    private static func json(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, upper: Int) -> EncodedCharacter? {
        guard let (unit, end) = jsonUnit(bytes, i, upper: upper) else { return nil }
        if unit >= 0xD800 && unit <= 0xDBFF {
            if let (low, pairEnd) = jsonUnit(bytes, end, upper: upper), low >= 0xDC00 && low <= 0xDFFF {
                let scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                return EncodedCharacter(scalar: scalar, start: i, end: pairEnd, form: .json)
            }
            return EncodedCharacter(scalar: invalid, start: i, end: end, form: .json)
        }
        if unit >= 0xDC00 && unit <= 0xDFFF { return EncodedCharacter(scalar: invalid, start: i, end: end, form: .json) }
        return EncodedCharacter(scalar: unit, start: i, end: end, form: .json)
    }

    /// A run of backslashes at `i`, `u` and four hex digits: the code unit and where it ends.
    @inline(__always)
    private static func jsonUnit(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, upper: Int) -> (UInt32, Int)? {
        var p = i
        while p < upper && bytes[p] == UInt8(ascii: "\\") { p += 1 }
        guard p > i, p + 5 <= upper, bytes[p] == UInt8(ascii: "u") else { return nil }
        var v: UInt32 = 0
        for k in 1..<5 {
            let h = bytes[p + k]
            guard ASCII.isHexDigit(h) else { return nil }
            v = v << 4 | ASCII.hexValue(h)
        }
        return (v, p + 5)
    }

    /// Where the JSON escape whose last hex digit is `bytes[i - 1]` starts (its first backslash), or nil.
    @inline(__always)
    private static func jsonUnitStart(_ bytes: UnsafeBufferPointer<UInt8>, before i: Int, lower: Int) -> Int? {
        guard i - 6 >= lower, bytes[i - 5] == UInt8(ascii: "u"), bytes[i - 6] == UInt8(ascii: "\\") else { return nil }
        var start = i - 6
        while start > lower && bytes[start - 1] == UInt8(ascii: "\\") { start -= 1 }
        return start
    }

    /// Read backward, a low surrogate escape may close a pair whose high half ends where it starts.
    private static func lowSurrogateJoined(_ bytes: UnsafeBufferPointer<UInt8>, _ c: EncodedCharacter,
                                           lower: Int) -> EncodedCharacter {
        guard c.scalar == invalid, let start = jsonUnitStart(bytes, before: c.start, lower: lower),
              let pair = json(bytes, start, upper: c.end), pair.end == c.end, pair.scalar != invalid else { return c }
        return pair
    }

    /// Whether the backslash at `i` starts an escape: it is not itself the second half of `\\`.
    @inline(__always)
    static func unescapedBackslash(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, lower: Int) -> Bool {
        var run = 1
        while i - run >= lower && bytes[i - run] == UInt8(ascii: "\\") { run += 1 }
        return run & 1 == 1
    }

    /// `&#NNN;` (decimal) or `&#xHHH;` (hex), at most seven digits; nil when `i` does not start one.
    @inline(__always)
    private static func html(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, upper: Int) -> EncodedCharacter? {
        guard i + 3 < upper, bytes[i] == UInt8(ascii: "&"), bytes[i + 1] == UInt8(ascii: "#") else { return nil }
        var p = i + 2
        let hex = bytes[p] | 0x20 == UInt8(ascii: "x")
        if hex { p += 1 }
        let digitsStart = p
        var v: UInt32 = 0
        while p < upper && p - digitsStart < 7 {
            let d = bytes[p]
            if hex ? ASCII.isHexDigit(d) : ASCII.isDigit(d) {
                v = v * (hex ? 16 : 10) + ASCII.hexValue(d)
                p += 1
            } else {
                break
            }
        }
        guard p > digitsStart, p < upper, bytes[p] == UInt8(ascii: ";") else { return nil }
        let valid = v <= 0x10FFFF && !(0xD800...0xDFFF).contains(v)
        return EncodedCharacter(scalar: valid ? v : invalid, start: i, end: p + 1, form: .html)
    }
}
