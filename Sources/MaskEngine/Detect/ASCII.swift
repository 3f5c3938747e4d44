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
    /// `[A-Za-z0-9._%+-]`
    @inline(__always) static func isEmailLocal(_ b: UInt8) -> Bool {
        isAlnum(b) || b == 46 || b == 95 || b == 37 || b == 43 || b == 45
    }
    /// `[A-Za-z0-9_.-]`: keys of assignments.
    @inline(__always) static func isIdentifier(_ b: UInt8) -> Bool { isAlnum(b) || b == 95 || b == 46 || b == 45 }
}
