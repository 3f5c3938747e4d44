/// The text form of a UUID: 32 hex digits in groups of 8-4-4-4-12, hyphenated
/// (`550e8400-e29b-41d4-a716-446655440000`).
///
/// A UUID's groups are often all digits, and the card rules accept some of them: the 12-digit last
/// group as a Maestro number (`…-7725-674409145085`), the 4-4-4 middle as a grouped one
/// (`8fdcf9f2-6716-4765-5768-b5dd98b0a66d`), when Luhn and an issuer range happen to pass. Such a
/// group is glued by hyphens to letters, not to digits, so the rule that skips digits glued to letters
/// (`DigitGroupDetector`) did not see it: 4 of 430,000 random UUIDs in a CSV were changed. A number
/// inside a UUID's exact shape is part of an identifier, never a card or an SSN (whose groupings are
/// not 8-4-4-4-12), so this test only removes false findings.
enum UUIDShape {
    static let length = 36

    @inline(__always)
    static func isHexOrHyphen(_ b: UInt8) -> Bool { ASCII.isHexDigit(b) || b == UInt8(ascii: "-") }

    /// Whether the bytes `start..<end` lie inside a UUID: the run of hex digits and hyphens around them,
    /// within `lower..<upper`, is exactly a UUID's 36 bytes. Called only for a finding about to be made,
    /// so it reads at most 36 bytes each way, rarely.
    static func contains(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, lower: Int, upper: Int) -> Bool {
        var first = start
        while first > lower && start - first < length && isHexOrHyphen(bytes[first - 1]) { first -= 1 }
        var last = end
        while last < upper && last - first < length && isHexOrHyphen(bytes[last]) { last += 1 }
        guard last - first == length,
              first == lower || !isHexOrHyphen(bytes[first - 1]),
              last == upper || !isHexOrHyphen(bytes[last]) else { return false }
        for i in 0..<length {
            let b = bytes[first + i]
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if b != UInt8(ascii: "-") { return false }
            } else if !ASCII.isHexDigit(b) {
                return false
            }
        }
        return true
    }
}
