/// What a batch loop asks before it scans a value: whether the value may hold a finding, from the
/// stage-1 masks. A protocol, not a closure, so that the loop is specialized for each form and the
/// test is inlined in it (passed as a closure, the optimizer left it a call per value).
protocol CandidatePrefilter {
    /// Whether the value `lower..<upper`, whose masks `index` holds, is to be scanned.
    mutating func admits(_ index: StageOneIndex, _ lower: Int, _ upper: Int) -> Bool
}

/// The index's own test for each value (`StageOneIndex.hasCandidatesToScan`), or none when `enabled`
/// is false (custom detectors read every value).
struct IndexPrefilter: CandidatePrefilter {
    let enabled: Bool

    @inline(__always)
    func admits(_ index: StageOneIndex, _ lower: Int, _ upper: Int) -> Bool {
        !enabled || index.hasCandidatesToScan(lower, upper)
    }
}

extension CandidateGate: CandidatePrefilter {
    /// The gate's answer; values must come in ascending order, all of the gate's one buffer.
    @inline(__always)
    mutating func admits(_ index: StageOneIndex, _ lower: Int, _ upper: Int) -> Bool { hasCandidates(lower, upper) }
}
