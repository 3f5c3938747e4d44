import CMaskKernels
#if canImport(Glibc)
import Glibc
#endif

/// The stage-1 index of one input buffer: per 64-byte block, bit masks of candidate anchors ('@' and
/// secret triggers that passed the kernel's filters), candidate digits (starts of runs whose group is
/// shaped like a card or an SSN, encoded '@'), token starts (where a token rule's first bytes are), the
/// raw digits, triggers and long runs, and the caller's structural bytes, computed by the C kernel in
/// windows as a reader walks forward.
///
/// Stage 2 (the detectors) asks only "which candidate positions lie in this cell?", so a cell without
/// candidates costs two mask reads, however long it is. Classification runs in windows of
/// `windowBlocks` blocks so that the masks stay in L1 while the cells that use them are processed.
public final class StageOneIndex {
    /// The structural bytes the kernel marks (e.g. CSV: delimiter, quote, LF, CR); four zeros, the
    /// default, mark none (`nextStructural` then finds nothing) and spare the kernel their compares.
    public private(set) var structuralBytes: (UInt8, UInt8, UInt8, UInt8)
    private var masks: UnsafeMutablePointer<mk_block_masks>
    private var capacityBlocks: Int
    private let windowBlocks: Int
    /// The bytes the index describes (set by `reset`).
    private(set) var buffer: UnsafeBufferPointer<UInt8> = UnsafeBufferPointer(start: nil, count: 0)
    private var windowStart = 0
    private var windowEnd = 0

    /// Creates an index whose kernel marks the four given structural bytes (none by default).
    public init(structural: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0), windowBytes: Int = 16 * 1024) {
        structuralBytes = structural
        windowBlocks = max(1, windowBytes / 64)
        overlapBlocks = min(16, windowBlocks / 4)
        capacityBlocks = windowBlocks
        masks = .allocate(capacity: capacityBlocks)
    }

    deinit { masks.deallocate() }

    /// The stage-1 kernel this process runs: `AVX-512BW` (`AVX-512BW without VBMI2` on a CPU before Ice
    /// Lake, or capped by MASKD_CPU=avx512bw), `AVX2` or `scalar`: the widest the CPU has, unless
    /// MASKD_STAGE1 (`avx2`, `scalar`) or MASKD_CPU (`avx512bw`, `avx2`, `portable`) caps it.
    public static var kernelName: String {
        switch mk_classify_path() {
        case MK_PATH_WIDE: mk_cpu_reports_vbmi2() == 1 ? "AVX-512BW" : "AVX-512BW without VBMI2"
        case MK_PATH_ACCELERATED: "AVX2"
        default: "scalar"
        }
    }

    /// The token catalogue's prefixes in the layout `mk_classify` reads: what the engine passes it, for
    /// callers of the kernel itself (tests, fuzzing, benchmarks) that want the engine's masks.
    public static var tokenPrefixes: UnsafePointer<mk_token_prefixes> { TokenCatalogue.index.stageOne }

    /// Points the index at a new buffer. The caller keeps `bytes` alive and unchanged while it uses the
    /// index; no mask is computed until a range is asked for.
    public func reset(_ bytes: UnsafeBufferPointer<UInt8>) {
        reset(bytes, structural: structuralBytes)
    }

    /// Points the index at a new buffer whose kernel marks the given structural bytes: one index
    /// serves a session's CSV and COPY chunks, its masks' memory allocated once.
    public func reset(_ bytes: UnsafeBufferPointer<UInt8>, structural: (UInt8, UInt8, UInt8, UInt8)) {
        structuralBytes = structural
        buffer = bytes
        pinned = false
        windowStart = 0
        windowEnd = 0
        classifiedBlocks = 0
    }

    /// Gives back the mask memory grown past `limit` blocks (a huge value classified whole), so that an
    /// index kept for a session's life does not hold it; the index must be `reset` before its next use.
    func releaseMemory(keepingAtMost limit: Int) {
        guard capacityBlocks > max(limit, windowBlocks) else { return }
        masks.deallocate()
        capacityBlocks = windowBlocks
        masks = .allocate(capacity: capacityBlocks)
        windowStart = 0
        windowEnd = 0
    }

    /// Blocks the kernel has classified since `reset`, its warm-up blocks before each window included:
    /// what the tests hold the window policy to.
    private(set) var classifiedBlocks = 0

    /// Makes sure the blocks covering byte offsets `lower..<upper` are classified.
    @inline(__always)
    func ensure(_ lower: Int, _ upper: Int) {
        let first = lower >> 6
        let last = (upper - 1) >> 6
        if first >= windowStart && last < windowEnd { return }
        classifyWindow(first: first, last: last)
    }

    /// How far back a window that follows the current one starts: a reader walking forward (the CSV
    /// and COPY record loops find a field's end first) leaves the window inside a field, then scans that
    /// field from its start. Without the overlap, the next window began at the field's last block and
    /// the field's scan classified a whole window again from its first block: about twice the kernel's
    /// work on CSV, since nearly every window boundary falls inside a field. (A quarter of the window
    /// at most, so that each new window still moves on by three quarters of one.)
    private let overlapBlocks: Int

    /// While pinned, a range just past the window extends the window instead of moving it on, so that
    /// every block from the pin on stays classified: a batch's columns are walked after its records
    /// were read (`TextRecordBatch`), and a moved window would have them classified twice.
    private var pinned = false
    /// How far a pinned window extends before it moves on again as unpinned ones do (one huge record
    /// is then classified twice, as before, rather than holding masks for all of it).
    private static let pinnedLimitBlocks = 4 * 1024

    /// Pins the window at the block of `lower` (see `pinned`): the blocks before it are given up, those
    /// from it on that are classified are kept.
    func pin(from lower: Int) {
        let first = lower >> 6
        if first > windowStart && first < windowEnd {
            // Sound: both ranges lie in the `windowEnd - windowStart` blocks classified; memmove allows
            // the overlap.
            memmove(masks, masks + (first - windowStart), (windowEnd - first) * MemoryLayout<mk_block_masks>.stride)
            windowStart = first
        }
        pinned = true
    }

    /// Lets the window move on again.
    func unpin() { pinned = false }

    private func classifyWindow(first requested: Int, last: Int) {
        if pinned && requested >= windowStart && requested <= windowEnd && windowEnd > windowStart
            && windowEnd - windowStart < Self.pinnedLimitBlocks {
            extendWindow(through: last)
            return
        }
        var first = requested
        if requested > windowStart && requested <= windowEnd {
            first = max(windowStart, requested - overlapBlocks)
        }
        let totalBlocks = (buffer.count + 63) >> 6
        let end = min(totalBlocks, max(first + windowBlocks, last + 1))
        let count = end - first
        if count > capacityBlocks {
            masks.deallocate()
            capacityBlocks = count
            masks = .allocate(capacity: count)
        }
        let byteStart = first << 6
        let byteEnd = min(buffer.count, end << 6)
        // Sound: byteStart..<byteEnd lies inside `buffer` (the kernel reads on up to `buffer.count` only),
        // `masks` holds `count` blocks, and the tuple is four contiguous bytes, as the kernel reads them.
        withUnsafeBytes(of: structuralBytes) { s in
            mk_classify(buffer.baseAddress!, buffer.count, byteStart, byteEnd - byteStart,
                        s.baseAddress!.assumingMemoryBound(to: UInt8.self), masks, Self.tokenPrefixes)
        }
        windowStart = first
        windowEnd = end
        classifiedBlocks += count + min(4, first)
    }

    /// Classifies the blocks after the window through `last` (a window's worth at least), keeping the
    /// window's own.
    private func extendWindow(through last: Int) {
        let totalBlocks = (buffer.count + 63) >> 6
        let end = min(totalBlocks, max(windowEnd + windowBlocks, last + 1))
        let kept = windowEnd - windowStart
        if end - windowStart > capacityBlocks {
            let grown = max(end - windowStart, 2 * capacityBlocks)
            let larger = UnsafeMutablePointer<mk_block_masks>.allocate(capacity: grown)
            // Sound: `kept` blocks are classified in `masks`, and `larger` holds more than that.
            larger.update(from: masks, count: kept)
            masks.deallocate()
            masks = larger
            capacityBlocks = grown
        }
        let byteStart = windowEnd << 6
        let byteEnd = min(buffer.count, end << 6)
        // Sound: as in `classifyWindow`; the new blocks are written after the `kept` ones, inside the
        // capacity checked above. The kernel warms up on the blocks before `byteStart`, so the masks
        // are those a window starting there would have.
        withUnsafeBytes(of: structuralBytes) { s in
            mk_classify(buffer.baseAddress!, buffer.count, byteStart, byteEnd - byteStart,
                        s.baseAddress!.assumingMemoryBound(to: UInt8.self), masks + kept, Self.tokenPrefixes)
        }
        classifiedBlocks += end - windowEnd + min(4, windowEnd)
        windowEnd = end
    }

    /// The masks of block `block` (byte offset `block * 64`); the block must be classified.
    @inline(__always)
    func block(_ block: Int) -> mk_block_masks {
        assert(block >= windowStart && block < windowEnd)
        return masks[block - windowStart]
    }

    /// The masks pointer shifted so that it is indexed by absolute block number, valid for the blocks
    /// of the current window only.
    var blockBase: UnsafePointer<mk_block_masks> { UnsafePointer(masks - windowStart) }

    /// Candidate positions (anchor, digit or token start) inside `lower..<upper`, as a cursor that yields
    /// them in order.
    @inline(__always)
    func candidates(_ lower: Int, _ upper: Int) -> CandidateCursor {
        ensure(lower, upper)
        return CandidateCursor(masks: blockBase, lower: lower, upper: upper, edges: CellEdges(buffer, lower, upper))
    }

    /// The first position in `lower..<upper` where a value that lies between bytes that are no token
    /// byte may hold a candidate (`CandidateGate.firstPossibleCandidate`'s question), or `upper`:
    /// classified a window at a time as it reads, so that the bytes after the window that holds it are
    /// not classified.
    func firstPossibleCandidate(_ lower: Int, _ upper: Int) -> Int {
        guard lower < upper else { return upper }
        var b = lower >> 6
        let last = (upper - 1) >> 6
        while b <= last {
            let windowLast = min(last, b + windowBlocks - 1)
            ensure(max(lower, b << 6), min(upper, (windowLast + 1) << 6))
            for k in b...windowLast {
                let bits = Self.clip(CandidateGate.possible(block(k)), block: k, lower, upper)
                if bits != 0 { return (k << 6) + bits.trailingZeroBitCount }
            }
            b = windowLast + 1
        }
        return upper
    }

    /// The offset of the first structural byte at or after `position` and before `upper`, or nil.
    @inline(__always)
    func nextStructural(from position: Int, before upper: Int) -> Int? {
        var pos = position
        while pos < upper {
            let blockIndex = pos >> 6
            ensure(pos, min(upper, (blockIndex + 1) << 6))
            var bits = block(blockIndex).structural & (~0 << UInt64(pos & 63))
            let blockEnd = (blockIndex + 1) << 6
            if blockEnd > upper { bits &= (1 << UInt64(upper & 63)) &- 1 }
            if bits != 0 { return (blockIndex << 6) + bits.trailingZeroBitCount }
            pos = blockEnd
        }
        return nil
    }

    /// Whether an anchor other than `:` lies in `lower..<upper`: the sign that a cell declared as a type
    /// that cannot hold PII (a timestamp, a float) holds text after all (an `@`, a `key=`, a token prefix,
    /// a password hash's `$`). Not a `$` that is the cell's first byte: it is an anchor by the byte
    /// before the cell, and every hash shape has a `$` after a letter or digit inside it too (money
    /// prints `$1,234.56`).
    func hasTextAnchor(_ bytes: UnsafeBufferPointer<UInt8>, _ lower: Int, _ upper: Int) -> Bool {
        if lower >= upper { return false }
        ensure(lower, upper)
        for b in (lower >> 6)...((upper - 1) >> 6) {
            var bits = Self.clip(block(b).trigger, block: b, lower, upper)
            while bits != 0 {
                let position = (b << 6) + bits.trailingZeroBitCount
                let byte = bytes[position]
                if byte != UInt8(ascii: ":") && (byte != UInt8(ascii: "$") || position != lower) { return true }
                bits &= bits &- 1
            }
        }
        return false
    }

    /// Whether any trigger byte, digit or long token run lies in `lower..<upper`: the one-question gate
    /// that lets most cells pass untouched. It answers from the unfiltered masks, because callers also
    /// use it on raw bytes to decide whether an unquoted copy needs scanning. The filtered masks judge a
    /// byte by its neighbours in the raw bytes; the unfiltered ones hold whatever the neighbours:
    /// unquoting only turns `""` into `"`, which is no digit or token byte, and every trigger pair of
    /// the copy is a pair of the raw bytes too.
    @inline(__always)
    func hasCandidates(_ lower: Int, _ upper: Int) -> Bool {
        anyBit(lower, upper) { m, _ in m.trigger | m.digit | m.longrun }
    }

    /// Whether the candidate cursor of `lower..<upper` yields anything: an anchor, digit or token-start
    /// candidate, or what the cell's edges add (`CellEdges`). Sharper than `hasCandidates`, and
    /// valid only for scanning these very bytes.
    @inline(__always)
    func hasCandidatesToScan(_ lower: Int, _ upper: Int) -> Bool {
        let first = lower >> 6
        let edges = CellEdges(buffer, lower, upper)
        return edges.addsCandidate || anyBit(lower, upper) { m, b in
            m.anchor | m.digitstart | m.tokenstart | (b == first ? edges.tokenStartBit(m, lower) : 0)
        }
    }

    /// Whether `select` (given each block's masks and number) leaves a bit inside `lower..<upper`: the
    /// one walk of the gates, which stops at the first block that has one.
    @inline(__always)
    private func anyBit(_ lower: Int, _ upper: Int, _ select: (mk_block_masks, Int) -> UInt64) -> Bool {
        if lower >= upper { return false }
        ensure(lower, upper)
        for b in (lower >> 6)...((upper - 1) >> 6) {
            if Self.clip(select(block(b), b), block: b, lower, upper) != 0 { return true }
        }
        return false
    }

    /// `bits` of block `b` less those outside `lower..<upper` (only the first and last blocks lose any).
    @inline(__always)
    private static func clip(_ bits: UInt64, block b: Int, _ lower: Int, _ upper: Int) -> UInt64 {
        var bits = bits
        if b == lower >> 6 { bits &= ~0 << UInt64(lower & 63) }
        if b == (upper - 1) >> 6 && (upper & 63) != 0 { bits &= (1 << UInt64(upper & 63)) &- 1 }
        return bits
    }
}

/// What a candidate position is: a digit, an anchor byte (`@`, `=`, a pair…), a word start from which
/// 16+ token bytes follow and where a token rule may begin, or several of these at once.
struct CandidateKind: OptionSet {
    let rawValue: UInt8
    static let digit = CandidateKind(rawValue: 1)
    static let anchor = CandidateKind(rawValue: 2)
    static let tokenStart = CandidateKind(rawValue: 4)
}

/// Walks the candidate positions of one cell, block by block, without materialising a list.
///
/// It reads the masks through a raw pointer taken when it is made: the index classified every block of
/// the cell before, and nothing reclassifies while the cursor lives (it is local to one
/// `CellScanner.scan` call), so the pointer stays valid. It is made from the pointer, not from the
/// index: an initializer that took the index was an outlined call that retained and released it for
/// every scanned cell (4 % of PII-free wire).
struct CandidateCursor {
    let upper: Int
    /// The cell's first byte: a token run starts there whatever byte precedes it (the framing before a
    /// cell, a length or a delimiter, is not part of the value).
    private let lower: Int
    /// Masks addressed by absolute block number (already offset by the window's first block).
    private let masks: UnsafePointer<mk_block_masks>
    private var blockIndex: Int
    private var bits: UInt64
    private var digitBits: UInt64
    private var tokenBits: UInt64
    private var anchorBits: UInt64

    /// What the cell's edges add: a token start at its first byte, and (rarely: `hasExtras`) the
    /// cell-start `_` and the starts of a first or cut run, candidates the masks may not hold.
    private let edges: CellEdges
    private let hasExtras: Bool

    @inline(__always)
    init(masks: UnsafePointer<mk_block_masks>, lower: Int, upper: Int, edges: CellEdges) {
        self.upper = upper
        self.lower = lower
        self.masks = masks
        self.edges = edges
        hasExtras = edges.addsCandidate
        blockIndex = lower >> 6
        bits = 0
        digitBits = 0
        tokenBits = 0
        anchorBits = 0
        load(from: lower)
    }

    @inline(__always)
    private mutating func load(from position: Int) {
        let m = masks[blockIndex]
        let low: UInt64 = ~0 << UInt64(position & 63)
        var high: UInt64 = ~0
        if (blockIndex + 1) << 6 > upper { high = (1 << UInt64(upper & 63)) &- 1 }
        // A token may start at a word start inside a long run (`x-AKIA…`, `_ghp_…`) where the kernel
        // saw a rule's first bytes, and at the cell's first byte whatever precedes it (framing bytes
        // are not part of the value): there too, where the kernel judged a word start like the cell's.
        var starts = m.tokenstart
        var digits = m.digitstart, anchors = m.anchor
        if blockIndex == lower >> 6 {
            starts |= edges.tokenStartBit(m, lower)
        }
        if hasExtras {
            let extras = edges.extras(inBlock: blockIndex)
            digits |= extras.digits
            anchors |= extras.anchors
        }
        tokenBits = starts & low & high
        digitBits = digits & low & high
        anchorBits = anchors & low & high
        bits = anchorBits | digitBits | tokenBits
    }

    /// The next candidate at or after the current point, and what it is.
    @inline(__always)
    mutating func next() -> (position: Int, kind: CandidateKind)? {
        while bits == 0 {
            blockIndex += 1
            if blockIndex << 6 >= upper { return nil }
            load(from: blockIndex << 6)
        }
        let bit = UInt64(bits.trailingZeroBitCount)
        let digit = UInt8(truncatingIfNeeded: digitBits >> bit) & 1
        let anchor = UInt8(truncatingIfNeeded: anchorBits >> bit) & 1
        let token = UInt8(truncatingIfNeeded: tokenBits >> bit) & 1
        bits &= bits &- 1
        return ((blockIndex << 6) + Int(bit), CandidateKind(rawValue: digit | anchor << 1 | token << 2))
    }

    /// The end of the run of digits that starts at `position`, read from the digit masks (no byte loop),
    /// at most `upper`.
    @inline(__always)
    func digitRunEnd(from position: Int) -> Int {
        var block = position >> 6
        var nonDigits = ~masks[block].digit >> UInt64(position & 63)
        var base = position
        while nonDigits == 0 {
            block += 1
            base = block << 6
            if base >= upper { return upper }
            nonDigits = ~masks[block].digit
        }
        return min(base + nonDigits.trailingZeroBitCount, upper)
    }

    /// Skips every candidate before `position` (after a match, its bytes are not looked at again).
    @inline(__always)
    mutating func skip(to position: Int) {
        if position >= upper { bits = 0; blockIndex = (upper + 63) >> 6; return }
        blockIndex = position >> 6
        load(from: position)
    }
}
