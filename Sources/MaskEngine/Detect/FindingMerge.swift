/// Adds a custom detector's findings to a cell's findings, which the actions need sorted by start and
/// disjoint (no byte in two spans).
///
/// A new span that overlaps existing ones is merged with them into one span covering all of them: no
/// byte that any detector found is left unmasked. The merged span keeps the type and kind of the first
/// existing span it overlaps that has a built-in type, else of the first it overlaps: built-in findings
/// (added first) win the type even when an earlier custom span lies in front of them in the merge. A
/// span that only touches an existing one (`a.end == b.start`) stays separate: they share no byte.
///
/// Cost: a binary search and one array shift per insertion; no allocation beyond the array's growth.
enum FindingMerge {
    /// Inserts `f` into `findings[first...]`, which must be sorted by start and disjoint, and keeps them
    /// so. Entries before `first` (earlier cells) are not looked at.
    static func insert(_ f: Finding, into findings: inout [Finding], from first: Int) {
        // Spans that end after f starts begin at the first index whose end exceeds f.start; since spans
        // are disjoint and sorted, ends are sorted too, so a binary search finds it.
        var lo = first, hi = findings.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if findings[mid].end <= f.start { lo = mid + 1 } else { hi = mid }
        }
        // findings[lo..<j] are the spans that overlap f: they start before f ends.
        var j = lo
        while j < findings.count && findings[j].start < f.end { j += 1 }
        guard j > lo else {
            findings.insert(f, at: lo)
            return
        }
        var merged = findings[lo]
        if merged.type.isCustom, let builtIn = findings[lo..<j].first(where: { !$0.type.isCustom }) { merged = builtIn }
        merged.start = min(findings[lo].start, f.start)
        merged.end = max(findings[j - 1].end, f.end)
        findings.replaceSubrange(lo..<j, with: CollectionOfOne(merged))
    }

    /// Replaces `findings[first...]` with one span of `type` covering the whole cell of `length` bytes:
    /// what a scan that hit a PCRE2 limit leaves, since which bytes matched is then unknown (fail closed).
    /// An empty cell has nothing to mask and gets no span.
    static func replaceWithWholeCell(_ type: EntityType, length: Int, findings: inout [Finding], from first: Int) {
        findings.removeSubrange(first...)
        if length > 0 { findings.append(Finding(start: 0, end: length, type: type, kind: .patternLimit)) }
    }
}
