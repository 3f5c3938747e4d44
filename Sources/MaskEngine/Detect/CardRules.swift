/// Payment card rules: grouping, the Luhn checksum and the issuer ranges (`CardIssuerRanges`).
enum CardRules {
    /// Card numbers have 12 (Maestro) to 19 digits.
    static let minDigits = 12
    static let maxDigits = 19

    /// The digits of a window of runs, as values, with the two tests a card number must pass: Luhn,
    /// and an issuer range of its length (or else a column or words that announce a card); in a barcode
    /// column, a valid GS1 product code is none, and in a phone column a number E.164 could hold.
    struct Number {
        /// The digits' values, `count` of them; 24 bytes so that whole words can be stored (the bytes
        /// past `count` are never read).
        var digits = InlineArray<24, UInt8>(repeating: 0)
        var count = 0

        /// No digits yet: a window's runs are appended one by one (`append`).
        @inline(__always)
        init() {}

        /// Appends the digit run `start..<start + length`. Precondition: `count + length` ≤ 19.
        @inline(__always)
        mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, length: Int) {
            store(bytes, start: start, length: length, at: count)
            count += length
        }

        /// Reads the contiguous run `start..<start + count` (12 to 19 digits).
        @inline(__always)
        init(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, count: Int) {
            store(bytes, start: start, length: count, at: 0)
            self.count = count
        }

        /// Stores the values of the digits `bytes[start ..< start + length]` at `digits[offset...]`, eight
        /// at a time where the input has eight bytes to load: stored a byte at a time, the digits were
        /// then read back in words (the issuer ranges, Luhn), and each such load waited for the bytes'
        /// stores to drain (a store-forwarding stall: a fifth of the scan's time on a column of 19-digit
        /// ids). Bytes past the run are stored too, but past `count`, where nothing reads them.
        @inline(__always)
        private mutating func store(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, length: Int, at offset: Int) {
            var span = digits.mutableSpan
            span.withUnsafeMutableBytes { out in
                var i = 0
                // Sound: a load reads bytes[start + i ..< start + i + 8], inside `bytes` by the test;
                // a store writes out[offset + i ..< offset + i + 8], inside the 24 bytes by the test.
                while i < length && start + i + 8 <= bytes.count && offset + i + 8 <= out.count {
                    let word = UnsafeRawPointer(bytes.baseAddress! + start + i).loadUnaligned(as: UInt64.self)
                    out.storeBytes(of: word ^ 0x3030_3030_3030_3030, toByteOffset: offset + i, as: UInt64.self)
                    i += 8
                }
                while i < length {
                    out[offset + i] = bytes[start + i] ^ 0x30
                    i += 1
                }
            }
        }

        var isInIssuerRange: Bool { CardIssuerRanges.accepts(digits, count: count) }

        /// Whether this number is a card: Luhn-valid, and in an issuer range or announced. Luhn goes
        /// first: nine in ten numbers fail it, and it costs less than the issuer ranges' lookup and far
        /// less than reading the words (order numbers and epoch milliseconds are most numbers tested).
        @inline(__always)
        func isCard(_ bytes: UnsafeBufferPointer<UInt8>, context: inout DigitGroupContext, atGroupStart: Bool) -> Bool {
            if context.barcodeColumn && isGTIN { return false }
            if context.phoneColumn && count <= PhoneNumberShape.maxDigits { return false }
            guard passesLuhn else { return false }
            return isInIssuerRange
                || context.mayAnnounce(atGroupStart: atGroupStart) && context.announcesCard(bytes, atGroupStart: atGroupStart)
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
    ///
    /// Kept as a window grows one run at a time (`DigitGroupDetector.bestWindow` tries every window from
    /// a run on, longest last): a window's grouping is known from the one before it in a few
    /// comparisons, instead of a pass over its runs (on a table of IBANs, whose chains of four-digit
    /// groups make many windows, that pass and the copies of the group it took were a fifth of the run).
    struct Grouping {
        /// Runs in the window.
        private(set) var runs = 1
        private var firstLength: Int
        private var secondLength = 0
        private var lastLength: Int
        /// Whether every run before the last has four digits.
        private var foursBeforeLast = true
        /// Separators that are dots.
        private var dots = 0

        @inline(__always)
        init(firstLength: Int) {
            self.firstLength = firstLength
            lastLength = firstLength
        }

        /// The window one run longer: the run of `length` digits after `separator`.
        @inline(__always)
        mutating func add(length: Int, separator: UInt8) {
            foursBeforeLast = foursBeforeLast && lastLength == 4
            if runs == 1 { secondLength = length }
            lastLength = length
            runs += 1
            if separator == UInt8(ascii: ".") { dots += 1 }
        }

        /// Whether no longer window can have a card's grouping either: past three runs, every run but
        /// the last has four digits.
        @inline(__always)
        var endsCards: Bool { runs > 3 && !foursBeforeLast }

        @inline(__always)
        var isCardLike: Bool {
            if runs == 1 { return true }
            if dots > 0 { return dots == runs - 1 && runs >= 4 && foursBeforeLast && lastLength == 4 }
            if runs == 3 && firstLength == 4 {
                if secondLength == 6 && (lastLength == 5 || lastLength == 4) { return true }
                if secondLength == 5 && lastLength == 6 { return true }
            }
            return foursBeforeLast && lastLength >= 1 && lastLength <= 4
        }
    }
}
