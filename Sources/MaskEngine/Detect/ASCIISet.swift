/// A set of ASCII bytes as a 128-bit map (bit `b` of `low` for `b` < 64, bit `b - 64` of `high` for
/// 64...127), for loops that test many bytes against one set: a shift and a mask per byte, where a
/// switch on which set it is costs a branch tree per byte.
struct ASCIISet: Sendable, Equatable {
    var low: UInt64
    var high: UInt64

    @inline(__always)
    func contains(_ b: UInt8) -> Bool {
        // Bytes past 127 are in no set: both shifts are then taken modulo 64, and the `b < 128` test decides.
        let word = b < 64 ? low : high
        return b < 128 && (word >> UInt64(b & 63)) & 1 != 0
    }
}
