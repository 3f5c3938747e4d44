/// The ISO 7064 MOD 97-10 check that IBANs use (ISO 13616): spaces removed, the first four characters
/// (country code and check digits) moved to the end, each letter replaced by two digits (`A` = 10 …
/// `Z` = 35), and the resulting number must leave remainder 1 when divided by 97.
///
/// The number is never built: the remainder is carried digit by digit (`r = (r * 10 + d) % 97`, or
/// `* 100` for a letter's two digits), so any length works in a machine word. Lower-case letters count
/// as their capitals, since people type IBANs either way; any other byte (a hyphen, a dot) fails the
/// check. Cost: one pass over the span, no allocation.
enum Mod97 {
    /// Whether the span, spaces ignored, passes MOD 97-10. Fewer than five characters fail: with only
    /// the four moved to the end there is no account part to check.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var remainder = 0
        var count = 0
        // The characters after the first four, then the first four.
        var head: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        for b in bytes where b != UInt8(ascii: " ") {
            guard ASCII.isAlnum(b) else { return false }
            switch count {
            case 0: head.0 = b
            case 1: head.1 = b
            case 2: head.2 = b
            case 3: head.3 = b
            default: remainder = step(remainder, b)
            }
            count += 1
        }
        guard count >= 5 else { return false }
        remainder = step(step(step(step(remainder, head.0), head.1), head.2), head.3)
        return remainder == 1
    }

    /// The remainder after appending the digit or letter `b` (which must be ASCII alphanumeric).
    @inline(__always)
    static func step(_ remainder: Int, _ b: UInt8) -> Int {
        if ASCII.isDigit(b) { return (remainder * 10 + Int(b &- 48)) % 97 }
        return (remainder * 100 + Int(ASCII.lower(b) &- 97) + 10) % 97
    }
}
