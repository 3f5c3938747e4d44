/// An ASCII email address as docs/detection/emails.md defines one, for a local part of letters, digits
/// and `. _ + - ! # $ * ^ ~` after a byte that ends it, and a domain of lower-case letters, digits and
/// dots before a byte that ends it. Written from the page alone: the local part is the whole run
/// before the '@' less its leading `. ! # $ * ^ ~ -`, and must keep a letter or digit; the domain is
/// the dot-separated labels after the '@' up to the first empty one, at least two, and ends at the last
/// label (not the first) that starts with 2 to 63 letters: after its letters.
enum ReferenceEmail {
    static let dropped = Set(".!#$&*^~-'")

    /// The span of the address around the '@' at `at` in `cell`, whose local part starts at
    /// `localStart` and whose domain bytes are `domainEnd` at most.
    static func span(_ cell: [Character], at: Int, localStart: Int, domainEnd: Int) -> Range<Int>? {
        var start = localStart
        while start < at, dropped.contains(cell[start]) { start += 1 }
        guard cell[start..<at].contains(where: { $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }

        var labels: [Range<Int>] = []
        var labelStart = at + 1
        for i in (at + 1)...domainEnd {
            if i == domainEnd || cell[i] == "." {
                if i == labelStart { break }  // an empty label ends the domain
                labels.append(labelStart..<i)
                labelStart = i + 1
                if i == domainEnd { break }
            }
        }
        guard labels.count >= 2 else { return nil }
        for label in labels.dropFirst().reversed() {
            var letters = 0
            while letters < label.count, cell[label.lowerBound + letters].isLetter { letters += 1 }
            if (2...63).contains(letters) { return start..<(label.lowerBound + letters) }
        }
        return nil
    }
}
