/// A growable byte buffer for per-cell scratch (a CSV value unquoted to be scanned, a masked value
/// quoted to be written), filled byte by byte through a raw pointer.
///
/// Written by hand because `Array.append` costs some 100 instructions a call, and unquoting a JSON
/// value calls it once per run between quotes; here a byte costs a store. One per session, reused, so
/// steady state allocates nothing.
final class ByteScratch {
    // Unchecked: a class's stored property gets a dynamic exclusivity check per access; the buffer is
    // used by one thread at a time and no method of it calls another while it holds an access.
    @exclusivity(unchecked) private var storage: ReusableStorage<UInt8>
    /// Bytes written so far.
    private(set) var count = 0

    init(capacity: Int = 4096) {
        storage = ReusableStorage(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// Bytes that fit after those written so far without growing.
    var room: Int { storage.capacity - count }

    /// The bytes written so far; valid until the next call that writes.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage.base, count: count) }

    /// The bytes written so far, to overwrite in place; valid until the next call that grows the buffer.
    var writableBytes: UnsafeMutableBufferPointer<UInt8> { UnsafeMutableBufferPointer(start: storage.base, count: count) }

    /// Makes the buffer at least `n` bytes long, keeping what it holds (zeros past its old end).
    func grow(to n: Int) {
        guard count < n else { return }
        // Sound: `continueWriting` made room for `n - count` bytes after `count`, initialised here.
        continueWriting(atMost: n - count).initialize(repeating: 0, count: n - count)
        count = n
    }

    /// Empties the buffer and makes room for `n` bytes; returns where to write them. The caller writes
    /// at most `n` bytes there and then calls `setCount`.
    @inline(__always)
    func startWriting(atMost n: Int) -> UnsafeMutablePointer<UInt8> {
        count = 0
        storage.reserve(n, keeping: 0)
        return storage.base
    }

    /// Makes room for `n` bytes after those written so far, keeping them; returns where to write. The
    /// caller writes at most `n` bytes there and then calls `setCount` with the new total.
    @inline(__always)
    func continueWriting(atMost n: Int) -> UnsafeMutablePointer<UInt8> {
        storage.reserve(count + n, keeping: count)
        return storage.base + count
    }

    /// Forgets what was written; when the buffer grew past `limit` bytes (one huge value), its memory
    /// is given back and a buffer of `limit` bytes takes its place.
    func removeAll(keepingAtMost limit: Int) {
        count = 0
        storage.shrink(toAtMost: limit)
    }

    /// Records how many bytes the caller wrote after `startWriting(atMost:)`.
    @inline(__always)
    func setCount(_ n: Int) {
        precondition(n >= 0 && n <= storage.capacity, "wrote past the reserved scratch")
        count = n
    }
}
