/// The words just before a number that announce what it is: `SSN: 536904399`, `my social security
/// number is …`, `SS# …`, `card no. …`, `cc# …`, `visa …`.
///
/// A keyword counts when it is one of the `maxWords` words before the number (so at most three words
/// lie between: `SSN of the applicant: …`), within `maxBytes` bytes, and not across a line end, `;` or
/// `|` (another field or sentence). Words are runs of ASCII letters and digits; inside a word, camel
/// humps (`customerSSN`, `creditCardNumber`) split it into parts, and each part is compared whole,
/// case-insensitively, so `lesson`, `ssnx` and `7ssn` announce nothing. The two-word keywords
/// (`social security`, `soc sec`) count when their second word is within the limit.
///
/// SSN keywords: `ssn`, `ssns`, `ss` followed by `#`, `social security`, `socialsecurity`, `soc sec`.
/// Card keywords: `card`, `cards`, `cardno`, `cardnum`, `cardnumber`, `creditcard`, `debitcard`, `cc`,
/// `ccn`, `ccnum`, `pan` and the network names (`visa`, `mastercard`, `amex`, `maestro`, `discover`,
/// `jcb`, `diners`, `unionpay`, `rupay`, `mir`, `troy`, `verve`, `dankort`, `uatp`). A device word
/// (`imei`, `imsi`, `iccid`, `meid`) nearer to the number than any card keyword cancels the card
/// reading: `SIM card IMEI 356938035643809` is a handset, not a card.
///
/// Cost: called at most once per digit group, and only for a group shaped like an SSN that needs
/// context (nine bare digits, a dotted 3-2-4) or a Luhn-valid card-length number in no issuer range.
/// It reads at most `maxBytes` bytes backwards and allocates nothing.
enum AnnouncingWords {
    /// What the words before a number announce.
    struct Found: OptionSet {
        let rawValue: UInt8
        static let ssn = Found(rawValue: 1)
        static let card = Found(rawValue: 2)
    }

    static let maxWords = 4
    static let maxBytes = 96

    /// The keywords a word part can be.
    enum Keyword {
        case none, ssn, ss, social, security, soc, sec, card, device
    }

    /// What the words before `position` (not before `lower`) announce.
    static func before(_ bytes: UnsafeBufferPointer<UInt8>, _ position: Int, lower: Int) -> Found {
        let floor = max(lower, position - maxBytes)
        var i = position
        var words = 0
        var found: Found = []
        var cardVetoed = false
        // The part read just before, nearer to the number: pairs (`social security`) are seen back to front.
        var nearer = Keyword.none
        while words < maxWords {
            while i > floor && !ASCII.isAlnum(bytes[i - 1]) {
                let b = bytes[i - 1]
                if b == 10 || b == 13 || b == UInt8(ascii: ";") || b == UInt8(ascii: "|") { return found }
                i -= 1
            }
            if i == floor { break }
            let end = i
            while i > floor && ASCII.isAlnum(bytes[i - 1]) { i -= 1 }
            // A word cut by the byte limit is not read: its start is unknown.
            if i == floor && floor > lower && ASCII.isAlnum(bytes[floor - 1]) { break }
            words += 1
            // The parts of the word, last first.
            var partEnd = end
            var k = end - 1
            while k >= i {
                if k == i || startsPart(bytes, k, wordEnd: end) {
                    let keyword = classify(bytes, k, partEnd)
                    switch keyword {
                    case .ssn: found.insert(.ssn)
                    case .ss where partEnd == end && end < position && bytes[end] == UInt8(ascii: "#"): found.insert(.ssn)
                    case .social where nearer == .security: found.insert(.ssn)
                    case .soc where nearer == .sec: found.insert(.ssn)
                    case .card where !cardVetoed: found.insert(.card)
                    case .device where !found.contains(.card): cardVetoed = true
                    default: break
                    }
                    nearer = keyword
                    partEnd = k
                }
                k -= 1
            }
        }
        // A two-word keyword may straddle the word limit: its first word is read one word further.
        if (nearer == .security || nearer == .sec) && !found.contains(.ssn) && words == maxWords {
            while i > floor && !ASCII.isAlnum(bytes[i - 1]) {
                let b = bytes[i - 1]
                if b == 10 || b == 13 || b == UInt8(ascii: ";") || b == UInt8(ascii: "|") { return found }
                i -= 1
            }
            let end = i
            while i > floor && ASCII.isAlnum(bytes[i - 1]) { i -= 1 }
            guard end > i, i > floor || floor == lower || !ASCII.isAlnum(bytes[floor - 1]) else { return found }
            // The first word's last part, as the loop above reads parts.
            var k = end - 1
            while k > i && !startsPart(bytes, k, wordEnd: end) { k -= 1 }
            let first = classify(bytes, k, end)
            if (first == .social && nearer == .security) || (first == .soc && nearer == .sec) { found.insert(.ssn) }
        }
        return found
    }

    /// Whether a new part of a word starts at `k`: a camel hump (`customerSSN`, `SSNNumber`), but not
    /// before a plural `s` (`SSNs` is one part).
    @inline(__always)
    static func startsPart(_ bytes: UnsafeBufferPointer<UInt8>, _ k: Int, wordEnd: Int) -> Bool {
        let previous = bytes[k - 1], current = bytes[k]
        let previousLower = previous &- 97 < 26, currentUpper = current &- 65 < 26
        if previousLower && currentUpper { return true }
        guard currentUpper && previous &- 65 < 26 && k + 1 < wordEnd && bytes[k + 1] &- 97 < 26 else { return false }
        return !(k + 2 == wordEnd && bytes[k + 1] == UInt8(ascii: "s"))
    }

    /// The keyword that `bytes[start..<end]` spells, ignoring case.
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Keyword {
        let part = UnsafeBufferPointer(rebasing: bytes[start..<end])
        switch end - start {
        case 2:
            if spells(part, "ss") { return .ss }
            if spells(part, "cc") { return .card }
        case 3:
            if spells(part, "ssn") { return .ssn }
            if spells(part, "soc") { return .soc }
            if spells(part, "sec") { return .sec }
            if spells(part, "ccn") || spells(part, "pan") || spells(part, "jcb") || spells(part, "mir") { return .card }
        case 4:
            if spells(part, "ssns") { return .ssn }
            if spells(part, "card") || spells(part, "visa") || spells(part, "amex") || spells(part, "uatp") || spells(part, "troy") { return .card }
            if spells(part, "imei") || spells(part, "imsi") || spells(part, "meid") { return .device }
        case 5:
            if spells(part, "cards") || spells(part, "ccnum") || spells(part, "verve") { return .card }
            if spells(part, "iccid") { return .device }
        case 6:
            if spells(part, "social") { return .social }
            if spells(part, "cardno") || spells(part, "diners") || spells(part, "rupay") { return .card }
        case 7:
            if spells(part, "cardnum") || spells(part, "maestro") || spells(part, "dankort") { return .card }
        case 8:
            if spells(part, "security") { return .security }
            if spells(part, "discover") || spells(part, "unionpay") { return .card }
        case 9:
            if spells(part, "debitcard") { return .card }
        case 10:
            if spells(part, "mastercard") || spells(part, "cardnumber") || spells(part, "creditcard") { return .card }
        case 14:
            if spells(part, "socialsecurity") { return .ssn }
        default:
            break
        }
        return .none
    }

    /// Whether `part` is `word` (lower-case ASCII) in any case.
    @inline(__always)
    static func spells(_ part: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard word.utf8CodeUnitCount == part.count else { return false }
        let w = word.utf8Start
        for j in 0..<part.count where ASCII.lower(part[j]) != w[j] { return false }
        return true
    }
}
