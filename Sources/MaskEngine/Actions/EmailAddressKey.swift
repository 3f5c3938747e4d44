/// What an email token is keyed on, and which `@` it writes: the address as it reads, whatever the
/// encoding it was found in, so that `ann@x.com` in a column and `ann%40x.com` in a logged URL get
/// the same token (`…@example.invalid` and `…%40example.invalid`).
///
/// Decoding follows what a valid address can contain: `\uXXXX` and `&#NN;` are always escapes (a bare
/// address has no `\` or `;`), but `%` is a legal local-part character, so `%XX` is decoded only when
/// the `@` itself is written `%40` (the address was URL-encoded as a whole). Two different addresses
/// therefore never share a key; two spellings of one address (`zoë@x.com`, `zo\u00eb@x.com`) do.
enum EmailAddressKey {
    /// The address's `@` in `value` (a detected email span), literal or escaped. The domain holds no
    /// `@` in any form, so the first one found from the right is the separator.
    static func separator(in value: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        // Most addresses have a literal `@`; the domain after it holds no escaped one either. Read eight
        // bytes at a time from the right (a byte loop's exit went either way on every address), the
        // highest `@` of a word the last one.
        if let base = value.baseAddress {
            var end = value.count
            while end >= 8 {
                // Sound: end - 8 ..< end lies inside `value`.
                let ats = matches(UInt8(ascii: "@"), in: UnsafeRawPointer(base + end - 8).loadUnaligned(as: UInt64.self))
                if ats != 0 {
                    let at = end - 8 + (63 - ats.leadingZeroBitCount) / 8
                    return at..<(at + 1)
                }
                end -= 8
            }
            while end > 0 {
                end -= 1
                if base[end] == UInt8(ascii: "@") { return end..<(end + 1) }
            }
        }
        var i = value.count
        while i > 0 {
            let c = EncodedCharacter.before(value, i, lower: 0)
            if c.scalar == 0x40 { return c.start..<c.end }
            i = c.start
        }
        return nil
    }

    /// Whether the key differs from the span's own bytes: not for most addresses (a literal `@`, no
    /// escape that is always decoded, case kept), whose key is then the span itself, with no copy.
    @inline(__always)
    static func isSpanItself(_ value: UnsafeBufferPointer<UInt8>, separator: Range<Int>?, emailCase: EmailCase) -> Bool {
        guard emailCase == .keep, let separator, separator.count == 1 else { return false }
        // Eight bytes at a time (an address rarely holds either byte; the byte loop was a branch a byte,
        // and the compiler's vector loop for so few bytes mostly its set-up), then the last few.
        guard let base = value.baseAddress else { return true }
        var i = 0
        while i + 8 <= value.count {
            // Sound: i ..< i + 8 lies inside `value`.
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if matches(UInt8(ascii: "\\"), in: word) | matches(UInt8(ascii: "&"), in: word) != 0 { return false }
            i += 8
        }
        while i < value.count {
            if base[i] == UInt8(ascii: "\\") || base[i] == UInt8(ascii: "&") { return false }
            i += 1
        }
        return true
    }

    /// The bytes of `word` (eight, little-endian) equal to `byte`, as the high bit of each: the zero
    /// bytes of `word ^ byte×8` by the carry-free test (adding 0x7F to each byte's low seven bits never
    /// carries into the next byte, so every flag is exact, not only the lowest).
    @inline(__always)
    private static func matches(_ byte: UInt8, in word: UInt64) -> UInt64 {
        let x = word ^ (UInt64(byte) &* 0x0101_0101_0101_0101)
        return ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
    }

    /// Appends the key bytes of `value`: the address decoded to UTF-8, its separator a plain `@`,
    /// lower-cased when `emailCase` is `.fold`.
    static func append(_ value: UnsafeBufferPointer<UInt8>, separator: Range<Int>?, emailCase: EmailCase,
                       to out: inout [UInt8]) {
        let first = out.count
        let percentEncoded = separator.map { value[$0.lowerBound] == UInt8(ascii: "%") } ?? false
        var i = 0
        while i < value.count {
            if let separator, i == separator.lowerBound {
                out.append(UInt8(ascii: "@"))
                i = separator.upperBound
                continue
            }
            let b = value[i]
            if b < 0x80 && b != UInt8(ascii: "%") && b != UInt8(ascii: "\\") && b != UInt8(ascii: "&") {
                out.append(b)
                i += 1
                continue
            }
            let c = EncodedCharacter.at(value, i, upper: value.count)
            let decoded = c.scalar != EncodedCharacter.invalid
                && (c.form == .json || c.form == .html || (c.form == .percent && percentEncoded))
            if decoded {
                appendUTF8(c.scalar, to: &out)
                i = c.end
            } else if c.form == .raw {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: value[c.start..<c.end]))
                i = c.end
            } else {
                // An escape kept as written (`%41` in a plain address): its first byte, then the rest as text.
                out.append(value[i])
                i += 1
            }
        }
        guard emailCase == .fold else { return }
        if !out[first...].contains(where: { $0 >= 0x80 }) {
            for k in first..<out.count { out[k] = ASCII.lower(out[k]) }
        } else {
            // Rare (a non-ASCII address under the fold option): Unicode lower-casing through String.
            let lowered = Array(String(decoding: out[first...], as: UTF8.self).lowercased().utf8)
            out.replaceSubrange(first..., with: lowered)
        }
    }

    @inline(__always)
    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            out.append(UInt8(scalar))
        case ..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
            out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
