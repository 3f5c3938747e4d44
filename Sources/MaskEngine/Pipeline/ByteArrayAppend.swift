/// Appends to a byte array through its output span (`append(addingCapacity:initializingWith:)`): one
/// capacity and uniqueness check, then the bytes written in place. The hot paths append a few bytes at a
/// time (a token, a cell and its length word), where `append(contentsOf:)` of an unsafe buffer went
/// through the generic sequence copy (~100 instructions a call) and `append(_:)` checked capacity per
/// byte; these take ~60 for the whole.
extension Array where Element == UInt8 {
    /// Grows the array by `count` bytes that `write` initialises through a pointer: it must write all
    /// `count` of them (nothing was there before: an unwritten byte would be whatever the memory held).
    @inline(__always)
    mutating func append(writing count: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Void) {
        append(addingCapacity: count) { span in
            span.withUnsafeMutableBufferPointer { room, initialized in
                // Sound: the span has room for `count` bytes after the `initialized` ones, and `write`
                // initialises exactly those (bytes are trivial: nothing to deinitialise).
                write(room.baseAddress! + initialized)
                initialized += count
            }
        }
    }

    /// Appends the bytes of `bytes` (one memcpy).
    @inline(__always)
    mutating func append(copying bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        append(writing: bytes.count) { $0.update(from: source, count: bytes.count) }
    }
}
