import CMaskKernels

/// FF1 over decimal digit strings under one fixed one-byte tweak (a token tag), with every length
/// the digit tokens use (6 to 20 digits) prepared once: P and the tweak through the CBC-MAC, the
/// moduli and their reciprocals computed. A token then costs its ten rounds only.
///
/// The same permutation as `FF1Cipher.encrypt(_:count:10:tweak:(tag, 0):tweakLength:1)`, which the
/// tests check; `encrypt(batch:…)` runs several strings side by side (interleaved AES-NI blocks) for
/// callers that hold many values of one length at once, such as a card column of a batch of rows.
final class DigitCipher {
    static let lengths = FF1Cipher.minimumDigits...20

    /// One prepared instance per length in `lengths`, owned by this cipher.
    let plans: UnsafeMutablePointer<mk_ff1_plan>

    init(cipher: FF1Cipher, tweak: UInt8) {
        plans = .allocate(capacity: Self.lengths.count)
        plans.initialize(repeating: mk_ff1_plan(), count: Self.lengths.count)
        for count in Self.lengths {
            let prepared = cipher.prepare(plans + (count - Self.lengths.lowerBound), radix: 10, count: count,
                                          tweak: (tweak, 0), tweakLength: 1)
            // 10^10 < 2^48: every length here has 64-bit halves.
            precondition(prepared, "the kernel prepares every decimal length up to 28")
        }
    }

    deinit { plans.deallocate() }

    /// Encrypts the `count` digits (numerals 0...9) at `digits` in place.
    /// Precondition: `count` in `lengths`, every numeral below 10.
    @inline(__always)
    func encrypt(_ digits: UnsafeMutablePointer<UInt8>, count: Int) {
        precondition(Self.lengths.contains(count))
        let rc = mk_ff1_encrypt_prepared(plans + (count - Self.lengths.lowerBound), digits)
        precondition(rc == 0, "numerals below 10 are the caller's precondition")
    }

    /// Encrypts the `count` numerals at `digits` in place, as `encrypt(_:count:)` does, then walks the
    /// result to the value's side (`mk_digit_walk`): a token starts with 0 only where its value does,
    /// and (`bigint`: a card's 18-digit payload) a 19-digit card that fits a `bigint` gets a token that
    /// fits one.
    @inline(__always)
    func encryptKeepingSide(_ digits: UnsafeMutablePointer<UInt8>, count: Int, bigint: Bool) {
        if digits[0] == 0 && Self.lengths.contains(count - 1) {
            // The 0 stays and the rest is FF1's of one numeral fewer: that side permuted in one call
            // (walking to it would take ten). A payload starting with 0 fits a bigint, as does its token.
            return encrypt(digits + 1, count: count - 1)
        }
        let side = mk_digit_side(digits, UInt32(count), bigint ? 1 : 0)
        encrypt(digits, count: count)
        if mk_digit_side(digits, UInt32(count), bigint ? 1 : 0) != side {
            mk_digit_walk(plans + (count - Self.lengths.lowerBound), digits, UInt32(count), side, bigint ? 1 : 0)
        }
    }

    /// Encrypts `values` strings of `count` digits, the first at `digits` and each next `stride` bytes
    /// further, in place: the same result as `values` calls of `encrypt(_:count:)`.
    /// Precondition: `count` in `lengths`, `stride` ≥ `count`, every numeral below 10.
    func encrypt(batch digits: UnsafeMutablePointer<UInt8>, count: Int, stride: Int, values: Int) {
        precondition(Self.lengths.contains(count) && stride >= count && values >= 0)
        let rc = mk_ff1_encrypt_prepared_batch(plans + (count - Self.lengths.lowerBound), digits, stride, values)
        precondition(rc == 0, "numerals below 10 are the caller's precondition")
    }
}
