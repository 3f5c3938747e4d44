/// Escape sequences (a backslash and what it escapes), which tokens keep as they are
/// (`LengthKeepingTokenizer`): `\n` in a JSON string is a line break, and a token that enciphered its `n`
/// as a letter would write `\4` or `\H`, escapes JSON does not have.
///
/// The rule keeps tokens injective: a token never writes a backslash of its own (it is a kept byte), so
/// the token's escapes start where the value's did, and each one's length below comes out the same on
/// the token as on the value (a letter or digit stays one, punctuation and kept bytes stay neither; see
/// `length`), so two values with different escapes cannot share a token.
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
}
