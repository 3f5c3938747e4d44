/// The characters a token's body may hold.
enum TokenAlphabet: UInt8, Sendable {
    /// `[A-Za-z0-9]`
    case alnum
    /// `[A-Z0-9]`
    case upperAlnum
    /// `[a-z0-9]`
    case lowerAlnum
    /// `[0-9a-fA-F]`
    case hex
    /// `[0-9a-f]`
    case lowerHex
    /// `[A-Za-z]`
    case letters
    /// `[0-9]`
    case digits
    /// `[A-Za-z0-9_]`
    case word
    /// `[A-Za-z0-9-]`
    case alnumDash
    /// `[A-Z0-9-]`
    case upperAlnumDash
    /// `[A-Za-z0-9_-]`
    case base64URL
    /// `[A-Za-z0-9_.=-]`: base64url pieces joined by dots, with padding.
    case base64URLDot
    /// `[A-Za-z0-9+/=]`
    case base64

    /// The alphabet as a byte set (the bytes its doc comment names; a test compares each set with that
    /// definition on all 256 bytes), read once per segment.
    @inline(__always)
    var bytes: ASCIISet {
        switch self {
        case .alnum: ASCIISet(low: 0x03FF000000000000, high: 0x07FFFFFE07FFFFFE)
        case .upperAlnum: ASCIISet(low: 0x03FF000000000000, high: 0x0000000007FFFFFE)
        case .lowerAlnum: ASCIISet(low: 0x03FF000000000000, high: 0x07FFFFFE00000000)
        case .hex: ASCIISet(low: 0x03FF000000000000, high: 0x0000007E0000007E)
        case .lowerHex: ASCIISet(low: 0x03FF000000000000, high: 0x0000007E00000000)
        case .letters: ASCIISet(low: 0x0000000000000000, high: 0x07FFFFFE07FFFFFE)
        case .digits: ASCIISet(low: 0x03FF000000000000, high: 0x0000000000000000)
        case .word: ASCIISet(low: 0x03FF000000000000, high: 0x07FFFFFE87FFFFFE)
        case .alnumDash: ASCIISet(low: 0x03FF200000000000, high: 0x07FFFFFE07FFFFFE)
        case .upperAlnumDash: ASCIISet(low: 0x03FF200000000000, high: 0x0000000007FFFFFE)
        case .base64URL: ASCIISet(low: 0x03FF200000000000, high: 0x07FFFFFE87FFFFFE)
        case .base64URLDot: ASCIISet(low: 0x23FF600000000000, high: 0x07FFFFFE87FFFFFE)
        case .base64: ASCIISet(low: 0x23FF880000000000, high: 0x07FFFFFE07FFFFFE)
        }
    }
}

/// One part of a token's body: `count` characters of an alphabet, `minimum...maximum` of them.
struct TokenSegment: Sendable {
    var alphabet: TokenAlphabet
    var minimum: Int
    var maximum: Int

    init(_ alphabet: TokenAlphabet, _ minimum: Int, _ maximum: Int? = nil) {
        self.alphabet = alphabet
        self.minimum = minimum
        self.maximum = maximum ?? minimum
    }

    /// Open-ended: at least `minimum`, as many as follow.
    static func atLeast(_ alphabet: TokenAlphabet, _ minimum: Int) -> TokenSegment {
        TokenSegment(alphabet, minimum, 1 << 20)
    }
}

/// A token format with a fixed prefix: `glpat-` and 20 of `[A-Za-z0-9_-]`, `SG.` + 22 + `.` + 43, …
///
/// The rule matches at a start position (where a run of token bytes begins): the prefix, byte for byte;
/// the first segment; then, for multi-part tokens, a separator byte and the next segment, up to three.
/// The token must end there: the next byte is not a letter or digit, so a longer word that merely
/// starts like a token is not one.
struct TokenRule: Sendable {
    /// The name reports give the finding's kind.
    var name: StaticString
    var prefix: StaticString
    var first: TokenSegment
    var separator2: UInt8 = 0
    var second: TokenSegment? = nil
    var separator3: UInt8 = 0
    var third: TokenSegment? = nil

    init(_ name: StaticString, _ prefix: StaticString, _ first: TokenSegment,
         _ separator2: Character? = nil, _ second: TokenSegment? = nil,
         _ separator3: Character? = nil, _ third: TokenSegment? = nil) {
        self.name = name
        self.prefix = prefix
        self.first = first
        self.separator2 = separator2?.asciiValue ?? 0
        self.second = second
        self.separator3 = separator3?.asciiValue ?? 0
        self.third = third
    }

    /// The end of the token that starts at `start`, or nil.
    @inline(__always)
    func match(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, upper: Int) -> Int? {
        guard SecretDetector.has(bytes, start, prefix, upper: upper) else { return nil }
        var i = start + prefix.utf8CodeUnitCount
        guard let afterFirst = Self.segment(bytes, from: i, upper: upper, first, last: second == nil) else { return nil }
        i = afterFirst
        if let second {
            guard i < upper, bytes[i] == separator2,
                  let afterSecond = Self.segment(bytes, from: i + 1, upper: upper, second, last: third == nil) else { return nil }
            i = afterSecond
            if let third {
                guard i < upper, bytes[i] == separator3,
                      let afterThird = Self.segment(bytes, from: i + 1, upper: upper, third, last: true) else { return nil }
                i = afterThird
            }
        }
        // Padding and dots end base64 tokens; a letter or digit means a longer word.
        if i < upper && ASCII.isAlnum(bytes[i]) { return nil }
        return i
    }

    @inline(__always)
    static func segment(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, upper: Int, _ s: TokenSegment,
                        last: Bool = false) -> Int? {
        var i = from
        let limit = upper - from > s.maximum ? from + s.maximum + 1 : upper
        let alphabet = s.alphabet.bytes
        while i < limit && alphabet.contains(bytes[i]) { i += 1 }
        let n = i - from
        if n >= s.minimum && n <= s.maximum { return i }
        // A token's last segment followed by punctuation of its own alphabet (`_` `-` after a SendGrid
        // or GitLab token) still ends at its longest length: only a letter or digit after a token makes
        // a longer word (secrets.md). Reading the punctuation as a longer segment left such tokens in
        // clear (found by the DifferentialSecrets fuzz target).
        if last && n > s.maximum && !ASCII.isAlnum(bytes[from + s.maximum]) { return from + s.maximum }
        return nil
    }
}
