/// Byte runs as short as a token's value (an email, a card, a key), compared without a call.
///
/// Written by hand rather than `memcmp`: for the 10–60 bytes these runs hold, libc's call and its length
/// dispatch cost more than the compare (3.5 % of a column of tokens went to `memcmp`); `elementsEqual`
/// is a generic loop a byte at a time.
enum ShortBytes {
    /// Whether the `count` bytes at `a` and `b` are equal: a word at a time, the last word overlapping
    /// the one before it rather than finished byte by byte.
    @inline(__always)
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        if count >= 8 {
            var i = 0
            while i + 8 < count {
                if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                i += 8
            }
            // Sound: count >= 8, so the last word starts at or after the first byte.
            return a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        if count >= 4 {
            return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) == b.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        }
        var i = 0
        while i < count {
            if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }
}
