/// Scores found spans against labelled spans with `DetectionQuality`'s rule, overall and per type.
/// Pure: no I/O, so it can move into a testable module as it is.
enum SpanScorer {
    /// The quality of `found` against `labels`. Labels of rows at or past `rowLimit` are left out (a
    /// baseline that only saw a sample is scored on that sample); found spans there are kept, since a
    /// detector that reports rows it did not see is wrong. Neither array needs to be sorted.
    ///
    /// Cost: a sort of each array, then one merge walk; within a cell every found span is compared with
    /// every label, which is cheap because a cell holds a handful of spans.
    static func score(found: [ScoredSpan], labels: [ScoredSpan], rowLimit: Int? = nil) -> DetectionQuality {
        let labels = (rowLimit.map { limit in labels.filter { $0.row < limit } } ?? labels).sorted { $0.precedes($1) }
        let found = found.sorted { $0.precedes($1) }
        let typeCount = ScoredType.allCases.count
        var labelled = [Int](repeating: 0, count: typeCount)
        var labelsHit = [Int](repeating: 0, count: typeCount)
        var foundCount = [Int](repeating: 0, count: typeCount)
        var foundHitting = [Int](repeating: 0, count: typeCount)
        for l in labels { labelled[Int(l.type.rawValue)] += 1 }
        for f in found { foundCount[Int(f.type.rawValue)] += 1 }

        // Walk the cells of both lists in order; `l` and `f` are the first spans of the current cells.
        var l = 0, f = 0
        while l < labels.count && f < found.count {
            let cellLabels = l..<cellEnd(labels, from: l)
            let cellFound = f..<cellEnd(found, from: f)
            if labels[l].sameCell(found[f]) {
                for i in cellLabels where cellFound.contains(where: { found[$0].hits(labels[i]) }) {
                    labelsHit[Int(labels[i].type.rawValue)] += 1
                }
                for j in cellFound where cellLabels.contains(where: { labels[$0].hits(found[j]) }) {
                    foundHitting[Int(found[j].type.rawValue)] += 1
                }
                l = cellLabels.upperBound
                f = cellFound.upperBound
            } else if labels[l].precedes(found[f]) {
                l = cellLabels.upperBound
            } else {
                f = cellFound.upperBound
            }
        }

        var total = DetectionQuality(labelled: labelled.reduce(0, +), found: foundCount.reduce(0, +),
                                     labelsHit: labelsHit.reduce(0, +), foundHitting: foundHitting.reduce(0, +))
        for type in ScoredType.allCases {
            let t = Int(type.rawValue)
            total.byType[type.name] = DetectionQuality(labelled: labelled[t], found: foundCount[t],
                                                       labelsHit: labelsHit[t], foundHitting: foundHitting[t])
        }
        return total
    }

    /// The index past the last span in the same cell as `spans[start]` (spans sorted by cell).
    private static func cellEnd(_ spans: [ScoredSpan], from start: Int) -> Int {
        var end = start + 1
        while end < spans.count && spans[end].sameCell(spans[start]) { end += 1 }
        return end
    }
}
