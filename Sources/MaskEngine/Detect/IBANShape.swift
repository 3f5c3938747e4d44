/// An IBAN as people print it: a country code, two check digits, and the account number in groups of
/// four (`DE89 3704 0044 0532 0130 00`, `GB29 NWBK 6016 1331 9268 19`), its MOD 97-10 check passing.
///
/// The groups after the country code are often all digits, and four of them are a card grouping: 5.6 %
/// of the random valid IBANs of a scratch table (six countries) had a "card" masked inside them, their
/// own check digits then failing, while the other 94 % passed in clear. The country code is glued to
/// its two check digits, not to the groups, so the glued-to-letters rule did not see it. A number
/// inside a valid IBAN is part of the account number, never a card: MOD 97 passes for one random
/// string in 97, and a card printed right after two capitals and two digits is rarer still, so this
/// only removes false findings; it costs a look at the bytes before a group of four digits, and an
/// IBAN's check digits once per IBAN, where its windows cost several card tests. (IBANs themselves are found by a custom detector with
/// `validator: mod97`: docs/policy.md.)
enum IBANShape {
    /// ISO 13616: at most 34 letters and digits; the shortest in use (Norway) has 15.
    static let characters = 15...34

    /// The end of the valid IBAN, printed in groups of four with single spaces, that the digit group at
    /// `start` (a run of four digits after a space, within `lower..<upper`) belongs to; nil when there
    /// is none. The scan skips to that end: no window inside is tried.
    @inline(never)  // Rarely reached: kept out of the digit scan, which is inlined into the record walks.
    static func end(_ bytes: UnsafeBufferPointer<UInt8>, groupAt start: Int, lower: Int, upper: Int) -> Int? {
        // The IBAN's groups of four before this one, each with its space; its first group is two
        // capitals and two digits; at most seven groups (34 characters) come before this one. Most
        // groups fail the first step (`card 4111…`).
        var at = start - 5
        while at >= max(lower, start - 35) {
            guard bytes[at + 4] == UInt8(ascii: " "), ASCII.isAlnum(bytes[at]), ASCII.isAlnum(bytes[at + 1]),
                  ASCII.isAlnum(bytes[at + 2]), ASCII.isAlnum(bytes[at + 3]) else { return nil }
            if isCountryAndCheck(bytes, at: at, lower: lower) { return validEnd(bytes, from: at, after: start + 4, upper: upper) }
            at -= 5
        }
        return nil
    }

    /// Whether `bytes[at ..< at + 4]` are two capitals and two digits with no letter or digit before.
    @inline(__always)
    static func isCountryAndCheck(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, lower: Int) -> Bool {
        bytes[at] &- 65 < 26 && bytes[at + 1] &- 65 < 26 && ASCII.isDigit(bytes[at + 2]) && ASCII.isDigit(bytes[at + 3])
            && (at == lower || !ASCII.isAlnum(bytes[at - 1]))
    }

    /// The first group end at or after `after` where the characters from `from` on pass MOD 97-10 (the
    /// text may go on with other words: `… 0130 00 BIC DEUTDEFF`; at most the nine group ends of a
    /// 34-character IBAN are tried), or nil.
    ///
    /// One pass: MOD 97-10 reads the account characters, then the four of the country code and check
    /// digits (`Mod97`). The account's remainder is carried as the walk goes, and at each group end the
    /// four are appended to a copy of it: six decimal digits, two per letter. The remainder is reduced
    /// only when it nears 2^56 (once every seven letters or fourteen digits), not at every character.
    static func validEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, after: Int, upper: Int) -> Int? {
        let head = letterValue(bytes[from]) * 10_000 + letterValue(bytes[from + 1]) * 100
            + UInt64(bytes[from + 2] &- 48) * 10 + UInt64(bytes[from + 3] &- 48)
        var remainder: UInt64 = 0
        var i = from + 4
        var count = 4
        while true {
            if i < upper && ASCII.isAlnum(bytes[i]) {
                let b = bytes[i]
                remainder = ASCII.isDigit(b) ? remainder &* 10 &+ UInt64(b &- 48) : remainder &* 100 &+ letterValue(b)
                if remainder >= 1 << 56 { remainder %= 97 }
                count += 1
                if count > characters.upperBound { return nil }
                i += 1
                continue
            }
            if i >= after && characters.contains(count) && (remainder % 97 * 1_000_000 + head) % 97 == 1 { return i }
            guard i + 1 < upper, bytes[i] == UInt8(ascii: " "), ASCII.isAlnum(bytes[i + 1]) else { return nil }
            i += 1
        }
    }

    /// A letter's value in MOD 97-10: `A` (or `a`) is 10 … `Z` is 35.
    @inline(__always)
    static func letterValue(_ b: UInt8) -> UInt64 { UInt64(ASCII.lower(b) &- 97) + 10 }
}
