/// US Social Security Number rules. Never-issued values are rejected: area 000, 666 and 900-999, group 00,
/// serial 0000. Demo values such as 123-45-6789 are *not* rejected: a value shaped and ranged like an SSN
/// is masked, because letting a real one through costs more than masking a fake one.
///
/// Shapes, and what each needs:
/// - `536-90-4399`, `536 90 4399`, and the two mixed (`536-90 4399`): an SSN anywhere;
/// - `536.90.4399` (a dot in it): only where announced, by the column's name or by words before it
///   (`SSN:`, `social security no.`, `SS#`; see `AnnouncingWords`), because dotted triples are versions
///   and addresses too;
/// - `536904399`: only where announced; bare nine-digit numbers are ids, invoices and phone numbers far
///   more often than SSNs.
/// A 3-2-4 inside a longer chain (`12-536-90-4399`, `536-90-4399-1`) is part of something else.
enum SSNRules {
    static let dot = UInt8(ascii: ".")

    /// The last run of a 3-2-4 SSN window starting at run `first`, or nil. (Bare nine digits are a lone
    /// run, never a group: see `isBareSSN`.)
    static func window(_ bytes: UnsafeBufferPointer<UInt8>, group: DigitGroupDetector.Group, first: Int,
                       lower: Int, upper: Int, context: inout DigitGroupContext) -> Int? {
        // Through spans, as `DigitGroupDetector.bestWindow` reads the group: no copy of its arrays.
        let starts = group.runStart.span, ends = group.runEnd.span, separators = group.separatorBefore.span
        if first + 2 < group.count, ends[first] - starts[first] == 3, ends[first + 1] - starts[first + 1] == 2,
           ends[first + 2] - starts[first + 2] == 4 {
            let s1 = separators[first + 1], s2 = separators[first + 2]
            let start = starts[first]
            // The separator that continues the window on each side, or 0: inside the group, or (for a
            // group that starts after letters or after a resumed long group) in the bytes just before it.
            let left: UInt8 = first > 0 ? separators[first]
                : start - 2 >= lower && ASCII.isDigit(bytes[start - 2]) && DigitGroupDetector.isJoiner(bytes[start - 1])
                    ? bytes[start - 1] : 0
            let right: UInt8 = first + 3 < group.count ? separators[first + 3] : 0
            // With one separator, only the same separator continues the chain (`2024-01-15 536-90-4399`
            // is a date then an SSN); with two, any does.
            let continued = s1 == s2 ? left == s1 || right == s1 : left != 0 || right != 0
            if !continued
                && DigitGroupDetector.rightBoundaryOK(bytes, ends[first + 2], upper: upper)
                && isIssuable(bytes, start, starts[first + 1], starts[first + 2])
                && ((s1 != dot && s2 != dot) || context.announcesSSN(bytes, atGroupStart: first == 0)) {
                return first + 2
            }
        }
        return nil
    }

    /// Whether the nine digits at `start`, a lone run (no joiner on either side, nothing glued after
    /// it), are an SSN: issuable and announced. A number alone in its cell, outside an SSN column,
    /// stops at the first test: nothing can announce it.
    @inline(__always)
    static func isBareSSN(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, context: inout DigitGroupContext) -> Bool {
        context.mayAnnounce(atGroupStart: true) && isIssuable(bytes, start, start + 3, start + 5)
            && context.announcesSSN(bytes, atGroupStart: true)
    }

    /// Area, group and serial are read from the ASCII digits at the three run starts.
    static func isIssuable(_ bytes: UnsafeBufferPointer<UInt8>, _ areaAt: Int, _ groupAt: Int, _ serialAt: Int) -> Bool {
        func number(_ at: Int, _ count: Int) -> Int {
            var v = 0
            for i in at..<(at + count) { v = v * 10 + Int(bytes[i] &- 48) }
            return v
        }
        let area = number(areaAt, 3)
        let groupNumber = number(groupAt, 2)
        let serial = number(serialAt, 4)
        return area != 0 && area != 666 && area < 900 && groupNumber != 0 && serial != 0
    }
}
