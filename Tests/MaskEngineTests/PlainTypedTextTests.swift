import CMaskKernels
import Testing
@testable import MaskEngine

/// `mk_plain_typed_text` lets a wire column batch skip classifying a cell of a type that cannot hold
/// PII: it must never call plain a cell that holds a text anchor, and its AVX2 path and scalar twin
/// must agree.
@Suite struct PlainTypedTextTests {
    /// Plain bytes, the dash, and bytes that refuse a cell (anchors, quotes, a high byte, a NUL).
    static let alphabet = Array("0123456789abcdefABCDEF-:. +/,()[]$Zz".utf8) + Array("-".utf8)
        + Array("@_=>\"'~\t".utf8) + [0, 0x80, 0xFF]

    static func plain(_ bytes: [UInt8], readable extra: Int) -> Bool {
        let padded = bytes + [UInt8](repeating: UInt8(ascii: "-"), count: extra)
        return padded.withUnsafeBufferPointer { mk_plain_typed_text($0.baseAddress, bytes.count, padded.count) != 0 }
    }

    static func scalarPlain(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { mk_plain_typed_text_scalar($0.baseAddress, bytes.count) != 0 }
    }

    @Test func theTwoPathsAgree() {
        var g = StageOneTests.Generator(state: 7)
        for length in 0..<100 {
            for _ in 0..<60 {
                // Mostly plain bytes, so that plain cells (and cells refused by one late byte) are common.
                let bytes = (0..<length).map { _ in
                    g.next() % 8 == 0 ? Self.alphabet[Int(g.next() % UInt64(Self.alphabet.count))]
                                      : Self.alphabet[Int(g.next() % 36)]
                }
                let scalar = Self.scalarPlain(bytes)
                // Enough readable bytes for AVX2 (dashes after the cell, which must not count), and none.
                #expect(Self.plain(bytes, readable: 64) == scalar, "\(bytes)")
                #expect(Self.plain(bytes, readable: 0) == scalar, "\(bytes)")
            }
        }
    }

    @Test func theVerdictsOfEachRule() {
        let cases: [(String, Bool)] = [
            ("550e8400-e29b-41d4-a716-446655440000", true), ("2024-01-15 10:30:00.123456+00", true),
            ("192.168.0.1/24", true), ("[2024-01-01,2024-02-01)", true), ("$1,234.56", true), ("-$5.00", true), ("", true),
            ("$2b$12$abc", false), ("x$y", false), ("1$2", false),
            ("a--b", false), ("ends-", false), ("ends ", false), ("ends(", false), ("ann@example.com", false), ("key=x", false), ("a_b", false),
            ("x>y", false), ("\"q\"", false), ("tab\there", false), ("caf\u{e9}", false),
        ]
        for (text, expected) in cases {
            #expect(Self.plain(Array(text.utf8), readable: 64) == expected, "\(text)")
            #expect(Self.scalarPlain(Array(text.utf8)) == expected, "\(text)")
        }
    }

    /// What the check stands in for: a plain cell has no text anchor in stage 1's masks, wherever it
    /// lies and whatever bytes surround it.
    @Test func aPlainCellHoldsNoTextAnchorWhateverSurroundsIt() {
        var g = StageOneTests.Generator(state: 11)
        var checked = 0
        for _ in 0..<4_000 {
            let length = Int(g.next() % 48)
            let cell = (0..<length).map { _ in Self.alphabet[Int(g.next() % (g.next() % 4 == 0 ? UInt64(Self.alphabet.count) : 36))] }
            guard Self.scalarPlain(cell) else { continue }
            let before = (0..<Int(g.next() % 70)).map { _ in Self.alphabet[Int(g.next() % UInt64(Self.alphabet.count))] }
            let after = (0..<Int(g.next() % 70)).map { _ in Self.alphabet[Int(g.next() % UInt64(Self.alphabet.count))] }
            let buffer = before + cell + after
            let index = StageOneIndex()
            let anchored = buffer.withUnsafeBufferPointer { b -> Bool in
                index.reset(b)
                return index.hasTextAnchor(b, before.count, before.count + cell.count)
            }
            #expect(!anchored, "\(before) | \(cell) | \(after)")
            checked += 1
        }
        #expect(checked > 800)
    }
}
