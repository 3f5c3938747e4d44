/// Recognises token bodies that are placeholders, not keys: `ghp_xxxxxxxx…`, `AIzaaaaa…`,
/// `xoxb-000000000-…`, `sk-YOUR_API_KEY_HERE…`. Gitleaks' own false-positive vectors are of this kind.
///
/// A body is a placeholder when one character makes up most of it, or when its entropy is below 2.5
/// bits per byte.
enum TokenPlaceholder {
    static func isPlaceholder(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let n = end - start
        guard n > 0 else { return true }
        if isDominated(bytes, start, end) { return true }
        return n >= 8 && Entropy.shannonBitsPerByte(bytes, start, end) < 2.5
    }

    /// Whether one byte makes up more than half of `bytes[start..<end]` (`xxxx-xxxx`, `AIzaaaaa…`).
    static func isDominated(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        mostFrequentCount(bytes, start, end) * 2 > end - start
    }

    /// How often the most frequent byte of `bytes[start..<end]` occurs.
    static func mostFrequentCount(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var counts = InlineArray<256, UInt16>(repeating: 0)
        var most: UInt16 = 0
        for i in start..<end {
            counts[Int(bytes[i])] &+= 1
            most = max(most, counts[Int(bytes[i])])
        }
        return Int(most)
    }
}
