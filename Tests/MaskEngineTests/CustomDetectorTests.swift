import Testing
@testable import MaskEngine

/// Custom PCRE2 detectors from a policy's `detectors:` list: compiling (errors, refused patterns),
/// scanning (offsets, several matches, validators, context), the limits that make a hostile pattern
/// fail closed, and the merge of custom findings into a cell's findings.
@Suite struct CustomDetectorTests {
    static let employee = EntityType(customIndex: 0)

    static func detector(_ pattern: String, validator: CheckDigitRule = .none, context: [String] = []) throws -> CustomDetector {
        try CustomDetector(spec: CustomDetectorSpec(name: "employee_id", pattern: pattern, validator: validator, context: context),
                           type: employee)
    }

    /// Scans `text[lower..<upper]` (the whole text by default) and returns the scan's result and its spans.
    static func scan(_ detector: CustomDetector, _ text: [UInt8], lower: Int = 0, upper: Int? = nil,
                     columnAnnounces: Bool = false, scratch: PatternScratch = PatternScratch()) -> (Bool, [Range<Int>]) {
        var found: [Finding] = []
        let ok = text.withUnsafeBufferPointer { b in
            detector.scan(b, lower: lower, upper: upper ?? b.count, columnAnnounces: columnAnnounces, scratch: scratch, into: &found)
        }
        #expect(found.allSatisfy { $0.type == employee && $0.kind == .none })
        return (ok, found.map { $0.start..<$0.end })
    }

    /// The substrings a scan of `text` reports.
    static func matched(_ detector: CustomDetector, _ text: String, columnAnnounces: Bool = false) -> [String] {
        let bytes = Array(text.utf8)
        let (ok, spans) = scan(detector, bytes, columnAnnounces: columnAnnounces)
        #expect(ok)
        return spans.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    // MARK: Matching

    @Test func matchOffsetsAreRelativeToTheCell() throws {
        let d = try Self.detector("EMP-[0-9]{6}")
        #expect(Self.scan(d, Array("id EMP-123456 ok".utf8)).1 == [3..<13])
        // The cell is bytes 4..<29 of a larger buffer (a row): offsets count from the cell's start.
        let row = Array("x|y|EMP-123456 and EMP-654321|z".utf8)
        let (ok, spans) = Self.scan(d, row, lower: 4, upper: 29)
        #expect(ok && spans == [0..<10, 15..<25])
        // Bytes outside the cell are not part of the subject, even for a match that would cross its end.
        #expect(Self.scan(d, row, lower: 4, upper: 12).1 == [])
    }

    @Test func theCellBoundsTheSubject() throws {
        // `^`, `$` and lookbehinds see the cell's bounds, not the buffer's.
        let d = try Self.detector("(?<![A-Z])^EMP-[0-9]{6}$")
        let row = Array("XEMP-123456Y".utf8)
        #expect(Self.scan(d, row, lower: 1, upper: 11).1 == [0..<10])
        #expect(Self.scan(d, row).1 == [])
    }

    @Test func severalMatchesInOneCellLeftToRightWithoutOverlap() throws {
        let d = try Self.detector("EMP-[0-9]{6}")
        #expect(Self.matched(d, "EMP-111111,EMP-222222 EMP-333333EMP-444444") == ["EMP-111111", "EMP-222222", "EMP-333333", "EMP-444444"])
        // Leftmost matches, resumed after each: overlapping candidates are not reported twice.
        let digits = try Self.detector("[0-9]{4}")
        #expect(Self.matched(digits, "1234567890") == ["1234", "5678"])
        #expect(Self.matched(d, "no employee here") == [])
        #expect(Self.matched(d, "") == [])
    }

    @Test func cellsAreBytesUnlessThePatternOptsIntoUTF() throws {
        // Without UTF a dot is one byte: `é` is two.
        let bytewise = try Self.detector("x.y")
        #expect(Self.matched(bytewise, "xéy") == [])
        #expect(Self.matched(try Self.detector("x..y"), "xéy") == ["xéy"])
        // Invalid UTF-8 is just bytes.
        #expect(Self.scan(try Self.detector("a[^a]b"), [0x61, 0xFF, 0x62]).1 == [0..<3])
        // With (*UTF) a dot is a character, and a cell that is not UTF-8 fails closed.
        let utf = try Self.detector("(*UTF)x.y")
        #expect(utf.pattern.usesUTF && !bytewise.pattern.usesUTF)
        #expect(Self.matched(utf, "xéy and xüy") == ["xéy", "xüy"])
        let (ok, spans) = Self.scan(utf, [0x78, 0x61, 0x79, 0x20, 0xC3, 0x28])
        #expect(!ok && spans.isEmpty)
    }

    @Test func theJITIsUsedWhereAvailable() throws {
        // This machine's PCRE2 has a JIT; `(*NO_JIT)` forces the interpreter, which must agree.
        let jit = try Self.detector("EMP-[0-9]{6}")
        let interpreted = try Self.detector("(*NO_JIT)EMP-[0-9]{6}")
        #expect(jit.pattern.isJITCompiled && !interpreted.pattern.isJITCompiled)
        let text = Array("a EMP-123456 b EMP-999999 EMP-12345".utf8)
        #expect(Self.scan(jit, text).1 == Self.scan(interpreted, text).1)
    }

    @Test func aReportedEmptySpanIsSkippedAndTheScanMovesOn() throws {
        // `\K` can report an empty span for a pattern that cannot match empty: nothing to mask, and no loop.
        let d = try Self.detector("EMP-\\K(?=X)|EMP-[0-9]{6}")
        #expect(Self.matched(d, "EMP-X EMP-123456 EMP-XEMP-") == ["EMP-123456"])
        let utf = try Self.detector("(*UTF)é\\K")
        #expect(Self.matched(utf, "éé é") == [])
    }

    // MARK: Compiling

    @Test func compileErrorsCarryPCRE2sMessageAndTheOffset() {
        #expect(throws: PatternError.compile(message: "missing closing parenthesis", offset: 10)) {
            try CompiledPattern("EMP-([0-9]")
        }
        #expect(throws: PatternError.compile(message: "unmatched closing parenthesis", offset: 4)) {
            try CompiledPattern("EMP-)[0-9]")
        }
        do {
            _ = try CompiledPattern("[0-9]{6}+(?<x")
            Issue.record("compiled")
        } catch {
            guard case .compile(let message, let offset) = error else { Issue.record("\(error)"); return }
            #expect(offset > 0 && offset <= 14 && !message.isEmpty)
            #expect(error.description.contains("byte \(offset)"))
        }
        // A lookbehind of unbounded length, a bad escape.
        #expect(throws: PatternError.self) { try CompiledPattern("(?<=a+)b") }
        #expect(throws: PatternError.self) { try CompiledPattern("\\") }
        // `\C` could split a character in UTF mode: refused everywhere.
        #expect(throws: PatternError.self) { try CompiledPattern("a\\Cb") }
    }

    @Test(arguments: ["x*", "a|", "(?:EMP-[0-9]{6})?", "\\b", "(?<=a)", "(?=EMP)", "a*?", "^", "$", "(?:)"])
    func patternsThatCanMatchEmptyAreRefused(_ pattern: String) {
        #expect(throws: PatternError.matchesEmptyString) { try CompiledPattern(pattern) }
    }

    @Test func theEmptyPatternIsRefused() {
        #expect(throws: PatternError.empty) { try CompiledPattern("") }
        #expect(PatternError.empty.description.contains("empty"))
    }

    @Test func aPatternThatFailsOnTheEmptySubjectIsRefused() {
        // A pattern that sets itself a zero heap limit cannot match anything in the interpreter.
        let error = #expect(throws: PatternError.self) { try CompiledPattern("(*LIMIT_HEAP=0)(*NO_JIT)(a|b)c") }
        guard case .unusable(let message) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(message.contains("heap limit"))
    }

    // MARK: Validators

    @Test func luhnKeepsOnlyMatchesWhoseDigitsPass() throws {
        let d = try Self.detector("EMP-[0-9]{6}", validator: .luhn)
        #expect(Self.matched(d, "EMP-123455 EMP-123456 EMP-123457") == ["EMP-123455"])
        let cards = try Self.detector("[0-9]{4}(?:[ -]?[0-9]{4}){3}", validator: .luhn)
        #expect(Self.matched(cards, "4111 1111 1111 1111 / 4111-1111-1111-1112") == ["4111 1111 1111 1111"])
        // A single digit is only a check digit: nothing is proven.
        let one = try Self.detector("X[0-9]", validator: .luhn)
        #expect(Self.matched(one, "X0 X5") == [])
    }

    @Test(arguments: ["GB82WEST12345698765432", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32",
                      "gb82west12345698765432", "DE89 3704 0044 0532 0130 00"])
    func trueIBANsPassMod97(_ iban: String) {
        #expect(Array(iban.utf8).withUnsafeBufferPointer { Mod97.isValid($0) })
    }

    @Test(arguments: ["GB82WEST12345698765433", "GB83WEST12345698765432", "GB82WEST12345698766432",
                      "DE89370400440532013001", "DE89370400440532013100", "DE88370400440532013000",
                      "GB82-WEST-1234", "GB82", "", "    ", "GB82W"])
    func ibansOneDigitOffOrMalformedFailMod97(_ text: String) {
        #expect(!Array(text.utf8).withUnsafeBufferPointer { Mod97.isValid($0) })
    }

    @Test func mod97ValidatesMatchesInACell() throws {
        let d = try Self.detector("[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,4})?", validator: .mod97)
        #expect(Self.matched(d, "pay GB82 WEST 1234 5698 7654 32, not GB82WEST12345698765433; DE89370400440532013000.")
            == ["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000"])
    }

    // MARK: Context

    @Test func contextWordsNearTheMatchCount() throws {
        let d = try Self.detector("EMP-[0-9]{6}", context: ["employee", "staff"])
        #expect(Self.matched(d, "staff EMP-123456") == ["EMP-123456"])
        #expect(Self.matched(d, "Employee: EMP-123456") == ["EMP-123456"])
        #expect(Self.matched(d, "EMP-123456 (senior STAFF)") == ["EMP-123456"])
        #expect(Self.matched(d, "staff_id=EMP-123456, staff2 EMP-654321") == ["EMP-123456", "EMP-654321"])
        // Camel humps bound words as column-like names in text do.
        #expect(Self.matched(d, "staffNumber EMP-123456") == ["EMP-123456"])
        #expect(Self.matched(d, "seniorStaff EMP-123456") == ["EMP-123456"])
        // No word, or the word only inside a longer one.
        #expect(Self.matched(d, "EMP-123456") == [])
        #expect(Self.matched(d, "staffing EMP-123456") == [])
        #expect(Self.matched(d, "overstaff EMP-123456") == [])
        #expect(Self.matched(d, "EMP-123456 employees") == [])
        #expect(Self.matched(d, "EMP-123456 STAFFING") == [])
    }

    @Test func contextWindowsAre64BytesBeforeAnd32After() throws {
        let d = try Self.detector("EMP-[0-9]{6}", context: ["staff"])
        // "staff" ends 64 − 5 = 59 bytes of padding before the match: wholly inside the window.
        #expect(Self.matched(d, "staff" + String(repeating: " ", count: 59) + "EMP-123456") == ["EMP-123456"])
        #expect(Self.matched(d, "staff" + String(repeating: " ", count: 60) + "EMP-123456") == [])
        #expect(Self.matched(d, "EMP-123456" + String(repeating: " ", count: 27) + "staff") == ["EMP-123456"])
        #expect(Self.matched(d, "EMP-123456" + String(repeating: " ", count: 28) + "staff") == [])
        // A word cut by the window's edge is read with its neighbours in the cell: `overstaff` is no `staff`.
        #expect(Self.matched(d, "overstaff" + String(repeating: " ", count: 59) + "EMP-123456") == [])
        // Each match has its own windows.
        let far = "staff EMP-111111" + String(repeating: ".", count: 80) + "EMP-222222"
        #expect(Self.matched(d, far) == ["EMP-111111"])
    }

    @Test func theColumnNameAnnouncesTheContext() throws {
        let d = try Self.detector("EMP-[0-9]{6}", context: ["employee", "staff"])
        #expect(d.announcedBy(columnName: "employee_id"))
        #expect(d.announcedBy(columnName: "StaffNumber"))
        #expect(d.announcedBy(columnName: "EMPLOYEEID"))
        #expect(!d.announcedBy(columnName: "owner"))
        #expect(!d.announcedBy(columnName: "emp"))
        #expect(Self.matched(d, "EMP-123456", columnAnnounces: true) == ["EMP-123456"])
        #expect(Self.matched(d, "EMP-123456", columnAnnounces: false) == [])
        // Without context words, every match counts and no column announces anything.
        let plain = try Self.detector("EMP-[0-9]{6}")
        #expect(!plain.announcedBy(columnName: "employee"))
        #expect(Self.matched(plain, "EMP-123456") == ["EMP-123456"])
        // Empty context words are ignored.
        let blank = try Self.detector("EMP-[0-9]{6}", context: [""])
        #expect(Self.matched(blank, "EMP-123456") == ["EMP-123456"])
    }

    // MARK: Limits

    /// 1 MiB of `a`s ending in `!`: `(a+)+$` backtracks exponentially at the first position.
    static let catastrophicCell: [UInt8] = Array(repeating: UInt8(ascii: "a"), count: (1 << 20) - 1) + [UInt8(ascii: "!")]

    @Test func aCatastrophicPatternHitsALimitAndFailsClosed() throws {
        for pattern in ["(a+)+$", "(*NO_JIT)(a+)+$"] {
            let d = try Self.detector(pattern)
            var found = [Finding(start: 0, end: 3, type: .email)]
            let ok = Self.catastrophicCell.withUnsafeBufferPointer { b in
                d.scan(b, lower: 0, upper: b.count, scratch: PatternScratch(), into: &found)
            }
            #expect(!ok, "\(pattern)")
            // Nothing of this cell was appended; the caller masks it whole.
            #expect(found == [Finding(start: 0, end: 3, type: .email)])
            FindingMerge.replaceWithWholeCell(d.type, length: Self.catastrophicCell.count, findings: &found, from: 0)
            #expect(found == [Finding(start: 0, end: 1 << 20, type: d.type, kind: .patternLimit)])
        }
    }

    @Test func aLimitHitAfterSomeMatchesRemovesThemAgain() throws {
        let d = try Self.detector("EMP-[0-9]{6}|(a+)+$")
        let cell = Array("EMP-123456 ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 5000) + [UInt8(ascii: "!")]
        var found: [Finding] = []
        let ok = cell.withUnsafeBufferPointer { b in
            d.scan(b, lower: 0, upper: b.count, scratch: PatternScratch(), into: &found)
        }
        #expect(!ok && found.isEmpty)
    }

    @Test func aLowerMatchLimitTripsSooner() throws {
        // The limits are the scratch's: a pattern that backtracks a few hundred times at a position passes
        // the default and trips a limit of 10, with the JIT and without.
        for pattern in ["(?:a|b)+c", "(*NO_JIT)(?:a|b)+c"] {
            let d = try Self.detector(pattern)
            let cell = Array(repeating: UInt8(ascii: "a"), count: 300) + Array("dc".utf8)
            #expect(Self.scan(d, cell) == (true, []), "\(pattern)")
            #expect(!Self.scan(d, cell, scratch: PatternScratch(matchLimit: 10)).0, "\(pattern)")
        }
    }

    @Test func theJITAndTheInterpreterStopALongRepeatedGroupAlike() throws {
        // The JIT's 1 MiB stack and the interpreter's heap limit both allow a repeated group some tens of
        // thousands of iterations (measured: 32,000 to 131,000, and 29,000 to 66,000), so a cell fails
        // closed at the same order of length with either engine.
        for pattern in ["(?:\\w|-)+!", "(*NO_JIT)(?:\\w|-)+!", "(?:\\w\\w?)+!", "(*NO_JIT)(?:\\w\\w?)+!"] {
            let d = try Self.detector(pattern)
            for (count, fits) in [(20_000, true), (200_000, false)] {
                let cell = Array(repeating: UInt8(ascii: "a"), count: count) + [UInt8(ascii: "!")]
                let (ok, spans) = Self.scan(d, cell)
                #expect(ok == fits && spans == (fits ? [0..<(count + 1)] : []), "\(pattern) on \(count)")
            }
        }
    }

    /// The default budget where this build is optimized; in a debug build, whose Swift code runs some
    /// 30 times slower (0.2–0.4 s for the 1 MiB cell below, against 6–12 ms in release), a generous one.
    static func normalCellScratch() -> PatternScratch {
        #if DEBUG
        PatternScratch(cellBudget: .seconds(30))
        #else
        PatternScratch()
        #endif
    }

    @Test func aNormalPatternOnAOneMegabyteCellFindsEveryMatch() throws {
        let d = try Self.detector("EMP-[0-9]{6}", validator: .luhn, context: ["staff"])
        // 16-byte records: every other one Luhn-valid, all with a context word near.
        var cell: [UInt8] = []
        var expected: [Range<Int>] = []
        while cell.count + 16 <= 1 << 20 {
            let valid = (cell.count / 16) % 2 == 0
            expected += valid ? [cell.count..<(cell.count + 10)] : []
            cell += Array((valid ? "EMP-123455 staff" : "EMP-123456 staff").utf8)
        }
        let (ok, spans) = Self.scan(d, cell, scratch: Self.normalCellScratch())
        #expect(ok)
        #expect(spans.count == 32768 && spans == expected)
        // The interpreter too, and a pattern with some backtracking at every digit.
        #expect(Self.scan(try Self.detector("(*NO_JIT)EMP-[0-9]{6}", validator: .luhn), cell, scratch: Self.normalCellScratch())
            == (true, expected))
        let grouped = try Self.detector("\\b[0-9](?:[ -]?[0-9]){5}\\b", validator: .luhn)
        #expect(Self.scan(grouped, cell, scratch: Self.normalCellScratch()) == (true, expected.map { ($0.lowerBound + 4)..<$0.upperBound }))
    }

    @Test func oneScratchServesManyPatternsAndCells() throws {
        let scratch = PatternScratch()
        let a = try Self.detector("EMP-[0-9]{6}")
        let b = try Self.detector("(*UTF)é+")
        let c = try Self.detector("(a+)+$")
        for _ in 0..<3 {
            #expect(Self.scan(a, Array("x EMP-123456".utf8), scratch: scratch) == (true, [2..<12]))
            #expect(Self.scan(c, Array(repeating: UInt8(ascii: "a"), count: 40) + [0x21], scratch: scratch).0 == false)
            #expect(Self.scan(b, Array("ééx".utf8), scratch: scratch) == (true, [0..<4]))
        }
    }

    @Test func compiledPatternsAreSharedAcrossThreads() async throws {
        let d = try Self.detector("EMP-[0-9]{6}", validator: .luhn, context: ["staff"])
        let cell = Array(String(repeating: "staff EMP-123455 EMP-000001 ", count: 500).utf8)
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    // Sharing is what is tested, not the budget: eight threads on two loaded cores must not
                    // run out of a cell's 50 ms.
                    let scratch = Self.normalCellScratch()
                    var total = 0
                    for _ in 0..<20 { total += Self.scan(d, cell, scratch: scratch).1.count }
                    return total
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 20 * 500, count: 8))
    }

    // MARK: The cell budget

    @Test(arguments: [("EMP-[0-9]{6}", "xé EMP-123456", 4), ("(*NO_JIT)EMP-[0-9]{6}", "xé EMP-123456", 4),
                      ("(*UTF)EMP-[0-9]{6}", "xé EMP-123456", 4), ("(*UTF)(*NO_JIT)EMP-[0-9]{6}", "xé EMP-123456", 4),
                      ("[0-9]{3}-EMP", "ab, 123-EMP", 4), ("(*NO_JIT)[0-9]{3}-EMP", "ab, 123-EMP", 4),
                      ("(?m)^EMP", "ab\ncd\nEMP", 6), ("(*NO_JIT)(?m)^EMP", "ab\ncd\nEMP", 6)])
    func theJITAndTheInterpreterHonourTheOffsetLimit(_ pattern: String, _ text: String, _ at: Int) throws {
        // PCRE2 10.42's JIT honours the offset limit (`lastStart`), as the interpreter does: a match may
        // start at `lastStart` at the latest, and may run past it.
        let compiled = try CompiledPattern(pattern)
        #expect(compiled.isJITCompiled == !pattern.contains("NO_JIT"))
        let bytes = Array(text.utf8)
        let scratch = PatternScratch()
        bytes.withUnsafeBufferPointer { b in
            #expect(compiled.match(b, from: 0, checkUTF: true, scratch: scratch) == .match(at..<b.count))
            #expect(compiled.match(b, from: 0, lastStart: at, checkUTF: true, scratch: scratch) == .match(at..<b.count))
            #expect(compiled.match(b, from: 0, lastStart: at - 1, checkUTF: true, scratch: scratch) == .noMatch)
            #expect(compiled.match(b, from: 1, lastStart: 1, checkUTF: true, scratch: scratch) == .noMatch)
            // The limit is set on every call: a scratch that last had a low one finds the match again.
            #expect(compiled.match(b, from: 0, checkUTF: true, scratch: scratch) == .match(at..<b.count))
        }
    }

    /// Cells of `(a+)+$`-hostile runs: `run` `a`s and a `!`, repeated to `count` bytes.
    static func runsOfA(_ run: Int, count: Int) -> [UInt8] {
        (0..<count).map { $0 % (run + 1) == run ? UInt8(ascii: "!") : UInt8(ascii: "a") }
    }

    @Test func aCellOfRunsJustUnderTheMatchLimitIsGivenUpWithinTheBudget() throws {
        // Each start position in runs of 14 `a`s stays under the match limit, so limits alone let `(a+)+$`
        // run for 10 s or more on 1 MiB. The budget gives the cell up instead, a little after 50 ms in
        // release (`swift package benchmark --target MaskEngineBenchmarks --filter 'CustomDetector.*'`).
        let cell = Self.runsOfA(14, count: 1 << 20)
        for pattern in ["(a+)+$", "(*NO_JIT)(a+)+$"] {
            let d = try Self.detector(pattern)
            var found = [Finding(start: 0, end: 3, type: .email)]
            let began = ContinuousClock.now
            let ok = cell.withUnsafeBufferPointer { b in
                d.scan(b, lower: 0, upper: b.count, scratch: PatternScratch(), into: &found)
            }
            let took = ContinuousClock.now - began
            #expect(!ok, "\(pattern)")
            #expect(found == [Finding(start: 0, end: 3, type: .email)])
            // Generous, for a debug build on a busy machine: without the budget this is 13 s or more.
            #expect(took < .seconds(5), "\(pattern): \(took)")
        }
    }

    @Test func runsJustUnderTheMatchLimitHitNoLimit() throws {
        // What the budget stops above is no limit hit: given time, the same runs are scanned to the end.
        let cell = Self.runsOfA(14, count: 15 * 100)
        for pattern in ["(a+)+$", "(*NO_JIT)(a+)+$"] {
            let scratch = PatternScratch(cellBudget: .seconds(1000), startsPerCall: 64)
            #expect(Self.scan(try Self.detector(pattern), cell, scratch: scratch) == (true, []), "\(pattern)")
        }
    }

    @Test func theBudgetIsReadBetweenCallsOnly() throws {
        let d = try Self.detector("EMP-[0-9]{6}")
        let cell = Array("EMP-111111 EMP-222222 EMP-333333 EMP-444444".utf8)
        let all = [0..<10, 11..<21, 22..<32, 33..<43]
        // A cell that one call covers reads no clock: even a spent budget lets it be scanned.
        #expect(Self.scan(d, cell, scratch: PatternScratch(cellBudget: .zero)) == (true, all))
        // More calls than one: the spent budget gives the cell up at the second, and what the first
        // appended is removed again.
        var found = [Finding(start: 0, end: 3, type: .email)]
        let ok = cell.withUnsafeBufferPointer { b in
            d.scan(b, lower: 0, upper: b.count, scratch: PatternScratch(cellBudget: .zero, startsPerCall: 16), into: &found)
        }
        #expect(!ok && found == [Finding(start: 0, end: 3, type: .email)])
        #expect(Self.scan(d, cell, scratch: PatternScratch(cellBudget: .seconds(60), startsPerCall: 16)) == (true, all))
    }

    @Test(arguments: [
        "EMP-[0-9]{6}", "(*NO_JIT)EMP-[0-9]{6}", "(?i)emp-[0-9]+", "(*NO_JIT)(?i)emp-[0-9]+",
        "[0-9]{2,3}-EMP", "(*NO_JIT)[0-9]{2,3}-EMP", "[a-c]+@", "(*NO_JIT)[a-c]+@",
        "(?m)^EMP", "(*NO_JIT)(?m)^EMP", "(?m)^x.*$", "(*NO_JIT)(?m)^x.*$", ".*@", "(*NO_JIT).*@",
        "^EMP|^x", "(*NO_JIT)^x", "(?<=x)a+", "(*NO_JIT)(?<=x)a+", "a+(?=b)", "\\bEMP\\b", "(?:a|b)+c",
        "(*UTF)é+[a-z]?", "(*UTF)(*NO_JIT)é+[a-z]?", "(*UTF)(?i)é", "(*UTF)(*NO_JIT)(?i)é", "(*UTF)[^a-z\\s]+",
        "(*UTF)(*NO_JIT)[^a-z\\s]+", "(*UTF)(*NO_JIT)(?m)^é",
    ])
    func callsOfAFewStartPositionsFindWhatOneCallFinds(_ pattern: String) throws {
        // The offset limit, the jump over bytes where no match starts and the required-byte test change no
        // match: every window size gives the spans of a single unbounded call.
        let d = try Self.detector(pattern)
        let tokens = ["EMP-123456", "emp-42", "123-EMP", "EMP", "x", "a", "b", "c", "aab", " ", "\n", "\r\n", "\u{85}",
                      "é", "É", "éé", "@", "12", "\u{2028}", "€"]
        var g = StageOneTests.Generator(state: 11)
        let whole = PatternScratch(cellBudget: .seconds(60), startsPerCall: 1 << 30)
        let windowed = [1, 2, 5, 16].map { PatternScratch(cellBudget: .seconds(60), startsPerCall: $0) }
        for round in 0..<300 {
            var text = ""
            for _ in 0..<Int(g.next() % 40) { text += tokens[Int(g.next() % UInt64(tokens.count))] }
            let cell = Array(text.utf8)
            let expected = Self.scan(d, cell, scratch: whole)
            #expect(expected.0, "round \(round)")
            for scratch in windowed {
                #expect(Self.scan(d, cell, scratch: scratch) == expected,
                        "\(pattern) on \(text.debugDescription) in calls of \(scratch.startsPerCall)")
            }
        }
    }

    // MARK: Merging findings

    @Test func mergeKeepsTheExistingTypeAndCoversBothSpans() {
        var f = [Finding(start: 0, end: 4, type: .email), Finding(start: 10, end: 20, type: .creditCard),
                 Finding(start: 30, end: 40, type: .secret, kind: .awsAccessKeyID)]
        // Disjoint: inserted in order.
        FindingMerge.insert(Finding(start: 5, end: 8, type: Self.employee), into: &f, from: 0)
        #expect(f.map(\.start) == [0, 5, 10, 30])
        // Touching is not overlapping.
        FindingMerge.insert(Finding(start: 20, end: 22, type: Self.employee), into: &f, from: 0)
        #expect(f.count == 5 && f[3] == Finding(start: 20, end: 22, type: Self.employee))
        // Overlapping two built-ins and a custom span: one span, the first overlapped one's type and kind.
        FindingMerge.insert(Finding(start: 15, end: 35, type: Self.employee), into: &f, from: 0)
        #expect(f == [Finding(start: 0, end: 4, type: .email), Finding(start: 5, end: 8, type: Self.employee),
                      Finding(start: 10, end: 40, type: .creditCard)])
        // A span inside an existing one changes nothing.
        FindingMerge.insert(Finding(start: 11, end: 12, type: Self.employee), into: &f, from: 0)
        #expect(f.count == 3 && f[2] == Finding(start: 10, end: 40, type: .creditCard))
        // Entries before `first` belong to earlier cells and are left alone.
        var g = [Finding(start: 0, end: 100, type: .email), Finding(start: 3, end: 5, type: .secret)]
        FindingMerge.insert(Finding(start: 1, end: 4, type: Self.employee), into: &g, from: 1)
        #expect(g == [Finding(start: 0, end: 100, type: .email), Finding(start: 1, end: 5, type: .secret)])
        FindingMerge.replaceWithWholeCell(Self.employee, length: 50, findings: &g, from: 1)
        #expect(g == [Finding(start: 0, end: 100, type: .email), Finding(start: 0, end: 50, type: Self.employee, kind: .patternLimit)])
        FindingMerge.replaceWithWholeCell(Self.employee, length: 0, findings: &g, from: 1)
        #expect(g == [Finding(start: 0, end: 100, type: .email)])
    }

    @Test func mergedFindingsStaySortedDisjointAndCoverEveryInsertedByte() {
        var g = StageOneTests.Generator(state: 97)
        for round in 0..<3000 {
            let cellLength = Int(g.next() % 200) + 1
            // An earlier cell's findings stay in front, untouched.
            let earlier = [Finding(start: 0, end: 7, type: .email)]
            var findings = earlier
            var covered = [Bool](repeating: false, count: cellLength)
            // Built-in findings first, as the cell scanner leaves them: sorted and disjoint.
            var builtIns: [Finding] = []
            var position = Int(g.next() % 20)
            while position < cellLength && g.next() % 3 != 0 {
                let end = min(cellLength, position + 1 + Int(g.next() % 25))
                builtIns.append(Finding(start: position, end: end, type: EntityType.builtIns[Int(g.next() % 4)]))
                position = end + Int(g.next() % 30)
            }
            findings += builtIns
            for f in builtIns { for i in f.start..<f.end { covered[i] = true } }
            // Then a custom detector's spans, in random order and overlapping anything.
            var inserted = builtIns
            for _ in 0..<Int(g.next() % 12) {
                let start = Int(g.next() % UInt64(cellLength))
                let end = min(cellLength, start + 1 + Int(g.next() % 40))
                let f = Finding(start: start, end: end, type: EntityType(customIndex: Int(g.next() % 3)))
                FindingMerge.insert(f, into: &findings, from: earlier.count)
                inserted.append(f)
                for i in start..<end { covered[i] = true }
            }
            let context = "round \(round): inserted \(inserted) → \(findings)"
            #expect(Array(findings.prefix(earlier.count)) == earlier, "\(context)")
            let cell = findings[earlier.count...]
            var previousEnd = 0
            var mergedCover = [Bool](repeating: false, count: cellLength)
            for f in cell {
                // Sorted by start and disjoint.
                #expect(f.start < f.end && f.start >= previousEnd, "\(context)")
                previousEnd = f.end
                for i in f.start..<f.end { mergedCover[i] = true }
                // Built-ins win the type: a span holding a built-in finding has the type of the leftmost one.
                if let first = builtIns.first(where: { f.start <= $0.start && $0.end <= f.end }) {
                    #expect(f.type == first.type, "\(context)")
                } else {
                    #expect(f.type.isCustom, "\(context)")
                }
            }
            // Exactly the inserted bytes are covered: none left out, none added.
            #expect(mergedCover == covered, "\(context)")
            // No built-in finding was cut: each lies inside one span.
            for b in builtIns {
                #expect(cell.contains { $0.start <= b.start && b.end <= $0.end }, "\(context)")
            }
        }
    }
}

