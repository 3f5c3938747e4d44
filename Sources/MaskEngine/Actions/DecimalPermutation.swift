import CMaskKernels

/// A keyed permutation of the n-digit decimal strings: FF1 (NIST SP 800-38G) with AES-128, radix 10,
/// the token type as the tweak.
///
/// Why FF1: it is the standard format-preserving cipher (FF3-1 is withdrawn in the Rev. 1 draft), and
/// as a cipher it is a bijection: distinct inputs always give distinct outputs, so tokens are
/// collision-free and UNIQUE constraints and joins survive. The AES key is derived from the token key
/// with HMAC-SHA256 under a fixed label, so one key file drives both. FF1's domain floor
/// (radix^n ≥ 1,000,000) holds for every use: card payloads have 12 to 18 digits, SSNs 9.
/// The kernel (`CMaskKernels/ff1.c`, AES-NI when present) is checked against NIST's FF1 samples.
struct DecimalPermutation {
    /// The smallest digit count FF1 may be used for with radix 10 (10^6 ≥ 1,000,000).
    static let minimumDigits = 6

    private var key = mk_aes128_key()

    init(prf: KeyedPRF) {
        var derived = [UInt8](repeating: 0, count: 32)
        let label = Array("maskd ff1 aes-128 key v1".utf8)
        label.withUnsafeBytes { l in derived.withUnsafeMutableBytes { prf.mac(tag: 0xF1, l, into: $0) } }
        derived.withUnsafeBufferPointer { mk_aes128_init(&key, $0.baseAddress) }
    }

    /// Permutes the `count` digit values (0...9) in `digits` in place, under the tweak `tag`.
    func permute(_ digits: UnsafeMutableBufferPointer<UInt8>, count: Int, tag: UInt8) {
        precondition(count >= Self.minimumDigits && count <= 36 && count <= digits.count)
        var tweak = tag
        let rc = withUnsafePointer(to: key) { k in mk_ff1_encrypt_decimal(k, &tweak, 1, digits.baseAddress, count) }
        precondition(rc == 0, "FF1 arguments checked above")
    }
}
