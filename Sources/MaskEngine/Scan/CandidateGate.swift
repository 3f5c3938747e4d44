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

    /// A gate over `bytes`, every block of which `index` has classified.
    init(index: StageOneIndex, bytes: UnsafeBufferPointer<UInt8>) {
        masks = index.blockBase
        self.bytes = bytes
        blocks = (bytes.count + 63) >> 6
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
        // What the cursor adds at a value's first bytes (`CellStart`).
        let start = CellStart(bytes, lower, upper)
        return start.insideDigitRun || start.underscore >= 0 || start.tokenStartBit(masks[lower >> 6], lower) != 0
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

    @inline(__always)
    private static func candidates(_ m: mk_block_masks) -> UInt64 {
        m.anchor | m.digitstart | m.tokenstart
    }
}
