import Testing
@testable import MaskEngine

/// A Luhn-valid number in no issuer range is a card only where a card column or the words before it
/// say so; Luhn stays necessary everywhere.
@Suite struct CardContextTests {
    /// Luhn-valid, card-length, card-grouped, and in no issuer range.
    static let unissued = [luhnNumber(prefix: "7", length: 16), luhnNumber(prefix: "12", length: 14),
                           luhnNumber(prefix: "99", length: 19), luhnNumber(prefix: "0", length: 12),
                           luhnNumber(prefix: "4", length: 17)]

    @Test func unissuedNumbersAreInNoRange() {
        for number in Self.unissued { #expect(!CardNetworkTests.oracleIsCard(number)) }
    }

    static let announcing = ["card number: ", "Card no. ", "card# ", "cc# ", "CC: ", "ccn=", "credit card ", "debit card ",
                             "creditCardNumber=", "\"card\": \"", "pan ", "visa ", "Mastercard ", "amex ", "maestro ",
                             "UATP ", "gift card balance for ", "card on file: "]

    @Test(arguments: announcing)
    func wordsBeforeTheNumberAnnounceACard(_ words: String) {
        for number in Self.unissued {
            #expect(spans(in: words + number) == ["credit_card:\(number)"], "\(words)\(number)")
            let grouped = CardNetworkTests.inFours(number)
            #expect(spans(in: words + grouped) == ["credit_card:\(grouped)"], "\(words)\(grouped)")
            #expect(spans(in: words + breakingLuhn(number)) == [], "Luhn stays necessary: \(words)\(number)")
        }
    }

    /// A valid EAN-13 (GS1 check digit) that also passes Luhn and starts like a 13-digit Visa: about a
    /// tenth of random EAN-13s from German (400-440) and other ranges do.
    static func eanThatLooksLikeACard(seed: UInt64) -> String {
        var g = StageOneTests.Generator(state: seed)
        while true {
            var digits = [4, 0] + (0..<10).map { _ in Int(g.next() % 10) }
            let sum = (0..<12).reduce(0) { $0 + digits[11 - $1] * ($1 % 2 == 0 ? 3 : 1) }
            digits.append((10 - sum % 10) % 10)
            let text = digits.map(String.init).joined()
            let luhn = text.utf8.map { $0 - 48 }.withUnsafeBufferPointer { Luhn.isValid(digits: $0, count: 13) }
            if luhn { return text }
        }
    }

    /// In a column named for barcodes, a number with a valid GS1 check digit is a product code, even
    /// where Luhn and an issuer range would make it a card; the same number elsewhere is a card, and a
    /// card that is no valid GS1 code is a card in that column too.
    @Test func aBarcodeColumnsProductCodesAreNoCards() {
        for seed in UInt64(1)...20 {
            let ean = Self.eanThatLooksLikeACard(seed: seed)
            let card = CardNetworkTests.oracleIsCard(ean)
            #expect(card, "\(ean) is a card to the rules outside a barcode column")
            let barcode = ColumnContext.forColumn(name: "ean")
            #expect(spans(in: ean, context: barcode) == [], "\(ean)")
            #expect(spans(in: ean, context: ColumnContext.forColumn(name: "note")) == ["credit_card:\(ean)"])
        }
        for card in ["4222222222222", "4111111111111111", "5500000000000004"] {
            #expect(spans(in: card, context: ColumnContext.forColumn(name: "product_ean")) == ["credit_card:\(card)"])
        }
        let csv = "ean,note\n\(Self.eanThatLooksLikeACard(seed: 1)),x\n"
        #expect(String(decoding: maskStream(Array(csv.utf8), format: .csv).output, as: UTF8.self) == csv)
    }

    /// In a column named for phone numbers, a number of at most 15 digits is a phone number (stored as
    /// an MSISDN, without its `+`), even where Luhn and an issuer range would make it a card: German
    /// mobile numbers are 13-digit Visa numbers by their first digit. Elsewhere it is a card, and a
    /// 16-digit card is one in a phone column too.
    @Test func aPhoneColumnsNumbersAreNoCards() {
        var g = StageOneTests.Generator(state: 0x3515D)
        var checked = 0
        while checked < 200 {
            let msisdn = "49" + "1" + String((0..<10).map { _ in Character(String(g.next() % 10)) })
            guard CardNetworkTests.oracleIsCard(msisdn) else { continue }
            checked += 1
            for name in ["msisdn", "phone", "mobile_number", "contactPhone", "fax", "telefono", "Telefonnummer Telefon"] {
                #expect(spans(in: msisdn, context: ColumnContext.forColumn(name: name)) == [], "\(name): \(msisdn)")
            }
            #expect(spans(in: msisdn, context: ColumnContext.forColumn(name: "note")) == ["credit_card:\(msisdn)"])
            #expect(spans(in: msisdn, context: ColumnContext.forColumn(name: "hotel")) == ["credit_card:\(msisdn)"])
        }
        for card in ["4111111111111111", "5500 0000 0000 0004"] {
            #expect(spans(in: card, context: ColumnContext.forColumn(name: "phone")) == ["credit_card:\(card)"])
        }
        #expect(ColumnContext.namesPhone("cell_phone") && ColumnContext.namesPhone("MobileNo") && !ColumnContext.namesPhone("hotel"))
        #expect(ColumnContext.characterNamesPhone("téléphone mobile") && !ColumnContext.characterNamesPhone("téléphone"))
    }

    static let notAnnouncing = ["", "invoice ", "order id ", "cards were issued to the customer in ", "discard ",
                                "scorecard ", "IMEI ", "SIM card IMEI ", "card; ref ", "card\nref ", "ccx "]

    @Test(arguments: notAnnouncing)
    func otherWordsDoNot(_ words: String) {
        for number in Self.unissued {
            #expect(spans(in: words + number) == [], "\(words)\(number)")
        }
    }

    /// A run that a `.` joins to the digits before it is a number's fraction: a JSON float's 16-digit
    /// fraction is no card however Luhn and the issuer ranges read it. A card number exported as a
    /// float (its integer part), a card written with dots, one after `no.`, and one that ends a
    /// sentence still are.
    @Test func aDecimalNumbersFractionIsNoCard() {
        let card = "4111111111111111"
        #expect(spans(in: "{\"score\": 0.\(card), \"n\": 1}") == [])
        #expect(spans(in: "0.\(card)") == [])
        #expect(spans(in: "12.\(card)") == [])
        #expect(spans(in: "\(card).0") == ["credit_card:\(card)"])
        #expect(spans(in: "total \(card).25 due") == ["credit_card:\(card)"])
        #expect(spans(in: "Card no.\(card)") == ["credit_card:\(card)"])
        #expect(spans(in: "4111.1111.1111.1111") == ["credit_card:4111.1111.1111.1111"])
        #expect(spans(in: "paid with \(card).") == ["credit_card:\(card)"])
        #expect(spans(in: "paid with \(card). 3 items") == ["credit_card:\(card)"])
    }

    @Test func aCardColumnAnnouncesEveryValue() {
        let column = ColumnContext(cardColumn: true)
        for number in Self.unissued {
            #expect(spans(in: number, context: column) == ["credit_card:\(number)"])
            #expect(spans(in: breakingLuhn(number), context: column) == [])
        }
        // Still 12 to 19 digits in a card grouping.
        #expect(spans(in: luhnNumber(prefix: "7", length: 11), context: column) == [])
        #expect(spans(in: luhnNumber(prefix: "7", length: 20), context: column) == [])
        #expect(spans(in: "7123 45 678901 2345 6", context: column) == [])
    }

    static let cardColumnNames: [(String, Bool)] = [
        ("card", true), ("card_number", true), ("cardNumber", true), ("CardNo", true), ("cc", true), ("cc_num", true),
        ("ccnum", true), ("credit_card", true), ("CreditCard", true), ("debit_card_number", true), ("pan", true),
        ("PAN", true), ("primary_account_number", true), ("payment_card", true), ("customer_cc_number", true),
        ("card_id", false), ("cardIds", false), ("discard", false), ("scorecard", false), ("company", false),
        ("panel", false), ("accent", false), ("account_number", false), ("email", false), ("ssn", false),
    ]

    @Test(arguments: cardColumnNames)
    func columnNamesThatAnnounceCards(_ name: String, _ announces: Bool) {
        #expect(ColumnContext.namesCard(name) == announces, "\(name)")
        #expect(ColumnContext.forColumn(name: name).cardColumn == announces, "\(name)")
    }

    /// A CSV whose header names a card column masks an unissued number there, and only there.
    @Test func csvCardColumn() {
        let number = Self.unissued[0]
        let csv = Array("id,card_number,note\n1,\(number),\(number)\n".utf8)
        let result = maskStream(csv, format: .csv)
        #expect(result.error == nil)
        let out = String(decoding: result.output, as: UTF8.self)
        #expect(out.components(separatedBy: number).count == 2, "masked in card_number only: \(out)")
    }
}
