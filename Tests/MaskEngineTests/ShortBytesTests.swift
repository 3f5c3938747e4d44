import Testing
@testable import MaskEngine

@Suite struct ShortBytesTests {
    /// Runs of 0 to 80 bytes (every path: bytes, two overlapping half-words, words with an overlapping
    /// last one) are equal to themselves and unequal to a copy that differs in any one byte, first,
    /// last or between, by one bit or by all of them.
    @Test func equalIsByteEquality() {
        var g = StageOneTests.Generator(state: 0x5B17E5)
        for count in 0...80 {
            let a = (0..<count).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            a.withUnsafeBytes { pa in
                let same = a
                same.withUnsafeBytes { #expect(ShortBytes.equal(pa.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, count: count)) }
                for position in 0..<count {
                    for flip: UInt8 in [0x01, 0x80, 0xFF] {
                        var b = a
                        b[position] ^= flip
                        b.withUnsafeBytes { pb in
                            #expect(!ShortBytes.equal(pa.baseAddress!, pb.baseAddress!, count: count), "count \(count), byte \(position)")
                        }
                    }
                }
            }
        }
    }
}
