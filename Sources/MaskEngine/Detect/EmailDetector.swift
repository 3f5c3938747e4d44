/// Validates an email address around an '@' found by stage 1.
///
/// Grammar accepted (the practical subset of RFC 5322 that real data uses): a local part of letters,
/// digits and `._%+-` (no leading dot), then a domain of at least two dot-separated labels of letters,
/// digits and hyphens, the last label (the TLD) alphabetic and 2 to 24 letters long. Trailing dots and
/// hyphens are sentence punctuation, not part of the address. Rejected: `@mentions` (empty local part),
/// `user@localhost` and `name@host` (no dot in the domain).
enum EmailDetector {
    static let maxDomain = 253

    /// The span of the address whose '@' is at `at`, within `lower..<upper` of `bytes`.
    @inline(__always)
    static func match(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, lower: Int, upper: Int) -> Range<Int>? {
        // Local part, scanning left. No length cap: a cap would leave the front of an overlong local part
        // unmasked. The scan stops at the previous '@' at the latest, so the cost stays linear.
        var start = at
        while start > lower && ASCII.isEmailLocal(bytes[start - 1]) { start -= 1 }
        while start < at && bytes[start] == UInt8(ascii: ".") { start += 1 }
        guard start < at else { return nil }
        // Domain, scanning right: labels of [A-Za-z0-9-] joined by single dots.
        var end = at + 1
        let domainLimit = min(upper, at + 1 + maxDomain)
        while end < domainLimit {
            let b = bytes[end]
            if ASCII.isAlnum(b) || b == UInt8(ascii: "-") {
                end += 1
            } else if b == UInt8(ascii: "."), end > at + 1, bytes[end - 1] != UInt8(ascii: ".") {
                end += 1
            } else {
                break
            }
        }
        // Cut back to the last label that is a valid TLD; what follows it is punctuation or noise.
        while end > at + 1 {
            while end > at + 1 && (bytes[end - 1] == UInt8(ascii: ".") || bytes[end - 1] == UInt8(ascii: "-")) {
                end -= 1
            }
            var dot = end - 1
            while dot > at && bytes[dot] != UInt8(ascii: ".") { dot -= 1 }
            guard dot > at + 1 else { return nil }  // no dot, or an empty first label
            // The TLD is the alphabetic start of the last label: `a@b.com1` and `a@b.com-x` (a digit or
            // hyphen run into the address) still mask `a@b.com`; fail closed rather than miss it.
            var letters = 0
            while dot + 1 + letters < end && ASCII.isAlpha(bytes[dot + 1 + letters]) { letters += 1 }
            if letters >= 2 && letters <= 24 { return start..<(dot + 1 + letters) }
            end = dot
        }
        return nil
    }
}
