import Benchmark
import CMaskKernels
import MaskEngine

/// Tokens, 1,000 distinct values per iteration: the FF1 kernel alone on 9 and 16 digits (an SSN's and
/// a card's numerals), and `Tokenizer`'s tokens as the rewriter asks for them: SSN and card (FF1 and
/// separators), email (HMAC-SHA256, base32), a secret's length-keeping token (FF1 radix 62) and the
/// `hash` action's hex MAC.
///
/// The same 1,000 values come back every iteration, so these tokenizers have their cache off (they
/// time the ciphers and encodings); `Tokens.Cached.Email.1000` times the session cache's hits on them.
enum TokenBenchmarks {
    /// The raw kernel: AES-128 key schedule done once, numerals copied to scratch and enciphered.
    final class CipherState {
        let key = UnsafeMutablePointer<mk_aes128_key>.allocate(capacity: 1)
        let tweak = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        let numerals: UnsafeBufferPointer<UInt8>
        let scratch: UnsafeMutablePointer<UInt8>
        let digits: Int

        init(digits: Int) {
            self.digits = digits
            var random = SeededGenerator(seed: UInt64(digits))
            numerals = CellBatch.permanentCopy((0..<(1_000 * digits)).map { _ in UInt8(random.below(10)) })
            scratch = .allocate(capacity: digits)
            let raw = (0..<16).map { UInt8(truncatingIfNeeded: $0 &* 17 &+ 3) }
            let key = self.key
            raw.withUnsafeBufferPointer { mk_aes128_init(key, $0.baseAddress) }
            tweak.pointee = 2
        }
    }

    /// `Tokenizer` on 1,000 values of one kind.
    final class TokenState {
        let batch: CellBatch
        let tokenizer: Tokenizer
        var out: [UInt8] = []
        var ends: [Int] = []

        init(_ values: [String], cached: Bool = false) {
            batch = CellBatch(values)
            tokenizer = Tokenizer(key: BenchmarkKey.key, cachedTokens: cached ? Tokenizer.defaultCachedTokens : 0)
            out.reserveCapacity(64_000)
            ends.reserveCapacity(values.count)
            if cached {
                // Seen twice before timing: remembered (the cache admits a value on its second sighting).
                for _ in 0..<2 { for range in batch.bounds { out.removeAll(keepingCapacity: true)
                    tokenizer.appendToken(.email, UnsafeBufferPointer(rebasing: batch.bytes[range]), to: &out) } }
            }
        }
    }

    static func register() {
        for digits in [9, 16] {
            Benchmark("Tokens.FF1.\(digits)Digits.1000", configuration: SuiteConfiguration.make(units: .kilo)) { (_, state: CipherState) in
                var checksum = 0
                for i in 0..<1_000 {
                    state.scratch.update(from: state.numerals.baseAddress! + i * state.digits, count: state.digits)
                    let rc = mk_ff1_encrypt(state.key, state.tweak, 1, 10, state.scratch, state.digits)
                    precondition(rc == 0)
                    checksum &+= Int(state.scratch[0])
                }
                blackHole(checksum)
            } setup: {
                CipherState(digits: digits)
            }
        }

        let kinds: [(String, EntityType, Bool, (inout SampleValues) -> String)] = [
            ("SSN", .usSSN, false, { $0.ssn() }),
            ("Card", .creditCard, false, { $0.card() }),
            ("Email", .email, false, { $0.email() }),
            ("LengthKeeping", .secret, false, { $0.prefixedToken() }),
            ("Hash", .email, true, { $0.email() }),
        ]
        for (name, type, hash, make) in kinds {
            Benchmark("Tokens.\(name).1000", configuration: SuiteConfiguration.make(units: .kilo)) { (_, state: TokenState) in
                var written = 0
                for range in state.batch.bounds {
                    state.out.removeAll(keepingCapacity: true)
                    let value = UnsafeBufferPointer(rebasing: state.batch.bytes[range])
                    if hash {
                        state.tokenizer.appendHash(type, value, to: &state.out)
                    } else {
                        state.tokenizer.appendToken(type, value, to: &state.out)
                    }
                    written &+= state.out.count
                }
                blackHole(written)
            } setup: {
                var values = SampleValues(seed: 0x70CE_0000 &+ UInt64(name.utf8.count))
                return TokenState((0..<1_000).map { _ in make(&values) })
            }
        }

        // The same values as one column (`appendTokens`): cards and SSNs prepared several at a time.
        for (name, type, hash, make) in kinds where !hash && (type == .usSSN || type == .creditCard) {
            Benchmark("Tokens.Column.\(name).1000", configuration: SuiteConfiguration.make(units: .kilo)) { (_, state: TokenState) in
                state.out.removeAll(keepingCapacity: true)
                state.ends.removeAll(keepingCapacity: true)
                state.tokenizer.appendTokens(type, of: state.batch.bounds, in: state.batch.bytes, to: &state.out,
                                             ends: &state.ends)
                blackHole(state.out.count)
            } setup: {
                var values = SampleValues(seed: 0x70CE_0000 &+ UInt64(name.utf8.count))
                return TokenState((0..<1_000).map { _ in make(&values) })
            }
        }

        Benchmark("Tokens.Cached.Email.1000", configuration: SuiteConfiguration.make(units: .kilo)) { (_, state: TokenState) in
            var written = 0
            for range in state.batch.bounds {
                state.out.removeAll(keepingCapacity: true)
                state.tokenizer.appendToken(.email, UnsafeBufferPointer(rebasing: state.batch.bytes[range]), to: &state.out)
                written &+= state.out.count
            }
            blackHole(written)
        } setup: {
            var values = SampleValues(seed: 0x70CE_0000 &+ UInt64("Email".utf8.count))
            return TokenState((0..<1_000).map { _ in values.email() }, cached: true)
        }
    }
}
