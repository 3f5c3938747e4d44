#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The masker a user would write by hand with PCRE2: parse the CSV into cells, run each type's
/// JIT-compiled pattern over every cell, check card matches with Luhn, replace each match with a
/// fixed mask, and write the CSV back out. Not deliberately slow: the JIT is on, match data and
/// buffers are reused, cells are not copied unless they hold doubled quotes, and the secret prefixes
/// are separate patterns (one big alternation is about half as fast with PCRE2's JIT, PERF-NOTES.md).
///
/// One instance per thread.
final class NaiveRegexMasker {
    /// One pattern and what a match of it is: a plain struct, so the per-cell loop over rules does
    /// no reference counting (the `JITPattern`s it borrows from live in `patterns`).
    private struct Rule {
        var type: ScoredType
        var pattern: JITPattern.Handle
        /// Cards: the match counts only if its digits pass Luhn.
        var checksLuhn: Bool
    }

    /// One accepted match in the current cell.
    private struct Match {
        var start: Int
        var end: Int
        var type: ScoredType
    }

    /// The patterns, as source text, by type; `note` describes them for reports.
    static let patterns: [(ScoredType, String, Bool)] = [
        (.email, #"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b"#, false),
        (.creditCard, #"\b(?:\d[ -]?){12,18}\d\b"#, true),
        (.usSSN, #"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b"#, false),
        (.secret, #"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"#, false),
        (.secret, #"\bgh[pousr]_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{82}\b"#, false),
        (.secret, #"\bxox[baprs]-[A-Za-z0-9-]{10,}"#, false),
        (.secret, #"\b[sr]k_(?:live|test)_[A-Za-z0-9]{24,}"#, false),
        (.secret, #"\bAIza[0-9A-Za-z_-]{35}"#, false),
        (.secret, #"\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"#, false),
        (.secret, #"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----"#, false),
        (.secret, #"(?i)\b(?:password|passwd|pwd|secret|api_?key|token|aws_secret_access_key)"?\s*[:=]\s*"?\K[^\s"',;]{8,}"#, false),
    ]

    /// The fixed replacement of every match.
    static let mask = Array("[MASKED]".utf8)

    /// Owns the compiled patterns that `rules` borrow.
    private let compiled: [JITPattern]
    private let rules: [Rule]
    /// Match calls that ended in a PCRE2 error (JIT stack, match limit), over every `mask` call; the
    /// cells they happened in were left as they were.
    private(set) var matchErrors = 0

    init() throws {
        compiled = try Self.patterns.map { try JITPattern($0.1) }
        rules = zip(Self.patterns, compiled).map { Rule(type: $0.0.0, pattern: $0.1.handle, checksLuhn: $0.0.2) }
    }

    /// Masks the CSV `input` (header first) into `output`, which is emptied first and keeps its
    /// capacity. With `recording`, returns every masked span (the header's excepted), else nothing.
    func mask(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], recording: Bool) -> [ScoredSpan] {
        output.removeAll(keepingCapacity: true)
        var found: [ScoredSpan] = []
        // Locals, not properties, in the loop: no run-time exclusivity checks per cell.
        var reader = CSVCellReader()
        var matches: [Match] = []
        matches.reserveCapacity(64)
        var errors = 0
        withExtendedLifetime(compiled) {
            rules.withUnsafeBufferPointer { rules in
                reader.reset(input)
                while let cell = reader.next() {
                    Self.collectMatches(in: cell.value, rules: rules, into: &matches, errors: &errors)
                    if recording && cell.row >= 0 {
                        for m in matches { found.append(ScoredSpan(row: cell.row, column: cell.column, start: m.start, end: m.end, type: m.type)) }
                    }
                    Self.write(cell, matches: matches, into: &output)
                }
            }
        }
        matchErrors += errors
        return found
    }

    /// Fills `matches` with the cell's accepted, non-overlapping matches in start order (where two
    /// overlap, the one that starts first wins, then the longer).
    private static func collectMatches(in value: UnsafeBufferPointer<UInt8>, rules: UnsafeBufferPointer<Rule>,
                                       into matches: inout [Match], errors: inout Int) {
        matches.removeAll(keepingCapacity: true)
        guard !value.isEmpty else { return }
        for rule in rules {
            var from = 0
            while from < value.count, let m = rule.pattern.firstMatch(in: value, from: from, errors: &errors) {
                if !m.isEmpty && (!rule.checksLuhn || passesLuhn(value, m)) {
                    matches.append(Match(start: m.lowerBound, end: m.upperBound, type: rule.type))
                }
                from = m.isEmpty ? m.upperBound + 1 : m.upperBound
            }
        }
        guard matches.count > 1 else { return }
        matches.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var kept = 0
        for i in matches.indices where kept == 0 || matches[i].start >= matches[kept - 1].end {
            matches[kept] = matches[i]
            kept += 1
        }
        matches.removeLast(matches.count - kept)
    }

    /// Writes the cell with its matches replaced, quoted again if it was quoted, then its delimiter.
    private static func write(_ cell: CSVCell, matches: [Match], into output: inout [UInt8]) {
        if cell.quoted { output.append(UInt8(ascii: "\"")) }
        var p = 0
        for m in matches {
            append(cell.value, p..<m.start, quoting: cell.quoted, into: &output)
            output.append(contentsOf: mask)
            p = m.end
        }
        append(cell.value, p..<cell.value.count, quoting: cell.quoted, into: &output)
        if cell.quoted { output.append(UInt8(ascii: "\"")) }
        output.append(cell.endsRecord ? UInt8(ascii: "\n") : UInt8(ascii: ","))
    }

    /// Appends `value[range]`, doubling quotes when the field is quoted.
    private static func append(_ value: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, quoting: Bool, into output: inout [UInt8]) {
        guard !range.isEmpty, let base = value.baseAddress else { return }
        var p = range.lowerBound
        if quoting {
            // Sound: every pointer below stays inside value[range].
            while let hit = memchr(base + p, Int32(UInt8(ascii: "\"")), range.upperBound - p) {
                let q = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
                output.append(contentsOf: UnsafeBufferPointer(start: base + p, count: q + 1 - p))
                output.append(UInt8(ascii: "\""))
                p = q + 1
                if p == range.upperBound { return }
            }
        }
        output.append(contentsOf: UnsafeBufferPointer(start: base + p, count: range.upperBound - p))
    }

    /// Whether the digits of `value[range]` (separators skipped) number 13–19 and pass Luhn.
    static func passesLuhn(_ value: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var sum = 0
        var digits = 0
        var i = range.upperBound - 1
        while i >= range.lowerBound {
            let b = value[i]
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                var d = Int(b - UInt8(ascii: "0"))
                if digits % 2 == 1 { d *= 2; if d > 9 { d -= 9 } }
                sum += d
                digits += 1
            }
            i -= 1
        }
        return digits >= 13 && digits <= 19 && sum % 10 == 0
    }
}
