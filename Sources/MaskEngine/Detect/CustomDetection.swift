/// A session's custom detectors (a policy's `detectors:`) with the PCRE2 match state they need, run
/// on every scanned cell after the built-in detectors.
///
/// Built-in findings come first and keep their type where a custom match overlaps them (the merged
/// span covers both: `FindingMerge`). A detector that hits a PCRE2 limit on a cell turns the whole cell
/// into one finding of its type: which bytes matched is then unknown, so none is passed (fail closed).
final class CustomDetection {
    let detectors: [CustomDetector]
    private let scratch = PatternScratch()
    private var matches: [Finding] = []

    init(detectors: [CustomDetector]) {
        self.detectors = detectors
        matches.reserveCapacity(16)
    }

    /// Bit `i` set when detector `i`'s context words are in `name` (`CustomDetector.announcedBy`).
    func announced(columnName name: String) -> UInt32 {
        var bits: UInt32 = 0
        for (i, d) in detectors.enumerated() where d.announcedBy(columnName: name) { bits |= 1 << UInt32(i) }
        return bits
    }

    /// Adds the custom findings of `bytes[lower..<upper]` to `findings[first...]` (offsets relative to
    /// `lower`, sorted and disjoint).
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, lower: Int, upper: Int, announced: UInt32,
              into findings: inout [Finding], from first: Int) {
        for (i, detector) in detectors.enumerated() {
            matches.removeAll(keepingCapacity: true)
            let complete = detector.scan(bytes, lower: lower, upper: upper, columnAnnounces: announced & (1 << UInt32(i)) != 0,
                                         scratch: scratch, into: &matches)
            guard complete else {
                FindingMerge.replaceWithWholeCell(detector.type, length: upper - lower, findings: &findings, from: first)
                return
            }
            for m in matches { FindingMerge.insert(m, into: &findings, from: first) }
        }
    }
}
