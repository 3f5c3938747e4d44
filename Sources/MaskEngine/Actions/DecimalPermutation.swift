/// A keyed permutation of the n-digit decimal strings (n from 2 to 19): the FF1 Feistel structure
/// (NIST SP 800-38G: alternating unbalanced halves, modular addition) with HMAC-SHA256 as the round
/// function instead of AES-CBC-MAC, and 10 rounds as in FF1.
///
/// Why not FF1 itself: swift-crypto exposes no raw AES block call that keeps its key schedule, and
/// HMAC-SHA256 is the standard PRF we already hold. Being a Feistel network over Z/10^u x Z/10^v, it is a
/// bijection for any round function: distinct inputs always give distinct outputs (tokens are
/// collision-free, so UNIQUE constraints and joins survive). The domain-separation tag and the length
/// enter every round, so permutations for different types and lengths are unrelated.
struct DecimalPermutation {
    static let rounds = 10
    static let powersOfTen: [UInt64] = (0...19).map { n in (0..<n).reduce(UInt64(1)) { r, _ in r * 10 } }

    let prf: KeyedPRF

    /// Permutes the `count` digit values (0...9) in `digits` in place.
    func permute(_ digits: UnsafeMutableBufferPointer<UInt8>, count: Int, tag: UInt8) {
        precondition(count >= 2 && count <= 19)
        let u = count / 2
        let v = count - u
        var a: UInt64 = 0
        var b: UInt64 = 0
        for i in 0..<u { a = a * 10 + UInt64(digits[i]) }
        for i in u..<count { b = b * 10 + UInt64(digits[i]) }
        let modU = Self.powersOfTen[u]
        let modV = Self.powersOfTen[v]
        for round in 0..<Self.rounds {
            let m = round % 2 == 0 ? modU : modV
            // Round input: length, round number and the other half; the tag goes in as the MAC's tag.
            // Two whole words, so no padding byte of undefined value reaches the MAC.
            let block: (UInt64, UInt64) = ((UInt64(count) | UInt64(round) << 8).littleEndian, b.littleEndian)
            let f = withUnsafeBytes(of: block) { prf.mac64(tag: tag, $0) }
            // 2^64 mod 10^m is below 2^64/10^m, so the bias of `f % m` is under 10^19/2^64 per round
            // for the largest halves (10 digits here): negligible, and it does not affect bijectivity.
            let c = (a % m &+ f % m) % m
            a = b
            b = c
        }
        var i = count - 1
        while i >= u { digits[i] = UInt8(b % 10); b /= 10; i -= 1 }
        while i >= 0 { digits[i] = UInt8(a % 10); a /= 10; i -= 1 }
    }
}
