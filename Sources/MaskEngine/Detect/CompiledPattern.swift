import CPCRE2

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
            pcre2_compile_8(p.baseAddress, p.count, UInt32(PCRE2_NEVER_BACKSLASH_C), &errorCode, &errorOffset, nil)
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

    /// One leftmost match in `subject` starting at or after `start`, with the limits and buffers of
    /// `scratch`.
    ///
    /// Preconditions: `start <= subject.count`; when the pattern uses UTF and `checkUTF` is false, the
    /// subject was validated by an earlier call with `checkUTF` and `start` is on a character boundary.
    /// The first call on a cell passes `checkUTF: true`; PCRE2 then validates the whole subject (costs
    /// one pass) and later calls skip it, which keeps many matches in one cell linear.
    @inline(__always)
    public func match(_ subject: UnsafeBufferPointer<UInt8>, from start: Int, checkUTF: Bool,
                      scratch: PatternScratch) -> MatchResult {
        precondition(start >= 0 && start <= subject.count)
        // An empty buffer may have no address, which PCRE2 refuses; the init's check (made with an address)
        // has shown that the pattern cannot match an empty subject.
        guard let base = subject.baseAddress else { return .noMatch }
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
