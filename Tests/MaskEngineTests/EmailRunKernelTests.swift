import CMaskKernels
import Testing
@testable import MaskEngine

/// `mk_email_local_run_of` reads the usual local part before an email's `@` in one vector pass for
/// `EmailDetector.localStart`: it must find exactly the run that the detector's byte loop reads (its
/// definition below, from `ASCII`), and its AVX2 path and scalar twin must agree wherever the window
/// falls in the buffer.
@Suite struct EmailLocalRunTests {
    /// Local-part bytes, bytes that end a run, and bytes that refuse the window (escapes, UTF-8).
    static let alphabet = Array("abcXYZ019._+'!#$&*^~-".utf8) + Array(" ,:/\"<>()@=".utf8) + Array("%\\;".utf8) + [0, 0x80, 0xC3, 0xFF]

    /// The run as the byte loop defines it: `ASCII.isEmailLocal` bytes other than `%`, read back from
    /// `end` no further than the window's floor; nil when the window holds an escape's or a UTF-8 byte.
    static func reference(_ bytes: [UInt8], lower: Int, end: Int) -> (start: Int, nearest: Int, letters: Bool)? {
        let window = end - lower > Int(MK_EMAIL_LOCAL_WINDOW) ? end - Int(MK_EMAIL_LOCAL_WINDOW) : lower
        if bytes[window..<end].contains(where: { $0 >= 0x80 || $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ";") }) {
            return nil
        }
        let floor = window == lower ? lower : window + 6
        var start = end
        var nearest = -1
        var letters = false
        while start > floor, ASCII.isEmailLocal(bytes[start - 1]), bytes[start - 1] != UInt8(ascii: "%") {
            let b = bytes[start - 1]
            if ASCII.isAlnum(b) && nearest < 0 { nearest = start - 1 }
            letters = letters || ASCII.isAlpha(b)
            start -= 1
        }
        return (start, nearest, letters)
    }

    /// The kernel's vector path, forced as stage 1's (which it follows), so that a run never compares the
    /// scalar twin with itself; the tests that call this require a CPU with AVX2.
    static func vector(_ bytes: UnsafeBufferPointer<UInt8>, _ lower: Int, _ end: Int) -> mk_email_local_run? {
        AcceleratedKernel.stageOneClassify.withPath(.accelerated) { mk_email_local_run_of(bytes.baseAddress, lower, end) }
    }

    static func describe(_ r: mk_email_local_run?) -> String {
        guard let r else { return "not run" }
        return r.handled == 0 ? "not handled" : "start \(r.start) nearest \(r.nearest_word) letters \(r.letters)"
    }

    @Test(.requires(.stageOneClassify)) func bothPathsReadTheRunTheByteLoopReads() {
        var g = StageOneTests.Generator(state: 23)
        var handled = 0
        for _ in 0..<20_000 {
            let count = 1 + Int(g.next() % 90)
            // Mostly local-part bytes, so that long runs (past the window) are common.
            let bytes = (0..<count).map { _ in
                g.next() % 6 == 0 ? Self.alphabet[Int(g.next() % UInt64(Self.alphabet.count))] : Self.alphabet[Int(g.next() % 21)]
            }
            let end = Int(g.next() % UInt64(count + 1))
            let lower = end == 0 ? 0 : Int(g.next() % UInt64(end + 1))
            let (vector, scalar) = bytes.withUnsafeBufferPointer {
                (Self.vector($0, lower, end), mk_email_local_run_scalar($0.baseAddress, lower, end))
            }
            let context = "\(bytes) lower \(lower) end \(end)"
            #expect(Self.describe(vector) == Self.describe(scalar), "\(context)")
            if let expected = Self.reference(bytes, lower: lower, end: end) {
                handled += 1
                #expect(scalar.handled == 1 && scalar.start == expected.start && scalar.nearest_word == expected.nearest
                        && (scalar.letters != 0) == expected.letters, "\(context): \(Self.describe(scalar))")
            } else {
                #expect(scalar.handled == 0, "\(context)")
            }
        }
        #expect(handled > 5_000, "most windows are plain")
    }

    /// Every byte, alone before a separator at several offsets in the buffer (padded reads near the
    /// buffer's start, and loads that end at the separator).
    @Test(.requires(.stageOneClassify)) func everyByteIsInTheRunExactlyWhenTheDetectorReadsItAsLocal() {
        for byte in 0...255 {
            for offset in [0, 5, 31, 40] {
                let bytes = [UInt8](repeating: UInt8(ascii: " "), count: offset) + [UInt8(byte), UInt8(ascii: "@")]
                let end = offset + 1
                let (vector, scalar) = bytes.withUnsafeBufferPointer {
                    (Self.vector($0, 0, end), mk_email_local_run_scalar($0.baseAddress, 0, end))
                }
                #expect(Self.describe(vector) == Self.describe(scalar), "byte \(byte) offset \(offset)")
                let b = UInt8(byte)
                let refused = b >= 0x80 || b == UInt8(ascii: "%") || b == UInt8(ascii: "\\") || b == UInt8(ascii: ";")
                #expect((scalar.handled == 0) == refused, "byte \(byte)")
                if !refused {
                    #expect((scalar.start == offset) == ASCII.isEmailLocal(b), "byte \(byte)")
                }
            }
        }
    }
}

/// `mk_email_domain_run_of` reads the usual domain after an email's `@` in one vector pass for
/// `EmailDetector.domainEnd`: the run of `[A-Za-z0-9.-]` and its dots and letters, as the byte loop's
/// definition reads them, on both paths, wherever the window falls in the buffer.
@Suite struct EmailDomainRunTests {
    static let alphabet = Array("abcXYZ019.-".utf8) + Array(" ,:/\"<>()@=_+".utf8) + Array("%\\&;".utf8) + [0, 0x80, 0xC3, 0xFF]

    static func reference(_ bytes: [UInt8], start: Int, limit: Int) -> (end: Int, dots: UInt64, letters: UInt64, complete: Bool) {
        let window = min(limit, start + Int(MK_EMAIL_DOMAIN_WINDOW))
        var p = start
        var dots: UInt64 = 0
        var letters: UInt64 = 0
        while p < window, ASCII.isAlnum(bytes[p]) || bytes[p] == UInt8(ascii: "-") || bytes[p] == UInt8(ascii: ".") {
            if bytes[p] == UInt8(ascii: ".") { dots |= 1 << UInt64(p - start) }
            if ASCII.isAlpha(bytes[p]) { letters |= 1 << UInt64(p - start) }
            p += 1
        }
        return (p, dots, letters, p < window || window == limit)
    }

    static func describe(_ r: mk_email_domain_run?) -> String {
        guard let r else { return "not run" }
        return "end \(r.end) dots \(r.dots) letters \(r.letters) complete \(r.complete)"
    }

    @Test(.requires(.stageOneClassify)) func bothPathsReadTheRunTheByteLoopReads() {
        var g = StageOneTests.Generator(state: 29)
        for _ in 0..<20_000 {
            let count = 1 + Int(g.next() % 150)
            // Mostly domain bytes, so that runs past the 64-byte window are common.
            let bytes = (0..<count).map { _ in
                g.next() % 8 == 0 ? Self.alphabet[Int(g.next() % UInt64(Self.alphabet.count))] : Self.alphabet[Int(g.next() % 11)]
            }
            let start = Int(g.next() % UInt64(count))
            let limit = start + Int(g.next() % UInt64(count - start + 1))
            let (vector, scalar) = bytes.withUnsafeBufferPointer {
                (AcceleratedKernel.stageOneClassify.withPath(.accelerated) { [b = $0] in mk_email_domain_run_of(b.baseAddress, count, start, limit) },
                 mk_email_domain_run_scalar($0.baseAddress, start, limit))
            }
            let context = "\(bytes) start \(start) limit \(limit)"
            #expect(Self.describe(vector) == Self.describe(scalar), "\(context)")
            let expected = Self.reference(bytes, start: start, limit: limit)
            #expect(scalar.end == expected.end && scalar.dots == expected.dots && scalar.letters == expected.letters
                    && (scalar.complete != 0) == expected.complete, "\(context): \(Self.describe(scalar))")
        }
    }

    @Test func addressesWithManyLabelsLongLabelsAndEscapesAfterThem() {
        // Each is detected whole (or not at all) as the byte loop detects it: the paths' labels and TLDs.
        let cases: [(String, String?)] = [
            ("ann@a.b.c.d.example.co.uk,", "ann@a.b.c.d.example.co.uk"), ("ann@x.com1 ", "ann@x.com"),
            ("ann@xn--p1ai.xn--p1ai ", "ann@xn--p1ai.xn--p1ai"), ("ann@x..com", nil), ("ann@.x.com", nil),
            ("ann@" + String(repeating: "sub.", count: 20) + "example.org", "ann@" + String(repeating: "sub.", count: 20) + "example.org"),
            ("ann@example.com\u{4E2D}", "ann@example.com"),
            ("ann@localhost", nil), ("ann@x.c", nil), ("ann@x.co-", "ann@x.co"),
        ]
        for (text, expected) in cases {
            #expect(spans(in: text) == (expected.map { ["email:" + $0] } ?? []), "\(text)")
        }
    }
}
