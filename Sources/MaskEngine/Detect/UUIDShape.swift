/// The text form of a UUID: 32 hex digits in groups of 8-4-4-4-12, hyphenated
/// (`550e8400-e29b-41d4-a716-446655440000`).
///
/// A UUID's groups are often all digits, and the card rules accept some of them: the 12-digit last
/// group as a Maestro number (`…-7725-674409145085`), the 4-4-4 middle as a grouped one
/// (`8fdcf9f2-6716-4765-5768-b5dd98b0a66d`), when Luhn and an issuer range happen to pass. Such a
/// group is glued by hyphens to letters, not to digits, so the rule that skips digits glued to letters
/// (`DigitGroupDetector`) did not see it: one of the 415,772 random UUIDs of
/// `Benchmarks/table-shapes.py`'s `uuids` table was changed (Benchmarks/RESULTS.md). A number inside a
/// UUID's shape is part of an identifier, never a card or an SSN (whose groupings are not 8-4-4-4-12),
/// so this test only removes false findings.
enum UUIDShape {
    static let length = 36

    /// Whether the bytes `start..<end` lie inside a UUID: some 36 bytes around them, within
    /// `lower..<upper`, have a UUID's shape, and no hex digit touches them on either side (a hyphen or a
    /// letter may: `req-…`, `urn:uuid:…`). Called only for a finding about to be made, so it tries at
    /// most 36 places, rarely.
    static func contains(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, lower: Int, upper: Int) -> Bool {
        guard end - start <= length else { return false }
        var at = max(lower, end - length)
        while at <= start && at + length <= upper {
            if isUUID(bytes, at: at, lower: lower, upper: upper) { return true }
            at += 1
        }
        return false
    }

    /// Whether `bytes[at ..< at + 36]` (inside `lower..<upper`) is a UUID with no hex digit beside it.
    @inline(__always)
    static func isUUID(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, lower: Int, upper: Int) -> Bool {
        guard bytes[at + 8] == UInt8(ascii: "-"), bytes[at + 13] == UInt8(ascii: "-"), bytes[at + 18] == UInt8(ascii: "-"),
              bytes[at + 23] == UInt8(ascii: "-"),
              at == lower || !ASCII.isHexDigit(bytes[at - 1]),
              at + length == upper || !ASCII.isHexDigit(bytes[at + length]) else { return false }
        for i in 0..<length where i != 8 && i != 13 && i != 18 && i != 23 {
            if !ASCII.isHexDigit(bytes[at + i]) { return false }
        }
        return true
    }
}
