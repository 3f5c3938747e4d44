/// The check digits a custom detector's match must carry to count (policy key `validator`).
public enum CheckDigitRule: String, Sendable, Equatable, CaseIterable {
    /// Every match counts.
    case none
    /// The digits of the match, other bytes skipped, pass Luhn (cards, IMEIs, many employee numbers).
    case luhn
    /// The match, spaces skipped, passes ISO 7064 MOD 97-10 as IBANs use it (`Mod97`).
    case mod97
}

/// A custom detector as a policy declares it (`detectors:`), before its pattern is compiled.
public struct CustomDetectorSpec: Sendable, Equatable {
    /// The detector's name, which its findings report as their type.
    public var name: String
    /// A PCRE2 pattern over the cell's bytes (`CompiledPattern`).
    public var pattern: String
    public var validator: CheckDigitRule
    /// Words one of which must stand near a match, or in the column's name, for it to count; empty
    /// when any match counts.
    public var context: [String]

    public init(name: String, pattern: String, validator: CheckDigitRule = .none, context: [String] = []) {
        self.name = name
        self.pattern = pattern
        self.validator = validator
        self.context = context
    }
}

/// A policy's custom detector, ready to scan: its spec, its compiled pattern, and the entity type its
/// findings carry (`EntityType(customIndex:)`, chosen by the caller from the detector's place in the
/// policy).
///
/// A match counts when it passes the spec's validator and, if the spec lists context words, when one
/// of them stands near it in the cell or the column's name holds one (`announcedBy(columnName:)`).
/// Immutable and shared by all threads; each thread brings its own `PatternScratch`.
public final class CustomDetector: Sendable {
    public let spec: CustomDetectorSpec
    public let pattern: CompiledPattern
    public let type: EntityType
    /// The context words in lower case, as bytes, empty words dropped: compared without allocating.
    private let words: [[UInt8]]
    /// `spec.validator`, kept apart so the per-match check reads one byte rather than the whole spec.
    private let validator: CheckDigitRule

    /// How far before a match's start a context word may stand, in bytes.
    public static let contextBefore = 64
    /// How far after a match's end a context word may stand, in bytes.
    public static let contextAfter = 32

    /// Compiles the spec's pattern; throws what `CompiledPattern` throws.
    public init(spec: CustomDetectorSpec, type: EntityType) throws(PatternError) {
        self.spec = spec
        self.type = type
        pattern = try CompiledPattern(spec.pattern)
        words = spec.context.map { $0.utf8.map(ASCII.lower) }.filter { !$0.isEmpty }
        validator = spec.validator
    }

    /// Whether a column of this name announces this detector's values: its name contains one of the
    /// context words, ignoring ASCII case (`employee_id` for `employee`, `StaffNumber` for `staff`).
    /// Plain containment, looser than the word test inside cells: it only ever lets more be masked, and
    /// column names glue words together (`employeeid`). False when the spec lists no words. Computed
    /// once per column by the caller.
    public func announcedBy(columnName: String) -> Bool {
        let name = columnName.utf8.map(ASCII.lower)
        return words.contains { word in
            word.count <= name.count && (0...(name.count - word.count)).contains { i in name[i..<(i + word.count)].elementsEqual(word) }
        }
    }

    /// Appends every match in bytes[lower..<upper] (non-overlapping, left to right) that passes the
    /// validator and the context test, as Findings with offsets relative to `lower`. Returns false when
    /// a PCRE2 limit was hit or the scan ran over `scratch.cellBudget` (the caller then masks the whole
    /// cell as this detector's type: fail closed); the findings this call appended are then removed again.
    ///
    /// The matches are PCRE2's leftmost, non-overlapping sequence, filtered afterwards: a match that fails
    /// the validator or the context is skipped whole, and the search resumes at its end. The cell is the
    /// subject: lookbehinds, `^` and `$` see its bounds, not the buffer's. `columnAnnounces` is what
    /// `announcedBy(columnName:)` said of this cell's column; it satisfies the context test.
    ///
    /// Bounded time, at two levels. Each start position PCRE2 tries costs at most the scratch's match,
    /// depth and heap limits. The whole scan is bounded by `scratch.cellBudget`: each match call may start
    /// a match at no more than `scratch.startsPerCall` positions (PCRE2's offset limit; a match found may
    /// run past them), and whenever the scan moves past a call's last position it reads the clock once
    /// and gives up, returning false, when the budget is spent. The scan therefore ends within the budget
    /// plus one call's worth of start positions, each at most at the match limit. A cell of at most
    /// `startsPerCall` bytes takes a single call and reads no clock. The limit changes no match: a call
    /// that finds nothing is followed by one from the next position on (`CompiledPattern.nextStart`),
    /// which gives PCRE2's unbounded sequence, except that `\G` also holds at that position. A pattern
    /// PCRE2 anchored tries the cell's start and each match's end only, as before.
    ///
    /// Preconditions: `0 <= lower <= upper <= bytes.count`. Allocates nothing but `matches`' growth.
    @discardableResult
    public func scan(_ bytes: UnsafeBufferPointer<UInt8>, lower: Int, upper: Int, columnAnnounces: Bool = false,
                     scratch: PatternScratch, into matches: inout [Finding]) -> Bool {
        precondition(lower >= 0 && lower <= upper && upper <= bytes.count)
        let cell = UnsafeBufferPointer(rebasing: bytes[lower..<upper])
        let needsContext = !words.isEmpty && !columnAnnounces
        let before = matches.count
        let perCall = scratch.startsPerCall
        // One read of the clock per cell that needs more than one call, and one per window after the first.
        // The budget grows by one share per MiB of cell, so a large cell of legitimate dense matches is
        // scanned rather than masked whole, and a hostile one still ends in time linear in its size.
        let budget = scratch.cellBudget * (1 + cell.count >> 20)
        let deadline = cell.count > perCall ? ContinuousClock.now.advanced(by: budget) : nil
        var start = 0
        // The last start position of the current call's window: `perCall` positions from its first, or
        // fewer at the cell's end.
        var lastStart = min(perCall, cell.count) - 1
        var checkUTF = true
        // Where the next byte that every match holds (`CompiledPattern.required`) stands, at or after the
        // current window's start; searched again only once the scan has passed it, so linear.
        var requiredAt = -1
        // A non-empty match cannot start at the cell's end, so the loop stops there.
        while start < cell.count {
            if start > lastStart {
                // A new window: the budget is checked between calls, never inside one.
                if let deadline, ContinuousClock.now >= deadline {
                    matches.removeSubrange(before...)
                    return false
                }
                // No match can start here or later without the required byte (PCRE2 tests the same in each
                // call, but the JIT looks only a few KiB ahead and the interpreter rescans to the end).
                if let required = pattern.required, requiredAt < start {
                    requiredAt = required.first(in: cell, from: start)
                    if requiredAt == cell.count { return true }
                }
                lastStart = start + min(perCall, cell.count - start) - 1
            }
            let span: Range<Int>
            switch pattern.match(cell, from: start, lastStart: lastStart, checkUTF: checkUTF, scratch: scratch) {
            case .noMatch:
                // Nothing starts in start...lastStart. Done when that reached the last byte, or when the
                // pattern is anchored (a later start could only match through `\G`, which an unbounded
                // search would not try there).
                if lastStart == cell.count - 1 || pattern.isAnchored { return true }
                checkUTF = false
                start = pattern.nextStart(in: cell, from: lastStart + 1)
                continue
            case .failed:
                matches.removeSubrange(before...)
                return false
            case .match(let found):
                span = found
            }
            // The first call validated the whole cell's UTF-8, when the pattern uses UTF.
            checkUTF = false
            if !span.isEmpty && passes(cell, span, needsContext: needsContext, scratch: scratch) {
                matches.append(Finding(start: span.lowerBound, end: span.upperBound, type: type))
            }
            // Progress: only an empty span (`\K` at a match's end) can end at or before `start`.
            if span.upperBound > start {
                start = span.upperBound
            } else {
                start += 1
                // Under UTF with the check skipped, a start must be a character boundary: skip continuation bytes.
                if pattern.usesUTF { while start < cell.count && cell[start] & 0xC0 == 0x80 { start += 1 } }
            }
        }
        return true
    }

    /// Whether the match `span` of `cell` passes the validator and, when `needsContext`, the context test.
    private func passes(_ cell: UnsafeBufferPointer<UInt8>, _ span: Range<Int>, needsContext: Bool,
                        scratch: PatternScratch) -> Bool {
        switch validator {
        case .none:
            break
        case .luhn:
            scratch.digits.removeAll(keepingCapacity: true)
            for b in cell[span] where ASCII.isDigit(b) { scratch.digits.append(b &- 48) }
            // A check digit alone, or nothing, proves nothing.
            guard scratch.digits.count >= 2,
                  scratch.digits.withUnsafeBufferPointer({ Luhn.isValid(digits: $0, count: $0.count) }) else { return false }
        case .mod97:
            guard Mod97.isValid(UnsafeBufferPointer(rebasing: cell[span])) else { return false }
        }
        return !needsContext || hasContext(cell, span)
    }

    /// Whether a context word stands as a whole word within `contextBefore` bytes before the span or
    /// `contextAfter` bytes after it, inside the cell.
    ///
    /// A whole word: not preceded by a letter and not followed by one, ASCII case ignored, so `staff`
    /// counts in `staff:`, `staff_id`, `staff2` and `Senior Staff`, but not in `staffing` or `overstaff`.
    /// A camel hump is also a boundary (`staffNumber`, `seniorStaff`), as column-like words in text
    /// often are. Digits and `_` are not letters, so they bound a word. A word must lie wholly inside its
    /// window; its neighbours are read from the cell, so a word cut by the window's edge does not count.
    /// Cost: at most 96 bytes times the number of words, per match that passed the validator.
    private func hasContext(_ cell: UnsafeBufferPointer<UInt8>, _ span: Range<Int>) -> Bool {
        hasWord(cell, in: max(0, span.lowerBound - Self.contextBefore)..<span.lowerBound)
            || hasWord(cell, in: span.upperBound..<min(cell.count, span.upperBound + Self.contextAfter))
    }

    /// Whether a context word lies wholly inside `window` as a whole word of the cell.
    private func hasWord(_ cell: UnsafeBufferPointer<UInt8>, in window: Range<Int>) -> Bool {
        for word in words where word.count <= window.count {
            var i = window.lowerBound
            while i + word.count <= window.upperBound {
                if spells(cell, at: i, word) && isWordStart(cell, i) && isWordEnd(cell, i + word.count) { return true }
                i += 1
            }
        }
        return false
    }

    /// Whether `cell[i...]` begins with `word` (lower case), ignoring ASCII case.
    @inline(__always)
    private func spells(_ cell: UnsafeBufferPointer<UInt8>, at i: Int, _ word: [UInt8]) -> Bool {
        for k in 0..<word.count where ASCII.lower(cell[i + k]) != word[k] { return false }
        return true
    }

    /// Whether a word may start at `i`: the cell's start, a non-letter before, or a camel hump.
    @inline(__always)
    private func isWordStart(_ cell: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        i == 0 || !ASCII.isAlpha(cell[i - 1]) || (isLower(cell[i - 1]) && isUpper(cell[i]))
    }

    /// Whether a word may end at `end` (exclusive): the cell's end, a non-letter after, or a camel hump.
    @inline(__always)
    private func isWordEnd(_ cell: UnsafeBufferPointer<UInt8>, _ end: Int) -> Bool {
        end == cell.count || !ASCII.isAlpha(cell[end]) || (isLower(cell[end - 1]) && isUpper(cell[end]))
    }

    @inline(__always) private func isLower(_ b: UInt8) -> Bool { b &- 97 < 26 }
    @inline(__always) private func isUpper(_ b: UInt8) -> Bool { b &- 65 < 26 }
}
