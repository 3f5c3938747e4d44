import Testing
@testable import MaskEngine

/// A Luhn-valid number of `length` digits that starts with `prefix`; the digits between come from
/// `seed`, so several numbers per prefix differ in their body.
func luhnNumber(prefix: String, length: Int, seed: UInt64 = 1) -> String {
    var digits = prefix.map { UInt8($0.wholeNumberValue!) }
    var g = StageOneTests.Generator(state: seed)
    while digits.count < length - 1 { digits.append(UInt8(g.next() % 10)) }
    let check = digits.withUnsafeBufferPointer { Luhn.checkDigit(payload: $0, count: digits.count) }
    digits.append(check)
    return String(digits.map { Character(String($0)) })
}

/// `number` with its last digit changed so that the Luhn check fails.
func breakingLuhn(_ number: String) -> String {
    var s = Array(number)
    s[s.count - 1] = Character(String((s.last!.wholeNumberValue! + 1) % 10))
    return String(s)
}

/// The substrings a scan of `value` reports, with their types, in a column of the given context.
func spans(in value: String, context: ColumnContext) -> [String] {
    let bytes = Array(value.utf8)
    return bytes.withUnsafeBufferPointer { b in
        let index = StageOneIndex()
        index.reset(b)
        var out: [Finding] = []
        CellScanner().scan(b, lower: 0, upper: b.count, index: index, context: context, into: &out)
        return out.map { "\($0.type.name):" + String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) }
    }
}

/// Every card network of the public IIN tables, at each edge of each range and each length it issues;
/// the numbers just outside; IMEIs; and random numbers against an independent oracle.
@Suite struct CardNetworkTests {
    /// One IIN range as the tables print it: the network, the first and last prefix (same length), the
    /// lengths issued. The oracle reads these rows; the engine's switch is written independently.
    struct IssuerRow: Sendable, CustomTestStringConvertible {
        var network: String
        var low: String
        var high: String
        var lengths: [Int]
        var testDescription: String { "\(network) \(low)–\(high) \(lengths)" }

        func holds(_ number: String) -> Bool {
            guard lengths.contains(number.count) else { return false }
            let prefix = String(number.prefix(low.count))
            return prefix >= low && prefix <= high
        }
    }

    static func row(_ network: String, _ low: String, _ high: String, _ lengths: [Int]) -> IssuerRow {
        IssuerRow(network: network, low: low, high: high, lengths: lengths)
    }

    static func row(_ network: String, _ prefix: String, _ lengths: [Int]) -> IssuerRow {
        IssuerRow(network: network, low: prefix, high: prefix, lengths: lengths)
    }

    static let issuerTable: [IssuerRow] = [
        row("Visa", "4", [13, 16, 19]),
        row("Switch", "4903", [18]), row("Switch", "4905", [18]), row("Switch", "4911", [18]), row("Switch", "4936", [18]),
        row("Mastercard", "51", "55", [16]),
        row("Mastercard", "2221", "2720", [16]),
        row("American Express", "34", [15]), row("American Express", "37", [15]),
        row("Diners Club", "300", "305", [14, 16, 17, 18, 19]),
        row("Diners Club", "3095", [14, 16, 17, 18, 19]),
        row("Diners Club", "36", [14, 15, 16, 17, 18, 19]),
        row("Diners Club", "38", "39", [14, 15, 16, 17, 18, 19]),
        row("Discover", "6011", [16, 17, 18, 19]),
        row("Discover", "644", "649", [16, 17, 18, 19]),
        row("Discover", "65", [16, 17, 18, 19]),
        row("Discover", "622126", "622925", [16, 17, 18, 19]),
        row("JCB", "3528", "3589", [16, 17, 18, 19]),
        row("JCB (legacy)", "1800", [15]), row("JCB (legacy)", "2131", [15]),
        row("UATP", "11", "19", [15]),
        row("UnionPay", "62", [16, 17, 18, 19]), row("UnionPay", "81", [16, 17, 18, 19]),
        row("China T-Union", "31", [19]),
        row("Maestro", "5018", [12, 13, 14, 15, 16, 17, 18, 19]),
        row("Maestro", "5020", [12, 13, 14, 15, 16, 17, 18, 19]),
        row("Maestro", "5038", [12, 13, 14, 15, 16, 17, 18, 19]),
        row("Maestro", "5893", [12, 13, 14, 15, 16, 17, 18, 19]),
        row("Maestro", "6304", [12, 13, 14, 15, 16, 17, 18, 19]),
        row("Maestro", "6759", [12, 13, 14, 15, 16, 17, 18, 19]),
        row("Maestro", "6760", "6769", [12, 13, 14, 15, 16, 17, 18, 19]),
        row("Maestro", "67", [12, 13, 14, 15, 16, 17, 18, 19]),
        row("Mir", "2200", "2204", [16, 17, 18, 19]),
        row("BORICA", "2205", [16]),
        row("RuPay", "60", [16]), row("RuPay", "81", "82", [16]), row("RuPay", "508", [16]),
        row("RuPay", "353", [16]), row("RuPay", "356", [16]), row("RuPay", "65", [16]),
        row("Troy", "9792", [16]), row("Troy", "65", [16]),
        row("Verve", "506099", "506198", [16, 18, 19]),
        row("Verve", "507865", "507964", [16, 18, 19]),
        row("Verve", "650002", "650027", [16, 18, 19]),
        row("Dankort", "5019", [16]),
        row("InterPayment", "636", [16, 17, 18, 19]),
        row("InstaPayment", "637", "639", [16]),
        row("LankaPay", "357111", [16]),
        row("UzCard", "8600", [16]), row("UzCard", "5614", [16]),
        row("Humo", "9860", [16]),
        row("GPN", "1946", [16, 18, 19]),
        row("GPN", "50", [16, 18, 19]), row("GPN", "56", [16, 18, 19]), row("GPN", "58", [16, 18, 19]),
        row("GPN", "60", "63", [16, 18, 19]),
        row("UkrCard", "60400100", "60420099", [16, 17, 18, 19]),
        row("NPS Pridnestrovie", "6054740", "6054744", [16]),
        row("Elo", "509000", "509999", [16]),
        row("Hipercard", "606282", [16]),
        row("Laser", "6304", [16, 17, 18, 19]), row("Laser", "6706", [16, 17, 18, 19]),
        row("Laser", "6709", [16, 17, 18, 19]), row("Laser", "6771", [16, 17, 18, 19]),
        row("Bankcard", "5610", [16]), row("Bankcard", "560221", "560225", [16]),
    ]

    /// Whether the oracle (Luhn and the table above) says `number` is a card on its own.
    static func oracleIsCard(_ number: String) -> Bool {
        let digits = number.map { UInt8($0.wholeNumberValue!) }
        let luhn = digits.withUnsafeBufferPointer { Luhn.isValid(digits: $0, count: digits.count) }
        return luhn && issuerTable.contains { $0.holds(number) }
    }

    /// Every row, at its first and last prefix, at every length it issues: masked alone, grouped in
    /// fours, and inside text.
    @Test(arguments: issuerTable)
    func everyRangeEdgeAtEveryLength(_ row: IssuerRow) {
        for prefix in Set([row.low, row.high]) {
            for length in row.lengths {
                for seed in UInt64(1)...3 {
                    let number = luhnNumber(prefix: prefix, length: length, seed: seed)
                    #expect(spans(in: number) == ["credit_card:\(number)"], "\(row.network) \(number)")
                    #expect(spans(in: "paid with \(number).") == ["credit_card:\(number)"], "\(row.network) \(number)")
                    let grouped = Self.inFours(number)
                    #expect(spans(in: "x \(grouped) y") == ["credit_card:\(grouped)"], "\(row.network) \(grouped)")
                    #expect(spans(in: breakingLuhn(number)) == [], "\(row.network) \(number) with a wrong check digit")
                }
            }
        }
    }

    static func inFours(_ number: String) -> String {
        var out = ""
        for (i, c) in number.enumerated() {
            if i > 0 && i % 4 == 0 { out.append(" ") }
            out.append(c)
        }
        return out
    }

    /// Prefixes and lengths just outside every range whose outside no other network covers.
    static let outside: [(String, Int)] = [
        ("2199", 16), ("2206", 16), ("2220", 16), ("2721", 16), ("2200", 15), ("2205", 17), ("2221", 17),
        ("3527", 16), ("3590", 16), ("306", 14), ("3094", 14), ("3096", 14), ("300", 15), ("305", 15), ("3095", 15),
        ("32", 16), ("33", 16), ("34", 16), ("37", 14), ("31", 18), ("35", 15),
        ("4", 12), ("4", 14), ("4", 15), ("4", 17), ("4111", 18), ("4904", 18),
        ("51", 15), ("55", 17), ("5017", 12), ("5021", 12), ("5037", 12), ("5039", 12), ("5892", 12), ("5894", 12),
        ("5019", 17), ("56", 17), ("58", 15), ("597", 16), ("57", 16),
        ("6011", 15), ("62", 15), ("643", 16), ("65", 15), ("6303", 12), ("6305", 12), ("6699", 13),
        ("6699", 12), ("6800", 16), ("60400099", 17), ("60420100", 17), ("637", 17), ("66", 16), ("68", 16),
        ("2130", 15), ("2132", 15), ("1800", 16), ("1945", 16), ("1947", 16), ("1946", 17),
        ("12", 14), ("12", 16), ("10", 15), ("0", 16), ("7", 16), ("80", 16), ("83", 16), ("81", 15), ("82", 17), ("8599", 16), ("8601", 16),
        ("9791", 16), ("9793", 16), ("9859", 16), ("9861", 16), ("99", 16),
    ]

    /// The Luhn sum taken two digits a step is the textbook one (every second digit from the right
    /// doubled, its digits added), for every length up to 30 and both parities, and known numbers check.
    @Test func luhnSumsAreTheTextbookOnes() {
        var g = StageOneTests.Generator(state: 0x1F4)
        for count in 0...30 {
            for _ in 0..<20 {
                let digits = (0..<count).map { _ in UInt8(g.next() % 10) }
                for doubleRightmost in [false, true] {
                    var expected = 0
                    for (k, d) in digits.reversed().enumerated() {
                        let doubled = (k % 2 == 0) == doubleRightmost
                        expected += doubled ? (Int(d) * 2) / 10 + (Int(d) * 2) % 10 : Int(d)
                    }
                    let got = digits.withUnsafeBufferPointer { Luhn.sum($0, count: count, doubleRightmost: doubleRightmost) }
                    #expect(got == expected, "\(digits) doubling the rightmost: \(doubleRightmost)")
                }
            }
        }
        for (number, valid) in [("4111111111111111", true), ("4111111111111112", false), ("79927398713", true),
                                ("378282246310005", true), ("0", true), ("18", true), ("19", false)] {
            let digits = number.utf8.map { $0 - 48 }
            #expect(digits.withUnsafeBufferPointer { Luhn.isValid(digits: $0, count: digits.count) } == valid, "\(number)")
        }
    }

    @Test func numbersJustOutsideEveryRangeStayUnmasked() {
        for (prefix, length) in Self.outside {
            for seed in UInt64(1)...3 {
                let number = luhnNumber(prefix: prefix, length: length, seed: seed)
                #expect(!Self.oracleIsCard(number), "the oracle table and the outside list disagree on \(number)")
                #expect(spans(in: number) == [], "\(number) (\(prefix)…, \(length) digits) is in no range")
                // A shorter window of the grouped digits may be a card of its own; the whole never is.
                let grouped = Self.inFours(number)
                #expect(!spans(in: "ref \(grouped)").contains("credit_card:\(grouped)"), "\(number) grouped")
            }
        }
    }

    /// The groupings people type, each on a number whose network issues that length.
    static let groupings: [(String, String)] = [
        ("Amex 4-6-5", "3782 822463 10005"),
        ("Amex 4-6-5 hyphens", "3714-496353-98431"),
        ("Diners 4-6-4", "3056 930902 5904"),
        ("Visa 4-4-4-4-3", luhnGrouped("4", 19)),
        ("Visa 19 contiguous", luhnNumber(prefix: "4", length: 19)),
        ("Visa 13 4-4-4-1", "4222 2222 2222 2"),
        ("Maestro 12 4-4-4", luhnGrouped("5018", 12)),
        ("Maestro 18 4-4-4-4-2", luhnGrouped("6759", 18)),
        ("Maestro test card 4-4-4-4-3", "6799 9901 0000 0000 019"),
        ("Verve 19 4-4-4-4-3", "5061 0200 0000 0000 094"),
        ("Verve 19 contiguous", "5060990580000217499"),
        ("UnionPay 19 4-4-4-4-3", luhnGrouped("62", 19)),
        ("Mixed 4-4-4-4", "4111-1111 1111-1111"),
        ("Dotted 4.4.4.4", "4111.1111.1111.1111"),
        ("Mixed 4-4-4-4 other way", "5500 0000-0000 0004"),
        ("Mixed Amex", "3782-822463 10005"),
    ]

    static func luhnGrouped(_ prefix: String, _ length: Int) -> String { inFours(luhnNumber(prefix: prefix, length: length)) }

    @Test(arguments: groupings)
    func groupingsPeopleType(_ name: String, _ card: String) {
        #expect(spans(in: "card \(card), thanks") == ["credit_card:\(card)"], "\(name)")
        #expect(spans(in: card) == ["credit_card:\(card)"], "\(name)")
    }

    /// Groupings nobody types for a card stay unmasked even when the digits are a valid card.
    @Test(arguments: ["41 11 11 11 11 11 11 11", "411 111 111 111 111 1", "4111111 111111111",
                      "378 282 246 310 005", "4111 11 1111 1111 111"])
    func groupingsNobodyTypes(_ text: String) {
        #expect(spans(in: text) == [], "\(text)")
    }

    /// 15-digit Luhn-valid numbers with the reporting-body prefixes of IMEIs are never cards on their own
    /// (Wikipedia's example IMEI 490154203237518 among them).
    @Test func imeisAreNotCards() {
        #expect(spans(in: "490154203237518") == [])
        #expect(spans(in: "IMEI 356938035643809") == [])
        var g = StageOneTests.Generator(state: 15)
        let bodies = ["01", "10", "30", "300234", "33", "35", "353", "356", "357111", "44", "45", "49", "51", "52", "53", "54",
                      "86", "8600", "91", "98", "99"]
        var text = ""
        var count = 0
        for body in bodies {
            for _ in 0..<2000 {
                text += luhnNumber(prefix: body, length: 15, seed: g.next()) + "\n"
                count += 1
            }
        }
        #expect(count == 42_000)
        #expect(spans(in: text) == [], "an IMEI-like number was taken for a card")
    }

    /// Random digit strings of each length 12 to 19, one per line, with no context: exactly those the
    /// oracle calls cards (Luhn-valid and in a range of that length) are flagged. Prints the rates.
    @Test(arguments: 12...19)
    func randomNumbersAreFlaggedExactlyWhenLuhnValidAndInRange(_ length: Int) {
        var g = StageOneTests.Generator(state: UInt64(length) * 7919)
        var numbers: [String] = []
        for _ in 0..<50_000 {
            var s = ""
            for _ in 0..<length { s.append(Character(String(g.next() % 10))) }
            numbers.append(s)
        }
        let flagged = Set(spans(in: numbers.joined(separator: "\n")).map { String($0.dropFirst("credit_card:".count)) })
        let expected = Set(numbers.filter(Self.oracleIsCard))
        #expect(flagged == expected, "\(length) digits: flagged but not cards \(flagged.subtracting(expected).prefix(5)), cards missed \(expected.subtracting(flagged).prefix(5))")
        let rate = Double(flagged.count) / Double(numbers.count)
        print("random \(length)-digit numbers flagged as cards: \(String(format: "%.3f", rate * 100)) %")
        // A tenth pass Luhn, and the ranges cover less than half of the prefixes of any length.
        #expect(rate < 0.05, "\(length) digits: \(rate)")
    }
}
