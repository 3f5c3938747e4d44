import CMaskKernels

/// What a cell's edges add to its stage-1 candidates, because the kernel judged the bytes there by the
/// buffer's bytes around the cell, which are no part of the value (a wire length, a delimiter, the
/// next message's type):
/// - a digit after a letter or digit of the buffer: the kernel judged the run from its real start, or
///   dropped it as glued to a letter (stage 2 drops such a run inside a cell, not at its start), so the
///   cell's first digit is a digit candidate of its own; so is a first digit after a digit and '.' of
///   the buffer, or after a first '.' that follows a digit: the kernel dropped the run as a fraction
///   (`0.6797621880147522`), which the cell does not show;
/// - a token start: at a letter or digit after a byte that is neither, the kernel's `tokenstart` bit
///   judged the same word start as the cell's; elsewhere (after a length byte that is a letter, or at
///   a '-' that may open a PEM block) a long run at the first byte is a token start as it is;
/// - the `_` that ends a word the cell starts inside of (within 16 bytes): the kernel passes an `_`
///   only where a catalogue prefix starts at its word's start in the buffer, but `afterUnderscore` stops
///   its walk back at the cell's first byte and tries the token there;
/// - the start of the digit run that the cell's end cuts (a digit after the cell in the buffer): the
///   kernel drops the lone runs where stage 2 finds nothing (ten or eleven digits, twelve to nineteen
///   that fail Luhn, twenty and more), and the cell may hold fewer of their digits: nine are a bare SSN
///   where its column announces one, twelve to nineteen a card.
///
/// Made once per cell from two byte reads, those around it; only a cell after a letter, a digit or a
/// '.', or before a digit, reads more (`init(judging:)`), and walks to the `_` or to the cut run's start.
struct CellEdges {
    /// The start of the cell's first digit run when the buffer's bytes before the cell changed how the
    /// kernel judged it (`lower`, or `lower + 1` after a first '.'), or -1: a digit candidate.
    let firstRun: Int
    /// The kernel's `tokenstart` bit at the first byte holds for the cell (else `longrun` does).
    let tokenStartJudged: Bool
    /// The `_` ending the word the cell starts inside of, or -1.
    let underscore: Int
    /// The start of the cell's last digit run when a digit of the buffer follows it (the cell's end cuts
    /// the run), or -1: a digit candidate.
    let cutRun: Int

    @inline(__always)
    init(_ bytes: UnsafeBufferPointer<UInt8>, _ lower: Int, _ upper: Int) {
        guard lower < upper else {
            (firstRun, tokenStartJudged, underscore, cutRun) = (-1, false, -1, -1)
            return
        }
        let before: UInt8 = lower > 0 ? bytes[lower - 1] : 0
        let after: UInt8 = upper < bytes.count ? bytes[upper] : 0
        // Most cells lie between a delimiter, a length or a zero and the next such byte: nothing to add.
        if !ASCII.isAlnum(before) && before != UInt8(ascii: ".") && !ASCII.isDigit(after) {
            (firstRun, tokenStartJudged, underscore, cutRun) = (-1, ASCII.isAlnum(bytes[lower]), -1, -1)
        } else {
            self = Self(judging: bytes, lower, upper)
        }
    }

    /// The edges of a cell after a letter, a digit or a '.', or before a digit. Out of line, so that the
    /// gates and the cursor that make a `CellEdges` for every cell stay small enough to inline.
    @inline(never)
    private init(judging bytes: UnsafeBufferPointer<UInt8>, _ lower: Int, _ upper: Int) {
        let first = bytes[lower]
        let before: UInt8 = lower > 0 ? bytes[lower - 1] : 0
        let insideWord = ASCII.isAlnum(first) && ASCII.isAlnum(before)
        if ASCII.isDigit(first) {
            firstRun = insideWord || before == UInt8(ascii: ".") && lower >= 2 && ASCII.isDigit(bytes[lower - 2]) ? lower : -1
        } else {
            firstRun = first == UInt8(ascii: ".") && lower + 1 < upper && ASCII.isDigit(bytes[lower + 1]) && ASCII.isDigit(before)
                ? lower + 1 : -1
        }
        tokenStartJudged = ASCII.isAlnum(first) && !insideWord
        underscore = insideWord ? Self.underscore(ending: bytes, lower, upper) : -1
        let cut = upper < bytes.count && ASCII.isDigit(bytes[upper]) && ASCII.isDigit(bytes[upper - 1])
        cutRun = cut ? Self.runStart(ending: bytes, lower, upper) : -1
    }

    /// The `_` right after the letters and digits from `lower`, if it is at most 16 bytes in.
    static func underscore(ending bytes: UnsafeBufferPointer<UInt8>, _ lower: Int, _ upper: Int) -> Int {
        var u = lower + 1
        while u < upper && u - lower <= 16 && ASCII.isAlnum(bytes[u]) { u += 1 }
        return u < upper && u - lower <= 16 && bytes[u] == UInt8(ascii: "_") ? u : -1
    }

    /// The first of the digits that end `bytes[lower..<upper]` (`upper - 1` is one).
    static func runStart(ending bytes: UnsafeBufferPointer<UInt8>, _ lower: Int, _ upper: Int) -> Int {
        var s = upper - 1
        while s > lower && ASCII.isDigit(bytes[s - 1]) { s -= 1 }
        return s
    }

    /// Whether a byte around a cell leaves the kernel judging the cell's edges as the cell would: no
    /// letter, digit or '.' (a delimiter, a quote, a line end, the zero after a copy).
    @inline(__always)
    static func isNeutral(_ b: UInt8) -> Bool { !ASCII.isAlnum(b) && b != UInt8(ascii: ".") }

    /// What `CellEdges` adds for a cell that lies between neutral bytes (`isNeutral`), without reading
    /// them: no digit run or word is cut, no run is judged a fraction by a '.' before the cell, and a
    /// first letter or digit is judged by the kernel's own `tokenstart` bit (a candidate of the masks
    /// already), so only a long run from a first byte that is neither (`_token…`, `-x8Q~…`) is added.
    /// The column batches' gate asks this for most values; built from a whole `CellEdges` it cost 2.4 %
    /// more instructions on PII-free CSV (Benchmarks/RESULTS.md).
    ///
    /// After a byte that is no token byte the kernel's `otherstart` bit is that run's start where a token
    /// can start there (`other_start_kept`: the cursor's token start at the first byte finds nothing
    /// else, so a negative number with many digits adds nothing); after a neutral token byte (a `-`, `_`
    /// or `~` delimiter) the kernel saw no run start, and the run is added as it is.
    @inline(__always)
    static func addsBetweenNeutralBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ lower: Int, _ m: mk_block_masks) -> Bool {
        let bit: UInt64 = 1 << UInt64(lower & 63)
        guard !ASCII.isAlnum(bytes[lower]), m.longrun & bit != 0 else { return false }
        return m.otherstart & bit != 0 || lower > 0 && ASCII.isTokenByte(bytes[lower - 1])
    }

    /// Whether the cursor yields a candidate of the edges' own, whatever the masks hold (the token start
    /// at the first byte aside: `tokenStartBit`).
    @inline(__always)
    var addsCandidate: Bool { firstRun >= 0 || underscore >= 0 || cutRun >= 0 }

    /// The digit candidates (first and cut runs' starts) and the anchor (the `_`) the edges add to block
    /// `block`'s masks. Out of line: a cursor asks only when the edges add any (`addsCandidate`), and
    /// inlined it made the cursor's block load a call of its own for every scanned cell.
    @inline(never)
    func extras(inBlock block: Int) -> (digits: UInt64, anchors: UInt64) {
        var digits: UInt64 = 0, anchors: UInt64 = 0
        // -1 (none) >> 6 is -1, no block's number.
        if block == firstRun >> 6 { digits |= 1 << UInt64(firstRun & 63) }
        if block == cutRun >> 6 { digits |= 1 << UInt64(cutRun & 63) }
        if block == underscore >> 6 { anchors |= 1 << UInt64(underscore & 63) }
        return (digits, anchors)
    }

    /// The token-start bit at the cell's first byte, from that block's masks.
    @inline(__always)
    func tokenStartBit(_ m: mk_block_masks, _ lower: Int) -> UInt64 {
        (tokenStartJudged ? m.tokenstart : m.longrun) & (1 << UInt64(lower & 63))
    }
}
