/// Payment card rules: grouping, issuer ranges and the Luhn checksum.
enum CardRules {
    /// Whether runs `first...last` of `group` (joined by one separator kind) form a card number.
    static func isCard(_ bytes: UnsafeBufferPointer<UInt8>, group: DigitGroupDetector.Group,
                       first: Int, last: Int, digitCount: Int) -> Bool {
        guard groupingIsCardLike(group, first: first, last: last) else { return false }
        var values = InlineArray<19, UInt8>(repeating: 0)
        var n = 0
        for r in first...last {
            for i in group.runStart[r]..<group.runEnd[r] { values[n] = bytes[i] &- 48; n += 1 }
        }
        guard issuerAccepts(values, count: n) else { return false }
        return values.span.withUnsafeBufferPointer { Luhn.isValid(digits: $0, count: n) }
    }

    /// Contiguous, or 4-4-4-4 style groups of four (the last may be shorter), or Amex/Diners 4-6-5 and 4-6-4.
    static func groupingIsCardLike(_ group: DigitGroupDetector.Group, first: Int, last: Int) -> Bool {
        if first == last { return true }
        func length(_ r: Int) -> Int { group.runEnd[r] - group.runStart[r] }
        if last - first == 2 && length(first) == 4 && length(first + 1) == 6
            && (length(last) == 5 || length(last) == 4) { return true }
        for r in first..<last where length(r) != 4 { return false }
        return length(last) >= 1 && length(last) <= 4
    }

    /// Issuer identification ranges and lengths: Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay.
    static func issuerAccepts(_ d: InlineArray<19, UInt8>, count n: Int) -> Bool {
        let p2 = Int(d[0]) * 10 + Int(d[1])
        let p3 = p2 * 10 + Int(d[2])
        let p4 = p3 * 10 + Int(d[3])
        switch d[0] {
        case 4: return n == 13 || n == 16 || n == 19  // Visa
        case 5: return (51...55).contains(p2) && n == 16  // Mastercard
        case 2: return (2221...2720).contains(p4) && n == 16  // Mastercard 2-series
        case 3:
            if p2 == 34 || p2 == 37 { return n == 15 }  // Amex
            if (3528...3589).contains(p4) { return n >= 16 && n <= 19 }  // JCB
            if (300...305).contains(p3) || p2 == 36 || p2 == 38 || p2 == 39 { return n >= 14 && n <= 19 }  // Diners
            return false
        case 6:
            if p4 == 6011 || (644...649).contains(p3) || p2 == 65 { return n >= 16 && n <= 19 }  // Discover
            if p2 == 62 { return n >= 16 && n <= 19 }  // UnionPay
            return false
        default: return false
        }
    }
}
