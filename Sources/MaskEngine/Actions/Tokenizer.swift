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
/// A tokenizer remembers recent tokens (`TokenCache`, bounded), so a value repeated across rows is
/// tokenized once; a tokenizer is used by one thread at a time (each `MaskSession` has its own).
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
    /// Tokens already computed, by call, type and value.
    let cache = TokenCache()
    static let emailDomain = Array("example.invalid".utf8)
    static let base32 = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
    static let hexDigits = Array("0123456789abcdef".utf8)
    /// Whether email tokens tell `Ann@x.com` from `ann@x.com` (from the key's settings).
    let emailCase: EmailCase
    /// Scratch owned by this tokenizer, so that no token allocates: the MAC, the email's key bytes,
    /// the digits being permuted.
    private let mac = UnsafeMutableRawBufferPointer.allocate(byteCount: 32, alignment: 8)
    private var emailKey: [UInt8] = []
    private let digits = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 24)

    /// The key, kept to derive custom types' keys from.
    let key: TokenKey

    public init(key: TokenKey) {
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
        let kind = TokenCache.Kind(.token, type)
        let hash = TokenCache.hash(kind, value)
        if cache.appendToken(of: value, kind: kind, hash: hash, to: &out) { return }
        let start = out.count
        computeToken(type, value, to: &out)
        remember(value, kind: kind, hash: hash, tokenFrom: start, in: out)
    }

    @inline(__always)
    private func computeToken(_ type: EntityType, _ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        switch type {
        case .email: appendEmailToken(value, to: &out)
        case .creditCard: appendDigitToken(value, tag: .card, breakLuhn: true, to: &out)
        case .usSSN: appendDigitToken(value, tag: .ssn, breakLuhn: false, to: &out)
        default:
            // Secrets and custom types: the same length, so varchar limits and binary layouts hold,
            // and distinct per value, so UNIQUE columns of keys and tokens restore.
            lengthKeeping.append(type, value, unit: .byte, mode: .cipher, to: &out)
        }
    }

    /// Appends a token of `value` with exactly its byte length (`.character`: its UTF-8 character
    /// count), for places where the span's size is fixed: card and SSN tokens already keep it; emails
    /// and secrets get the length-keeping token. `irreversible` (the `hash` action) takes the keyed
    /// keystream for every type, which even the key cannot invert.
    func appendSameSizeToken(_ type: EntityType, _ value: UnsafeBufferPointer<UInt8>,
                             unit: LengthKeepingTokenizer.Unit, irreversible: Bool = false,
                             to out: inout [UInt8]) {
        let call: TokenCache.Kind.Call = switch (unit, irreversible) {
        case (.byte, false): .sameSizeBytes
        case (.character, false): .sameSizeCharacters
        case (.byte, true): .digestBytes
        case (.character, true): .digestCharacters
        }
        let kind = TokenCache.Kind(call, type)
        let hash = TokenCache.hash(kind, value)
        if cache.appendToken(of: value, kind: kind, hash: hash, to: &out) { return }
        let start = out.count
        switch type {
        case .creditCard where !irreversible: appendDigitToken(value, tag: .card, breakLuhn: true, to: &out)
        case .usSSN where !irreversible: appendDigitToken(value, tag: .ssn, breakLuhn: false, to: &out)
        default: lengthKeeping.append(type, value, unit: unit, mode: irreversible ? .digest : .cipher, to: &out)
        }
        remember(value, kind: kind, hash: hash, tokenFrom: start, in: out)
    }

    /// Appends 32 lowercase hex digits (128 bits) of HMAC-SHA256 over the type and value.
    public func appendHash(_ type: EntityType, _ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let kind = TokenCache.Kind(.hash, type)
        let hash = TokenCache.hash(kind, value)
        if cache.appendToken(of: value, kind: kind, hash: hash, to: &out) { return }
        let start = out.count
        prf.mac(tag: Tag.hash.rawValue &+ type.rawValue &* 16, UnsafeRawBufferPointer(value), into: mac)
        for i in 0..<16 {
            out.append(Self.hexDigits[Int(mac[i] >> 4)])
            out.append(Self.hexDigits[Int(mac[i] & 15)])
        }
        remember(value, kind: kind, hash: hash, tokenFrom: start, in: out)
    }

    /// Caches the token that the call just appended to `out` from `start` on.
    @inline(__always)
    private func remember(_ value: UnsafeBufferPointer<UInt8>, kind: TokenCache.Kind, hash: UInt64,
                          tokenFrom start: Int, in out: [UInt8]) {
        out.withUnsafeBufferPointer { cache.insert(value, kind: kind, hash: hash, token: UnsafeBufferPointer(rebasing: $0[start...])) }
    }

    /// The token keeps the span's own `@`, so an address found URL-encoded, JSON-escaped or as an HTML
    /// reference is replaced by a token in the same encoding, and the URL or JSON around it stays valid.
    private func appendEmailToken(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let separator = EmailAddressKey.separator(in: value)
        if EmailAddressKey.isSpanItself(value, separator: separator, emailCase: emailCase) {
            prf.mac(tag: Tag.email.rawValue, UnsafeRawBufferPointer(value), into: mac)
        } else {
            emailKey.removeAll(keepingCapacity: true)
            EmailAddressKey.append(value, separator: separator, emailCase: emailCase, to: &emailKey)
            emailKey.withUnsafeBytes { prf.mac(tag: Tag.email.rawValue, $0, into: mac) }
        }
        // The first 80 bits, five at a time, as 16 base32 characters.
        var bits: UInt64 = 0
        var available = 0
        var next = 0
        for _ in 0..<16 {
            if available < 5 { bits = bits << 8 | UInt64(mac[next]); next += 1; available += 8 }
            available -= 5
            out.append(Self.base32[Int((bits >> UInt64(available)) & 31)])
        }
        if let separator {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: value[separator]))
        } else {
            out.append(UInt8(ascii: "@"))
        }
        out.append(contentsOf: Self.emailDomain)
    }

    /// Digits are permuted as one number; every non-digit byte stays where it was.
    private func appendDigitToken(_ value: UnsafeBufferPointer<UInt8>, tag: Tag, breakLuhn: Bool,
                                  to out: inout [UInt8]) {
        var n = 0
        for b in value where ASCII.isDigit(b) && n < digits.count { digits[n] = b &- 48; n += 1 }
        let cipherCount = n - (breakLuhn ? 1 : 0)
        guard DigitCipher.lengths.contains(cipherCount) && n <= DigitCipher.lengths.upperBound else {
            // Not a shape the detectors produce: still a distinct token of the same length.
            lengthKeeping.append(tag == .card ? .creditCard : .usSSN, value, unit: .byte, mode: .cipher, to: &out)
            return
        }
        let numerals = digits.baseAddress!
        (tag == .card ? cardDigits : ssnDigits).encrypt(numerals, count: cipherCount)
        if breakLuhn {
            let valid = Luhn.checkDigit(payload: UnsafeBufferPointer(digits), count: n - 1)
            numerals[n - 1] = (valid + 1) % 10
        }
        var k = 0
        for b in value {
            if ASCII.isDigit(b) && k < n { out.append(digits[k] &+ 48); k += 1 } else { out.append(b) }
        }
    }
}
