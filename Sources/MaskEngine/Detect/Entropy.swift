import Foundation

/// Shannon entropy of a byte string, used to tell random credentials from words.
///
/// H = log2(n) − (1/n)·Σ c·log2(c) over the byte counts c. The sum is built byte by byte from a table
/// of increments, (c+1)·log2(c+1) − c·log2(c), so a value costs one `log2` in all: one per distinct
/// byte, with a pass over all 256 counts, was a fifth of `maskd pipe`'s time on a column of tokens.
enum Entropy {
    /// Counts below this take their increment from the table; higher ones compute it.
    static let tableSize = 1024

    /// `increment(c)` for every count below `tableSize`.
    static let increments: [Double] = (0..<tableSize).map(increment)

    /// Bits of entropy per byte of `bytes[start..<end]` (0 for an empty range).
    static func shannonBitsPerByte(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double {
        profile(bytes, start, end).bitsPerByte
    }

    /// How often the most frequent byte of `bytes[start..<end]` occurs, and the range's entropy in bits
    /// per byte (0 when empty), from one count of its bytes: a placeholder test asks for both, and two
    /// passes, each zeroing its 1 KiB of counts, were a tenth of the time on a column of keys.
    static func profile(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (mostFrequent: Int, bitsPerByte: Double) {
        let n = end - start
        guard n > 0 else { return (0, 0) }
        // 32-bit counts: a cell is below 2³¹ bytes, so none wraps. With 16-bit ones, a value with more
        // than 65,535 of a byte had its counts wrap and its entropy come out far too low, which reads as
        // a placeholder: a long random token could have been kept.
        var counts = InlineArray<256, UInt32>(repeating: 0)
        var sum = 0.0
        var most = 0
        Self.increments.withUnsafeBufferPointer { table in
            for i in start..<end {
                let b = Int(bytes[i])
                let c = Int(counts[b])
                sum += c < table.count ? table[c] : Self.increment(c)
                counts[b] = UInt32(c + 1)
                most = max(most, c + 1)
            }
        }
        let total = Double(n)
        // Rounding can leave a value of one repeated byte a hair below zero.
        return (most, max(0, Foundation.log2(total) - sum / total))
    }

    /// (c+1)·log2(c+1) − c·log2(c), with 0·log2(0) = 0.
    static func increment(_ c: Int) -> Double {
        let next = Double(c + 1), now = Double(c)
        return next * Foundation.log2(next) - (c == 0 ? 0 : now * Foundation.log2(now))
    }
}
