import CPCRE2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a custom detector's pattern cannot be used. Carries where and why, never a cell byte: the
/// pattern comes from the policy file, so the caller prefixes the detector's name and reports it.
public enum PatternError: Error, Equatable, CustomStringConvertible {
    /// The pattern is the empty string.
    case empty
    /// PCRE2 rejected the pattern: its message (`pcre2_get_error_message`) and the byte offset in the
    /// pattern where compiling stopped.
    case compile(message: String, offset: Int)
    /// The pattern can match the empty string (`x*`, `a|`, `\b`, `(?<=a)`): its matches would mask
    /// nothing, or, were empty spans widened, everything.
    case matchesEmptyString
    /// Matching the empty subject, the check above, ended in a PCRE2 error (a limit the pattern sets
    /// itself, or memory): the pattern would fail closed on every cell.
    case unusable(message: String)

    public var description: String {
        switch self {
        case .empty:
            "the pattern is empty: it would mask nothing"
        case .compile(let message, let offset):
            "the pattern does not compile at byte \(offset): \(message)"
        case .matchesEmptyString:
            "the pattern can match the empty string: it would mask nothing or everything"
        case .unusable(let message):
            "the pattern fails on an empty subject: \(message)"
        }
    }
}

/// A custom detector's regular expression, compiled once by PCRE2 (8-bit code units) and JIT-compiled
/// when the platform allows, then shared by every thread that scans.
///
/// Cells are bytes, not text: the pattern is compiled without UTF mode, so `.` is one byte and a class
/// like `[^a]` matches any byte, valid UTF-8 or not. A pattern opts into UTF-8 with a leading `(*UTF)`;
/// its matching then validates each cell once and a cell that is not valid UTF-8 fails closed (see
/// `match`). `\C` is refused at compile time: in UTF mode it can stop a match inside a character.
///
/// Patterns that can match the empty string are refused (`PatternError.matchesEmptyString`), so the
/// scan loop only ever steps past non-empty matches; it still guards its progress, since `\K` can
/// report an empty span for a pattern that cannot match empty.
///
/// Every pattern is compiled with `PCRE2_USE_OFFSET_LIMIT`, so a match call can be told the last
/// position where a match may start (`match(_:from:lastStart:checkUTF:scratch:)`): that is how a scan
/// bounds the start positions one call tries (`PatternScratch.startsPerCall`). The JIT honours the
/// limit (PCRE2 10.42, tested), and so does the interpreter, but the interpreter's search for a first
/// byte runs on past it to the subject's end; `nextStart(in:from:)` lets a scan jump over the same
/// bytes once instead of having each later call scan them again.
public final class CompiledPattern: @unchecked Sendable {
    // @unchecked: a compiled (and JIT-compiled) pcre2_code is read-only, and PCRE2 documents it as safe
    // to use from many threads at once; all mutable match state lives in each thread's `PatternScratch`.
    private let code: OpaquePointer
    /// The pattern as the policy wrote it.
    public let source: String
    /// Whether `pcre2_jit_compile` succeeded; otherwise every match runs in PCRE2's interpreter.
    public let isJITCompiled: Bool
    /// Whether the pattern opted into UTF-8 with `(*UTF)`.
    public let usesUTF: Bool
    /// Whether PCRE2 anchored the pattern (`^` without multiline, `\A` or `\G` leading every branch, or
    /// `(?s).*`): a call tries its start position only, so a call that finds nothing ends the scan.
    public let isAnchored: Bool
    /// Where a match can start, when the interpreter runs and PCRE2 knows it; `.anywhere` with the JIT.
    let starts: StartBytes
    /// Bytes one of which every match holds (PCRE2's last fixed code unit, in both ASCII cases), or nil.
    let required: ByteSet?

    /// Where a match of an interpreted pattern can start, as PCRE2's own start-of-match search knows it.
    enum StartBytes {
        /// Any position (the JIT, or nothing known).
        case anywhere
        /// A position holding one of these bytes: the first code unit in both ASCII cases, or PCRE2's map
        /// of first bytes.
        case holding(ByteSet)
        /// The subject's start or a position after one of these bytes, which end a line break under any
        /// newline convention (LF, CR, VT, FF, NUL, NEL `85`, and `A8`/`A9`, the last bytes of U+2028/9 in
        /// UTF-8).
        case afterLineBreak(ByteSet)
    }

    /// A set of byte values and a forward search for them: memchr for one value, a table for several.
    struct ByteSet {
        /// One flag per byte value.
        private let flags: [Bool]
        /// The only member, when there is one.
        private let single: UInt8?

        init(_ members: some Sequence<UInt8>) {
            var flags = [Bool](repeating: false, count: 256)
            for b in members { flags[Int(b)] = true }
            self.flags = flags
            let all = (0..<256).filter { flags[$0] }
            single = all.count == 1 ? UInt8(all[0]) : nil
        }

        /// The first position in `position..<subject.count` holding a member, or `subject.count`.
        func first(in subject: UnsafeBufferPointer<UInt8>, from position: Int) -> Int {
            guard position < subject.count, let base = subject.baseAddress else { return subject.count }
            if let single {
                // Sound: [position, count) lies inside the subject.
                guard let hit = memchr(base + position, Int32(single), subject.count - position) else { return subject.count }
                return UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
            }
            return flags.withUnsafeBufferPointer { table in
                var p = position
                // Sound: p < count inside the loop, and a byte indexes the 256 flags.
                while p < subject.count && !table[Int(base[p])] { p += 1 }
                return p
            }
        }
    }

    /// How one match attempt ended.
    public enum MatchResult: Equatable {
        /// A match; offsets relative to the subject's start.
        case match(Range<Int>)
        case noMatch
        /// Any other negative PCRE2 result: a match, depth or heap limit, the JIT stack, invalid UTF-8.
        case failed(code: Int32)
    }

    /// Compiles `pattern`, JIT-compiles it when possible, and refuses it when it is empty or can match
    /// the empty string.
    public init(_ pattern: String) throws(PatternError) {
        source = pattern
        let bytes = Array(pattern.utf8)
        guard !bytes.isEmpty else { throw .empty }
        var errorCode: Int32 = 0
        var errorOffset = 0
        // The length is passed explicitly, so a NUL inside the pattern is a literal rather than its end.
        let compiled = bytes.withUnsafeBufferPointer { p in
            // Sound: `p` is valid for `p.count` bytes for the duration of the call; PCRE2 copies what it keeps.
            pcre2_compile_8(p.baseAddress, p.count, UInt32(PCRE2_NEVER_BACKSLASH_C | PCRE2_USE_OFFSET_LIMIT),
                            &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw .compile(message: Self.message(for: errorCode), offset: errorOffset)
        }
        code = compiled
        // PCRE2_JIT_COMPLETE: only complete matches are ever asked for. A failure (no JIT on this CPU,
        // or a pattern item the JIT cannot handle) leaves the interpreter, which gives the same results.
        // Success is read from JITSIZE, as pcre2jit advises: `(*NO_JIT)` makes pcre2_jit_compile return 0
        // without compiling, and pcre2_jit_match on such a pattern would fail every cell.
        pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE))
        var jitSize = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_JITSIZE), &jitSize)
        isJITCompiled = jitSize > 0
        var options: UInt32 = 0
        // ALLOPTIONS includes what leading items such as `(*UTF)` switched on.
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_ALLOPTIONS), &options)
        usesUTF = options & UInt32(PCRE2_UTF) != 0
        isAnchored = options & UInt32(PCRE2_ANCHORED) != 0
        starts = isJITCompiled ? .anywhere : Self.startBytes(of: compiled, options: options)
        required = Self.requiredBytes(of: compiled, options: options)
        // From here on `deinit` frees `code` if a check below throws.

        // Two checks: one match against the empty subject, then PCRE2's own analysis (MATCHEMPTY), which
        // also catches patterns that match empty only inside a subject (`\b`, `(?<=a)`).
        let scratch = PatternScratch()
        let none: UInt8 = 0
        let onEmpty = withUnsafePointer(to: none) { p in
            // Sound: a zero-length subject; PCRE2 reads none of it but wants a non-null pointer.
            match(UnsafeBufferPointer(start: p, count: 0), from: 0, checkUTF: true, scratch: scratch)
        }
        switch onEmpty {
        case .match: throw .matchesEmptyString
        case .failed(let code): throw .unusable(message: Self.message(for: code))
        case .noMatch: break
        }
        var mayMatchEmpty: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_MATCHEMPTY), &mayMatchEmpty)
        if mayMatchEmpty != 0 { throw .matchesEmptyString }
    }

    deinit { pcre2_code_free_8(code) }

    /// One leftmost match in `subject` starting at or after `start` and at or before `lastStart` (PCRE2's
    /// offset limit; the match itself may run past it), with the limits and buffers of `scratch`.
    /// `.noMatch` then says only that no match starts in `start...lastStart`.
    ///
    /// Preconditions: `start <= subject.count`; when the pattern uses UTF and `checkUTF` is false, the
    /// subject was validated by an earlier call with `checkUTF` and `start` is on a character boundary.
    /// The first call on a cell passes `checkUTF: true`; PCRE2 then validates the whole subject (costs
    /// one pass) and later calls skip it, which keeps many matches in one cell linear.
    @inline(__always)
    public func match(_ subject: UnsafeBufferPointer<UInt8>, from start: Int, lastStart: Int? = nil, checkUTF: Bool,
                      scratch: PatternScratch) -> MatchResult {
        precondition(start >= 0 && start <= subject.count)
        // An empty buffer may have no address, which PCRE2 refuses; the init's check (made with an address)
        // has shown that the pattern cannot match an empty subject.
        guard let base = subject.baseAddress else { return .noMatch }
        // Set on every call: the context is shared by every pattern and cell of the thread. A limit past
        // the subject's end allows every position, as no limit would.
        pcre2_set_offset_limit_8(scratch.matchContext, min(lastStart ?? subject.count, subject.count))
        // Sound: `base` is valid for `count` bytes; PCRE2 reads only within [0, count) (lookbehinds stop at
        // the subject's start), and match data and context belong to this thread's scratch.
        let rc: Int32
        if usesUTF {
            // pcre2_jit_match skips the UTF check and is undefined on invalid UTF-8, so a UTF pattern goes
            // through pcre2_match, which checks (once per cell, see above) and then runs the JIT code.
            let options = checkUTF ? 0 : UInt32(PCRE2_NO_UTF_CHECK)
            rc = pcre2_match_8(code, base, subject.count, start, options, scratch.matchData, scratch.matchContext)
        } else if isJITCompiled {
            rc = pcre2_jit_match_8(code, base, subject.count, start, 0, scratch.matchData, scratch.matchContext)
        } else {
            rc = pcre2_match_8(code, base, subject.count, start, 0, scratch.matchData, scratch.matchContext)
        }
        // 0 means the match data holds fewer pairs than the pattern has groups: still a match, and pair 0
        // (the whole match, all that is read) is set.
        if rc >= 0 {
            // Sound: the match data was created with one pair, so the ovector has at least two entries.
            let ovector = pcre2_get_ovector_pointer_8(scratch.matchData)!
            let a = ovector[0], b = ovector[1]
            // `\K` in a lookaround (off by default) could report start > end; the union is what to mask.
            return .match(min(a, b)..<max(a, b))
        }
        return rc == PCRE2_ERROR_NOMATCH ? .noMatch : .failed(code: rc)
    }

    /// The first position at or after `position` where a match may start, or `subject.count` when none
    /// can: under UTF, the next character boundary; for an interpreted pattern whose first bytes PCRE2
    /// knows (`starts`), the next position that PCRE2's own search would stop at, or `subject.count`.
    ///
    /// A scan calls this where a call that found nothing leaves off (the byte after its `lastStart`).
    /// PCRE2's interpreter, unlike the JIT, searches for the first byte of a match up to the subject's
    /// end whatever the offset limit, so without the jump every later call would scan the same
    /// match-free stretch again: quadratic in the cell's length (on 1 MiB of text, hundreds of times the
    /// cost of one unbounded call; with the jump, a small multiple of it). The skipped positions are ones that PCRE2's
    /// search would skip as well, so the matches are the same. Linear: a scan passes each byte here at
    /// most once. What remains is PCRE2's search for the required byte (`required`), which the
    /// interpreter also runs to the subject's end from each call: with memchr, 8.5 ms on 1 MiB whose
    /// only candidates are far from the required byte, in 1024-position calls.
    ///
    /// Precondition: `position >= 0`; under UTF the subject is valid UTF-8.
    func nextStart(in subject: UnsafeBufferPointer<UInt8>, from position: Int) -> Int {
        var p = position
        switch starts {
        case .anywhere:
            break
        case .holding(let bytes):
            p = bytes.first(in: subject, from: p)
        case .afterLineBreak(let breaks):
            if p > 0 { p = min(breaks.first(in: subject, from: p - 1) + 1, subject.count) }
        }
        // Under UTF a start must be a character boundary: skip continuation bytes.
        if usesUTF { while p < subject.count && subject[p] & 0xC0 == 0x80 { p += 1 } }
        return min(p, subject.count)
    }

    /// What PCRE2's start-of-match search (`pcre2_match`, 10.42) stops at for `code`, as a superset: the
    /// first code unit with its other ASCII case (PCRE2 does not say whether it is caseless), PCRE2's map
    /// of first bytes, or line starts. `.anywhere` where it cannot be told: no first code unit, map or
    /// line start, or a first code unit whose other case is Unicode's (above 127 in UCP mode without UTF).
    private static func startBytes(of code: OpaquePointer, options: UInt32) -> StartBytes {
        var type: UInt32 = 0
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_FIRSTCODETYPE), &type)
        if type == 1 {
            var unit: UInt32 = 0
            pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_FIRSTCODEUNIT), &unit)
            return bothCases(unit, options: options).map { .holding($0) } ?? .anywhere
        }
        if type == 2 { return .afterLineBreak(ByteSet([0x0A, 0x0D, 0x0B, 0x0C, 0x00, 0x85, 0xA8, 0xA9])) }
        var bitmap: UnsafePointer<UInt8>? = nil
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_FIRSTBITMAP), &bitmap)
        guard let bitmap else { return .anywhere }
        // Sound: PCRE2 documents the map as 32 bytes, one bit per byte value, low bit first.
        return .holding(ByteSet((0..<256).filter { bitmap[$0 >> 3] & (1 << UInt8($0 & 7)) != 0 }.map { UInt8($0) }))
    }

    /// PCRE2's last fixed code unit of `code` (one every match holds at or after its start, which
    /// `pcre2_match` itself relies on) in both ASCII cases, or nil when it has none or its other case
    /// may be Unicode's.
    private static func requiredBytes(of code: OpaquePointer, options: UInt32) -> ByteSet? {
        var type: UInt32 = 0
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_LASTCODETYPE), &type)
        guard type == 1 else { return nil }
        var unit: UInt32 = 0
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_LASTCODEUNIT), &unit)
        return bothCases(unit, options: options)
    }

    /// `unit` and, for an ASCII letter, its other case: PCRE2's case flip in 8-bit mode with its default
    /// tables, which change no byte above 127 unless UCP is on without UTF (then nil: Unicode's cases).
    private static func bothCases(_ unit: UInt32, options: UInt32) -> ByteSet? {
        if unit > 255 || (unit > 127 && options & UInt32(PCRE2_UCP) != 0 && options & UInt32(PCRE2_UTF) == 0) { return nil }
        let byte = UInt8(unit)
        return ByteSet(ASCII.isAlpha(byte) ? [byte, byte ^ 0x20] : [byte])
    }

    /// PCRE2's text for an error code (compile or match).
    static func message(for code: Int32) -> String {
        // PCRE2 documents 120 code units as ample for any of its messages.
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBufferPointer { b in
            // Sound: PCRE2 writes at most `count` units including the terminating zero.
            pcre2_get_error_message_8(code, b.baseAddress, b.count)
        }
        guard n >= 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[..<Int(n)], as: UTF8.self)
    }
}
