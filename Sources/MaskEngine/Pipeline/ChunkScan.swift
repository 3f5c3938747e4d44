/// A session's scanner and the stage it stops after, read once per chunk or batch: the record and
/// cell loops scan through this copy. Reading them from the session for each cell cost a dynamic
/// exclusivity check per property (the session is a class and both are `var`s a policy reload
/// replaces) and a retain of the scanner's custom detectors (together about 4 % of the samples of
/// `maskd pipe` on PII-free CSV; the wall-time gain is within this machine's noise).
struct ChunkScan {
    let scanner: CellScanner
    let stopAfter: PipelineStage

    /// Whether custom detectors look at every cell, candidates or not.
    var scansEveryCell: Bool { scanner.scansEveryCell }

    /// Scans a cell as `CellScanner.scan` does, unless the session stops before detection: then the
    /// stage-1 masks are computed (or not) and nothing is found.
    @inline(__always)
    @discardableResult
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, lower: Int, upper: Int, index: StageOneIndex, context: ColumnContext,
              candidates: Bool? = nil, into findings: inout [Finding]) -> Int {
        switch stopAfter {
        case .mask:
            return scanner.scan(bytes, lower: lower, upper: upper, index: index, context: context, candidates: candidates,
                                into: &findings)
        case .decode:
            return 0
        case .stageOne:
            // The gate the scanner itself opens with (unless the caller asked it), so this stage times
            // what a full run pays for it.
            if candidates == nil { _ = index.hasCandidatesToScan(lower, upper) }
            return 0
        case .detect:
            let before = findings.count
            scanner.scan(bytes, lower: lower, upper: upper, index: index, context: context, candidates: candidates,
                         into: &findings)
            findings.removeSubrange(before...)
            return 0
        }
    }
}
