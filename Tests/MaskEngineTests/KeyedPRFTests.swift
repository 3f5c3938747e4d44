import CMaskKernels
import Crypto
import Testing
@testable import MaskEngine

/// The hand-written HMAC-SHA256 agrees with swift-crypto's on every message length that matters
/// (empty to several blocks, across the padding boundaries) and on long keys, on each SHA-256 path this
/// CPU has, forced and asserted (a CPU without SHA-NI shows KernelPathTests.cpuRunsSHANI as skipped).
@Suite struct KeyedPRFTests {
    @Test(arguments: AcceleratedKernel.sha256.availablePaths)
    func matchesSwiftCrypto(_ path: KernelPath) {
        var g = StageOneTests.Generator(state: 99)
        let sha256 = AcceleratedKernel.sha256
        for keyLength in [16, 32, 64, 65, 100] {
            let key = (0..<keyLength).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            var ctx = mk_hmac_sha256_key()
            _ = sha256.expectRuns(path, "absorbing a key of \(keyLength)") { mk_hmac_sha256_init(&ctx, key, key.count) }
            for length in [0, 1, 15, 54, 55, 56, 62, 63, 64, 65, 118, 119, 120, 200, 1000] {
                let tag = UInt8(truncatingIfNeeded: g.next())
                let message = (0..<length).map { _ in UInt8(truncatingIfNeeded: g.next()) }
                var ours = [UInt8](repeating: 0, count: 32)
                _ = sha256.expectRuns(path) { mk_hmac_sha256(&ctx, tag, message, message.count, &ours) }
                let reference = Array(HMAC<SHA256>.authenticationCode(for: [tag] + message, using: SymmetricKey(data: key)))
                #expect(ours == reference, "\(path): key \(keyLength) message \(length)")
                var portable = [UInt8](repeating: 0, count: 32)
                mk_path_reset_last(MK_KERNEL_SHA256)
                mk_hmac_sha256_portable(&ctx, tag, message, message.count, &portable)
                #expect(sha256.lastPath == .portable)
                #expect(portable == reference, "portable: key \(keyLength) message \(length)")
            }
        }
    }

    /// Two MACs at once (`mk_hmac_sha256_pair`, interleaved with SHA-NI) are the two MACs one by one:
    /// messages of equal and of different block counts, at the padding boundaries, at the longest the
    /// interleaved form pads whole (246 bytes) and past it, on each SHA-256 path.
    @Test(arguments: AcceleratedKernel.sha256.availablePaths)
    func aPairIsTwoMACs(_ path: KernelPath) {
        var g = StageOneTests.Generator(state: 2026)
        let key = (0..<32).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        var ctx = mk_hmac_sha256_key()
        _ = AcceleratedKernel.sha256.expectRuns(path) { mk_hmac_sha256_init(&ctx, key, key.count) }
        let lengths = [0, 1, 20, 54, 55, 118, 119, 182, 183, 246, 247, 400]
        for a in lengths {
            for b in lengths {
                let tag = UInt8(truncatingIfNeeded: g.next())
                let first = (0..<a).map { _ in UInt8(truncatingIfNeeded: g.next()) }
                let second = (0..<b).map { _ in UInt8(truncatingIfNeeded: g.next()) }
                var pairA = [UInt8](repeating: 0, count: 32), pairB = [UInt8](repeating: 0, count: 32)
                _ = AcceleratedKernel.sha256.expectRuns(path) {
                    mk_hmac_sha256_pair(&ctx, tag, first, first.count, &pairA, second, second.count, &pairB)
                }
                let key = SymmetricKey(data: key)
                #expect(pairA == Array(HMAC<SHA256>.authenticationCode(for: [tag] + first, using: key)), "\(path): \(a), \(b)")
                #expect(pairB == Array(HMAC<SHA256>.authenticationCode(for: [tag] + second, using: key)), "\(path): \(a), \(b)")
            }
        }
    }

    /// The keystream (blocks made two at a time) is HMAC-SHA256 in counter mode as its documentation
    /// says: MAC(seed ‖ counter) for counters 0, 1, 2…, bytes below the radix's limit kept, read
    /// here one block at a time with the plain MAC; over enough numerals to take many blocks, for each
    /// radix the tokenizer draws from.
    @Test(arguments: [62, 28, 10])
    func theKeystreamIsCounterModeHMAC(radix: Int) {
        let prf = KeyedPRF(key: testKey)
        let keystream = KeyedKeystream(prf: prf)
        defer { keystream.deallocate() }
        let message = Array("a value whose numerals are drawn".utf8)
        keystream.start(tag: KeyedKeystream.valueTag, message)
        let drawn = (0..<700).map { _ in keystream.next(below: radix) }

        var seed = [UInt8](repeating: 0, count: 32)
        message.withUnsafeBytes { m in seed.withUnsafeMutableBytes { prf.mac(tag: KeyedKeystream.valueTag, m, into: $0) } }
        var expected: [UInt8] = []
        var counter: UInt32 = 0
        let limit = 256 - 256 % radix
        while expected.count < drawn.count {
            var input = seed
            withUnsafeBytes(of: counter.bigEndian) { input += $0 }
            var block = [UInt8](repeating: 0, count: 32)
            input.withUnsafeBytes { m in block.withUnsafeMutableBytes { prf.mac(tag: KeyedKeystream.blockTag, m, into: $0) } }
            for b in block where Int(b) < limit && expected.count < drawn.count { expected.append(UInt8(Int(b) % radix)) }
            counter += 1
        }
        #expect(drawn == expected)
        #expect(counter > 20, "many blocks were drawn")
    }

    @Test func rfc4231TestCase2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?" (the tag is the first byte).
        let key = Array("Jefe".utf8)
        var ctx = mk_hmac_sha256_key()
        mk_hmac_sha256_init(&ctx, key, key.count)
        let data = Array("what do ya want for nothing?".utf8)
        var out = [UInt8](repeating: 0, count: 32)
        mk_hmac_sha256(&ctx, data[0], Array(data.dropFirst()), data.count - 1, &out)
        let hex = out.map { String(format: "%02x", $0) }.joined()
        #expect(hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}

import Foundation
