/// A growable byte buffer for per-cell scratch (a CSV value unquoted to be scanned, a masked value
/// quoted to be written), filled byte by byte through a raw pointer.
///
/// Written by hand because `Array.append` costs some 100 instructions a call, and unquoting a JSON
/// value calls it once per run between quotes; here a byte costs a store. One per session, reused, so
/// steady state allocates nothing.
final class ByteScratch {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    private(set) var count = 0

    init(capacity: Int = 4096) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Bytes that fit after those written so far without growing.
    var room: Int { capacity - count }

    /// The bytes written so far; valid until the next call that writes.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Empties the buffer and makes room for `n` bytes; returns where to write them. The caller writes
    /// at most `n` bytes there and then calls `setCount`.
    @inline(__always)
    func startWriting(atMost n: Int) -> UnsafeMutablePointer<UInt8> {
        count = 0
        if n > capacity {
            base.deallocate()
            capacity = max(n, capacity * 2)
            base = .allocate(capacity: capacity)
        }
        return base
    }

    /// Makes room for `n` bytes after those written so far, keeping them; returns where to write. The
    /// caller writes at most `n` bytes there and then calls `setCount` with the new total.
    @inline(__always)
    func continueWriting(atMost n: Int) -> UnsafeMutablePointer<UInt8> {
        if count + n > capacity {
            let grown = max(count + n, capacity * 2)
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            // Sound: both regions hold at least `count` bytes, and they do not overlap.
            larger.update(from: base, count: count)
            base.deallocate()
            base = larger
            capacity = grown
        }
        return base + count
    }

    /// Forgets what was written; when the buffer grew past `limit` bytes (one huge value), its memory
    /// is given back and a buffer of `limit` bytes takes its place.
    func removeAll(keepingAtMost limit: Int) {
        count = 0
        if capacity > limit {
            base.deallocate()
            capacity = max(16, limit)
            base = .allocate(capacity: capacity)
        }
    }

    /// Records how many bytes the caller wrote after `startWriting(atMost:)`.
    @inline(__always)
    func setCount(_ n: Int) {
        precondition(n >= 0 && n <= capacity, "wrote past the reserved scratch")
        count = n
    }
}
