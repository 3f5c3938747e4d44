import CMaskKernels
#if canImport(Glibc)
import Glibc
#endif

/// A keyed token with the value's length: the token of secrets, and of any value that must keep its
/// length (binary layouts) or its character count (the `varchar(n)` fallback of pg_dump).
///
/// Each position of the value is one of four classes, and keeps its class:
///
/// | class | bytes | in the token |
/// |---|---|---|
/// | letters and digits | `[0-9a-zA-Z]` | enciphered as one string, radix 62 |
/// | punctuation | the 28 printable ASCII marks other than `" ' , \` | kept; enciphered (radix 28) when the value has fewer than 4 letters, digits and non-ASCII characters |
/// | kept | space, `" ' , \`, control bytes | kept |
/// | non-ASCII | bytes ≥ 0x80 | a letter or digit each (per byte, or per UTF-8 character with `.character`) |
/// | escapes | a backslash and what it escapes (`Escapes`): `\n`, `\"`, `\u00f1` | kept |
///
/// So a token is ASCII wherever the value was, and adds no byte that needs escaping in CSV, COPY text,
/// JSON or SQL; its punctuation is the value's own (`ghp_…`, `eyJ….eyJ….…`, `P@ss-w0rd` keep their
/// `_`, `.`, `@`, `-`), so a secret inside a URL or a connection string leaves it parseable. Punctuation
/// carries the secret only when letters and digits do not (`!@#$%^&*`), and then it is enciphered too.
///
/// Uniqueness. In `.cipher` mode a value of ASCII only is enciphered with FF1 (`FF1Cipher`), a
/// bijection for each class pattern: two different values never share a token, and a value with fewer
/// than 4 carriers (whose punctuation changes) can never meet one with 4 or more (whose carriers stay 4
/// or more). A single letter or digit (or mark) has no FF1 (it needs 2 numerals): a keyed permutation
/// of the alphabet takes its place. Beyond FF1's lengths (40 letters and digits, 48 marks) and for any
/// value with non-ASCII bytes, the numerals come from a keystream, HMAC-SHA256 in counter mode over the
/// MAC of the whole value: two values then share a token with probability 62^-m (m letters, digits and
/// non-ASCII positions; below 2^-244 for the 41 and more that switch FF1 off). In `.digest` mode (the
/// `hash` action where the length must be kept) every value goes through the keystream: the token is
/// not invertible even with the key.
///
/// No allocation per token once the scratch has grown to the longest value seen.
final class LengthKeepingTokenizer {
    /// How the numerals are computed.
    enum Mode {
        /// FF1 where it applies: invertible with the key, collision-free.
        case cipher
        /// The keyed keystream only: not invertible, collisions with probability 62^-m.
        case digest
    }

    /// What one position of the token stands for.
    enum Unit {
        /// One byte: the token has the value's byte length (binary layouts, secrets).
        case byte
        /// One UTF-8 character: the token has the value's character count (`varchar(n)`), counted as
        /// PostgreSQL and `CopyTextChunkMasker.characterCount` do (every byte that is not a
        /// continuation byte starts one).
        case character
    }

    /// Below this many letters, digits and non-ASCII characters, punctuation is enciphered too.
    static let minimumCarriers = 4
    static let lettersAndDigits = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
    static let punctuation = Array("!#$%&()*+-./:;<=>?@[]^_`{|}~".utf8)
    static let letterRadix = 62
    static let punctuationRadix = 28

    /// Class codes in `classes`: 0..<62 a letter or digit's numeral, 64..<92 a mark's numeral + 64.
    private static let punctuationBase: UInt8 = 64
    private static let keptClass: UInt8 = 0xFE
    private static let nonASCIIClass: UInt8 = 0xFF

    /// FF1 under this tokenizer's tweaks, each instance prepared once. Used by this tokenizer's one
    /// thread only, so the exclusivity check per access is left out.
    @exclusivity(unchecked) private var instances: PreparedFF1Instances
    private let letterLimit = FF1Cipher.maximumCount(radix: 62)
    private let punctuationLimit = FF1Cipher.maximumCount(radix: 28)
    /// The class of each byte value (a table in memory this tokenizer owns: a global table would cost a
    /// lazy-initialisation check per access).
    private let classes = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    /// The output symbols: 62 letters and digits, then 28 marks.
    private let symbols = UnsafeMutablePointer<UInt8>.allocate(capacity: 90)
    /// Keyed permutations of the 62 letters and digits and of the 28 marks, for a class of one position.
    private let singles = UnsafeMutablePointer<UInt8>.allocate(capacity: 90)
    /// Scratch: the letters-and-digits numerals and the punctuation numerals of the current value.
    private var letters: UnsafeMutablePointer<UInt8>
    private var marks: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 256
    /// Scratch of values with escape sequences: the value without them, and that value's token.
    private var unescaped: [UInt8] = []
    private var unescapedToken: [UInt8] = []
    private let keystream: KeyedKeystream
    /// The MACs under the keystream, for the seeds and blocks `prepare` makes many at a time.
    private let prf: KeyedPRF

    init(prf: KeyedPRF, cipher: FF1Cipher) {
        self.prf = prf
        instances = PreparedFF1Instances(cipher: cipher)
        letters = .allocate(capacity: 256)
        marks = .allocate(capacity: 256)
        keystream = KeyedKeystream(prf: prf)
        classes.initialize(repeating: Self.keptClass, count: 256)
        for b in 0x80...0xFF { classes[b] = Self.nonASCIIClass }
        for (i, b) in Self.lettersAndDigits.enumerated() {
            classes[Int(b)] = UInt8(i)
            symbols[i] = b
        }
        for (i, b) in Self.punctuation.enumerated() {
            classes[Int(b)] = Self.punctuationBase + UInt8(i)
            symbols[62 + i] = b
        }
        // The single-position permutations: Fisher–Yates driven by the keystream under a fixed label.
        keystream.start(tag: KeyedKeystream.singlesTag, Array("maskd single-symbol permutations v1".utf8))
        for (offset, radix) in [(0, 62), (62, 28)] {
            for i in 0..<radix { singles[offset + i] = UInt8(i) }
            for i in stride(from: radix - 1, to: 0, by: -1) {
                let j = Int(keystream.next(below: i + 1))
                let swapped = singles[offset + i]
                singles[offset + i] = singles[offset + j]
                singles[offset + j] = swapped
            }
        }
    }

    deinit {
        keystream.deallocate()
        classes.deallocate()
        symbols.deallocate()
        singles.deallocate()
        letters.deallocate()
        marks.deallocate()
    }

    /// Appends the token of `value` (a span of type `type`) to `out`: as many bytes (`.byte`) or UTF-8
    /// characters (`.character`) as `value` has.
    func append(_ type: EntityType, _ value: UnsafeBufferPointer<UInt8>, unit: Unit, mode: Mode,
                to out: inout [UInt8]) {
        if Self.holdsEscapes(value) {
            appendKeepingEscapes(type, value, unit: unit, mode: mode, to: &out)
            return
        }
        appendWithoutEscapes(type, value, unit: unit, mode: mode, to: &out)
    }

    /// Whether `value` holds a backslash escape or a percent-escape (`Escapes`), which its token keeps.
    static func holdsEscapes(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard value.count > 1, let base = value.baseAddress else { return false }
        // Sound: memchr reads the value's `count` bytes.
        if memchr(base, 0x5C, value.count) != nil { return true }
        var from = 0
        while from < value.count, let found = memchr(base + from, 0x25, value.count - from) {
            let i = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if Escapes.percentEscaped(value, at: i) != nil { return true }
            from = i + 1
        }
        return false
    }

    /// `append` for a value without escapes (`holdsEscapes` false, or the unescaped value of one).
    private func appendWithoutEscapes(_ type: EntityType, _ value: UnsafeBufferPointer<UInt8>, unit: Unit, mode: Mode,
                                      to out: inout [UInt8]) {
        if value.count > scratchCapacity { grow(to: value.count) }
        // Sound: `letters` and `marks` now hold value.count numerals, more than either class can have;
        // `classes` has an entry per byte value and `symbols` one per numeral of either radix.
        let classes = self.classes, letters = self.letters, marks = self.marks, symbols = self.symbols
        // ASCII with 4 letters and digits or more, in `.cipher` mode (a JWT, a long API key): FF1 or the
        // keystream over the letters and digits, every other byte kept. The two passes are then the
        // letters kernel's, 64 bytes a step (the byte loops below were a fifth of a JWT table's run); the
        // tokens are the same (the numerals, their order and the keystream's draws are the same).
        if mode == .cipher {
            // Sound: `letters` holds value.count numerals (grown above); -1 for a non-ASCII byte.
            let count = Int(mk_letters_numerals(value.baseAddress, value.count, classes, letters, value.count))
            if count >= Self.minimumCarriers {
                encipher(letters, count: count, radix: Self.letterRadix, limit: letterLimit, singles: singles,
                         tweak: (0x40 | type.rawValue, UInt8(ascii: "A")), type: type, value: value)
                out.append(writing: value.count) { token in
                    // Sound: `token` has room for value.count bytes, the kernel writes exactly those, and
                    // reads `count` enciphered numerals (each below 62) from `letters`.
                    mk_letters_write(value.baseAddress, value.count, classes, symbols, letters, token)
                }
                return
            }
        }
        // Pass 1: the numerals of each class, and how many positions carry the secret.
        var letterCount = 0
        var markCount = 0
        var nonASCIICount = 0
        var nonASCIIBytes = 0
        for b in value {
            let c = classes[Int(b)]
            if c < Self.punctuationBase {
                letters[letterCount] = c
                letterCount += 1
            } else if c < Self.keptClass {
                marks[markCount] = c &- Self.punctuationBase
                markCount += 1
            } else if c == Self.nonASCIIClass {
                nonASCIIBytes += 1
                if unit == .byte || b & 0xC0 != 0x80 { nonASCIICount += 1 }
            }
        }
        let hidePunctuation = letterCount + nonASCIICount < Self.minimumCarriers
        let useKeystream = mode == .digest || nonASCIICount > 0
        if useKeystream {
            let tag = mode == .digest ? KeyedKeystream.digestTag : KeyedKeystream.valueTag
            keystream.start(tag: tag &+ type.rawValue, UnsafeRawBufferPointer(value))
        } else {
            let typeTweak = 0x40 | type.rawValue
            encipher(letters, count: letterCount, radix: Self.letterRadix, limit: letterLimit, singles: singles,
                     tweak: (typeTweak, UInt8(ascii: "A")), type: type, value: value)
            if hidePunctuation {
                encipher(marks, count: markCount, radix: Self.punctuationRadix, limit: punctuationLimit,
                         singles: singles + 62, tweak: (typeTweak, UInt8(ascii: "P")), type: type, value: value)
            }
        }
        // Pass 2: each position in order, from its class's numerals (or the keystream), written where
        // the token goes: one position per byte, less the continuation bytes under `.character`.
        let continuationBytes = unit == .character ? nonASCIIBytes - nonASCIICount : 0
        let keystream = self.keystream
        out.append(writing: value.count - continuationBytes) { token in
            var next = 0
            var nextLetter = 0
            var nextMark = 0
            for b in value {
                let c = classes[Int(b)]
                if c < Self.punctuationBase {
                    let numeral = useKeystream ? keystream.next(below: Self.letterRadix) : letters[nextLetter]
                    nextLetter += 1
                    token[next] = symbols[Int(numeral)]
                } else if c < Self.keptClass {
                    if hidePunctuation {
                        let numeral = useKeystream ? keystream.next(below: Self.punctuationRadix) : marks[nextMark]
                        nextMark += 1
                        token[next] = symbols[62 + Int(numeral)]
                    } else {
                        token[next] = b
                    }
                } else if c == Self.keptClass {
                    token[next] = b
                } else if unit == .byte || b & 0xC0 != 0x80 {
                    // Non-ASCII: only with the keystream (nonASCIICount > 0).
                    token[next] = symbols[Int(keystream.next(below: Self.letterRadix))]
                } else {
                    // A continuation byte in `.character` units belongs to the character before it.
                    continue
                }
                next += 1
            }
        }
    }

    /// The token of a value holding escapes: each backslash escape (`Escapes.length`) kept where it
    /// is, each percent-escape (`%3D`) read as the byte it stands for, and the rest tokenized as one
    /// value without them. A private key in a JSON string is
    /// `-----BEGIN PRIVATE KEY-----\nMIIE…\n…`: enciphering the `n` of each `\n` as a letter wrote
    /// `\4`, `\H`, `\u` + letters, and the document was no JSON (a Google service account's key file in a
    /// `jsonb` or `text` column). An escape tells nothing of the secret: the line breaks of a PEM body,
    /// an escaped `/` of base64. A percent-escape's byte is a position of the value like any other, and
    /// its token's byte is written back as a percent-escape (in the value's case of hex digits): a SAS
    /// signature's `%3D` stays `%3D` (a kept `=`), and an escaped letter becomes the escape of a letter
    /// (`%41` of `A` may become `%71` of `q`). Enciphered as letters, the hex digits made `%iZ`, and the
    /// masked URL no longer decoded.
    private func appendKeepingEscapes(_ type: EntityType, _ value: UnsafeBufferPointer<UInt8>, unit: Unit, mode: Mode,
                                      to out: inout [UInt8]) {
        unescaped.removeAll(keepingCapacity: true)
        var i = 0
        while i < value.count {
            if value[i] == 0x5C {
                i += Escapes.length(value, at: i)
            } else if value[i] == 0x25, let byte = Escapes.percentEscaped(value, at: i) {
                unescaped.append(byte)
                i += 3
            } else {
                unescaped.append(value[i])
                i += 1
            }
        }
        unescapedToken.removeAll(keepingCapacity: true)
        // Tokenized as a value without escapes: a `%41` that a decoded `%25` and two digits form is no escape
        // there (no backslash is left: `percentEscaped` decodes none).
        unescaped.withUnsafeBufferPointer { appendWithoutEscapes(type, $0, unit: unit, mode: mode, to: &unescapedToken) }
        // The token has one byte per position of `unescaped` (a byte, or a character under `.character`):
        // each goes where its position was, between the escapes copied as they are.
        var next = 0
        i = 0
        while i < value.count {
            let b = value[i]
            if b == 0x5C {
                let n = Escapes.length(value, at: i)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: value[i..<(i + n)]))
                i += n
                continue
            }
            if b == 0x25, Escapes.percentEscaped(value, at: i) != nil {
                // The token's byte for this position (ASCII: the escape's byte was, and a class keeps
                // ASCII as ASCII), as an escape in the value's case.
                let lower = value[i + 1] >= 0x61 || value[i + 2] >= 0x61
                let digits = lower ? Self.lowerHex : Self.upperHex
                let t = unescapedToken[next]
                out.append(0x25)
                out.append(digits[Int(t >> 4)])
                out.append(digits[Int(t & 15)])
                next += 1
                i += 3
                continue
            }
            if unit == .byte || b & 0xC0 != 0x80 {
                out.append(unescapedToken[next])
                next += 1
            }
            i += 1
        }
    }

    private static let upperHex = Array("0123456789ABCDEF".utf8)
    private static let lowerHex = Array("0123456789abcdef".utf8)

    /// Numeral slots per prepared secret: one more than FF1 takes, so that a longer one is seen to be.
    var secretStride: Int { letterLimit + 1 }

    /// Makes ahead, in `prepared.tokens` at the values' own offsets, the tokens `append` gives the
    /// requested `type` values (`.byte`, `.cipher`) whose letters and digits FF1 takes: ASCII only, 4 to
    /// 40 of them (so punctuation is kept). Their numerals are grouped by count and each group goes
    /// through one interleaved call (`PreparedFF1Instances.encrypt(batch:)`, eight wide strings side by
    /// side: a 40-character secret's FF1 ran 535 ns alone, 275 ns so). Other values are left to `append`.
    /// `bytes` holds the requested values (`prepared.requested`); the made requests go to
    /// `prepared.madeSecrets`, in request order.
    func prepare(_ type: EntityType, _ prepared: PreparedTokens, in bytes: UnsafeBufferPointer<UInt8>,
                 skipping cached: (UnsafeBufferPointer<UInt8>) -> Bool) {
        let p = prepared
        p.secrets.removeAll(keepingCapacity: true)
        p.streamSecrets.removeAll(keepingCapacity: true)
        let stride = secretStride
        let classes = self.classes
        // Scratch grown once per batch that needs more than the last (never cleared: every slot read is
        // written first), so that a session reaches its size in a few steps.
        var wanted = 0
        for r in p.requests where r.type == type { wanted += 1 }
        if wanted == 0 { return }
        if p.secretNumerals.count < wanted * stride {
            PreparedTokens.grow(&p.secretNumerals, to: wanted * stride)
            PreparedTokens.grow(&p.secretRun, to: wanted * stride)
            p.secrets.reserveCapacity(wanted)
        }
        // Pass 1: each eligible value's letters and digits as numerals, one slot each.
        for (i, r) in p.requests.enumerated() where r.type == type {
            let value = UnsafeBufferPointer(rebasing: bytes[r.range])
            if cached(value) { continue }
            // A value with escape sequences is left to `append` (`appendKeepingEscapes`): rare, one by one.
            if Self.holdsEscapes(value) { continue }
            let slot = p.secrets.count
            let letters: Int
            if value.count <= letterLimit {
                // Too short to hold more letters and digits than FF1 takes: -1 is a non-ASCII byte, left to
                // `append`.
                letters = p.secretNumerals.withUnsafeMutableBufferPointer { numerals -> Int in
                    // Sound: the slot's `stride` numerals lie inside `numerals` (grown above), and the
                    // kernel writes at most `letterLimit` (< stride) of them; `classes` has 256 codes.
                    Int(mk_letters_numerals(value.baseAddress, value.count, classes, numerals.baseAddress! + slot * stride,
                                            letterLimit))
                }
                if letters < 0 { continue }
            } else {
                // Long enough to be past FF1's limit: counted whole, in one scan (-1 is a non-ASCII byte,
                // left to `append`). Past the limit it is prepared from the keystream
                // (`prepareStreamSecrets`); within it (punctuation made up the length), its numerals go to
                // its slot.
                PreparedTokens.grow(&p.streamNumerals, to: max(value.count, Tokenizer.longestPreparedSecret))
                let all = p.streamNumerals.withUnsafeMutableBufferPointer { scratch -> Int in
                    // Sound: room for value.count numerals (grown above).
                    Int(mk_letters_numerals(value.baseAddress, value.count, classes, scratch.baseAddress!, value.count))
                }
                if all < 0 { continue }
                if all > letterLimit {
                    if p.streamSecrets.capacity == 0 { p.streamSecrets.reserveCapacity(PreparedTokens.typicalRequests / 4) }
                    p.streamSecrets.append((request: i, letters: all, firstBlock: 0, blocks: 0, made: false))
                    continue
                }
                p.streamNumerals.withUnsafeBufferPointer { scratch in
                    p.secretNumerals.withUnsafeMutableBufferPointer { numerals in
                        // Sound: `all` <= letterLimit < stride numerals, read from the scratch and written
                        // inside the slot.
                        (numerals.baseAddress! + slot * stride).update(from: scratch.baseAddress!, count: all)
                    }
                }
                letters = all
            }
            guard letters >= Self.minimumCarriers else { continue }
            p.secrets.append((request: i, letters: letters))
        }
        prepareStreamSecrets(type, p, in: bytes)
        let count = p.secrets.count
        if count == 0 {
            mergeMadeSecrets(p)
            return
        }
        let tweak = (0x40 | type.rawValue, UInt8(ascii: "A"))
        let symbols = self.symbols
        // Each count's values gathered into one run, enciphered together, and their tokens written.
        // Most columns hold one or two lengths, so the counts are found by looking for the next one.
        var done = 0
        var lastCount = 0
        p.secretNumerals.withUnsafeBufferPointer { numerals in
            p.secretRun.withUnsafeMutableBufferPointer { run in
                let tokens = p.tokens.writableBytes
                while done < count {
                    // The smallest count above the last one done.
                    var letters = Int.max
                    for s in p.secrets where s.letters > lastCount && s.letters < letters { letters = s.letters }
                    lastCount = letters
                    var values = 0
                    for (slot, s) in p.secrets.enumerated() where s.letters == letters {
                        // Sound: slots of `stride` numerals in both buffers (sized above).
                        (run.baseAddress! + values * stride).update(from: numerals.baseAddress! + slot * stride, count: stride)
                        values += 1
                    }
                    instances.encrypt(batch: run.baseAddress!, count: letters, stride: stride, values: values,
                                      radix: Self.letterRadix, tweak: tweak)
                    var k = 0
                    for s in p.secrets where s.letters == letters {
                        let range = p.requests[s.request].range
                        // Sound: `range` lies inside `bytes`, and `tokens` is at least as long
                        // (Tokenizer.prepareRequested); the value's `letters` numerals are at its slot
                        // of `run`, each below 62; `symbols` holds 90 bytes, `classes` 256.
                        mk_letters_write(bytes.baseAddress! + range.lowerBound, range.count, classes, symbols,
                                         run.baseAddress! + k * stride, tokens.baseAddress! + range.lowerBound)
                        k += 1
                    }
                    done += values
                }
            }
        }
        mergeMadeSecrets(p)
    }

    /// Lists the prepared secrets, FF1's (`secrets`) and the keystream's (`streamSecrets` that got a
    /// token), in request order in `madeSecrets`: the order the rewrite asks for them.
    private func mergeMadeSecrets(_ p: PreparedTokens) {
        if p.streamSecrets.isEmpty {
            for s in p.secrets { p.madeSecrets.append(s.request) }
            return
        }
        var a = 0, b = 0
        let ciphered = p.secrets, streamed = p.streamSecrets
        while a < ciphered.count || b < streamed.count {
            if b < streamed.count && !streamed[b].made { b += 1; continue }   // left to the rewrite
            if b == streamed.count || (a < ciphered.count && ciphered[a].request < streamed[b].request) {
                p.madeSecrets.append(ciphered[a].request)
                a += 1
            } else {
                p.madeSecrets.append(streamed[b].request)
                b += 1
            }
        }
    }

    /// Keystream tokens for the requested secrets with more letters and digits than FF1 takes, ASCII
    /// only (`p.streamSecrets`): a JWT, a long API key. One at a time, each token's seed (the MAC of the
    /// value) and its blocks (MACs of the seed and a counter) waited on SHA-256 one or two messages at
    /// a time; here all the seeds go through one kernel call (pairs), then all the blocks (36-byte
    /// messages: sixteen at a time with AVX-512). The numerals are the stream's, drawn by the same rule
    /// from the same blocks in the same order (`KeyedKeystream`), so the tokens are the ones `append`
    /// makes. A value whose rejections outrun the blocks made for it (rare: see below) is left to
    /// `append` (its `made` stays false).
    private func prepareStreamSecrets(_ type: EntityType, _ p: PreparedTokens, in bytes: UnsafeBufferPointer<UInt8>) {
        let count = p.streamSecrets.count
        if count == 0 { return }
        // Seeds.
        p.macMessages.removeAll()
        p.macLengths.removeAll()
        for s in p.streamSecrets {
            let range = p.requests[s.request].range
            // Sound: the range lies inside `bytes` (a request's), valid for this call.
            p.macMessages.append(bytes.baseAddress! + range.lowerBound)
            p.macLengths.append(range.count)
        }
        PreparedTokens.grow(&p.streamMACs, to: 32 * count)
        p.streamMACs.withUnsafeMutableBufferPointer { seeds in
            let (messages, lengths) = (p.macMessages.buffer, p.macLengths.buffer)
            // Sound: 32 bytes a seed, `count` of them.
            prf.macs(tag: KeyedKeystream.valueTag &+ type.rawValue, messages.baseAddress!, lengths.baseAddress!,
                     count: count, into: seeds.baseAddress!)
        }
        // Blocks: enough for each value's letters and digits at the expected rejection (8 bytes in 256 for
        // radix 62) and 8 bytes more, which more rejections outrun rarely (the binomial tail: at most 1
        // value in 20,000, at 85 and 115 letters and digits); blocks beyond what the stream would use
        // cost as much as the ones it uses.
        var blocks = 0
        for k in 0..<count {
            let expected = p.streamSecrets[k].letters * 256 / (256 - 256 % Self.letterRadix)
            let needed = max(1, (expected + p.streamMarginBytes + 31) / 32)
            p.streamSecrets[k].firstBlock = blocks
            p.streamSecrets[k].blocks = needed
            blocks += needed
        }
        let inputBytes = 36 * blocks
        PreparedTokens.grow(&p.streamInputs, to: inputBytes)
        let macBytes = 32 * count + 32 * blocks
        PreparedTokens.grow(&p.streamMACs, to: macBytes)
        p.macMessages.removeAll()
        p.macLengths.removeAll()
        p.streamInputs.withUnsafeMutableBufferPointer { inputs in
            p.streamMACs.withUnsafeMutableBufferPointer { macs in
                // Sound: block b's input is inputs[36 b ..< 36 b + 36] (sized above), its seed macs[32 k ..< 32 k + 32].
                for k in 0..<count {
                    let s = p.streamSecrets[k]
                    for c in 0..<s.blocks {
                        let input = inputs.baseAddress! + 36 * (s.firstBlock + c)
                        input.update(from: macs.baseAddress! + 32 * k, count: 32)
                        UnsafeMutableRawPointer(input + 32).storeBytes(of: UInt32(c).bigEndian, as: UInt32.self)
                        p.macMessages.append(UnsafePointer(input))
                        p.macLengths.append(36)
                    }
                }
                let (messages, lengths) = (p.macMessages.buffer, p.macLengths.buffer)
                // Sound: 32 bytes a block after the seeds, `blocks` of them.
                prf.macs(tag: KeyedKeystream.blockTag, messages.baseAddress!, lengths.baseAddress!, count: blocks,
                         into: macs.baseAddress! + 32 * count)
            }
        }
        // Numerals and tokens.
        let longest = p.streamSecrets.reduce(0) { max($0, $1.letters) }
        PreparedTokens.grow(&p.streamNumerals, to: longest)
        let classes = self.classes, symbols = self.symbols
        p.streamMACs.withUnsafeBufferPointer { macs in
            p.streamNumerals.withUnsafeMutableBufferPointer { numerals in
                let tokens = p.tokens.writableBytes
                for k in 0..<count {
                    let s = p.streamSecrets[k]
                    var consumed = 0
                    // Sound: the value's blocks lie inside `macs` (made above), `numerals` holds `letters`.
                    let made = mk_letters_from_keystream(macs.baseAddress! + 32 * (count + s.firstBlock), 32 * s.blocks,
                                                         UInt32(Self.letterRadix), numerals.baseAddress!, s.letters, &consumed)
                    guard made == s.letters else { continue }
                    let range = p.requests[s.request].range
                    // Sound: `range` lies inside `bytes`, and `tokens` is at least as long.
                    mk_letters_write(bytes.baseAddress! + range.lowerBound, range.count, classes, symbols,
                                     numerals.baseAddress!, tokens.baseAddress! + range.lowerBound)
                    p.streamSecrets[k].made = true
                }
            }
        }
    }

    /// Enciphers `count` numerals of one class in place: a keyed permutation of the alphabet for one,
    /// FF1 up to `limit`, the keystream beyond.
    @inline(__always)
    private func encipher(_ numerals: UnsafeMutablePointer<UInt8>, count: Int, radix: Int, limit: Int,
                          singles: UnsafeMutablePointer<UInt8>, tweak: (UInt8, UInt8), type: EntityType,
                          value: UnsafeBufferPointer<UInt8>) {
        if count == 0 { return }
        if count == 1 {
            numerals[0] = singles[Int(numerals[0])]
        } else if count <= limit {
            instances.encrypt(numerals, count: count, radix: radix, tweak: tweak)
        } else {
            keystream.start(tag: KeyedKeystream.valueTag &+ type.rawValue, UnsafeRawBufferPointer(value))
            keystream.fill(numerals, count: count, below: radix)
        }
    }

    private func grow(to count: Int) {
        letters.deallocate()
        marks.deallocate()
        scratchCapacity = max(count, scratchCapacity * 2)
        letters = .allocate(capacity: scratchCapacity)
        marks = .allocate(capacity: scratchCapacity)
    }
}
