import CMaskKernels

/// The FF1 instances (tweak, radix, length) a length-keeping tokenizer has enciphered with, each
/// prepared on first use: the CBC-MAC of P and the tweak, the moduli, and for long strings the powers
/// that reduce NUM(S) without a division are then computed once per instance instead of once per
/// token (the kernel on a 40-character secret: 664-693 ns prepared against 850-904 ns unprepared,
/// `Benchmarks/ff1_bench.c` modes 3 and 0, Benchmarks/RESULTS.md). Secrets
/// of one type come in a few lengths, so a handful of instances serve a whole column.
///
/// At most `capacity` instances are kept (each custom type has its own tweak); past that a string is
/// enciphered unprepared, with the same result. One tokenizer, so one thread, uses an instance set; a
/// value, so that a session that never tokenizes a secret allocates nothing for it.
struct PreparedFF1Instances {
    static let capacity = 256
    static let typicalInstances = 16

    private let cipher: FF1Cipher
    /// Where each instance is: `small[i]` for i >= 0, `wide[-1 - i]` for i < 0.
    private var slots: [UInt32: Int] = [:]
    private var small: [mk_ff1_plan] = []
    private var wide: [mk_ff1_wide_plan] = []

    init(cipher: FF1Cipher) { self.cipher = cipher }

    /// Encrypts the `count` numerals (each below `radix`) at `numerals` in place under the two-byte
    /// `tweak`: the same result as `FF1Cipher.encrypt(_:count:radix:tweak:tweakLength: 2)`.
    /// Precondition: 2 ≤ count ≤ FF1Cipher.maximumCount(radix), radix ≤ 255, every numeral below radix.
    mutating func encrypt(_ numerals: UnsafeMutablePointer<UInt8>, count: Int, radix: Int, tweak: (UInt8, UInt8)) {
        // radix ≤ 255 and count ≤ 72 (radix 10's longest) fit a byte each.
        let name = UInt32(tweak.0) << 24 | UInt32(tweak.1) << 16 | UInt32(radix) << 8 | UInt32(count)
        guard let slot = slots[name] ?? prepare(name, count: count, radix: radix, tweak: tweak) else {
            cipher.encrypt(numerals, count: count, radix: radix, tweak: tweak, tweakLength: 2)
            return
        }
        let rc: Int32
        if slot >= 0 {
            rc = small.withUnsafeBufferPointer { mk_ff1_encrypt_prepared($0.baseAddress! + slot, numerals) }
        } else {
            rc = wide.withUnsafeBufferPointer { mk_ff1_encrypt_wide($0.baseAddress! + (-1 - slot), numerals) }
        }
        precondition(rc == 0, "numerals below the radix are the caller's precondition")
    }

    /// Encrypts `values` strings of `count` numerals, the first at `numerals` and each next `stride`
    /// further, in place: the same result as `values` calls of `encrypt(_:count:radix:tweak:)`, with the
    /// AES blocks of several strings interleaved.
    /// Precondition: as `encrypt`, and stride ≥ count.
    mutating func encrypt(batch numerals: UnsafeMutablePointer<UInt8>, count: Int, stride: Int, values: Int, radix: Int,
                          tweak: (UInt8, UInt8)) {
        precondition(stride >= count && values >= 0)
        let name = UInt32(tweak.0) << 24 | UInt32(tweak.1) << 16 | UInt32(radix) << 8 | UInt32(count)
        guard let slot = slots[name] ?? prepare(name, count: count, radix: radix, tweak: tweak) else {
            for k in 0..<values {
                cipher.encrypt(numerals + k * stride, count: count, radix: radix, tweak: tweak, tweakLength: 2)
            }
            return
        }
        let rc: Int32
        if slot >= 0 {
            rc = small.withUnsafeBufferPointer { mk_ff1_encrypt_prepared_batch($0.baseAddress! + slot, numerals, stride, values) }
        } else {
            rc = wide.withUnsafeBufferPointer { mk_ff1_encrypt_wide_batch($0.baseAddress! + (-1 - slot), numerals, stride, values) }
        }
        precondition(rc == 0, "numerals below the radix are the caller's precondition")
    }

    /// Prepares the instance `name` stands for and records its slot; nil when the set is full.
    private mutating func prepare(_ name: UInt32, count: Int, radix: Int, tweak: (UInt8, UInt8)) -> Int? {
        guard slots.count < Self.capacity else { return nil }
        if slots.isEmpty {
            // Room for the instances of a typical table's secrets (a few types, a few lengths each)
            // from the first, instead of a reallocation every time a count doubles: about 12 KiB.
            slots.reserveCapacity(Self.typicalInstances * 2)
            small.reserveCapacity(Self.typicalInstances)
            wide.reserveCapacity(Self.typicalInstances)
        }
        var plan = mk_ff1_plan()
        if cipher.prepare(&plan, radix: radix, count: count, tweak: tweak, tweakLength: 2) {
            small.append(plan)
            slots[name] = small.count - 1
            return small.count - 1
        }
        var widePlan = mk_ff1_wide_plan()
        precondition(cipher.prepareWide(&widePlan, radix: radix, count: count, tweak: tweak, tweakLength: 2),
                     "every length up to FF1Cipher.maximumCount is prepared one way or the other")
        wide.append(widePlan)
        slots[name] = -wide.count
        return -wide.count
    }
}
