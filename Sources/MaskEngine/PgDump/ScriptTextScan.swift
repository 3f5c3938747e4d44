/// The findings of a dump's script text: everything outside COPY blocks and INSERT statements.
///
/// The text is scanned for emails and secrets, but not for cards and SSNs: the numbers of SQL are
/// sequence values, OIDs and sizes that only look like them. Inside the script's string literals and
/// dollar-quoted strings (a `COMMENT ON … IS '…'`, a function body, a column default) a number is data,
/// so those are scanned for cards and SSNs too (`ScriptLexer.literalSpans`), the spans merged with the
/// text's. Large objects' hex data (`hexRanges`) is left out: `LargeObjectWrites` masks the bytes it
/// encodes.
enum ScriptTextScan {
    /// Findings of `text` (offsets into it), sorted and disjoint; `hexRanges` sorted and disjoint.
    static func findings(_ text: UnsafeBufferPointer<UInt8>, hexRanges: [Range<Int>], session: MaskSession) -> [Finding] {
        let index = StageOneIndex()
        index.reset(text)
        var findings: [Finding] = []
        for piece in pieces(of: 0..<text.count, without: hexRanges) {
            // A scan's findings are offsets into its range: made offsets into the text.
            let first = findings.count
            session.scan(text, lower: piece.lowerBound, upper: piece.upperBound, index: index,
                         context: ColumnContext(scansDigits: false), into: &findings)
            for i in first..<findings.count { findings[i].start += piece.lowerBound; findings[i].end += piece.lowerBound }
        }
        var digits: [Finding] = []
        for literal in ScriptLexer.literalSpans(text) {
            for piece in pieces(of: literal, without: hexRanges) {
                digits.removeAll(keepingCapacity: true)
                session.scan(text, lower: piece.lowerBound, upper: piece.upperBound, index: index, context: ColumnContext(),
                             into: &digits)
                for var f in digits where f.type == .creditCard || f.type == .usSSN {
                    f.start += piece.lowerBound
                    f.end += piece.lowerBound
                    FindingMerge.insert(f, into: &findings, from: 0)
                }
            }
        }
        return findings
    }

    /// `range` less the sorted, disjoint `holes`, as its non-empty pieces in order.
    static func pieces(of range: Range<Int>, without holes: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var from = range.lowerBound
        for hole in holes where hole.upperBound > range.lowerBound && hole.lowerBound < range.upperBound {
            if hole.lowerBound > from { result.append(from..<hole.lowerBound) }
            from = max(from, hole.upperBound)
        }
        if from < range.upperBound { result.append(from..<range.upperBound) }
        return result
    }
}
