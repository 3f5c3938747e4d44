/// The oracle every target ends in: no output byte sequence may hold a canary's needle, whatever the
/// run's outcome (success, typed error, or the partial output written before the error).
///
/// Fuzzed input may hold a needle of its own making (libFuzzer learns bytes from comparisons): such an
/// input is not judged, since nothing says where the engine found it or whether it was a whole value.
import Foundation

public enum LeakOracle {
    /// Triage: with `FUZZ_SHOW_OUTPUT` set, every output the oracle reads is printed (escaped) to stderr.
    static let showsOutput = ProcessInfo.processInfo.environment["FUZZ_SHOW_OUTPUT"] != nil

    /// Whether `input` holds none of the canaries' needles, so that a needle in the output can only come
    /// from a spliced canary.
    public static func isFree(of canaries: [Canary] = Canary.all, _ input: some Collection<UInt8>) -> Bool {
        let bytes = Array(input)
        return canaries.allSatisfy { firstOffset(of: $0.needle, in: bytes) == nil }
    }

    /// `.leak` for the first canary whose needle is in `output`.
    public static func check(_ output: some Collection<UInt8>, stage: String, canaries: [Canary] = Canary.all) -> FuzzVerdict {
        let bytes = Array(output)
        if showsOutput {
            FileHandle.standardError.write(Data("--- \(stage) (\(bytes.count) bytes):\n\(String(decoding: bytes, as: UTF8.self).debugDescription)\n".utf8))
        }
        for canary in canaries {
            if let offset = firstOffset(of: canary.needle, in: bytes) {
                return .leak(canary: canary.name, offset: offset, stage: stage)
            }
        }
        return .clean
    }

    /// A plain search: outputs are a few KB, and the oracle must be obviously right, not fast.
    static func firstOffset(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
