/// Byte classes of ASCII used by the validators, as comparisons rather than a lookup table: a global
/// table costs a lazy-initialisation check on every access in Swift, which showed up at 5 % of a profile.
enum ASCII {
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- 97 < 26 }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isAlpha(b) }
    /// A byte of a long token run as stage 1 measures it (`mk_block_masks.longrun`): [A-Za-z0-9_.~-].
    @inline(__always) static func isTokenByte(_ b: UInt8) -> Bool {
        isAlnum(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "~") || b == UInt8(ascii: "-")
    }
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

    /// Where the run of digits at `position` ends: the first index at or after it, below `upper`, that
    /// holds no digit, or `upper`. Eight bytes a step where they lie inside `bytes`: the validators walk
    /// every card's and SSN's runs, and a byte loop's exit went either way at every run's end.
    @inline(__always)
    static func endOfDigits(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int, upper: Int) -> Int {
        var i = position
        while i < upper && i + 8 <= bytes.count {
            // Sound: i ..< i + 8 lies inside `bytes`.
            let word = UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)
            let others = nonDigitBytes(word)
            if others != 0 { return min(i + others.trailingZeroBitCount >> 3, upper) }
            i += 8
            // Eight digits that reach `upper`: the run ends there.
            if i >= upper { return upper }
        }
        while i < upper && isDigit(bytes[i]) { i += 1 }
        return i
    }

    /// The high bit of each byte of `word` that is no ASCII digit (the others zero): a digit's high nibble
    /// is 3 and its low nibble plus 6 stays below 16. Each byte is computed apart (no carry crosses a byte).
    @inline(__always)
    static func nonDigitBytes(_ word: UInt64) -> UInt64 {
        let highNibble = (word & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030
        let lowNibbleOver9 = ((word & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0
        let flags = highNibble | lowNibbleOver9
        return (((flags & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | flags) & 0x8080_8080_8080_8080
    }
}
