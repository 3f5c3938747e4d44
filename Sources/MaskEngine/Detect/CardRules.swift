/// Payment card rules: grouping, the Luhn checksum and the issuer ranges (`CardIssuerRanges`).
enum CardRules {
    /// Card numbers have 12 (Maestro) to 19 digits.
    static let minDigits = 12
    static let maxDigits = 19

    /// The digits of a window of runs, as values, with the two tests a card number must pass: Luhn,
    /// and an issuer range of its length (or else a column or words that announce a card); in a barcode
    /// column, a valid GS1 product code is none.
    struct Number {
        var digits = InlineArray<19, UInt8>(repeating: 0)
        var count = 0

        /// Reads runs `first...last` of `group` (12 to 19 digits in all).
        @inline(__always)
        init(_ bytes: UnsafeBufferPointer<UInt8>, group: DigitGroupDetector.Group, first: Int, last: Int) {
            for r in first...last {
                for i in group.runStart[r]..<group.runEnd[r] { digits[count] = bytes[i] &- 48; count += 1 }
            }
        }

        /// Reads the contiguous run `start..<start + count` (12 to 19 digits).
        @inline(__always)
        init(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, count: Int) {
            for i in 0..<count { digits[i] = bytes[start + i] &- 48 }
            self.count = count
        }

        var isInIssuerRange: Bool { CardIssuerRanges.accepts(digits, count: count) }

        /// Whether this number is a card: Luhn-valid, and in an issuer range or announced. Luhn goes
        /// before the words (nine in ten numbers fail it, and reading words costs more), except when
        /// nothing can announce the number: then neither is needed.
        @inline(__always)
        func isCard(_ bytes: UnsafeBufferPointer<UInt8>, context: inout DigitGroupContext, atGroupStart: Bool) -> Bool {
            if context.barcodeColumn && isGTIN { return false }
            if isInIssuerRange { return passesLuhn }
            return context.mayAnnounce(atGroupStart: atGroupStart) && passesLuhn
                && context.announcesCard(bytes, atGroupStart: atGroupStart)
        }

        var passesLuhn: Bool { digits.span.withUnsafeBufferPointer { Luhn.isValid(digits: $0, count: count) } }

        /// Whether the number is a GS1 product code (GTIN-12 / UPC-A, GTIN-13 / EAN-13 and ISBN-13,
        /// GTIN-14) with a valid check digit: from the right, the digits before the check weigh 3, 1, 3, …
        /// A tenth of random EAN-13s also pass Luhn and an issuer range (13-digit Visa and Maestro): in a
        /// barcode column they are product codes.
        var isGTIN: Bool {
            guard count >= 12 && count <= 14 else { return false }
            var sum = 0
            for i in 0..<(count - 1) { sum += Int(digits[count - 2 - i]) * (i % 2 == 0 ? 3 : 1) }
            return (10 - sum % 10) % 10 == Int(digits[count - 1])
        }
    }

    /// The groupings people type: contiguous; groups of four with a last group of one to four
    /// (4-4-4, 4-4-4-4, 4-4-4-4-3 …); Amex 4-6-5, Diners 4-6-4 and UATP 4-5-6. Separators are spaces
    /// and hyphens, mixed or not (`4111-1111 1111-1111`). Dots separate card digits only in four or
    /// more groups of exactly four, all dotted (`4111.1111.1111.1111`, how some European forms print
    /// a card): dots otherwise make decimals, versions and addresses, none of which has that shape.
    static func groupingIsCardLike(_ group: DigitGroupDetector.Group, first: Int, last: Int) -> Bool {
        if first == last { return true }
        func length(_ r: Int) -> Int { group.runEnd[r] - group.runStart[r] }
        var dots = 0
        for r in (first + 1)...last where group.separatorBefore[r] == UInt8(ascii: ".") { dots += 1 }
        if dots > 0 {
            return dots == last - first && last - first >= 3 && (first...last).allSatisfy { length($0) == 4 }
        }
        if last - first == 2 && length(first) == 4 {
            let middle = length(first + 1), tail = length(last)
            if middle == 6 && (tail == 5 || tail == 4) { return true }
            if middle == 5 && tail == 6 { return true }
        }
        for r in first..<last where length(r) != 4 { return false }
        return length(last) >= 1 && length(last) <= 4
    }
}
