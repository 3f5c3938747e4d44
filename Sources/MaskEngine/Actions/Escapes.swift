/// Escape sequences (a backslash and what it escapes), which tokens keep as they are
/// (`LengthKeepingTokenizer`): `\n` in a JSON string is a line break, and a token that enciphered its `n`
/// as a letter would write `\4` or `\H`, escapes JSON does not have.
///
/// The rule keeps tokens injective: a token never writes a backslash of its own (it is a kept byte), so
/// the token's escapes start where the value's did, and each one's length below comes out the same on
/// the token as on the value (a letter or digit stays one, punctuation and kept bytes stay neither; see
/// `length`), so two values with different escapes cannot share a token.
///
/// Percent-escapes (`%3D` in a URL's query) are read as the byte they stand for (`percentEscaped`), and
/// the token writes its byte for that position back as an escape, so a masked URL still decodes. A token
/// does write a `%` of its own (a kept mark) and letters and digits that may be hex digits, so an escape
/// can appear in a token where the value had none (`x%4G` enciphered as `y%41`): two values of different
/// escapes then share a token by chance, with a probability of the order of the keystream's (62^-m).
enum Escapes {
    /// The length of the escape sequence that starts with the backslash at `i`: the backslash and the
    /// character after it (`\n`, `\\`, `\"`, `\/`, any other), with its UTF-8 continuation bytes; for `\u`
    /// followed by four letters, digits or non-ASCII bytes (JSON's `\u00f1`), those four as well (and the
    /// continuation bytes after them). A backslash that ends the value is 1.
    ///
    /// `\u`'s four are not tested for hex: a token turns letters and digits into letters and digits, so
    /// "four letters or digits follow" reads the same on the token as on the value, where "four hex digits
    /// follow" would not (`\u00g9`'s `g9` could become `e9`).
    static func length(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        guard i + 1 < bytes.count else { return 1 }
        var end = i + 2
        if bytes[i + 1] == UInt8(ascii: "u"), end + 4 <= bytes.count,
           (end..<(end + 4)).allSatisfy({ ASCII.isAlnum(bytes[$0]) || bytes[$0] >= 0x80 }) {
            end += 4
        }
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        return end - i
    }

    /// The byte a percent-escape at `i` (`%3D`, `%2f`) stands for, when it is ASCII other than a
    /// backslash; nil for any other `%`. A byte of 0x80 and more is left (one character of several
    /// escapes, which a token's character count could not keep), and so is `%5C` (a backslash among the
    /// unescaped bytes would be read as an escape again).
    static func percentEscaped(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> UInt8? {
        guard i + 2 < bytes.count, bytes[i] == 0x25, let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]),
              high < 8 else { return nil }
        let byte = high << 4 | low
        return byte == 0x5C ? nil : byte
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }
}
