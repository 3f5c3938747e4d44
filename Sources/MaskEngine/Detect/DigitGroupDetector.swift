/// Finds payment card numbers and US SSNs in a group of digit runs joined by single separators
/// (`4111 1111 1111 1111`, `123-45-6789`, `536.90.4399`), starting at a digit that follows no other digit.
///
/// A group is parsed once into at most `maxRuns` runs; every window of consecutive runs is then tried,
/// longest first, as a card (12 to 19 digits in a known grouping, Luhn-valid, in an issuer range or
/// announced by its column or the words before it) and then as an SSN (`SSNRules`). A group glued to
/// letters (`a1234`, hex digests) is skipped whole: such digits are identifiers, not numbers; so is a
/// number inside a UUID (`UUIDShape`) or a valid IBAN (`IBANShape`), a phone number after a `+`
/// (`PhoneNumberShape`), and a run that a `.` joins to the digits before it, alone
/// (`0.6797621880147522`): a number's fraction.
struct DigitGroupDetector {
    static let maxRuns = 16

    /// One parsed group: run boundaries and the separator before each run (0 for the first).
    struct Group {
        var runStart = InlineArray<16, Int>(repeating: 0)
        var runEnd = InlineArray<16, Int>(repeating: 0)
        var separatorBefore = InlineArray<16, UInt8>(repeating: 0)
        var count = 0
        /// Where the group ends: the first byte after its last run.
        var end = 0
        /// Whether the group ran on past `maxRuns` runs (its tail is parsed again as a new group).
        var truncated = false
    }

    /// Whether `b` joins two runs of a group: a space, a hyphen or a dot.
    @inline(__always)
    static func isJoiner(_ b: UInt8) -> Bool { b == 32 || b == 45 || b == 46 }

    /// Whether the digit run `start..<end` may begin a card or an SSN: the one test most numbers meet.
    /// A run of nine or more digits may (a bare SSN, a card); a shorter one only when a space or hyphen
    /// joins it to more digits, or when it is the three-digit area of a dotted SSN (`536.90.4399`) or
    /// the first group of a dotted card (`4111.1111.1111.1111`).
    /// Amounts, dates, times, versions and short ids stop here, before any other work.
    @inline(__always)
    static func mayStartGroup(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, upper: Int) -> Bool {
        let length = end - start
        if length >= 9 { return true }
        guard end + 1 < upper && ASCII.isDigit(bytes[end + 1]) else { return false }
        let b = bytes[end]
        return b == 32 || b == 45 || (b == 46 && (length == 3 || length == 4))
    }

    /// Parses the group at `position` into `group` (a fresh `Group`): written in place, because a
    /// returned group (289 bytes) was copied with `memcpy` into the caller's.
    @inline(__always)
    static func parseGroup(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int, upper: Int, into group: inout Group) {
        var i = position
        while true {
            let start = i
            i = ASCII.endOfDigits(bytes, from: i, upper: upper)
            group.runStart[group.count] = start
            group.runEnd[group.count] = i
            group.count += 1
            guard i + 1 < upper else { break }
            let b = bytes[i]
            guard isJoiner(b) && ASCII.isDigit(bytes[i + 1]) else { break }
            if group.count == maxRuns { group.truncated = true; break }
            group.separatorBefore[group.count] = b
            i += 1
        }
        group.end = i
    }

    /// Calls `emit` for each card or SSN found in the group at `position` and returns where scanning
    /// resumes. `column` says whether the column's name announces SSNs or cards.
    @inline(__always)
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int, lower: Int, upper: Int,
                     column: ColumnContext, emit: (Finding) -> Void) -> Int {
        let runEnd = skipRun(bytes, from: position, upper: upper)
        if position > lower && ASCII.isAlpha(bytes[position - 1]) { return runEnd }
        // A lone run is a card (12+ digits) or a bare SSN (9) or nothing: reject the rest before parsing.
        let length = runEnd - position
        let joined = runEnd + 1 < upper && isJoiner(bytes[runEnd]) && ASCII.isDigit(bytes[runEnd + 1])
        if !joined {
            // A lone run: no group to parse, one window (the run) to try.
            guard rightBoundaryOK(bytes, runEnd, upper: upper),
                  !isFraction(bytes, position, lower: lower) else { return runEnd }
            if length == 9 {
                var context = DigitGroupContext(column: column, groupStart: position, lower: lower)
                if SSNRules.isBareSSN(bytes, at: position, context: &context) {
                    emit(Finding(start: position - lower, end: runEnd - lower, type: .usSSN))
                }
            } else if length >= CardRules.minDigits && length <= CardRules.maxDigits {
                var context = DigitGroupContext(column: column, groupStart: position, lower: lower)
                let number = CardRules.Number(bytes, start: position, count: length)
                if number.isCard(bytes, context: &context, atGroupStart: true)
                    && !PhoneNumberShape.isE164(bytes, start: position, end: runEnd, lower: lower)
                    && !UUIDShape.contains(bytes, start: position, end: runEnd, lower: lower, upper: upper) {
                    emit(Finding(start: position - lower, end: runEnd - lower, type: .creditCard))
                }
            }
            return runEnd
        }
        // Groups that can hold neither a card (12+ digits) nor a 3-2-4 or bare SSN (dates, times, phones,
        // most IP addresses) are most groups: they are told apart by a walk that stores nothing, and
        // only the others are parsed into a `Group` (whose 272 bytes cost more to fill and copy than the
        // walk: a fifth of this function's samples on a PII-free CSV).
        let survey = survey(bytes, from: position, upper: upper)
        if survey.isRejected { return survey.resume }
        // The account number of an IBAN printed in groups (`DE89 3704 0044 0532 0130 00`): skipped whole.
        if length == 4 && position - 5 >= lower && bytes[position - 1] == UInt8(ascii: " "),
           let end = IBANShape.end(bytes, groupAt: position, lower: lower, upper: upper) {
            return end
        }
        var group = Group()
        parseGroup(bytes, from: position, upper: upper, into: &group)
        var context = DigitGroupContext(column: column, groupStart: position, lower: lower)
        var i = 0
        while i < group.count {
            if let (last, finding) = bestWindow(bytes, group: group, first: i, lower: lower, upper: upper,
                                                context: &context) {
                if !UUIDShape.contains(bytes, start: finding.start + lower, end: finding.end + lower, lower: lower, upper: upper) {
                    emit(finding)
                }
                i = last + 1
            } else {
                i += 1
            }
        }
        return resumePoint(group)
    }

    /// What `scan` needs to know of a group before parsing it: whether it can be rejected, and where
    /// scanning then resumes (its end, as `resumePoint` of the parsed group says: a group cut at
    /// `maxRuns` is never rejected).
    struct Survey {
        var isRejected: Bool
        var resume: Int
    }

    /// `parseGroup`'s walk without its stores: whether some window of the group could have a card's
    /// grouping and length, whether it holds a 3-2-4 run sequence, and its end. Rejected: a lone run
    /// glued to a letter after it (`4u`, handled as before parsing did), or a group where neither a
    /// card window nor an SSN window can be.
    ///
    /// A card window (`CardRules.Grouping`) is one run of 12 to 19 digits, or runs of four then a last
    /// run of one to four (dotted ones too), or 4-6-5, 4-6-4, 4-5-6. The walk keeps how many four-digit
    /// runs come right before each run, so phone numbers (`+44 20 7946 0958`, `+49 30 12345678`) and
    /// coordinates (`52.5200066`, a run after a `.` being a fraction) are rejected here without being
    /// parsed and tried window by window. It only has to be a superset of what `bestWindow` accepts.
    @inline(__always)
    static func survey(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int, upper: Int) -> Survey {
        var i = position
        var count = 0
        var previous = 0, beforePrevious = 0
        var foursBefore = 0
        var separator: UInt8 = 0
        var ssnShape = false, cardShape = false
        while true {
            let start = i
            i = ASCII.endOfDigits(bytes, from: i, upper: upper)
            let length = i - start
            count += 1
            if beforePrevious == 3 && previous == 2 && length == 4 { ssnShape = true }
            // One run alone (not a fraction: a '.' joins it to the digits before), four-digit runs and
            // a last one, or the Amex, Diners and UATP groupings.
            if length >= CardRules.minDigits && length <= CardRules.maxDigits && separator != UInt8(ascii: ".") { cardShape = true }
            if length <= 4 && 4 * foursBefore + length >= CardRules.minDigits { cardShape = true }
            if beforePrevious == 4 && ((previous == 6 && (length == 5 || length == 4)) || (previous == 5 && length == 6)) {
                cardShape = true
            }
            foursBefore = length == 4 ? foursBefore + 1 : 0
            beforePrevious = previous
            previous = length
            guard i + 1 < upper else { break }
            let b = bytes[i]
            guard isJoiner(b) && ASCII.isDigit(bytes[i + 1]) else { break }
            // A group `parseGroup` cuts has `maxRuns` runs, so at least 16 digits: never rejected.
            if count == maxRuns { return Survey(isRejected: false, resume: i) }
            separator = b
            i += 1
        }
        if i < upper && ASCII.isAlpha(bytes[i]) && count == 1 { return Survey(isRejected: true, resume: i) }
        return Survey(isRejected: !cardShape && !ssnShape, resume: i)
    }

    /// Where scanning goes on after a group: its end, or for a group cut at `maxRuns`, four runs back,
    /// so that every window of up to five runs (4-4-4-4-3) is still tried with the runs that follow.
    @inline(__always)
    static func resumePoint(_ group: Group) -> Int {
        group.truncated ? group.runStart[max(1, group.count - 4)] : group.end
    }

    @inline(__always)
    static func skipRun(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int, upper: Int) -> Int {
        ASCII.endOfDigits(bytes, from: position, upper: upper)
    }

    /// The longest card window starting at run `first`, or else an SSN window there, with its last run.
    @inline(__always)
    static func bestWindow(_ bytes: UnsafeBufferPointer<UInt8>, group: Group, first: Int, lower: Int, upper: Int,
                           context: inout DigitGroupContext) -> (Int, Finding)? {
        // The runs through spans: indexing the inline arrays of a borrowed group copied them to the stack
        // at every access (256 bytes per run read: half of this function's time on a table of phones).
        let starts = group.runStart.span, ends = group.runEnd.span, separators = group.separatorBefore.span
        let start = starts[first]
        // A window must not touch letters or digits: `x4111…`, `…1111b`.
        if start > lower && ASCII.isAlnum(bytes[start - 1]) && first == 0 { return nil }
        var number = CardRules.Number()
        var grouping = CardRules.Grouping(firstLength: ends[first] - start)
        var last = first
        var lastCard: Int? = nil
        while last < group.count {
            let length = ends[last] - starts[last]
            if number.count + length > CardRules.maxDigits { break }
            if last > first {
                grouping.add(length: length, separator: separators[last])
                if grouping.endsCards { break }
            }
            number.append(bytes, start: starts[last], length: length)
            if number.count >= CardRules.minDigits && grouping.isCardLike && rightBoundaryOK(bytes, ends[last], upper: upper)
                && (last > first || !isFraction(bytes, start, lower: lower)) {
                if number.isCard(bytes, context: &context, atGroupStart: first == 0) { lastCard = last }
            }
            last += 1
        }
        if let lastCard {
            return (lastCard, Finding(start: start - lower, end: ends[lastCard] - lower, type: .creditCard))
        }
        if let ssnLast = SSNRules.window(bytes, group: group, first: first, lower: lower, upper: upper, context: &context) {
            return (ssnLast, Finding(start: start - lower, end: ends[ssnLast] - lower, type: .usSSN))
        }
        return nil
    }

    /// Whether the run at `start` is a decimal number's fraction: a '.' joins it to digits before it
    /// (`0.6797621880147522`, a JSON float's). A fraction alone is never a card or an SSN (a card written
    /// with dots has its four groups, and its window spans them). An integer part is not excused: a card
    /// number exported as a float (`4111111111111111.0`, what a column of numbers with a missing value
    /// becomes) is still the card.
    @inline(__always)
    static func isFraction(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, lower: Int) -> Bool {
        start - 2 >= lower && bytes[start - 1] == UInt8(ascii: ".") && ASCII.isDigit(bytes[start - 2])
    }

    @inline(__always)
    static func rightBoundaryOK(_ bytes: UnsafeBufferPointer<UInt8>, _ end: Int, upper: Int) -> Bool {
        end >= upper || !ASCII.isAlnum(bytes[end])
    }
}
