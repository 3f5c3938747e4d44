/// `ColumnContext.namesSSN` and `namesCard` for a column name that is all ASCII, on its bytes: the same
/// answers as the `Character` rules (checked on random names by `ColumnNameWordsTests`), without
/// grapheme breaking, Unicode properties or a string per word. Every RowDescription and CSV header
/// decides its columns' contexts, so this is per-query latency in the daemons; names with any other
/// byte keep the `Character` rules.
struct ASCIIColumnName {
    /// The name lower-cased.
    private let lower: [UInt8]
    /// Whether each byte of the original name was an upper-case letter.
    private let upper: [Bool]

    /// nil when `name` has a byte outside ASCII.
    init?(_ name: some StringProtocol) {
        var lower: [UInt8] = []
        var upper: [Bool] = []
        lower.reserveCapacity(name.utf8.count)
        upper.reserveCapacity(name.utf8.count)
        for b in name.utf8 {
            guard b < 0x80 else { return nil }
            let isUpper = b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")
            lower.append(isUpper ? b | 0x20 : b)
            upper.append(isUpper)
        }
        self.lower = lower
        self.upper = upper
    }

    private static func isAlnum(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
    }

    private func contains(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard n <= lower.count else { return false }
        let w = UnsafeBufferPointer(start: word.utf8Start, count: n)
        for start in 0...(lower.count - n) where lower[start..<(start + n)].elementsEqual(w) { return true }
        return false
    }

    private func part(_ range: Range<Int>, is word: StaticString) -> Bool {
        range.count == word.utf8CodeUnitCount
            && lower[range].elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
    }

    /// The words of the name: runs of letters and digits, also split where an upper-case letter follows
    /// a lower-case one when `camel` is set.
    private func parts(camel: Bool) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = -1
        var previousLower = false
        for (i, b) in lower.enumerated() {
            guard Self.isAlnum(b) else {
                if start >= 0 { parts.append(start..<i); start = -1 }
                previousLower = false
                continue
            }
            if camel && upper[i] && previousLower && start >= 0 { parts.append(start..<i); start = -1 }
            if start < 0 { start = i }
            previousLower = b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") && !upper[i]
        }
        if start >= 0 { parts.append(start..<lower.count) }
        return parts
    }

    /// `ColumnContext.namesSSN`.
    var namesSSN: Bool {
        if contains("social_security") || contains("socialsecurity") || contains("social security") { return true }
        if parts(camel: false).contains(where: { part($0, is: "ssn") || part($0, is: "ssns") }) { return true }
        return lower.starts(with: "ssn".utf8) || lower.reversed().starts(with: "nss".utf8)
    }

    /// The name's words as `namesCard` and `namesBarcode` split it (at non-letters and camel humps).
    var words: [Range<Int>] { parts(camel: true) }

    /// `ColumnContext.namesBarcode`.
    var namesBarcode: Bool { namesBarcode(words) }

    /// `ColumnContext.namesBarcode`, given the name's `words`.
    func namesBarcode(_ words: [Range<Int>]) -> Bool { hasWord(words, ColumnWords.barcode) }

    /// `ColumnContext.namesPhone`, given the name's `words`.
    func namesPhone(_ words: [Range<Int>]) -> Bool { hasWord(words, ColumnWords.phone) }

    /// Whether one of `words` is one of `list`.
    private func hasWord(_ words: [Range<Int>], _ list: [StaticString]) -> Bool {
        words.contains { w in list.contains { part(w, is: $0) } }
    }

    /// `ColumnContext.namesCredential`, given the name's `words`.
    func namesCredential(_ words: [Range<Int>]) -> Bool {
        ColumnWords.namesCredential(count: words.count) { i, list in list.contains { part(words[i], is: $0) } }
    }

    /// `ColumnContext.namesCard`.
    var namesCard: Bool { namesCard(words) }

    /// `ColumnContext.namesCard`, given the name's `words`.
    func namesCard(_ words: [Range<Int>]) -> Bool {
        if words.contains(where: { part($0, is: "id") || part($0, is: "ids") }) { return false }
        return hasWord(words, ColumnWords.card) || (words.contains { part($0, is: "primary") } && words.contains { part($0, is: "account") })
    }
}
