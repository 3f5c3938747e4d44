import CMaskKernels

/// HMAC-SHA256 under the token key, with the key schedule (the ipad and opad blocks) done once.
///
/// The MAC itself is the C kernel in `CMaskKernels/hmac_sha256.c` (SHA-NI when the CPU has it): one
/// per email token and keyed hash, and swift-crypto's generic HMAC cost about four times as much per
/// hashed email (Benchmarks/RESULTS.md). `KeyedPRFTests` checks it against swift-crypto's `HMAC<SHA256>` on random keys and messages.
struct KeyedPRF {
    private var key = mk_hmac_sha256_key()

    init(key: TokenKey) {
        key.bytes.withUnsafeBufferPointer { mk_hmac_sha256_init(&self.key, $0.baseAddress, $0.count) }
    }

    /// The MAC of `tag` followed by `message`, written to `out` (at least 32 bytes).
    @inline(__always)
    func mac(tag: UInt8, _ message: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= 32)
        withUnsafePointer(to: key) { k in
            mk_hmac_sha256(k, tag, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                           out.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// The MACs of `tag` followed by `a` and by `b`, written to `outA` and `outB` (32 bytes each): the
    /// same as two `mac` calls, with the two messages' SHA-256 rounds interleaved where the CPU has SHA-NI.
    @inline(__always)
    func macPair(tag: UInt8, _ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer,
                 into outA: UnsafeMutablePointer<UInt8>, _ outB: UnsafeMutablePointer<UInt8>) {
        withUnsafePointer(to: key) { k in
            mk_hmac_sha256_pair(k, tag, a.baseAddress?.assumingMemoryBound(to: UInt8.self), a.count, outA,
                                b.baseAddress?.assumingMemoryBound(to: UInt8.self), b.count, outB)
        }
    }

    /// The MACs of `tag` followed by each of `count` messages (`messages[k]`, `lengths[k]` bytes), written
    /// to `out` 32 bytes apart: the same as a `mac` call per message, sixteen short messages at a time in
    /// 512-bit lanes where the CPU has AVX-512, in pairs elsewhere (`mk_hmac_sha256_many`).
    func macs(tag: UInt8, _ messages: UnsafePointer<UnsafePointer<UInt8>?>, _ lengths: UnsafePointer<Int>, count: Int,
              into out: UnsafeMutablePointer<UInt8>) {
        withUnsafePointer(to: key) { k in mk_hmac_sha256_many(k, tag, messages, lengths, count, out) }
    }

    /// The first 64 bits of the MAC of `tag` and `message`, little-endian.
    @inline(__always)
    func mac64(tag: UInt8, _ message: UnsafeRawBufferPointer) -> UInt64 {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) { mac(tag: tag, message, into: $0) }
        return UInt64(littleEndian: digest.0)
    }
}
