import CMaskKernels
import MaskEngine

/// FF1 and AES-128 on AES-NI, and on VAES where the CPU has it, against the portable AES (keys expanded
/// on each forced path, each asserted to run): random keys, tweaks and numerals of every length the
/// engine uses (radix 10 at 2 to 28 digits: cards, SSNs, every 64-bit length; radix 62 and 28: secrets),
/// alone, prepared (small and wide plans) and batched; and decryption inverts encryption on each.
public enum DifferentialFF1: DifferentialTarget {
    public static let name = "DifferentialFF1"

    public static func mismatch(in data: UnsafeRawBufferPointer) -> DifferentialMismatch? {
        let aes = AcceleratedKernel.aes
        guard aes.isAvailable(.accelerated) else { return reportOnce(aes) }
        var input = DifferentialInput(data)
        let rawKey = input.bytes(16)
        // The engine's tweaks are one or two bytes; longer ones take Q past one block.
        let tweak = input.bytes(input.choice([1, 2, 1, 2, 0, 11, 20]))
        let radix = input.choice([10, 10, 10, 10, 62, 28, 36])
        let count = input.number(in: 2...Int(mk_ff1_max_count(UInt32(radix))))
        let values = input.number(in: 1...11)
        let plain = (0..<(count * values)).map { _ in input.byte() % UInt8(radix) }
        var what: String { "radix \(radix), \(count) numerals, tweak of \(tweak.count), \(values) values" }

        guard var fastKey = key(rawKey, on: .accelerated), var slowKey = key(rawKey, on: .portable),
              fastKey.uses_aesni == 1, slowKey.uses_aesni == 0 else {
            return DifferentialMismatch("keys were not expanded on the forced paths")
        }
        var block = Array(rawKey.reversed()), slowBlock = block
        let blockRuns = (ran(aes) { mk_aes128_encrypt(&fastKey, &block) }, ran(aes) { mk_aes128_encrypt(&slowKey, &slowBlock) })
        if blockRuns.0 != .accelerated || blockRuns.1 != .portable {
            return DifferentialMismatch("AES block: the forced paths ran \(String(describing: blockRuns))")
        }
        if block != slowBlock { return DifferentialMismatch("AES block differs") }

        var keys = [(KernelPath.accelerated, fastKey), (.portable, slowKey)]
        if aes.isAvailable(.wide) {
            guard let wideKey = key(rawKey, on: .wide), wideKey.uses_vaes == 1 else {
                return DifferentialMismatch("the VAES key was not expanded on its forced path")
            }
            keys.insert((.wide, wideKey), at: 0)
        }
        var results: [[UInt8]] = []
        for (path, var key) in keys {
            var one = plain
            let ranOne = ran(aes) {
                for k in 0..<values {
                    one.withUnsafeMutableBufferPointer { o in
                        _ = mk_ff1_encrypt(&key, tweak, tweak.count, UInt32(radix), o.baseAddress! + k * count, count)
                    }
                }
            }
            if ranOne != expected(path) { return DifferentialMismatch("\(path) FF1 ran \(String(describing: ranOne)) (\(what))") }
            var plan = mk_ff1_plan()
            if mk_ff1_prepare(&plan, &key, tweak, tweak.count, UInt32(radix), count) == 0 {
                var batch = plain
                let ranBatch = ran(aes) { _ = mk_ff1_encrypt_prepared_batch(&plan, &batch, count, values) }
                if ranBatch != expected(path, batchOf: values, plan: plan) || batch != one {
                    return DifferentialMismatch("\(path): the prepared batch differs from one by one (\(what))")
                }
                var first = Array(plain[0..<count])
                _ = mk_ff1_encrypt_prepared(&plan, &first)
                if first[...] != one[0..<count] { return DifferentialMismatch("\(path): prepared differs (\(what))") }
            } else {
                // The wide plan: batched (eight or sixteen strings in vector lanes on a VAES key), and alone.
                var wide = mk_ff1_wide_plan()
                if mk_ff1_prepare_wide(&wide, &key, tweak, tweak.count, UInt32(radix), count) != 0 {
                    return DifferentialMismatch("\(path): neither plan takes the length (\(what))")
                }
                var batch = plain
                let ranBatch = ran(aes) { _ = mk_ff1_encrypt_wide_batch(&wide, &batch, count, values) }
                let expectedBatch = path == .wide && values > 1 ? KernelPath.wide : expected(path)
                if ranBatch != expectedBatch || batch != one {
                    return DifferentialMismatch("\(path): the wide batch differs from one by one (\(what))")
                }
                var first = Array(plain[0..<count])
                _ = mk_ff1_encrypt_wide(&wide, &first)
                if first[...] != one[0..<count] { return DifferentialMismatch("\(path): the wide plan differs (\(what))") }
            }
            var back = one
            for k in 0..<values {
                back.withUnsafeMutableBufferPointer { o in
                    _ = mk_ff1_decrypt(&key, tweak, tweak.count, UInt32(radix), o.baseAddress! + k * count, count)
                }
            }
            if back != plain { return DifferentialMismatch("\(path): decryption does not invert (\(what))") }
            results.append(one)
        }
        if results.contains(where: { $0 != results[0] }) { return DifferentialMismatch("the AES paths' FF1 differ (\(what))") }
        return nil
    }

    /// The path a call runs on a key of `path`: a VAES key runs VAES only for batches of two or more
    /// strings of a small plan whose moduli are both at least 2^13, AES-NI for everything else.
    static func expected(_ path: KernelPath, batchOf values: Int = 1, plan: mk_ff1_plan? = nil) -> KernelPath {
        guard path == .wide else { return path }
        if let plan, values > 1, plan.modulus.0 >= 1 << 13, plan.modulus.1 >= 1 << 13 { return .wide }
        return .accelerated
    }

    static func key(_ raw: [UInt8], on path: KernelPath) -> mk_aes128_key? {
        AcceleratedKernel.aes.withPath(path) {
            var key = mk_aes128_key()
            mk_aes128_init(&key, raw)
            return key
        }
    }

    /// The path `body` ran on `kernel` (nil: none).
    static func ran(_ kernel: AcceleratedKernel, _ body: () -> Void) -> KernelPath? {
        kernel.resetLastPath()
        body()
        return kernel.lastPath
    }
}
