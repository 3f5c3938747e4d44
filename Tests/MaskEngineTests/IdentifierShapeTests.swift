import Testing
@testable import MaskEngine

/// Numbers that are part of other identifiers, whose digits a card rule would otherwise accept: an
/// IBAN's account groups (`IBANShape`) and an E.164 phone number (`PhoneNumberShape`).
@Suite struct IdentifierShapeTests {
    /// A valid IBAN of `country` with a random all-digit account of `digits` digits, printed in groups
    /// of four; `broken` changes its check digits so that MOD 97-10 fails.
    static func iban(_ g: inout StageOneTests.Generator, country: String, digits: Int, letters: String = "",
                     broken: Bool = false) -> String {
        let bban = letters + String((0..<digits).map { _ in Character(String(g.next() % 10)) })
        let rearranged = (bban + country + "00").map { c -> String in c.isNumber ? String(c) : String(Int(c.asciiValue!) - 55) }
        var remainder = 0
        for digit in rearranged.joined() { remainder = (remainder * 10 + Int(String(digit))!) % 97 }
        var check = 98 - remainder
        if broken { check = check == 2 ? 3 : check - 1 }
        let compact = country + (check < 10 ? "0" : "") + String(check) + bban
        return stride(from: 0, to: compact.count, by: 4).map { i -> String in
            let start = compact.index(compact.startIndex, offsetBy: i)
            return String(compact[start..<(compact.index(start, offsetBy: 4, limitedBy: compact.endIndex) ?? compact.endIndex)])
        }.joined(separator: " ")
    }

    static let countries: [(String, Int, String)] = [("DE", 18, ""), ("FR", 23, ""), ("IT", 22, "X"), ("ES", 20, ""),
                                                      ("NL", 10, "ABNA"), ("GB", 14, "NWBK"), ("BE", 12, ""), ("PL", 24, "")]

    /// A valid IBAN's groups are never a card, in a CSV field, in text and followed by other words;
    /// the same IBANs with a wrong check are read as before (so the test holds groups the card rules
    /// accept).
    @Test func theGroupsOfAValidIBANAreNoCard() {
        var g = StageOneTests.Generator(state: 0x1BA9)
        var cardsWhenBroken = 0
        for n in 0..<6_000 {
            let (country, digits, letters) = Self.countries[n % Self.countries.count]
            let valid = Self.iban(&g, country: country, digits: digits, letters: letters)
            #expect(spans(in: valid) == [], "\(valid)")
            #expect(spans(in: "IBAN: \(valid) BIC DEUTDEFF") == [], "\(valid)")
            var copy = g
            let broken = Self.iban(&copy, country: country, digits: digits, letters: letters, broken: true)
            if spans(in: broken).contains(where: { $0.hasPrefix("credit_card:") }) { cardsWhenBroken += 1 }
        }
        #expect(cardsWhenBroken > 100, "IBANs whose groups the card rules accept: \(cardsWhenBroken)")
    }

    /// A card after an IBAN is still a card, however close: the IBAN ends where its check passes.
    @Test func aCardAfterAnIBANIsStillACard() {
        #expect(spans(in: "DE89 3704 0044 0532 0130 00 4111 1111 1111 1111") == ["credit_card:4111 1111 1111 1111"])
        #expect(spans(in: "DE89 3704 0044 0532 0130 00, card 4111 1111 1111 1111") == ["credit_card:4111 1111 1111 1111"])
        // Two capitals and two digits before a card are no IBAN unless they are a registry country's
        // code, the text has that country's length (DE: 22) and the check passes.
        #expect(spans(in: "AB12 4111 1111 1111 1111") == ["credit_card:4111 1111 1111 1111"])
        // `DE88` and this card pass MOD 97-10, but a German IBAN has 22 characters, not 20: still a card.
        #expect(spans(in: "DE88 4111 1111 1111 1111") == ["credit_card:4111 1111 1111 1111"])
        #expect(spans(in: "ZZ88 4111 1111 1111 1111") == ["credit_card:4111 1111 1111 1111"])
    }

    /// 13-digit Visa numbers (Luhn-valid) written as German mobile numbers: not cards after a `+`
    /// that starts the value or follows a space, quote or `=`; still cards without the `+`, and after a
    /// `+` glued to a letter (a space in a form-encoded URL).
    @Test func aNumberAfterAPlusIsAPhoneNumber() {
        var g = StageOneTests.Generator(state: 0xE164)
        for _ in 0..<3_000 {
            var digits = [4, 9, 1, 7] + (0..<8).map { _ in Int(g.next() % 10) }
            var total = 0
            for (i, d) in digits.reversed().enumerated() { total += i % 2 == 0 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d }
            digits.append((10 - total % 10) % 10)
            let number = digits.map(String.init).joined()
            #expect(spans(in: number) == ["credit_card:\(number)"], "a 13-digit Visa number alone")
            for text in ["+\(number)", "tel +\(number)", "\"+\(number)\"", "phone=+\(number)", "(+\(number))"] {
                #expect(spans(in: text) == [], "\(text)")
            }
            #expect(spans(in: "card+\(number)") == ["credit_card:\(number)"])
        }
        // Longer than E.164 allows (15 digits): a card after a `+` is still a card.
        #expect(spans(in: "+4111111111111111") == ["credit_card:4111111111111111"])
    }
}
