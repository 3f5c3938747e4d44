import CMaskKernels

/// `StageOneIndex.hasCandidatesToScan` for the many values of one classified buffer, best asked in
/// ascending order: the prefilter of the column batches.
///
/// Asked value by value, the index walks each value's blocks and clips their masks, and most values
/// (ids, words, timestamps) have nothing there: that test, repeated for every value, was most of what a
/// value without findings cost. The gate instead keeps the position of the next candidate it found,
/// so a value that ends before it is answered with one comparison, and the masks between two
/// candidates are read once for all the values that lie there.
///
/// It reads the masks through the index's raw pointer: the caller classified the whole buffer first
/// (`StageOneIndex.ensure(0, count)`), and nothing reclassifies while the gate lives.
struct CandidateGate {
    private let masks: UnsafePointer<mk_block_masks>
    private let bytes: UnsafeBufferPointer<UInt8>
    private let blocks: Int
    /// The first candidate at or after `asked`, or `Int.max` when there is none.
    private var next = -1
    /// The `lower` of the last value asked about.
    private var asked = 0
    /// Every value asked about lies between neutral bytes (`CellEdges.isNeutral`) or the buffer's ends.
    private let valuesBetweenNeutralBytes: Bool

    /// A gate over `bytes`, every block of which `index` has classified. `valuesBetweenNeutralBytes`: the
    /// caller promises that the bytes before and after each value it asks about are neutral
    /// (`CellEdges.isNeutral`: no letters, digits or '.'), or the buffer's ends (values copied with a zero
    /// byte after each, CSV and COPY values copied with the delimiters, quotes, line ends and zeros around
    /// them, a delimiter that is neutral); then most of `CellEdges` is known to add nothing.
    init(index: StageOneIndex, bytes: UnsafeBufferPointer<UInt8>, valuesBetweenNeutralBytes: Bool = false) {
        masks = index.blockBase
        self.bytes = bytes
        blocks = (bytes.count + 63) >> 6
        self.valuesBetweenNeutralBytes = valuesBetweenNeutralBytes
    }

    /// Whether `CandidateCursor` yields anything in `lower..<upper` (exactly
    /// `StageOneIndex.hasCandidatesToScan`). Fast when values come in ascending order; a value below the
    /// last one asked about makes it look again from there, so that an out-of-order caller costs time
    /// and never skips a value that holds a candidate.
    @inline(__always)
    mutating func hasCandidates(_ lower: Int, _ upper: Int) -> Bool {
        if lower >= upper { return false }
        if next < lower || lower < asked { next = firstCandidate(from: lower) }
        asked = lower
        if next < upper { return true }
        if valuesBetweenNeutralBytes { return CellEdges.addsBetweenNeutralBytes(bytes, lower, masks[lower >> 6]) }
        // What the cursor adds at a value's edges (`CellEdges`).
        let edges = CellEdges(bytes, lower, upper)
        return edges.addsCandidate || edges.tokenStartBit(masks[lower >> 6], lower) != 0
    }

    /// The first position at or after `position` that the cursor yields wherever a value starts: an
    /// anchor, a digit candidate, a long token run at a word start.
    @inline(__always)
    private func firstCandidate(from position: Int) -> Int {
        var block = position >> 6
        guard block < blocks else { return .max }
        var bits = Self.candidates(masks[block]) & (~0 << UInt64(position & 63))
        while bits == 0 {
            block += 1
            if block >= blocks { return .max }
            bits = Self.candidates(masks[block])
        }
        return (block << 6) + bits.trailingZeroBitCount
    }

    /// The first position at or after `position` where a value that starts there or later may hold a
    /// candidate: what `firstCandidate` finds, and the start of a long token run at a byte that is no
    /// letter or digit where a token can start (`mk_block_masks.otherstart`, where
    /// `CellEdges.addsBetweenNeutralBytes` adds one for a value that starts there). So a value at or
    /// after `position` that ends at or before it has no candidate (or, at its first byte, only a run's
    /// start where no token can start), when each value follows a byte that is no token byte (then a
    /// long run's bit at a value's first byte is the run's start): the column batches' walk skips such
    /// values by their ends alone
    /// (`TextRecordBatch.scan`). `isCandidate`: the position is one that `CandidateCursor` yields (a value
    /// that holds it has a candidate, as `hasCandidates` would answer), not only a run's start.
    @inline(__always)
    func firstPossibleCandidate(from position: Int) -> (at: Int, isCandidate: Bool) {
        var block = position >> 6
        guard block < blocks else { return (.max, false) }
        var bits = Self.possible(masks[block]) & (~0 << UInt64(position & 63))
        while bits == 0 {
            block += 1
            if block >= blocks { return (.max, false) }
            bits = Self.possible(masks[block])
        }
        let lowest = bits & (0 &- bits)
        return ((block << 6) + lowest.trailingZeroBitCount, Self.candidates(masks[block]) & lowest != 0)
    }

    /// A block's candidates and the starts of its long runs at bytes that are no letter or digit where a
    /// token can start (`otherstart`): where a value that lies between bytes that are no token byte may
    /// hold a finding (the plain-record probe asks it too, `StageOneIndex.firstPossibleCandidate`).
    @inline(__always)
    static func possible(_ m: mk_block_masks) -> UInt64 { candidates(m) | m.otherstart }

    @inline(__always)
    private static func candidates(_ m: mk_block_masks) -> UInt64 {
        m.anchor | m.digitstart | m.tokenstart
    }
}
