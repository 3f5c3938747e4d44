/// Credentials in a URL's user information: `scheme://user:password@host…`, whatever the host is (a
/// name without a dot, an IP address, a Unix socket path), as connection strings and DSNs write them
/// (`postgres://app:S3cr3t@db:5432/prod`, `redis://:password@cache`, `https://token@host`).
///
/// Claims every `@` stage 1 marks where it matches, ahead of the email rule (which runs first only to
/// show, by the local part it reads, where this rule cannot match: `cannotMatch`): the whole user
/// information — the user name too, since it is half of the credential — becomes one `url_credentials`
/// secret span. Without the `scheme://` right before it, an `@` is left to the email rule.
enum URLCredentialRule {
    /// The longest user information looked at, so that the backward walk from an `@` stays bounded.
    static let maxUserInfo = 512

    /// The span of the user information whose closing `@` is at `at`, within `lower..<upper`.
    static func match(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, lower: Int, upper: Int) -> Range<Int>? {
        var start = at
        let limit = max(lower, at - maxUserInfo)
        while start > limit && isUserInfo(bytes[start - 1]) { start -= 1 }
        guard start < at, start - lower >= 5,
              bytes[start - 1] == UInt8(ascii: "/"), bytes[start - 2] == UInt8(ascii: "/"), bytes[start - 3] == UInt8(ascii: ":")
        else { return nil }
        // A scheme of at least two letters (`postgres`, `postgresql+psycopg`, `mongodb+srv`, `jdbc:mysql`).
        var scheme = start - 3
        while scheme > lower && isScheme(bytes[scheme - 1]) { scheme -= 1 }
        guard start - 3 - scheme >= 2, ASCII.isAlpha(bytes[scheme]) else { return nil }
        // The host follows: something must come after the `@`.
        guard at + 1 < upper, !ASCII.isSpace(bytes[at + 1]) else { return nil }
        // A password with an unescaped `@` (`user:p@ss@host`): the user information runs to the last
        // `@` of the authority, so no part of the password is left in clear.
        var end = at
        var j = at + 1
        while j < upper && (isUserInfo(bytes[j]) || bytes[j] == UInt8(ascii: "@")) {
            if bytes[j] == UInt8(ascii: "@") { end = j }
            if bytes[j] == UInt8(ascii: "?") || bytes[j] == UInt8(ascii: "#") { break }
            j += 1
        }
        return start..<end
    }

    /// Whether `match` is nil at the `@` at `at`, given that the email rule read a local part starting at
    /// `localStart` before it. No byte of a local part is a `/` (its bytes are `ASCII.isEmailLocal`,
    /// UTF-8, a quoted string, which ends the walk at once, or escapes: `%XX`, `\uXXXX`, `&#NN;`), so
    /// `match`'s walk back either stops inside it at a byte that is no `/`, or passes it: then what
    /// decides is the byte before it, which must be a `/` or let the walk go on for `match` to succeed.
    /// Not when the local part is near `maxUserInfo`, where the walk's limit falls inside it (`match`
    /// then reads the three bytes before the limit, which may lie in the local part; a dozen bytes of
    /// margin).
    @inline(__always)
    static func cannotMatch(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, afterLocalPartFrom localStart: Int,
                            lower: Int) -> Bool {
        guard at - localStart <= maxUserInfo - 12 else { return false }
        if localStart <= lower { return true }
        let b = bytes[localStart - 1]
        return b != UInt8(ascii: "/") && !isUserInfo(b)
    }

    /// RFC 3986 user information, plus the bytes people put in passwords without escaping them; no `/`,
    /// `@`, whitespace, quotes or brackets, which end a URL in text.
    ///
    /// A bit a byte instead of a `switch`: the switch compiled to a jump table, an indirect branch per
    /// byte of every URL's host (the webhook rule's walk was 15 % of a table of URLs).
    @inline(__always)
    static func isUserInfo(_ b: UInt8) -> Bool {
        if b >= 0x80 { return true }
        let word = b < 64 ? userInfoBelow64 : userInfoFrom64
        return word >> UInt64(b & 63) & 1 != 0
    }

    /// `isUserInfo`'s bytes 0-63, a bit each: not the controls and space, `"` `'` `(` `)` `/` `<` `>`.
    /// (`userInfoBytesAreTheListedOnes` checks both words against the list.)
    static let userInfoBelow64: UInt64 = 0xAFFF_7C7A_0000_0000
    /// `isUserInfo`'s bytes 64-127: not `@` `[` `\` `]` `` ` `` `{` `}` and DEL.
    static let userInfoFrom64: UInt64 = 0x57FF_FFFE_C7FF_FFFE

    @inline(__always)
    static func isScheme(_ b: UInt8) -> Bool {
        ASCII.isAlnum(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
    }
}
