/// The issuer identification number (IIN) ranges of the card networks, with the lengths each network
/// issues, from the public IIN tables (Wikipedia "Payment card number", checked range by range against
/// the networks' own statements where they exist). `docs/detection/cards-and-ssns.md` lists them.
///
/// Networks overlap (RuPay, Troy and Elo inside Discover's 65; Verve and Elo inside GPN's 50): the
/// lengths accepted for a number are the union over every network whose range holds it. Networks that
/// are wholly inside another with no length of their own (Elo, Hiper, Hipercard, LankaPay, Bankcard,
/// UzCard's 5614, Switch's 6-prefixes, Solo) are named in comments where they fall.
///
/// Cost: one switch on the first digit and a few integer comparisons; it runs only for a Luhn window of
/// 12 to 19 digits in a card grouping, never per byte.
enum CardIssuerRanges {
    /// A set of lengths: bit `n` is set when `n`-digit numbers are issued.
    typealias Lengths = UInt32

    static let twelveToNineteen: Lengths = 0xFF << 12
    static let fourteenToNineteen: Lengths = 0x3F << 14
    static let sixteenToNineteen: Lengths = 0xF << 16
    static let fourteenAndSixteenToNineteen: Lengths = 1 << 14 | sixteenToNineteen
    static let sixteenEighteenNineteen: Lengths = 1 << 16 | 1 << 18 | 1 << 19
    static let visaLengths: Lengths = 1 << 13 | 1 << 16 | 1 << 19
    static let fifteen: Lengths = 1 << 15
    static let sixteen: Lengths = 1 << 16
    static let eighteen: Lengths = 1 << 18
    static let nineteen: Lengths = 1 << 19

    /// Whether a number of `count` digits (values 0...9, at least 12 of them) lies in an issuer range
    /// that issues numbers of that length.
    @inline(__always)
    static func accepts(_ d: InlineArray<24, UInt8>, count: Int) -> Bool {
        lengths(d) & (1 << UInt32(count)) != 0
    }

    /// The lengths issued under the prefix of `d` (its first eight digits are read).
    static func lengths(_ d: InlineArray<24, UInt8>) -> Lengths {
        // Digits are 0...9, so no prefix overflows: wrapping arithmetic spares the overflow checks.
        let p2 = Int(d[0]) &* 10 &+ Int(d[1])
        let p3 = p2 &* 10 &+ Int(d[2])
        let p4 = p3 &* 10 &+ Int(d[3])
        let p6 = (p4 &* 10 &+ Int(d[4])) &* 10 &+ Int(d[5])
        let p8 = (p6 &* 10 &+ Int(d[6])) &* 10 &+ Int(d[7])
        var lengths: Lengths = 0
        switch d[0] {
        case 1:
            if p4 == 1800 { lengths |= fifteen }  // JCB, legacy 15-digit
            if p4 == 1946 { lengths |= sixteenEighteenNineteen }  // GPN (Indonesia)
            // UATP (airline cards): 1 and 15 digits, a card on its shape as Presidio's test vectors
            // (`122000000000003`) expect — except under 10, an IMEI reporting body (DECT).
            if p2 != 10 { lengths |= fifteen }
        case 2:
            if p4 == 2131 { lengths |= fifteen }  // JCB, legacy 15-digit
            if (2200...2204).contains(p4) { lengths |= sixteenToNineteen }  // Mir
            if p4 == 2205 { lengths |= sixteen }  // BORICA
            if (2221...2720).contains(p4) { lengths |= sixteen }  // Mastercard 2-series
            // Diners enRoute (2014, 2149) carries no Luhn check digit and is no longer issued.
        case 3:
            if p2 == 31 { lengths |= nineteen }  // China T-Union
            if p2 == 34 || p2 == 37 { lengths |= fifteen }  // American Express
            // Diners Club Carte Blanche and 3095: no 15-digit numbers, because 15-digit IMEIs of Iridium
            // handsets start with 300 and Diners issues 14 and 16 to 19 digits.
            if (300...305).contains(p3) || p4 == 3095 { lengths |= fourteenAndSixteenToNineteen }
            if p2 == 36 || p2 == 38 || p2 == 39 { lengths |= fourteenToNineteen }  // Diners (Hipercard 3841)
            // JCB; RuPay co-branded 353 and 356 and LankaPay 357111 (16 digits) lie inside. IMEIs from
            // the 35 reporting body are 15 digits, which JCB never issues.
            if (3528...3589).contains(p4) { lengths |= sixteenToNineteen }
        case 4:
            lengths |= visaLengths  // Visa, Visa Electron, Dankort co-branded 4571, Elo's 4-prefixes
            if p4 == 4903 || p4 == 4905 || p4 == 4911 || p4 == 4936 { lengths |= eighteen }  // Switch
        case 5:
            if p4 == 5018 || p4 == 5020 || p4 == 5038 || p4 == 5893 { lengths |= twelveToNineteen }  // Maestro
            if p4 == 5019 { lengths |= sixteen }  // Dankort
            if (51...55).contains(p2) { lengths |= sixteen }  // Mastercard (Diners US & Canada 54, 55)
            // GPN; Elo 504175, 506699–506778, 509xxx, RuPay 508, Bankcard 5610 and 560221–560225,
            // UzCard 5614, Switch 564182 and Naranja 589562 lie inside.
            if p2 == 50 || p2 == 56 || p2 == 58 { lengths |= sixteenEighteenNineteen }
            if (506099...506198).contains(p6) || (507865...507964).contains(p6) {
                lengths |= sixteenEighteenNineteen  // Verve
            }
        case 6:
            if p4 == 6011 || (644...649).contains(p3) || p2 == 65 { lengths |= sixteenToNineteen }  // Discover
            if (622126...622925).contains(p6) { lengths |= sixteenToNineteen }  // Discover on UnionPay
            if (650002...650027).contains(p6) { lengths |= sixteenEighteenNineteen }  // Verve
            // Troy, RuPay and Elo issue 16 digits inside 65; Discover's lengths cover them.
            if p2 == 62 { lengths |= sixteenToNineteen }  // UnionPay
            if p2 == 60 { lengths |= sixteen }  // RuPay (NPS Pridnestrovie 6054740–6054744, Hipercard 606282)
            if (60400100...60420099).contains(p8) { lengths |= sixteenToNineteen }  // UkrCard
            if (60...63).contains(p2) { lengths |= sixteenEighteenNineteen }  // GPN (Switch 6333, Solo 6334)
            if p3 == 636 { lengths |= sixteenToNineteen }  // InterPayment
            if (637...639).contains(p3) { lengths |= sixteen }  // InstaPayment (Hiper 637xxx)
            // Maestro, Maestro UK (6759, 676770, 676774), and the rest of Maestro's 67 block, as payment
            // processors' card-type tables read it (test cards 6799…; Solo 6767 and Laser 67xx inside).
            if p4 == 6304 || p2 == 67 { lengths |= twelveToNineteen }
            // Laser (6304, 6706, 6709, 6771; 16–19, no longer issued) lies inside Maestro.
        case 8:
            if p2 == 81 { lengths |= sixteenToNineteen }  // UnionPay
            if p2 == 81 || p2 == 82 { lengths |= sixteen }  // RuPay
            if p4 == 8600 { lengths |= sixteen }  // UzCard
        case 9:
            if p4 == 9792 { lengths |= sixteen }  // Troy
            if p4 == 9860 { lengths |= sixteen }  // Humo
        default:
            break
        }
        return lengths
    }
}
