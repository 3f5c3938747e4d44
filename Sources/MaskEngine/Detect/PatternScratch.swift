import CPCRE2

/// One thread's PCRE2 match state, shared by every custom detector the thread runs: the match data
/// (where a match's offsets land), a match context carrying the limits, and a JIT stack. Created once
/// per worker and reused for every cell, so matching allocates nothing per match.
///
/// The limits make one match call on a hostile cell fail fast instead of running for minutes: the
/// scan then reports a limit hit and the caller masks the whole cell (fail closed). Measured on this
/// project's machine (release build, 2 cores, shared), `(a+)+$` on a 1 MiB cell of `a`s ending in `!`
/// stops after 0.6–1.1 ms with the JIT and 2.6–3.7 ms in the interpreter (`(*NO_JIT)`) with the
/// default limits (medians of two runs of 15). Typical PII patterns (IBAN, card, email, date, employee-number shapes) needed at most 40
/// units of match limit per start position on 1 MiB of text, digits or base64, so normal cells never
/// come near it; a 1 MiB cell with 65,536 matches scans in about 9 ms.
///
/// What the limits do not bound: PCRE2 restarts the match-limit count at every start position of an
/// unanchored pattern (JIT and interpreter alike), so a cell crafted to cost just under the limit at
/// each of its positions takes time proportional to its length times the limit: `(a+)+$` on 100 KiB
/// of 14-`a` runs, each followed by `!`, took 1.2–1.5 s and hit no limit, 1 MiB 13–15 s. That is what
/// the cell budget bounds (`cellBudget`, `startsPerCall`; see `CustomDetector.scan`): a scan gives each
/// match call at most `startsPerCall` start positions and, between calls, gives up (the cell is masked
/// whole) once `cellBudget` has passed since it began.
///
/// Not `Sendable`: PCRE2 match data, context and JIT stack are used by one thread at a time.
public final class PatternScratch {
    /// Match limit (`pcre2_set_match_limit`): the work of one start position, in PCRE2's units; the JIT
    /// counts differently from the interpreter but honours it. 100,000 leaves over 1,000 times the work
    /// the measured normal patterns need. 1,000,000 would have cost 3–4.5 ms (JIT) and 18 ms (interpreter)
    /// on the 1 MiB `(a+)+$` cell, and ten times as much on cells built to stay under the limit.
    public static let defaultMatchLimit: UInt32 = 100_000
    /// Depth limit (`pcre2_set_depth_limit`): nested backtracking points in the interpreter, one or two
    /// per iteration of a repeated group; the JIT ignores it (its stack size plays that role). Equal to
    /// the match limit, as in PCRE2's own defaults, so the heap limit below usually stops first.
    public static let defaultDepthLimit: UInt32 = 100_000
    /// Heap limit (`pcre2_set_heap_limit`, KiB): the interpreter's backtracking frames (kept in the match
    /// data between calls, so this is also what a thread may hold on to). With 8 MiB the interpreter
    /// stops a repeated group (`(?:\w|-)+!`, `(?:\w\w?)+!`) after 29,000 to 66,000 iterations, and the
    /// 1 MiB JIT stack after 32,000 to 131,000 (measured), so a cell fails closed at the same order of
    /// length with either engine. The measured normal patterns used 1–2 KiB.
    public static let defaultHeapLimitKiB: UInt32 = 8 * 1024
    /// The JIT stack starts at 32 KiB and may grow to 1 MiB, which PCRE2 documents as more than enough
    /// for any reasonable pattern; exhausting it is `PCRE2_ERROR_JIT_STACKLIMIT`, a limit hit.
    public static let jitStackStart = 32 * 1024
    public static let jitStackMax = 1024 * 1024
    /// How long the scan of one cell by one detector may run (`ContinuousClock`, so wall time) before it
    /// fails closed. A release build scans a normal 1 MiB cell with 65,536 matches in 6–12 ms, so 50 ms
    /// leaves room for a busy machine while a hostile cell is given up in a tenth of a second: `(a+)+$`
    /// on 1 MiB of 14-`a` runs ends after 50–70 ms with the JIT (14.7 s with no budget) and 90–125 ms
    /// in the interpreter (runs of 15: 50–65 and 225–250 ms), fastest to slowest of 5 runs (release, shared machine).
    public static let defaultCellBudget: Duration = .milliseconds(50)
    /// How many start positions one match call may try (`pcre2_set_offset_limit`), hence how much work
    /// can pass between two looks at the clock: at most this many positions, each at most at the match
    /// limit (measured: 0.2 ms with the JIT, 1.5–2.4 ms in the interpreter). Each call on a match-free
    /// stretch costs about 40 ns with the JIT, and each look at the clock about 20 ns, so 1,024 adds
    /// under 0.1 ms per MiB; more where a byte every match needs stands far ahead, since the JIT looks
    /// for it up to 5,000 bytes on at each call (5.6 ms on 1 MiB when it was absent, before the scan
    /// learned to stop there).
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
