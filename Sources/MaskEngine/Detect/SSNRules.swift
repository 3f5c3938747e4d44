/// US Social Security Number rules. Never-issued values are rejected: area 000, 666 and 900-999, group 00,
/// serial 0000. Demo values such as 123-45-6789 are *not* rejected: a value shaped and ranged like an SSN
/// is masked, because letting a real one through costs more than masking a fake one.
enum SSNRules {
    /// The last run of an SSN window starting at run `first`: three runs of 3, 2 and 4 digits joined by
    /// the same separator and not continued by it on either side; or, when `bareSSN`, one run of 9 digits.
    static func window(_ bytes: UnsafeBufferPointer<UInt8>, group: DigitGroupDetector.Group, first: Int,
                       lower: Int, upper: Int, bareSSN: Bool) -> Int? {
        func length(_ r: Int) -> Int { group.runEnd[r] - group.runStart[r] }
        if first + 2 < group.count, length(first) == 3, length(first + 1) == 2, length(first + 2) == 4 {
            let sep = group.separatorBefore[first + 1]
            let sameSeparators = group.separatorBefore[first + 2] == sep
            // Continued on the left by the same separator: inside the group, or (for a group that starts
            // after letters or after a resumed long group) in the bytes just before it.
            let start = group.runStart[first]
            let extendedLeft = first > 0 ? group.separatorBefore[first] == sep
                : start - 2 >= lower && bytes[start - 1] == sep && ASCII.isDigit(bytes[start - 2])
            let extendedRight = first + 3 < group.count && group.separatorBefore[first + 3] == sep
            if sameSeparators && !extendedLeft && !extendedRight
                && DigitGroupDetector.rightBoundaryOK(bytes, group.runEnd[first + 2], upper: upper)
                && isIssuable(bytes, group.runStart[first], group.runStart[first + 1], group.runStart[first + 2]) {
                return first + 2
            }
        }
        if bareSSN, length(first) == 9, group.count == 1,
           DigitGroupDetector.rightBoundaryOK(bytes, group.runEnd[first], upper: upper) {
            let s = group.runStart[first]
            if isIssuable(bytes, s, s + 3, s + 5) { return first }
        }
        return nil
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
