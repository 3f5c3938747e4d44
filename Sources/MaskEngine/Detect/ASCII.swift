/// Byte classes of ASCII used by the validators, as comparisons rather than a lookup table: a global
/// table costs a lazy-initialisation check on every access in Swift, which showed up at 5 % of a profile.
enum ASCII {
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- 97 < 26 }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isAlpha(b) }
    @inline(__always) static func isUpperOrDigit(_ b: UInt8) -> Bool { b &- 65 < 26 || b &- 48 < 10 }
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b &- 65 < 26 ? b | 0x20 : b }
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 }
    /// `[A-Za-z0-9_-]`
    @inline(__always) static func isBase64URL(_ b: UInt8) -> Bool { isAlnum(b) || b == 95 || b == 45 }
    /// `[A-Za-z0-9+/]`
    @inline(__always) static func isBase64(_ b: UInt8) -> Bool { isAlnum(b) || b == 43 || b == 47 }
    /// Bytes of an unquoted email local part: letters, digits and the RFC 5322 `atext` specials that real
    /// addresses use, `. _ % + - ' ! # $ & * ^ ~`. RFC 5322 also allows `/ = ? | { }` and the backtick;
    /// they are left out because in text they far more often separate an address from what precedes it
    /// (`email=ann@…`, `/unsubscribe/ann@…`, `?to=ann@…`, `id|ann@…`, `{{ann@…}}`, `` `ann@…` ``).
    @inline(__always) static func isEmailLocal(_ b: UInt8) -> Bool {
        if isAlnum(b) { return true }
        switch b {
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "-"),
             UInt8(ascii: "'"), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "&"),
             UInt8(ascii: "*"), UInt8(ascii: "^"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
    /// Local-part specials that, at the start of what the backward scan collected, are punctuation in
    /// front of the address (`'ann@…'`, `**ann@…**`, `--ann@…`, `...ann@…`) rather than part of it.
    @inline(__always) static func isEmailLeadingPunctuation(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "."), UInt8(ascii: "'"), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"),
             UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "^"), UInt8(ascii: "~"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
    @inline(__always) static func isHexDigit(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20) &- 97 < 6 }
    /// The value of a hex digit; the byte must be one.
    @inline(__always) static func hexValue(_ b: UInt8) -> UInt32 { isDigit(b) ? UInt32(b &- 48) : UInt32((b | 0x20) &- 87) }
    /// `[A-Za-z0-9_.-]`: keys of assignments.
    @inline(__always) static func isIdentifier(_ b: UInt8) -> Bool { isAlnum(b) || b == 95 || b == 46 || b == 45 }
}
