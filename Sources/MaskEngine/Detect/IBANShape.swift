/// An IBAN as people print it: a country code, two check digits, and the account number in groups of
/// four (`DE89 3704 0044 0532 0130 00`, `GB29 NWBK 6016 1331 9268 19`), its MOD 97-10 check passing.
///
/// The groups after the country code are often all digits, and four of them are a card grouping: 7.3 %
/// of random valid IBANs (`scripts/false-positive-rates`, six countries) had a "card" masked inside
/// them, their own check digits then failing, while the rest passed in clear. The country code is
/// glued to its two check digits, not to the groups, so the glued-to-letters rule did not see it. A
/// number inside a valid IBAN is part of the account number, never a card. To be one, the text must
/// start with a country code of the IBAN registry, have exactly that country's length, and pass MOD
/// 97-10 (one random string in 97): a card printed after such a prefix is passed over only when all
/// three hold by chance. Cost: a look at the bytes before a group of four digits, and an IBAN's check
/// once per IBAN, where its windows cost several card tests. (IBANs themselves are found by a custom
/// detector with `validator: mod97`: docs/policy.md.)
enum IBANShape {
    /// The IBAN length of each country of the registry (ISO 13616, SWIFT's IBAN registry): 26 × 26
    /// entries by the two capitals, 0 where no country uses IBANs.
    static let lengths: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 26 * 26)
        let registry = """
            AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 \
            EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 \
            JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 \
            NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 \
            TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30
            """
        for entry in registry.split(separator: " ") {
            let b = Array(entry.utf8)
            table[Int(b[0] - 65) * 26 + Int(b[1] - 65)] = (b[2] - 48) * 10 + (b[3] - 48)
        }
        return table
    }()

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
            if let length = countryLength(bytes, at: at, lower: lower) {
                return validEnd(bytes, from: at, length: length, after: start + 4, upper: upper)
            }
            at -= 5
        }
        return nil
    }

    /// The IBAN length of the country whose code starts `bytes[at ..< at + 4]` (two capitals, two check
    /// digits, no letter or digit before them), or nil.
    @inline(__always)
    static func countryLength(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, lower: Int) -> Int? {
        guard bytes[at] &- 65 < 26, bytes[at + 1] &- 65 < 26, ASCII.isDigit(bytes[at + 2]), ASCII.isDigit(bytes[at + 3]),
              at == lower || !ASCII.isAlnum(bytes[at - 1]) else { return nil }
        let length = Int(lengths[Int(bytes[at] - 65) * 26 + Int(bytes[at + 1] - 65)])
        return length == 0 ? nil : length
    }

    /// Where the `length` characters from `from` on end (groups of letters and digits with single spaces,
    /// at or after `after`, no letter or digit right after them) when they pass MOD 97-10; else nil.
    /// One pass: MOD 97-10 reads the characters after the first four, then those four (`Mod97.step`).
    static func validEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, length: Int, after: Int, upper: Int) -> Int? {
        var remainder = 0
        var i = from + 4
        var count = 4
        while count < length {
            if i < upper && ASCII.isAlnum(bytes[i]) {
                remainder = Mod97.step(remainder, bytes[i])
                count += 1
                i += 1
            } else if i + 1 < upper && bytes[i] == UInt8(ascii: " ") && ASCII.isAlnum(bytes[i + 1]) {
                i += 1
            } else {
                return nil
            }
        }
        guard i >= after, i == upper || !ASCII.isAlnum(bytes[i]) else { return nil }
        for k in 0..<4 { remainder = Mod97.step(remainder, bytes[from + k]) }
        return remainder == 1 ? i : nil
    }
}
