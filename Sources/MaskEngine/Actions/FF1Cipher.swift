import CMaskKernels

/// FF1 (NIST SP 800-38G) with AES-128: for each radix and length, a keyed permutation of the numeral
/// strings of that length, under a tweak of one or two bytes.
///
/// Why FF1: it is the standard format-preserving cipher (FF3-1 is withdrawn in the Rev. 1 draft), and
/// as a cipher it is a bijection: distinct inputs always give distinct outputs, so tokens are
/// collision-free and UNIQUE constraints and joins survive. The AES key is derived from the token key
/// with HMAC-SHA256 under a fixed label, so one key file drives both.
///
/// Used with radix 10 (card payloads of 11 to 18 digits, SSNs of 9; `DigitCipher` prepares those once),
/// 62 (the letters and digits of a secret) and 28 (its punctuation, when it has almost no letters or
/// digits). FF1's domain floor (radix^n ≥ 1,000,000, SP 800-38G Rev. 1 draft) holds for digits and for
/// 4 or more letters and digits; `LengthKeepingTokenizer` says what happens below it. The kernel
/// (`CMaskKernels/ff1.c`, AES-NI when present, chosen once per key) is checked against NIST's samples
/// and an independent reference (Tests/Vectors/ff1_reference.py).
///
/// A class: the tokenizer and its length-keeping tokenizer share one expanded key, which the kernel
/// reads where it lies instead of from a copy per call.
final class FF1Cipher {
    /// The smallest digit count FF1 may be used for with radix 10 (10^6 ≥ 1,000,000).
    static let minimumDigits = 6

    /// The expanded key, owned by this cipher.
    let key: UnsafeMutablePointer<mk_aes128_key>

    init(prf: KeyedPRF) {
        var derived = [UInt8](repeating: 0, count: 32)
        let label = Array("maskd ff1 aes-128 key v1".utf8)
        label.withUnsafeBytes { l in derived.withUnsafeMutableBytes { prf.mac(tag: 0xF1, l, into: $0) } }
        key = .allocate(capacity: 1)
        key.initialize(to: mk_aes128_key())
        derived.withUnsafeBufferPointer { mk_aes128_init(key, $0.baseAddress) }
    }

    deinit { key.deallocate() }

    /// The longest numeral string `encrypt` takes for `radix` (each half below 2^120, so the kernel's
    /// arithmetic fits 128 bits): 72 digits, 40 letters and digits, 48 punctuation marks.
    static func maximumCount(radix: Int) -> Int { mk_ff1_max_count(UInt32(radix)) }

    /// Encrypts the `count` numerals (each below `radix`) at `numerals` in place. The tweak is its
    /// first `tweakLength` (1 or 2) bytes.
    /// Precondition: 2 ≤ count ≤ maximumCount(radix), every numeral below radix.
    @inline(__always)
    func encrypt(_ numerals: UnsafeMutablePointer<UInt8>, count: Int, radix: Int, tweak: (UInt8, UInt8),
                 tweakLength: Int) {
        let rc = withUnsafeBytes(of: tweak) { t in
            mk_ff1_encrypt(key, t.baseAddress!.assumingMemoryBound(to: UInt8.self), tweakLength, UInt32(radix),
                           numerals, count)
        }
        precondition(rc == 0, "FF1 arguments are the caller's precondition")
    }

    /// The inverse of `encrypt` (tests use it to show each permutation is one).
    func decrypt(_ numerals: UnsafeMutablePointer<UInt8>, count: Int, radix: Int, tweak: (UInt8, UInt8),
                 tweakLength: Int) {
        let rc = withUnsafeBytes(of: tweak) { t in
            mk_ff1_decrypt(key, t.baseAddress!.assumingMemoryBound(to: UInt8.self), tweakLength, UInt32(radix),
                           numerals, count)
        }
        precondition(rc == 0, "FF1 arguments are the caller's precondition")
    }

    /// Prepares into `plan` the instance of `radix`, `count` numerals and the tweak for
    /// `mk_ff1_encrypt_wide`: the lengths `prepare` refuses, up to `maximumCount(radix)`. False for any
    /// other length.
    func prepareWide(_ plan: UnsafeMutablePointer<mk_ff1_wide_plan>, radix: Int, count: Int,
                     tweak: (UInt8, UInt8), tweakLength: Int) -> Bool {
        withUnsafeBytes(of: tweak) { t in
            mk_ff1_prepare_wide(plan, key, t.baseAddress!.assumingMemoryBound(to: UInt8.self), tweakLength,
                                UInt32(radix), count) == 0
        }
    }

    /// Prepares into `plan` the instance of `radix`, `count` numerals and the tweak, for
    /// `mk_ff1_encrypt_prepared`. False when the kernel keeps that length for `encrypt` (halves of
    /// 2^48 or more).
    func prepare(_ plan: UnsafeMutablePointer<mk_ff1_plan>, radix: Int, count: Int, tweak: (UInt8, UInt8),
                 tweakLength: Int) -> Bool {
        withUnsafeBytes(of: tweak) { t in
            mk_ff1_prepare(plan, key, t.baseAddress!.assumingMemoryBound(to: UInt8.self), tweakLength,
                           UInt32(radix), count) == 0
        }
    }
}
