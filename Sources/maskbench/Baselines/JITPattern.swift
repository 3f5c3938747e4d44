import CPCRE2

/// A PCRE2 pattern as a user would set one up by hand for speed: compiled once, JIT-compiled, with
/// its own match data and a JIT stack of up to 1 MiB, matched with `pcre2_jit_match` (no UTF mode:
/// cells are bytes). One instance per thread: the match data is reused by every call.
///
/// Matching goes through `handle`, a plain struct of pointers, so a loop over many patterns and
/// cells costs no reference counting; the instance owns the pointers and must outlive the handle.
final class JITPattern {
    /// Why a pattern could not be prepared.
    struct SetupError: Error, CustomStringConvertible {
        var description: String
    }

    private let code: OpaquePointer
    private let matchData: OpaquePointer
    private let context: OpaquePointer
    private let jitStack: OpaquePointer

    /// The pointers one match call needs; valid while this instance lives.
    var handle: Handle { Handle(code: code, matchData: matchData, context: context) }

    init(_ pattern: String) throws {
        let bytes = Array(pattern.utf8)
        var errorCode: Int32 = 0
        var errorOffset = 0
        let compiled = bytes.withUnsafeBufferPointer { p in
            // Sound: PCRE2 reads `count` bytes during the call and copies what it keeps.
            pcre2_compile_8(p.baseAddress, p.count, 0, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw SetupError(description: "PCRE2 cannot compile \(pattern) (error \(errorCode) at \(errorOffset))")
        }
        guard pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0 else {
            pcre2_code_free_8(compiled)
            throw SetupError(description: "PCRE2's JIT is not available for \(pattern)")
        }
        code = compiled
        matchData = pcre2_match_data_create_from_pattern_8(compiled, nil)
        context = pcre2_match_context_create_8(nil)
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 1024 * 1024, nil)
        pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack))
    }

    deinit {
        pcre2_jit_stack_free_8(jitStack)
        pcre2_match_context_free_8(context)
        pcre2_match_data_free_8(matchData)
        pcre2_code_free_8(code)
    }

    /// A compiled pattern with its match data and context, borrowed from a `JITPattern`.
    struct Handle {
        fileprivate let code: OpaquePointer
        fileprivate let matchData: OpaquePointer
        fileprivate let context: OpaquePointer

        /// The leftmost match at or after `start`, or nil when there is none. A match error (a JIT
        /// stack or match limit) also gives nil, as a hand-written masker's `if rc < 0` would; `errors`
        /// counts them.
        ///
        /// Precondition: the `JITPattern` this came from is alive, and no other thread uses it.
        @inline(__always)
        func firstMatch(in subject: UnsafeBufferPointer<UInt8>, from start: Int, errors: inout Int) -> Range<Int>? {
            guard let base = subject.baseAddress else { return nil }
            // Sound: PCRE2 reads only [0, count) of the subject; match data and context are this
            // pattern's, used by one thread (the precondition).
            let rc = pcre2_jit_match_8(code, base, subject.count, start, 0, matchData, context)
            if rc < 0 {
                if rc != PCRE2_ERROR_NOMATCH { errors += 1 }
                return nil
            }
            // Sound: match data made from the pattern holds a pair per group, so pair 0 exists.
            let ovector = pcre2_get_ovector_pointer_8(matchData)!
            // `\K` inside a lookaround could put the start past the end; the union is what matched.
            return ovector[0] <= ovector[1] ? ovector[0]..<ovector[1] : ovector[1]..<ovector[0]
        }
    }
}
