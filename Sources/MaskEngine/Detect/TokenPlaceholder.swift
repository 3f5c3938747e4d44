/// Recognises token bodies that are placeholders, not keys: `ghp_xxxxxxxx…`, `AIzaaaaa…`,
/// `xoxb-000000000-…`, `sk-YOUR_API_KEY_HERE…`. Gitleaks' own false-positive vectors are of this kind.
///
/// A body is a placeholder when one character makes up most of it, or when its entropy is below 2.5
/// bits per byte. A body that ends in a run of one byte is a placeholder only if it is one without that
/// run too, when what comes before the run is long enough to be a key: filler appended to a real token (`ghp_…` and 50 `a`, which a
/// query can produce with `repeat`) would otherwise dominate it and pass the real part in clear.
enum TokenPlaceholder {
    /// The shortest head before a trailing run that is judged on its own: longer than the visible start
    /// of a partly masked key (`sk-abcd…xxxx`, `ghp_1234abcd…xxxx`), which stays a placeholder.
    static let minimumHead = 16
    /// The shortest trailing run of one byte taken for filler.
    static let minimumFiller = 8

    static func isPlaceholder(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard isPlaceholderBody(bytes, start, end) else { return false }
        // The filler rule only ever takes a placeholder back, never makes one.
        var runStart = end - 1
        while runStart > start && bytes[runStart - 1] == bytes[end - 1] { runStart -= 1 }
        if end - runStart >= minimumFiller && runStart - start >= minimumHead {
            return isPlaceholderBody(bytes, start, runStart)
        }
        return true
    }

    static func isPlaceholderBody(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let n = end - start
        guard n > 0 else { return true }
        let profile = Entropy.profile(bytes, start, end)
        // One byte makes up more than half of it (`xxxx-xxxx`, `AIzaaaaa…`), or it is too regular.
        if profile.mostFrequent * 2 > n { return true }
        return n >= 8 && profile.bitsPerByte < 2.5
    }

    /// How often the most frequent byte of `bytes[start..<end]` occurs.
    static func mostFrequentCount(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        Entropy.profile(bytes, start, end).mostFrequent
    }
}
