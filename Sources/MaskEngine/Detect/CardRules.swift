/// Payment card rules: grouping, the Luhn checksum and the issuer ranges (`CardIssuerRanges`).
enum CardRules {
    /// What a window of digit runs is, read as a card number.
    enum Verdict {
        /// Not a card: a grouping no one types, or a failed Luhn check.
        case none
        /// Luhn-valid, in a card grouping, in an issuer range of its length: a card on its own.
        case issued
        /// Luhn-valid and in a card grouping, but in no issuer range: a card only where a column name or
        /// the words before it say so.
        case unissued
    }

    /// Card numbers have 12 (Maestro) to 19 digits.
    static let minDigits = 12
    static let maxDigits = 19

    /// Reads runs `first...last` of `group` (`digitCount` digits, 12 to 19) as a card number.
    static func judge(_ bytes: UnsafeBufferPointer<UInt8>, group: DigitGroupDetector.Group,
                      first: Int, last: Int, digitCount: Int) -> Verdict {
        guard groupingIsCardLike(group, first: first, last: last) else { return .none }
        var values = InlineArray<19, UInt8>(repeating: 0)
        var n = 0
        for r in first...last {
            for i in group.runStart[r]..<group.runEnd[r] { values[n] = bytes[i] &- 48; n += 1 }
        }
        let valid = values.span.withUnsafeBufferPointer { Luhn.isValid(digits: $0, count: n) }
        guard valid else { return .none }
        return CardIssuerRanges.accepts(values, count: n) ? .issued : .unissued
    }

    /// The groupings people type: contiguous; groups of four with a last group of one to four
    /// (4-4-4, 4-4-4-4, 4-4-4-4-3 …); Amex 4-6-5, Diners 4-6-4 and UATP 4-5-6. Separators are spaces
    /// and hyphens, mixed or not (`4111-1111 1111-1111`); a dot never separates card digits (dots make
    /// decimals, versions and addresses).
    static func groupingIsCardLike(_ group: DigitGroupDetector.Group, first: Int, last: Int) -> Bool {
        if first == last { return true }
        func length(_ r: Int) -> Int { group.runEnd[r] - group.runStart[r] }
        for r in (first + 1)...last where group.separatorBefore[r] == UInt8(ascii: ".") { return false }
        if last - first == 2 && length(first) == 4 {
            let middle = length(first + 1), tail = length(last)
            if middle == 6 && (tail == 5 || tail == 4) { return true }
            if middle == 5 && tail == 6 { return true }
        }
        for r in first..<last where length(r) != 4 { return false }
        return length(last) >= 1 && length(last) <= 4
    }
}
