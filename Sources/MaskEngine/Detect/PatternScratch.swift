import CPCRE2

/// One thread's PCRE2 match state, shared by every custom detector the thread runs: the match data
/// (where a match's offsets land), a match context carrying the limits, and a JIT stack. Created once
/// per worker and reused for every cell, so matching allocates nothing per match.
///
/// The limits make one match call on a hostile cell fail fast instead of running for minutes: the
/// scan then reports a limit hit and the caller masks the whole cell (fail closed). Typical PII patterns
/// (IBAN, card, email, date, employee-number shapes) need orders of magnitude less than the limits per
/// start position, so normal cells never come near them.
///
/// What the limits do not bound: PCRE2 restarts the match-limit count at every start position of an
/// unanchored pattern (JIT and interpreter alike), so a cell crafted to cost just under the limit at
/// each of its positions takes time proportional to its length times the limit (`(a+)+$` on runs of
/// 14 `a` each followed by `!`: seconds per 100 KiB; `CustomDetectorTests` keeps such a cell). That is
/// what the cell budget bounds (`cellBudget`, `startsPerCall`; see `CustomDetector.scan`): a scan gives
/// each match call at most `startsPerCall` start positions and, between calls, gives up (the cell is
/// masked whole) once `cellBudget` has passed since it began. The benchmarks
/// `CustomDetector.Dense.1MiBCell` (65,536 matches, scanned to the end) and `CustomDetector.Hostile.1MiBCell`
/// (given up) measure both sides of that budget:
/// `swift package benchmark --target MaskEngineBenchmarks --filter 'CustomDetector.*'`.
///
/// Not `Sendable`: PCRE2 match data, context and JIT stack are used by one thread at a time.
public final class PatternScratch {
    /// Match limit (`pcre2_set_match_limit`): the work of one start position, in PCRE2's units; the JIT
    /// counts differently from the interpreter but honours it. 100,000 leaves a wide margin over what
    /// normal patterns need, while a hostile start position is stopped in about a millisecond or less.
    public static let defaultMatchLimit: UInt32 = 100_000
    /// Depth limit (`pcre2_set_depth_limit`): nested backtracking points in the interpreter, one or two
    /// per iteration of a repeated group; the JIT ignores it (its stack size plays that role). Equal to
    /// the match limit, as in PCRE2's own defaults, so the heap limit below usually stops first.
    public static let defaultDepthLimit: UInt32 = 100_000
    /// Heap limit (`pcre2_set_heap_limit`, KiB): the interpreter's backtracking frames (kept in the match
    /// data between calls, so this is also what a thread may hold on to). 8 MiB stops a repeated group
    /// (`(?:\w|-)+!`) after tens of thousands of iterations, the same order as the 1 MiB JIT stack, so a
    /// cell fails closed at about the same length with either engine.
    public static let defaultHeapLimitKiB: UInt32 = 8 * 1024
    /// The JIT stack starts at 32 KiB and may grow to 1 MiB, which PCRE2 documents as more than enough
    /// for any reasonable pattern; exhausting it is `PCRE2_ERROR_JIT_STACKLIMIT`, a limit hit.
    public static let jitStackStart = 32 * 1024
    public static let jitStackMax = 1024 * 1024
    /// How long the scan of one cell by one detector may run (`ContinuousClock`, so wall time) before it
    /// fails closed: several times what a release build needs for a 1 MiB cell of dense legitimate
    /// matches (`CustomDetector.Dense.1MiBCell`), so a busy machine does not mask good cells whole, while
    /// a hostile cell is given up within a small multiple of it (`CustomDetector.Hostile.1MiBCell`)
    /// instead of after 10 s or more.
    public static let defaultCellBudget: Duration = .milliseconds(50)
    /// How many start positions one match call may try (`pcre2_set_offset_limit`), hence how much work
    /// can pass between two looks at the clock: at most this many positions, each at most at the match
    /// limit. A call on a match-free stretch and a look at the clock each cost tens of nanoseconds, so
    /// 1,024 positions per call keeps their share of a normal scan small.
    public static let defaultStartsPerCall = 1024

    /// The budget of one cell's scan by one detector (`defaultCellBudget`), once more for each whole MiB
    /// of the cell.
    public let cellBudget: Duration
    /// The start positions one match call may try (`defaultStartsPerCall`), at least 1.
    public let startsPerCall: Int

    /// Where matches land: one offset pair, since only the whole match is read.
    let matchData: OpaquePointer
    /// The limits and the JIT stack.
    let matchContext: OpaquePointer
    /// Nil when this PCRE2 has no JIT (then nothing runs JIT code).
    private let jitStack: OpaquePointer?
    /// Digit values of a match for the Luhn validator, kept between matches so it is allocated once.
    var digits: [UInt8] = []

    public init(matchLimit: UInt32 = defaultMatchLimit, depthLimit: UInt32 = defaultDepthLimit,
                heapLimitKiB: UInt32 = defaultHeapLimitKiB, cellBudget: Duration = defaultCellBudget,
                startsPerCall: Int = defaultStartsPerCall) {
        precondition(startsPerCall >= 1)
        self.cellBudget = cellBudget
        self.startsPerCall = startsPerCall
        // PCRE2 returns nil only when malloc fails; like Swift's own allocations, that ends the process.
        guard let data = pcre2_match_data_create_8(1, nil), let context = pcre2_match_context_create_8(nil) else {
            fatalError("PCRE2 could not allocate match data")
        }
        matchData = data
        matchContext = context
        pcre2_set_match_limit_8(context, matchLimit)
        pcre2_set_depth_limit_8(context, depthLimit)
        pcre2_set_heap_limit_8(context, heapLimitKiB)
        // Without JIT support this returns nil, and the context keeps PCRE2's default (unused) stack.
        jitStack = pcre2_jit_stack_create_8(Self.jitStackStart, Self.jitStackMax, nil)
        if let jitStack {
            // Sound: the stack outlives the context's use (both freed together in deinit, stack last), and
            // this scratch is used by one thread at a time, as PCRE2 requires of a JIT stack.
            pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack))
        }
        digits.reserveCapacity(64)
    }

    deinit {
        pcre2_match_context_free_8(matchContext)
        pcre2_match_data_free_8(matchData)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }
}
