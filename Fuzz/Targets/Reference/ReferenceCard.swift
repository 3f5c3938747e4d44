/// A payment card number as docs/detection/cards-and-ssns.md defines one, written from that page's
/// table alone (no engine code): 12 to 19 digits, Luhn-valid, and under an issuer prefix that issues
/// that length. Slow on purpose: every row is checked by comparing decimal prefixes.
enum ReferenceCard {
    /// One row of the page's table: prefixes from `low` to `high` (equal lengths), and the lengths.
    struct Row {
        let low: String, high: String, lengths: Set<Int>
        init(_ low: String, _ high: String? = nil, _ lengths: ClosedRange<Int>) {
            self.init(low, high, Set(lengths))
        }
        init(_ low: String, _ high: String? = nil, _ lengths: Set<Int>) {
            self.low = low
            self.high = high ?? low
            self.lengths = lengths
        }
        func covers(_ digits: String) -> Bool {
            guard lengths.contains(digits.count), digits.count >= low.count else { return false }
            let prefix = String(digits.prefix(low.count))
            return prefix >= low && prefix <= high  // same length: string order is numeric order
        }
    }

    static let rows: [Row] = [
        Row("4", nil, [13, 16, 19]),                                                  // Visa
        Row("4903", nil, [18]), Row("4905", nil, [18]), Row("4911", nil, [18]), Row("4936", nil, [18]),  // Switch
        Row("51", "55", [16]), Row("2221", "2720", [16]),                              // Mastercard, Diners US
        Row("34", nil, [15]), Row("37", nil, [15]),                                    // Amex
        Row("300", "305", [14, 16, 17, 18, 19]), Row("3095", nil, [14, 16, 17, 18, 19]),  // Diners, Carte Blanche
        Row("36", nil, 14...19), Row("38", nil, 14...19), Row("39", nil, 14...19),     // Diners International
        Row("6011", nil, 16...19), Row("644", "649", 16...19), Row("65", nil, 16...19),
        Row("622126", "622925", 16...19),                                              // Discover
        Row("3528", "3589", 16...19),                                                  // JCB
        Row("1800", nil, [15]), Row("2131", nil, [15]),                                // JCB legacy
        Row("62", nil, 16...19), Row("81", nil, 16...19),                              // UnionPay
        Row("31", nil, [19]),                                                          // China T-Union
        Row("5018", nil, 12...19), Row("5020", nil, 12...19), Row("5038", nil, 12...19),
        Row("5893", nil, 12...19), Row("6304", nil, 12...19), Row("6759", nil, 12...19),
        Row("6761", "6763", 12...19), Row("676770", nil, 12...19), Row("676774", nil, 12...19),
        Row("67", nil, 12...19),                                                       // Maestro
        Row("2200", "2204", 16...19),                                                  // Mir
        Row("2205", nil, [16]),                                                        // BORICA
        Row("60", nil, [16]), Row("65", nil, [16]), Row("81", nil, [16]), Row("82", nil, [16]),
        Row("508", nil, [16]), Row("353", nil, [16]), Row("356", nil, [16]),           // RuPay
        Row("9792", nil, [16]),                                                        // Troy
        Row("506099", "506198", [16, 18, 19]), Row("507865", "507964", [16, 18, 19]),
        Row("650002", "650027", [16, 18, 19]),                                         // Verve
        Row("5019", nil, [16]),                                                        // Dankort
        Row("504175", nil, [16]), Row("506699", "506778", [16]), Row("509", nil, [16]),
        Row("627780", nil, [16]), Row("636297", nil, [16]), Row("636368", nil, [16]),  // Elo
        Row("606282", nil, [16]), Row("3841", nil, [16]), Row("637095", nil, [16]),    // Hipercard
        Row("636", nil, 16...19),                                                      // InterPayment
        Row("637", "639", [16]),                                                       // InstaPayment
        Row("1946", nil, [16, 18, 19]), Row("50", nil, [16, 18, 19]), Row("56", nil, [16, 18, 19]),
        Row("58", nil, [16, 18, 19]), Row("60", "63", [16, 18, 19]),                   // GPN
        Row("60400100", "60420099", 16...19),                                          // UkrCard
        Row("6054740", "6054744", [16]),                                               // NPS Pridnestrovie
        Row("8600", nil, [16]), Row("5614", nil, [16]),                                // UzCard
        Row("9860", nil, [16]),                                                        // Humo
        Row("6304", nil, 16...19), Row("6706", nil, 16...19), Row("6709", nil, 16...19),
        Row("6771", nil, 16...19),                                                     // Laser
    ]

    /// Luhn, from its definition: from the right, every second digit doubled, its digits summed.
    static func luhn(_ digits: String) -> Bool {
        var sum = 0
        for (i, c) in digits.reversed().enumerated() {
            let d = Int(String(c))!
            if i % 2 == 1 {
                let twice = d * 2
                sum += twice / 10 + twice % 10
            } else {
                sum += d
            }
        }
        return sum % 10 == 0
    }

    /// Whether the digits (separators removed) are a card on their own, with no announcement.
    static func isCard(_ digits: String) -> Bool {
        guard (12...19).contains(digits.count), luhn(digits) else { return false }
        // UATP: prefix 1, 15 digits, except under 10 (an IMEI reporting body).
        if digits.count == 15 && digits.hasPrefix("1") && !digits.hasPrefix("10") { return true }
        return rows.contains { $0.covers(digits) }
    }
}
