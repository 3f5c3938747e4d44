import CMaskKernels
import Crypto
import Testing
@testable import MaskEngine

/// The hand-written HMAC-SHA256 agrees with swift-crypto's on every message length that matters
/// (empty to several blocks, across the padding boundaries) and on long keys, on each SHA-256 path this
/// CPU has, forced and asserted (a CPU without SHA-NI shows KernelPathTests.cpuRunsSHANI as skipped).
@Suite struct KeyedPRFTests {
    /// The path a call of one or two MACs runs while `path` is forced: the sixteen-lane path (`.wide`)
    /// is `mk_hmac_sha256_many`'s alone, and leaves such calls to SHA-NI (or the portable compression).
    static func pathOfOneOrTwo(_ path: KernelPath) -> KernelPath {
        guard path == .wide else { return path }
        return AcceleratedKernel.sha256.isAvailable(.accelerated) ? .accelerated : .portable
    }

    /// A random 32-byte key drawn from `g`, and its absorbed form.
    static func randomKey(_ g: inout StageOneTests.Generator) -> (raw: [UInt8], ctx: mk_hmac_sha256_key) {
        let raw = (0..<32).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        var ctx = mk_hmac_sha256_key()
        mk_hmac_sha256_init(&ctx, raw, raw.count)
        return (raw, ctx)
    }

    @Test(arguments: AcceleratedKernel.sha256.availablePaths)
    func matchesSwiftCrypto(_ path: KernelPath) {
        var g = StageOneTests.Generator(state: 99)
        let sha256 = AcceleratedKernel.sha256
        for keyLength in [16, 32, 64, 65, 100] {
            let key = (0..<keyLength).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            var ctx = mk_hmac_sha256_key()
            _ = sha256.withPath(path) {
                sha256.resetLastPath()
                mk_hmac_sha256_init(&ctx, key, key.count)
                #expect(sha256.lastPath == Self.pathOfOneOrTwo(path), "absorbing a key of \(keyLength)")
            }
            for length in [0, 1, 15, 54, 55, 56, 62, 63, 64, 65, 118, 119, 120, 200, 1000] {
                let tag = UInt8(truncatingIfNeeded: g.next())
                let message = (0..<length).map { _ in UInt8(truncatingIfNeeded: g.next()) }
                var ours = [UInt8](repeating: 0, count: 32)
                _ = sha256.withPath(path) {
                    sha256.resetLastPath()
                    mk_hmac_sha256(&ctx, tag, message, message.count, &ours)
                    #expect(sha256.lastPath == Self.pathOfOneOrTwo(path))
                }
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
        let (key, absorbed) = Self.randomKey(&g)
        var ctx = absorbed
        let lengths = [0, 1, 20, 54, 55, 118, 119, 182, 183, 246, 247, 400]
        for a in lengths {
            for b in lengths {
                let tag = UInt8(truncatingIfNeeded: g.next())
                let first = (0..<a).map { _ in UInt8(truncatingIfNeeded: g.next()) }
                let second = (0..<b).map { _ in UInt8(truncatingIfNeeded: g.next()) }
                var pairA = [UInt8](repeating: 0, count: 32), pairB = [UInt8](repeating: 0, count: 32)
                _ = AcceleratedKernel.sha256.withPath(path) {
                    AcceleratedKernel.sha256.resetLastPath()
                    mk_hmac_sha256_pair(&ctx, tag, first, first.count, &pairA, second, second.count, &pairB)
                    #expect(AcceleratedKernel.sha256.lastPath == Self.pathOfOneOrTwo(path))
                }
                let key = SymmetricKey(data: key)
                #expect(pairA == Array(HMAC<SHA256>.authenticationCode(for: [tag] + first, using: key)), "\(path): \(a), \(b)")
                #expect(pairB == Array(HMAC<SHA256>.authenticationCode(for: [tag] + second, using: key)), "\(path): \(a), \(b)")
            }
        }
    }

    /// Many MACs in one call (`mk_hmac_sha256_many`: sixteen messages of at most 54 bytes in AVX-512
    /// lanes, the rest in pairs) are each message's MAC, in order: batches of 1 to 40 with short and long
    /// messages mixed (lengths 0 to 80, across the one-block limit), all short, and on each SHA-256 path;
    /// where sixteen lanes run, the call says so.
    @Test(arguments: AcceleratedKernel.sha256.availablePaths)
    func manyMACsAreEachMessagesMAC(_ path: KernelPath) {
        var g = StageOneTests.Generator(state: 1616)
        let (raw, absorbed) = Self.randomKey(&g)
        var ctx = absorbed
        let key = SymmetricKey(data: raw)
        for round in 0..<160 {
            let count = round % 40 + 1
            let allShort = round % 3 == 0
            let messages = (0..<count).map { _ in
                (0..<Int(g.next() % (allShort ? 55 : 81))).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            }
            let tag = UInt8(truncatingIfNeeded: g.next())
            var out = [UInt8](repeating: 0, count: 32 * count)
            let lengths = messages.map(\.count)
            // The messages one after another in one buffer, each passed by its address inside it.
            let all = messages.flatMap { $0 }
            let starts = messages.indices.map { k in messages[..<k].reduce(0) { $0 + $1.count } }
            let ran: KernelPath?? = AcceleratedKernel.sha256.withPath(path) {
                AcceleratedKernel.sha256.resetLastPath()
                all.withUnsafeBufferPointer { b in
                    // Sound: every start plus its length lies inside `all` (an empty buffer has no address;
                    // its messages are empty, and the kernel reads nothing of them).
                    let pointers: [UnsafePointer<UInt8>?] = starts.map { start in b.baseAddress.map { $0 + start } }
                    mk_hmac_sha256_many(&ctx, tag, pointers, lengths, count, &out)
                }
                return AcceleratedKernel.sha256.lastPath
            }
            for (k, message) in messages.enumerated() {
                #expect(Array(out[(32 * k)..<(32 * k + 32)]) == Array(HMAC<SHA256>.authenticationCode(for: [tag] + message, using: key)),
                        "\(path): message \(k) of \(count) (\(message.count) bytes)")
            }
            let short = lengths.filter { $0 <= 54 }.count
            if path == .wide && short >= 8 { #expect(ran == .some(.wide), "\(count) messages, \(short) short") }
            if path != .wide { #expect(ran == .some(path)) }
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
