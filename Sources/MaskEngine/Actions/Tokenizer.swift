import CMaskKernels

/// Deterministic keyed tokens that keep each value's format.
///
/// | type | token | collisions |
/// |---|---|---|
/// | card | separators kept; the digits before the check digit encrypted with FF1 (`FF1Cipher`, radix 10); a check digit that **fails** Luhn | none: a bijection, and a token is never a valid card |
/// | SSN | separators kept; all 9 digits encrypted with FF1 | none: a bijection on the 10^9 digit strings. A token may fall in issued ranges: the never-issued values number about 1.1e8, fewer than the 8.9e8 issuable ones, so no bijection can avoid them |
/// | email | 16 base32 characters of HMAC-SHA256 over the address as written (escapes decoded; lower-cased only under `EmailCase.fold`), then the span's own `@` (`@`, `%40`, `\u0040`, `&#64;`) and `example.invalid` | 80 bits: about n²/2^81 for n distinct addresses (1e-12 for a million) |
/// | secret | the same length: letters and digits enciphered with FF1 (radix 62), punctuation kept (`LengthKeepingTokenizer`) | none for ASCII values of up to 40 letters and digits; 62^-m per pair beyond, or with non-ASCII bytes |
///
/// The same value under the same key gives the same token in every row, column, table, format and run.
/// A tokenizer is used by one thread at a time (each `MaskSession` has its own): it owns scratch.
/// Emails keep their case by default (`Ann@x.com` and `ann@x.com` differ, as they may in a
/// `UNIQUE(email)` column); `TokenKey.emailCase = .fold` makes them join instead. Tokens use only
/// `[a-z2-7.@]`, digits, letters, the value's own separators (an email token's `@` is written as the
/// address wrote it: `%40`, `\u0040`) and (in secrets without letters or digits to speak of)
/// printable punctuation other than `" ' , \`: nothing that needs escaping in CSV, JSON or COPY text
/// beyond what the value already had. `.invalid` is reserved (RFC 2606), so an email token can never
/// reach a real mailbox.
public final class Tokenizer {
    enum Tag: UInt8 { case email = 1, card = 2, ssn = 3, hash = 4 }

    let prf: KeyedPRF
    let cipher: FF1Cipher
    /// FF1 on the digits of card and SSN tokens, each length prepared once.
    let cardDigits: DigitCipher
    let ssnDigits: DigitCipher
    let lengthKeeping: LengthKeepingTokenizer
    /// The domain of every email token: a literal, which every token reads without the lazy
    /// initialisation check (a call) a stored static costs per access.
    static var emailDomain: StaticString { "example.invalid" }

    /// The eight base32 characters of the 40 bits `bits` (RFC 4648's alphabet, lower-cased), the most
    /// significant five bits first in memory: the bits spread to one group a byte in three halving steps
    /// (20, 10, 5 bits), the bytes reversed so that the first character is the low byte (stored
    /// little-endian), and each group mapped to its character in all eight bytes at once (`a`... for
    /// 0-25, `2`... for 26-31). A compare and select per character was ~110 instructions a token.
    @inline(__always)
    static func base32Word(_ bits: UInt64) -> UInt64 {
        var x = (bits >> 20) << 32 | bits & 0xF_FFFF
        x = (x & 0x000F_FC00_000F_FC00) << 6 | x & 0x0000_03FF_0000_03FF
        x = (x & 0x03E0_03E0_03E0_03E0) << 3 | x & 0x001F_001F_001F_001F
        x = x.byteSwapped
        // Groups of 26 and more: their byte plus 0x66 reaches 0x80 (no byte carries into the next).
        let high = ((x &+ 0x6666_6666_6666_6666) & 0x8080_8080_8080_8080) >> 7
        return x &+ 0x6161_6161_6161_6161 &- high &* 0x49
    }

    /// `0123456789abcdef`[v], v < 16.
    @inline(__always)
    static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? v &+ UInt8(ascii: "0") : v &- 10 &+ UInt8(ascii: "a") }
    /// Whether email tokens tell `Ann@x.com` from `ann@x.com` (from the key's settings).
    let emailCase: EmailCase
    /// Scratch owned by this tokenizer, so that no token allocates: the MAC, the email's key bytes,
    /// the digits being permuted.
    private let mac = UnsafeMutableRawBufferPointer.allocate(byteCount: 32, alignment: 8)
    private var emailKey: [UInt8] = []
    private let digits = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: Tokenizer.digitCapacity)
    /// Numerals a digit token's value is read into: more than the longest FF1 length (20), so that a
    /// longer value is seen to be longer (and gets the length-keeping token) rather than cut.
    static let digitCapacity = 24

    /// The key, kept to derive custom types' keys from.
    let key: TokenKey

    /// Tokens a tokenizer remembers at most by default (`TokenCache`: 34 KiB from the first repeated
    /// value, growing to 272 KiB where values keep repeating).
    public static let defaultCachedTokens = TokenCache.defaultSlotCount

    /// The tokens made so far, by value: a repeated value costs a hash and a copy.
    let cache: TokenCache
    /// Card, SSN and email tokens a column batch asked for ahead (`prepareRequested`).
    let prepared = PreparedTokens()

    /// A tokenizer under `key` that remembers up to `cachedTokens` tokens (a power of two, at least 4;
    /// 0 turns the cache off, for measuring the ciphers themselves).
    public init(key: TokenKey, cachedTokens: Int = Tokenizer.defaultCachedTokens) {
        cache = TokenCache(slotCount: cachedTokens)
        self.key = key
        prf = KeyedPRF(key: key)
        cipher = FF1Cipher(prf: prf)
        cardDigits = DigitCipher(cipher: cipher, tweak: Tag.card.rawValue)
        ssnDigits = DigitCipher(cipher: cipher, tweak: Tag.ssn.rawValue)
        lengthKeeping = LengthKeepingTokenizer(prf: prf, cipher: cipher)
        emailCase = key.emailCase
        emailKey.reserveCapacity(256)
    }

    deinit {
        mac.deallocate()
        digits.deallocate()
    }

    /// Appends the token of `value` (a detected span of type `type`) to `out`.
    public func appendToken(_ type: EntityType, _ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let variant = Variant.token(type)
        if cache.append(variant, value, to: &out) { return }
        let start = out.count
        switch type {
        case .email: appendEmailToken(value, to: &out)
        case .creditCard: appendDigitToken(value, tag: .card, breakLuhn: true, to: &out)
        case .usSSN: appendDigitToken(value, tag: .ssn, breakLuhn: false, to: &out)
        default:
            // Secrets and custom types: the same length, so varchar limits and binary layouts hold,
            // and distinct per value, so UNIQUE columns of keys and tokens restore.
            if type == .secret && prepared.hasSecrets && prepared.appendSecret(value, to: &out) { break }
            lengthKeeping.append(type, value, unit: .byte, mode: .cipher, to: &out)
        }
        remember(variant, value, &out, from: start)
    }

    /// The token kernels this process runs, as a report names them: the AES under cards', SSNs' and
    /// secrets' FF1 (`VAES` batches where the CPU has VAES and AVX-512 with IFMA, else `AES-NI` or `portable`), the
    /// byte loops of secrets', cards' and SSNs' tokens (`letters VBMI2` or `portable`) and the SHA-256 under
    /// email MACs and keystream blocks (`AVX-512` lanes, `SHA-NI` or `portable`).
    public static var kernelName: String {
        let aes = mk_aes_uses_vaes() == 1 ? "VAES" : mk_aes_uses_aesni() == 1 ? "AES-NI" : "portable"
        let letters = mk_path_available(MK_KERNEL_LETTERS, MK_PATH_WIDE) == 1 ? "VBMI2" : "portable"
        let sha = mk_hmac_sha256_uses_lanes() == 1 ? "AVX-512" : mk_sha256_uses_shani() == 1 ? "SHA-NI" : "portable"
        return "FF1 \(aes), letters \(letters), MACs \(sha)"
    }

    /// Appends the tokens of `values` (ranges of `bytes`, each a detected span of `type`) to `out`, in
    /// order, and the end of each token in `out` to `ends`: the same tokens as `appendToken` one value at
    /// a time. Faster for a column's worth of cards or SSNs, whose FF1 rounds then run up to eight values
    /// side by side (AES-NI blocks interleaved, `mk_digit_tokens`; sixteen in vector registers with
    /// VAES), and of emails, whose MACs run sixteen at a time in AVX-512 lanes or two at a time on
    /// SHA-NI, as the engine's column batches make them; other types are tokenized one by one.
    /// Precondition: every range lies inside `bytes`.
    public func appendTokens(_ type: EntityType, of values: [Range<Int>], in bytes: UnsafeBufferPointer<UInt8>,
                             to out: inout [UInt8], ends: inout [Int]) {
        // Slices of an unsafe buffer are bounds-checked in debug builds only: a range past `bytes` from
        // a caller would read memory that is not the column's.
        precondition(values.allSatisfy { $0.lowerBound >= 0 && $0.upperBound <= bytes.count },
                     "every value's range lies inside bytes")
        // A batch of the engine's own in progress keeps its requests: then one by one.
        let batched = (type == .creditCard || type == .usSSN || type == .email || type == .secret)
            && prepared.requests.isEmpty && prepared.isEmpty
        var first = 0
        while first < values.count {
            let last = batched ? min(values.count, first + Self.tokensPreparedTogether) : values.count
            if batched {
                for r in values[first..<last] { prepared.request(type, UnsafeBufferPointer(rebasing: bytes[r])) }
                prepareRequested()
            }
            for r in values[first..<last] {
                appendToken(type, UnsafeBufferPointer(rebasing: bytes[r]), to: &out)
                ends.append(out.count)
            }
            if batched { prepared.removeAll() }
            first = last
        }
    }

    /// The longest secret (in bytes) a column batch asks to have prepared: FF1's (up to 40 letters and
    /// digits) and the keystream's past them, whose seeds and blocks are MACed many at a time
    /// (`LengthKeepingTokenizer.prepare`). JWTs and API keys fit; a private key (kilobytes) is made by
    /// the rewrite, where copying it into the requests would gain nothing.
    static let longestPreparedSecret = 256

    /// Values `appendTokens` prepares at once: a column batch's worth (`DataRowBatch.maxRows`), so its
    /// scratch stays the size a session's already is.
    static let tokensPreparedTogether = DataRowBatch.maxRows

    /// Appends a token of `value` with exactly its byte length (`.character`: its UTF-8 character
    /// count), for places where the span's size is fixed: card and SSN tokens already keep it; emails
    /// and secrets get the length-keeping token. `irreversible` (the `hash` action) takes the keyed
    /// keystream for every type, which even the key cannot invert.
    func appendSameSizeToken(_ type: EntityType, _ value: UnsafeBufferPointer<UInt8>,
                             unit: LengthKeepingTokenizer.Unit, irreversible: Bool = false,
                             to out: inout [UInt8]) {
        let variant = Variant.sameSize(type, unit: unit, irreversible: irreversible)
        if cache.append(variant, value, to: &out) { return }
        let start = out.count
        switch type {
        case .creditCard where !irreversible: appendDigitToken(value, tag: .card, breakLuhn: true, to: &out)
        case .usSSN where !irreversible: appendDigitToken(value, tag: .ssn, breakLuhn: false, to: &out)
        default: lengthKeeping.append(type, value, unit: unit, mode: irreversible ? .digest : .cipher, to: &out)
        }
        remember(variant, value, &out, from: start)
    }

    /// Appends 32 lowercase hex digits (128 bits) of HMAC-SHA256 over the type and value.
    public func appendHash(_ type: EntityType, _ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let variant = Variant.hash(type)
        if cache.append(variant, value, to: &out) { return }
        let start = out.count
        prf.mac(tag: Tag.hash.rawValue &+ type.rawValue &* 16, UnsafeRawBufferPointer(value), into: mac)
        let mac = self.mac
        out.append(writing: 32) { token in
            for i in 0..<16 {
                token[2 * i] = Self.hexDigit(mac[i] >> 4)
                token[2 * i + 1] = Self.hexDigit(mac[i] & 15)
            }
        }
        remember(variant, value, &out, from: start)
    }

    /// Which kind of token a cached one is (with its type): the same bytes get a different token as an
    /// email and as a secret, and from each of the append functions.
    enum Variant {
        static func token(_ type: EntityType) -> UInt16 { UInt16(type.rawValue) }
        static func sameSize(_ type: EntityType, unit: LengthKeepingTokenizer.Unit, irreversible: Bool) -> UInt16 {
            let kind: UInt16 = (unit == .byte ? 1 : 3) + (irreversible ? 1 : 0)
            return kind << 8 | UInt16(type.rawValue)
        }
        static func hash(_ type: EntityType) -> UInt16 { 5 << 8 | UInt16(type.rawValue) }
    }

    /// Stores the token appended to `out` from `start` on as the token of `value`.
    @inline(__always)
    private func remember(_ variant: UInt16, _ value: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8], from start: Int) {
        guard cache.isEnabled else { return }
        out.withUnsafeBufferPointer { cache.store(variant, value, token: UnsafeBufferPointer(rebasing: $0[start...])) }
    }

    /// The token keeps the span's own `@`, so an address found URL-encoded, JSON-escaped or as an HTML
    /// reference is replaced by a token in the same encoding, and the URL or JSON around it stays valid.
    private func appendEmailToken(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        if prepared.hasEmails && prepared.appendEmail(value, to: &out) { return }
        let separator = EmailAddressKey.separator(in: value)
        if EmailAddressKey.isSpanItself(value, separator: separator, emailCase: emailCase) {
            prf.mac(tag: Tag.email.rawValue, UnsafeRawBufferPointer(value), into: mac)
        } else {
            emailKey.removeAll(keepingCapacity: true)
            EmailAddressKey.append(value, separator: separator, emailCase: emailCase, to: &emailKey)
            emailKey.withUnsafeBytes { prf.mac(tag: Tag.email.rawValue, $0, into: mac) }
        }
        let digest = UnsafePointer(mac.baseAddress!.assumingMemoryBound(to: UInt8.self))
        out.append(writing: Self.emailTokenCount(separator: separator)) { token in
            Self.writeEmailToken(mac: digest, value: value, separator: separator, into: token)
        }
    }

    /// The length of an email token: 16 characters, the separator as the span wrote it, the domain.
    @inline(__always)
    static func emailTokenCount(separator: Range<Int>?) -> Int { 16 + (separator?.count ?? 1) + emailDomain.utf8CodeUnitCount }

    /// Writes the email token (`emailTokenCount` bytes) from the address's MAC: its first 80 bits, five
    /// at a time, as 16 base32 characters, then the span's separator (or `@`) and the domain.
    @inline(__always)
    static func writeEmailToken(mac: UnsafePointer<UInt8>, value: UnsafeBufferPointer<UInt8>, separator: Range<Int>?,
                                into token: UnsafeMutablePointer<UInt8>) {
        let high = UInt64(bigEndian: UnsafeRawPointer(mac).loadUnaligned(as: UInt64.self))
        // Characters 0-7: the MAC's first 40 bits; 8-15: its next 24, then the 16 of bytes 8 and 9.
        let rest = (high & 0xFF_FFFF) << 16 | UInt64(mac[8]) << 8 | UInt64(mac[9])
        let raw = UnsafeMutableRawPointer(token)
        raw.storeBytes(of: base32Word(high >> 24).littleEndian, as: UInt64.self)
        raw.storeBytes(of: base32Word(rest).littleEndian, toByteOffset: 8, as: UInt64.self)
        var at = 16
        if let separator {
            // Sound: the separator lies inside `value` (`EmailAddressKey.separator` found it there).
            (token + at).update(from: value.baseAddress! + separator.lowerBound, count: separator.count)
            at += separator.count
        } else {
            token[at] = UInt8(ascii: "@")
            at += 1
        }
        (token + at).update(from: emailDomain.utf8Start, count: emailDomain.utf8CodeUnitCount)
    }

    /// Digits are permuted as one number; every non-digit byte stays where it was. The token is
    /// written where it belongs, at the end of `out`.
    private func appendDigitToken(_ value: UnsafeBufferPointer<UInt8>, tag: Tag, breakLuhn: Bool,
                                  to out: inout [UInt8]) {
        if !prepared.isEmpty && prepared.append(tag == .card ? .creditCard : .usSSN, value, to: &out) { return }
        let digits = self.digits.baseAddress!
        guard let (n, cipherCount) = Self.numerals(of: value, into: digits, capacity: Self.digitCapacity,
                                                   breakLuhn: breakLuhn) else {
            // Not a shape the detectors produce: still a distinct token of the same length.
            lengthKeeping.append(tag == .card ? .creditCard : .usSSN, value, unit: .byte, mode: .cipher, to: &out)
            return
        }
        (tag == .card ? cardDigits : ssnDigits).encryptKeepingSide(digits, count: cipherCount, bigint: tag == .card)
        out.append(writing: value.count) { token in
            Self.finishDigitToken(value, enciphered: digits, count: n, breakLuhn: breakLuhn, into: token)
        }
    }

    /// The digits of a card or SSN span as numerals (at most `capacity`), their count, and how many of
    /// them FF1 enciphers (all, or all but a card's check digit); nil for a count no `DigitCipher`
    /// length takes.
    @inline(__always)
    static func numerals(of value: UnsafeBufferPointer<UInt8>, into digits: UnsafeMutablePointer<UInt8>, capacity: Int,
                         breakLuhn: Bool) -> (count: Int, cipherCount: Int)? {
        var n = 0
        for b in value where ASCII.isDigit(b) && n < capacity { digits[n] = b &- 48; n += 1 }
        let cipherCount = n - (breakLuhn ? 1 : 0)
        guard DigitCipher.lengths.contains(cipherCount) && n <= DigitCipher.lengths.upperBound else { return nil }
        return (n, cipherCount)
    }

    /// Writes the token of `value` to `token` (`value.count` bytes) from its `count` numerals after FF1:
    /// a card's check digit is set to one that fails Luhn, then the digits replace the value's own in
    /// order, every other byte kept.
    @inline(__always)
    static func finishDigitToken(_ value: UnsafeBufferPointer<UInt8>, enciphered digits: UnsafeMutablePointer<UInt8>,
                                 count n: Int, breakLuhn: Bool, into token: UnsafeMutablePointer<UInt8>) {
        if breakLuhn {
            let valid = Luhn.checkDigit(payload: UnsafeBufferPointer(start: digits, count: n), count: n - 1)
            digits[n - 1] = (valid + 1) % 10
        }
        var k = 0
        for i in 0..<value.count {
            let b = value[i]
            // Every digit was counted (n <= 20 < digitCapacity), so each one is replaced.
            if ASCII.isDigit(b) && k < n { token[i] = digits[k] &+ 48; k += 1 } else { token[i] = b }
        }
    }

    /// Makes the tokens of the values requested in `prepared` ahead of the rewrite that will ask for
    /// them: cards and SSNs with FF1 interleaved over the strings of one tag and length
    /// (`mk_digit_tokens`), secrets of one length likewise (`LengthKeepingTokenizer.prepare`), emails with their MACs in one kernel call (`KeyedPRF.macs`: sixteen at a time with AVX-512, else two at a time).
    /// Spans the session cache already holds, and shapes no FF1 length takes, are left to the rewrite.
    func prepareRequested() {
        let p = prepared
        prepareRequested(in: p.requested.bytes)
    }

    private func prepareRequested(in bytes: UnsafeBufferPointer<UInt8>) {
        let p = prepared
        p.digitRequests.removeAll(keepingCapacity: true)
        for r in p.requests where r.type == .creditCard || r.type == .usSSN {
            if cache.contains(Variant.token(r.type), UnsafeBufferPointer(rebasing: bytes[r.range])) { continue }
            // The kernel's offsets are 32-bit. Requests are disjoint spans of one batch's cells (a batch is
            // 64 KiB of rows, or one row of at most a 1 GiB message), so this holds; were it not to, the
            // value would be left to the rewrite, which makes it one by one.
            guard r.range.upperBound <= Int(UInt32.max) else { continue }
            var request = mk_digit_token_request()
            request.start = UInt32(r.range.lowerBound)
            request.length = UInt32(r.range.count)
            request.kind = UInt8(r.type == .creditCard ? MK_DIGIT_CARD : MK_DIGIT_SSN)
            p.digitRequests.append(request)
        }
        // Grown when a batch needs more, never cleared: every byte read back was written for its batch.
        p.tokens.grow(to: bytes.count)
        prepareEmailMACs(in: bytes)
        lengthKeeping.prepare(.secret, p, in: bytes) { cache.contains(Variant.token(.secret), $0) }
        let count = p.digitRequests.count
        if count == 0 { return }
        // Grown when a batch needs more, never cleared: the kernel writes every byte it is read back from.
        let slots = 2 * count * Int(MK_DIGIT_STRIDE)
        PreparedTokens.grow(&p.numerals, to: slots)
        let made = p.digitRequests.withUnsafeMutableBufferPointer { requests in
            p.numerals.withUnsafeMutableBufferPointer { numerals in
                // Sound: every request's range lies inside `bytes` (the kernel checks it too), `tokens`
                // is at least as long, and `numerals` has a stride of slots per request.
                mk_digit_tokens(cardDigits.plans, ssnDigits.plans, UInt32(DigitCipher.lengths.lowerBound),
                                UInt32(DigitCipher.lengths.count), bytes.baseAddress, bytes.count,
                                p.tokens.writableBytes.baseAddress, requests.baseAddress, count, numerals.baseAddress)
            }
        }
        precondition(made >= 0, "the digit kernel takes every length DigitCipher prepares")
        p.madeDigits = made
    }

    /// The MACs of the requested emails the cache does not hold, in one kernel call (`KeyedPRF.macs`:
    /// sixteen at a time with AVX-512, else two at a time), into `prepared.macs`, and their requests into
    /// `prepared.emails`.
    private func prepareEmailMACs(in bytes: UnsafeBufferPointer<UInt8>) {
        let p = prepared
        p.emails.removeAll()
        p.emailKeys.removeAll(keepingCapacity: true)
        for (i, r) in p.requests.enumerated() where r.type == .email {
            let value = UnsafeBufferPointer(rebasing: bytes[r.range])
            if cache.contains(Variant.token(.email), value) { continue }
            let separator = EmailAddressKey.separator(in: value)
            // Most keys are the span itself, read where it was requested; the others are decoded here.
            if EmailAddressKey.isSpanItself(value, separator: separator, emailCase: emailCase) {
                p.emails.append(PreparedTokens.EmailRequest(request: i, separator: separator, key: r.range, decoded: false))
            } else {
                let start = p.emailKeys.count
                EmailAddressKey.append(value, separator: separator, emailCase: emailCase, to: &p.emailKeys)
                p.emails.append(PreparedTokens.EmailRequest(request: i, separator: separator, key: start..<p.emailKeys.count, decoded: true))
            }
        }
        let count = p.emails.count
        if count == 0 { return }
        // Sound: room for 32 bytes per email, all of them written below.
        let out = p.macs.startWriting(atMost: 32 * count)
        let emails = p.emails.buffer
        p.emailKeys.withUnsafeBytes { decoded in
            // The keys' addresses, valid inside this closure (`decoded`) and this call (`bytes`): one
            // kernel call MACs them all, sixteen at a time where the CPU has AVX-512.
            p.macMessages.removeAll()
            p.macLengths.removeAll()
            for email in emails {
                let key = email.decoded ? UnsafeRawBufferPointer(rebasing: decoded[email.key])
                    : UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[email.key]))
                p.macMessages.append(key.baseAddress?.assumingMemoryBound(to: UInt8.self))
                p.macLengths.append(key.count)
            }
            let (messages, lengths) = (p.macMessages.buffer, p.macLengths.buffer)
            prf.macs(tag: Tag.email.rawValue, messages.baseAddress!, lengths.baseAddress!, count: count, into: out)
        }
        p.macs.setCount(32 * count)
    }

}
