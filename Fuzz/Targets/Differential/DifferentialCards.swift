import MaskEngine

/// The card detector against ReferenceCard. Restriction, so that the reference is exact: a cell holds
/// one digit string and nothing else (no word that could announce a card, a column that names
/// nothing): 1 to 19 contiguous digits, or 12 to 19 digits in a grouping the page lists (4-4-4-4 with a
/// shorter last group, 4-6-5, 4-6-4, 4-5-6) joined by spaces and hyphens, mixed or not. Half the cases
/// start from an issuer prefix of the table with a Luhn check digit, so that the rare cards are common.
/// A grouped string whose grouping is not listed (4-4-4-6) holds a card where a window of its groups is
/// one, read from the left as the page's "Groupings" says (`1230 6735 2680 0002`: the last three).
public enum DifferentialCards: DifferentialTarget {
    public static let name = "DifferentialCards"

    public static func mismatch(in data: UnsafeRawBufferPointer) -> DifferentialMismatch? {
        var input = DifferentialInput(data)
        let grouped = input.byte() % 3 == 0
        let length = grouped ? input.number(in: 12...19) : input.number(in: 1...19)
        var digits = ""
        if input.byte() & 1 == 0, length >= 12 {
            let row = ReferenceCard.rows[Int(input.byte()) % ReferenceCard.rows.count]
            digits = input.byte() & 1 == 0 ? row.low : row.high
        }
        while digits.count < length { digits.append(Character(String(input.byte() % 10))) }
        digits = String(digits.prefix(length))
        if input.byte() & 1 == 0 { digits = withCheckDigit(String(digits.dropLast())) }

        var groups: [Int] = [length]
        if grouped {
            let shapes: [[Int]] = [[4, 4, 4, length - 12], [4, 6, length - 10], [4, 5, length - 9]]
            groups = input.choice(shapes).filter { $0 > 0 }
        }
        var cell = ""
        var offset = 0
        var groupEnds: [Int] = []  // the cell offset after each group
        for (i, size) in groups.enumerated() {
            if i > 0 { cell += input.choice([" ", "-"]) }
            cell += digits.dropFirst(offset).prefix(size)
            offset += size
            groupEnds.append(cell.utf8.count)
        }
        // The page's window rule: read the groups from the left; at each group, the longest window of
        // whole groups starting there that is a card (a listed grouping, Luhn, an issuer that issues
        // that length) is masked and reading goes on after it; a group where no card starts is passed.
        var expected: [Range<Int>] = []
        var first = 0
        while first < groups.count {
            let firstDigit = groups[0..<first].reduce(0, +)
            let start = first == 0 ? 0 : groupEnds[first - 1] + 1  // after the separator
            var found: Int? = nil
            for k in stride(from: groups.count, to: first, by: -1) {
                let window = Array(groups[first..<k])
                let windowDigits = String(digits.dropFirst(firstDigit).prefix(window.reduce(0, +)))
                if shapeIsListed(window), ReferenceCard.isCard(windowDigits) { found = k; break }
            }
            if let k = found {
                expected.append(start..<groupEnds[k - 1])
                first = k
            } else {
                first += 1
            }
        }
        return DifferentialScan.compare(Array(cell.utf8), .creditCard, expected: expected)
    }

    /// The groupings cards-and-ssns.md lists: contiguous; fours with a shorter (non-empty) last group;
    /// 4-6-5 and 4-6-4 (Amex, Diners); 4-5-6 (UATP).
    static func shapeIsListed(_ groups: [Int]) -> Bool {
        if groups.count == 1 { return true }
        if groups == [4, 6, 5] || groups == [4, 6, 4] || groups == [4, 5, 6] { return true }
        return groups.dropLast().allSatisfy { $0 == 4 } && (1...4).contains(groups.last!)
    }

    /// `payload` with the digit appended that makes it Luhn-valid.
    static func withCheckDigit(_ payload: String) -> String {
        (0...9).lazy.map { payload + String($0) }.first(where: ReferenceCard.luhn)!
    }
}

/// The SSN detector against ReferenceSSN. Restriction: a cell holds one 3-2-4 digit string, its two
/// separators each a hyphen, a space, a dot or nothing, inside optional brackets; nothing announces it.
public enum DifferentialSSN: DifferentialTarget {
    public static let name = "DifferentialSSN"

    public static func mismatch(in data: UnsafeRawBufferPointer) -> DifferentialMismatch? {
        var input = DifferentialInput(data)
        func digits(_ n: Int) -> String {
            // Zeros and sixes are common, so the never-issued areas, groups and serials come up.
            String((0..<n).map { _ in input.choice(Array("0123456789066900")) })
        }
        let area = digits(3), group = digits(2), serial = digits(4)
        let separators = (input.choice(["-", " ", ".", "", "-", " "]), input.choice(["-", " ", ".", "", "-", " "]))
        let (open, close) = input.choice([("", ""), ("(", ")"), ("", " "), (" ", ""), ("[", "]")])
        let number = area + separators.0 + group + separators.1 + serial
        let cell = open + number + close
        let start = open.utf8.count
        let expected = ReferenceSSN.isSSN(area: area, group: group, serial: serial, separators: separators)
            ? [start..<(start + number.utf8.count)] : []
        return DifferentialScan.compare(Array(cell.utf8), .usSSN, expected: expected)
    }
}
