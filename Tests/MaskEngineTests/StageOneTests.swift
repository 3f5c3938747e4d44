import CMaskKernels
import Testing
@testable import MaskEngine

/// The AVX2 kernel and its scalar twin agree on every length and alignment, and the CSV splitter
/// agrees with a naive quote-aware scan.
@Suite struct StageOneTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
    }

    @Test func avx2MatchesScalar() {
        var g = Generator(state: 42)
        // Token bytes are frequent, so runs of 16 straddle block and window ends.
        let alphabet = Array("@_=:>-yJxoIAzabcdefgh0123456789.~,\"'\n\r \t(".utf8) + Array("abcdefghijklmnop".utf8)
        let structural: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r")]
        for total in 0..<300 {
            let bytes = (0..<total).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
            for start in stride(from: 0, through: max(0, total - 1), by: 64) {
                // A window that ends before the buffer does, and one that runs to its end.
                for length in Set([total - start, min(total - start, 64 + Int(g.next() % 64))]) where length >= 0 {
                    let blocks = (length + 63) / 64
                    var fast = [mk_block_masks](repeating: mk_block_masks(), count: max(blocks, 1))
                    var slow = fast
                    bytes.withUnsafeBufferPointer { b in
                        mk_classify(b.baseAddress, total, start, length, structural, &fast)
                        mk_classify_scalar(b.baseAddress, total, start, length, structural, &slow)
                    }
                    for i in 0..<blocks {
                        #expect(fast[i].anchor == slow[i].anchor && fast[i].digit == slow[i].digit
                                && fast[i].structural == slow[i].structural && fast[i].longrun == slow[i].longrun
                                && fast[i].wordstart == slow[i].wordstart,
                                "total \(total) start \(start) length \(length) block \(i)")
                        // The long-run mask says what a byte loop says.
                        for bit in 0..<64 where start + i * 64 + bit < start + length {
                            let p = start + i * 64 + bit
                            let expected = p + 16 <= total && bytes[p..<(p + 16)].allSatisfy(Self.isTokenByte)
                            #expect(((slow[i].longrun >> UInt64(bit)) & 1 == 1) == expected, "long run at \(p) of \(total)")
                            let wordStart = Self.isAlnum(bytes[p]) && (p == 0 || !Self.isAlnum(bytes[p - 1]))
                            #expect(((slow[i].wordstart >> UInt64(bit)) & 1 == 1) == wordStart, "word start at \(p)")
                        }
                    }
                }
            }
        }
    }

    static func isAlnum(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || ((b | 0x20) >= 97 && (b | 0x20) <= 122) }

    static func isTokenByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || ((b | 0x20) >= 97 && (b | 0x20) <= 122) || b == 95 || b == 46 || b == 45 || b == 126
    }

    @Test func csvSplitMatchesNaiveScan() {
        var g = Generator(state: 7)
        let alphabet = Array("ab,\"\n\n".utf8)
        for length in [0, 1, 5, 63, 64, 65, 127, 128, 129, 500, 1000] {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
                var quoted = false
                var end = 0, lines = 0, records = 0, seenLines = 0, seenRecords = 0
                for (i, b) in bytes.enumerated() {
                    if b == UInt8(ascii: "\"") { quoted.toggle() }
                    if b == UInt8(ascii: "\n") {
                        seenLines += 1
                        if !quoted { seenRecords += 1; end = i + 1; lines = seenLines; records = seenRecords }
                    }
                }
                let split = bytes.withUnsafeBufferPointer { mk_csv_last_record_end($0.baseAddress, length, UInt8(ascii: "\"")) }
                #expect(split.end == end && split.lines == lines && split.records == records, "length \(length)")
            }
        }
    }

    @Test func detectionDoesNotDependOnAlignment() {
        let seed = "x ann@example.com 4111 1111 1111 1111 536-90-4399 AKIAZ7QK3M5N8P2R4T6V y"
        let expected = spans(in: seed)
        for pad in 0..<130 {
            let padding = String(repeating: "q", count: pad)
            let padded = padding + " " + seed + " " + padding
            #expect(spans(in: padded) == expected, "pad \(pad)")
        }
    }
}
