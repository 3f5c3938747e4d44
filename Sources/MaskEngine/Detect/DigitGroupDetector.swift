/// Finds payment card numbers and US SSNs in a group of digit runs joined by single separators
/// (`4111 1111 1111 1111`, `123-45-6789`), starting at a digit that follows no other digit.
///
/// A group is parsed once into at most `maxRuns` runs; every window of consecutive runs is then tried,
/// longest first, as a card (13 to 19 digits in a known grouping, Luhn-valid, in an issuer range) and
/// then as an SSN (3-2-4 with one separator, never-issued values rejected). A group glued to letters
/// (`a1234`, hex digests, UUIDs) is skipped whole: such digits are identifiers, not numbers.
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

    @inline(__always)
    static func parseGroup(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int, upper: Int) -> Group {
        var group = Group()
        var i = position
        while true {
            let start = i
            while i < upper && ASCII.isDigit(bytes[i]) { i += 1 }
            group.runStart[group.count] = start
            group.runEnd[group.count] = i
            group.count += 1
            guard i + 1 < upper else { break }
            let b = bytes[i]
            guard (b == 32 || b == UInt8(ascii: "-")) && ASCII.isDigit(bytes[i + 1]) else { break }
            if group.count == maxRuns { group.truncated = true; break }
            group.separatorBefore[group.count] = b
            i += 1
        }
        group.end = i
        return group
    }

    /// Calls `emit` for each card or SSN found in the group at `position` and returns where scanning
    /// resumes. `bareSSN` allows a lone run of nine digits to be an SSN (the column is named like one).
    @inline(__always)
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int, lower: Int, upper: Int,
                     bareSSN: Bool, emit: (Finding) -> Void) -> Int {
        let runEnd = skipRun(bytes, from: position, upper: upper)
        if position > lower && ASCII.isAlpha(bytes[position - 1]) { return runEnd }
        // Most numbers (ids, amounts, dates, times) are one short run: reject them before parsing a group.
        let joined = runEnd + 1 < upper && (bytes[runEnd] == 32 || bytes[runEnd] == UInt8(ascii: "-"))
            && ASCII.isDigit(bytes[runEnd + 1])
        let length = runEnd - position
        if !joined && length < 13 && !(bareSSN && length == 9) { return runEnd }
        let group = parseGroup(bytes, from: position, upper: upper)
        if group.end < upper && ASCII.isAlpha(bytes[group.end]) && group.count == 1 {
            return group.end
        }
        // Groups that can hold neither a card (13+ digits) nor a 3-2-4 SSN (dates, times, phones).
        var total = 0
        var ssnShape = false
        for r in 0..<group.count {
            let length = group.runEnd[r] - group.runStart[r]
            total += length
            if length == 3 && r + 2 < group.count && group.runEnd[r + 1] - group.runStart[r + 1] == 2
                && group.runEnd[r + 2] - group.runStart[r + 2] == 4 { ssnShape = true }
        }
        if total < 13 && !ssnShape && !(bareSSN && total == 9) { return resumePoint(group) }
        var i = 0
        while i < group.count {
            if let (last, finding) = bestWindow(bytes, group: group, first: i, lower: lower, upper: upper,
                                                bareSSN: bareSSN) {
                emit(finding)
                i = last + 1
            } else {
                i += 1
            }
        }
        return resumePoint(group)
    }

    /// Where scanning goes on after a group: its end, or for a group cut at `maxRuns`, four runs back,
    /// so that every window of up to five runs (4-4-4-4-3) is still tried with the runs that follow.
    @inline(__always)
    static func resumePoint(_ group: Group) -> Int {
        group.truncated ? group.runStart[max(1, group.count - 4)] : group.end
    }

    @inline(__always)
    static func skipRun(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int, upper: Int) -> Int {
        var i = position
        while i < upper && ASCII.isDigit(bytes[i]) { i += 1 }
        return i
    }

    /// The longest valid card or SSN window starting at run `first`, with its last run.
    static func bestWindow(_ bytes: UnsafeBufferPointer<UInt8>, group: Group, first: Int, lower: Int, upper: Int,
                           bareSSN: Bool) -> (Int, Finding)? {
        let start = group.runStart[first]
        // A window must not touch letters or digits: `x4111…`, `…1111b`.
        if start > lower && ASCII.isAlnum(bytes[start - 1]) && first == 0 { return nil }
        var digits = 0
        var last = first
        var lastCard: Int? = nil
        while last < group.count {
            if last > first && group.separatorBefore[last] != group.separatorBefore[first + 1] { break }
            digits += group.runEnd[last] - group.runStart[last]
            if digits > 19 { break }
            if digits >= 13 && rightBoundaryOK(bytes, group.runEnd[last], upper: upper)
                && CardRules.isCard(bytes, group: group, first: first, last: last, digitCount: digits) {
                lastCard = last
            }
            last += 1
        }
        if let lastCard {
            return (lastCard, Finding(start: start - lower, end: group.runEnd[lastCard] - lower, type: .creditCard))
        }
        if let ssnLast = SSNRules.window(bytes, group: group, first: first, lower: lower, upper: upper, bareSSN: bareSSN) {
            return (ssnLast, Finding(start: start - lower, end: group.runEnd[ssnLast] - lower, type: .usSSN))
        }
        return nil
    }

    @inline(__always)
    static func rightBoundaryOK(_ bytes: UnsafeBufferPointer<UInt8>, _ end: Int, upper: Int) -> Bool {
        end >= upper || !ASCII.isAlnum(bytes[end])
    }
}
