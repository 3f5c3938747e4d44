import Foundation

/// Shannon entropy of a byte string, used to tell random credentials from words.
enum Entropy {
    /// Bits of entropy per byte of `bytes[start..<end]` (0 for an empty range).
    static func shannonBitsPerByte(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double {
        let n = end - start
        guard n > 0 else { return 0 }
        // 32-bit counts: a cell is below 2³¹ bytes, so none wraps. With 16-bit ones, a value with more
        // than 65,535 of a byte had its counts wrap and its entropy come out far too low, which reads as
        // a placeholder: a long random token could have been kept.
        var counts = InlineArray<256, UInt32>(repeating: 0)
        for i in start..<end { counts[Int(bytes[i])] &+= 1 }
        var entropy = 0.0
        let total = Double(n)
        for i in 0..<256 where counts[i] != 0 {
            let p = Double(counts[i]) / total
            entropy -= p * Foundation.log2(p)
        }
        return entropy
    }
}
