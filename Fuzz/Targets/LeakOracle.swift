/// The oracle every target ends in: no output byte sequence may hold a canary's needle, whatever the
/// run's outcome (success, typed error, or the partial output written before the error).
///
/// Fuzzed input may hold a needle of its own making (libFuzzer learns bytes from comparisons): such an
/// input is not judged, since nothing says where the engine found it or whether it was a whole value.
import Foundation

public enum LeakOracle {
    /// Triage: with `FUZZ_SHOW_OUTPUT` set, every output the oracle reads is printed (escaped) to stderr.
    static let showsOutput = ProcessInfo.processInfo.environment["FUZZ_SHOW_OUTPUT"] != nil
    /// Triage: with `FUZZ_SAVE_OUTPUT=DIR`, every output the oracle reads is also written raw to
    /// `DIR/<stage>` (the printed form above replaces invalid UTF-8), to be fed to `maskd` again.
    static let savesOutputTo = ProcessInfo.processInfo.environment["FUZZ_SAVE_OUTPUT"]

    /// Whether `input` holds none of the canaries' needles, so that a needle in the output can only come
    /// from a spliced canary.
    public static func isFree(of canaries: [Canary] = Canary.all, _ input: some Collection<UInt8>) -> Bool {
        let bytes = Array(input)
        return canaries.allSatisfy { firstOffset(of: $0.needle, in: bytes) == nil }
    }

    /// `isFree`, for input the engine reads as COPY text (COPY rows, a dump's COPY blocks): the input
    /// must be free both as written and with its backslash escapes decoded. A COPY field `2O\LPib…`
    /// holds `2OLPib…`; when the engine rewrites that field for another finding it writes the decoded
    /// value re-escaped, and `\L` needs no escape, so the needle appears in the output without having
    /// been spliced (the oracle's first CopyText report, 1.04 M executions in).
    public static func isFree(of canaries: [Canary] = Canary.all, copyText input: some Collection<UInt8>) -> Bool {
        isFree(of: canaries, input) && isFree(of: canaries, copyTextDecoded(Array(input)))
    }

    /// Every backslash escape of PostgreSQL's COPY text format decoded, wherever it stands (rows are
    /// not told from other lines: decoding too much only makes the oracle judge fewer inputs). Written
    /// from the format's documentation, not shared with the engine, so that a mistake in one is not
    /// the other's blind spot.
    static func copyTextDecoded(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == 92, i + 1 < bytes.count else { out.append(bytes[i]); i += 1; continue }
            let c = bytes[i + 1]
            i += 2
            switch c {
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "v"): out.append(11)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                // Up to three octal digits in all.
                var value = UInt32(c - 48)
                var digits = 1
                while digits < 3, i < bytes.count, (48...55).contains(bytes[i]) {
                    value = value * 8 + UInt32(bytes[i] - 48)
                    i += 1
                    digits += 1
                }
                out.append(UInt8(truncatingIfNeeded: value))
            case UInt8(ascii: "x"):
                // Up to two hex digits; `\x` with none is a plain `x`.
                var value = 0
                var digits = 0
                while digits < 2, i < bytes.count, let h = Int(String(UnicodeScalar(bytes[i])), radix: 16) {
                    value = value * 16 + h
                    i += 1
                    digits += 1
                }
                out.append(digits == 0 ? c : UInt8(value))
            default:
                out.append(c)
            }
        }
        return out
    }

    /// `.leak` for the first canary whose needle is in `output`.
    public static func check(_ output: some Collection<UInt8>, stage: String, canaries: [Canary] = Canary.all) -> FuzzVerdict {
        let bytes = Array(output)
        if let directory = savesOutputTo {
            _ = FileManager.default.createFile(atPath: directory + "/" + stage.replacingOccurrences(of: " ", with: "-"),
                                           contents: Data(bytes))
        }
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

    /// glibc's `memchr` for the needle's first byte, then `memcmp`: a search plain enough to trust and,
    /// unlike a byte loop in Swift in the fuzz build (debug, every comparison instrumented), cheap
    /// enough that the oracle stops being a quarter of each execution. (`memmem` is not exported by
    /// Swift's Glibc module.)
    static func firstOffset(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin in
                // Sound: both buffers are non-empty (checked above) and live for the call; every read
                // stays below `last + needle.count == hay.count`.
                let base = hay.baseAddress!
                let last = hay.count - pin.count
                var i = 0
                while i <= last {
                    guard let hit = memchr(base + i, Int32(pin[0]), last - i + 1) else { return nil }
                    i = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + i, pin.baseAddress!, pin.count) == 0 { return i }
                    i += 1
                }
                return nil
            }
        }
    }
}
