/// The memory ceiling: a pass that reads every byte and does the least work that cannot be optimised
/// away (64-bit lane sums, folded into a checksum the caller keeps).
enum ReadPass {
    /// The wrapping sum of `bytes` as 64-bit little-endian words (the tail zero-padded), read 128 bytes
    /// per step into four independent vector accumulators, so the loop is bound by loads, not adds.
    static func checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = bytes.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        var a = SIMD4<UInt64>(), b = SIMD4<UInt64>(), c = SIMD4<UInt64>(), d = SIMD4<UInt64>()
        var p = 0
        let blocks = bytes.count & ~127
        while p < blocks {
            // Sound: p + 128 <= count, and unaligned loads have no alignment precondition.
            a &+= raw.loadUnaligned(fromByteOffset: p, as: SIMD4<UInt64>.self)
            b &+= raw.loadUnaligned(fromByteOffset: p + 32, as: SIMD4<UInt64>.self)
            c &+= raw.loadUnaligned(fromByteOffset: p + 64, as: SIMD4<UInt64>.self)
            d &+= raw.loadUnaligned(fromByteOffset: p + 96, as: SIMD4<UInt64>.self)
            p += 128
        }
        let lanes = a &+ b &+ c &+ d
        var sum = lanes[0] &+ lanes[1] &+ lanes[2] &+ lanes[3]
        var shift: UInt64 = 0
        while p < bytes.count {
            sum &+= UInt64(bytes[p]) << shift
            shift = (shift + 8) & 63
            p += 1
        }
        return sum
    }
}
