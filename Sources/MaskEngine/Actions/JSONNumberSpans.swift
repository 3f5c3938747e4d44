/// Keeps a JSON document a JSON document when a finding in one of its bare numbers is redacted, hashed
/// or partially masked.
///
/// Why: a card number or a random `bigint` stored as a JSON number (`{"id": 4111111111111111}`) is found
/// like any other, and `****************`, 32 hex digits or `************1111` in its place is no JSON:
/// a restore's COPY into a `json`/`jsonb` column refuses the document (`invalid input syntax for type
/// json`), a client's JSON parser throws. A token already is a number (digits, and a leading `0` only where
/// the value has one); the other actions' text is made one, as a number column's is (`NumericText`):
/// every byte that is no digit becomes `0`, a hash is cut to the value's length, and leading zeros go
/// (JSON allows none), so a redaction becomes `0` and a partial mask its kept digits.
///
/// A value counts as a document when its first and last bytes that are not white space are `{` and `}`
/// (a quoted key first, or nothing: a PostgreSQL array's text `{1,2}` is no object) or `[` and `]`: it
/// holds this whatever the column's declared type (`jsonb`, `text`, a CSV field) and costs nothing where
/// no such span is masked. Strings are followed from the value's start, so a span inside one (`"card
/// 4111 1111 1111 1111"`, or digits alone in quotes) is masked as text, and only a span of digits (with
/// `-` or `.`) outside every string is a bare number. Should a value merely look like a document, the
/// worst case is a redaction written as zeros: never an original byte kept.
struct JSONNumberSpans {
    /// Whether the value is an object or an array by its first and last bytes.
    let isDocument: Bool
    /// Bytes before this offset have been read.
    private var read = 0
    private var inString = false
    private var escaped = false

    init(_ value: UnsafeBufferPointer<UInt8>) {
        isDocument = Self.isContainer(value)
    }

    /// Whether `value[start..<end]` is a number's digits outside every string of the document. Asked
    /// with ascending, disjoint spans of the same value (a rewrite's order).
    mutating func isBareNumber(_ value: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard isDocument, start >= read, start < end, end <= value.count else { return false }
        follow(value, to: start)
        if inString { return false }
        for b in UnsafeBufferPointer(rebasing: value[start..<end]) {
            guard ASCII.isDigit(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") else { return false }
        }
        return true
    }

    /// Reads the bytes up to `position`, following the strings' quotes and escapes.
    private mutating func follow(_ value: UnsafeBufferPointer<UInt8>, to position: Int) {
        guard let base = value.baseAddress else { return }
        while read < position {
            if !escaped && position - read >= 8 {
                // Sound: `read + 8 <= position <= value.count`. Eight bytes without a quote or a
                // backslash change no state: skipped at once (a redacted document's prose was a
                // twentieth of a dense table's time, byte by byte).
                if !Self.holdsQuoteOrBackslash(UnsafeRawPointer(base + read).loadUnaligned(as: UInt64.self)) {
                    read += 8
                    continue
                }
            }
            let b = value[read]
            read += 1
            if escaped {
                escaped = false
            } else if inString {
                if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
            } else if b == UInt8(ascii: "\"") {
                inString = true
            }
        }
    }

    /// Turns `out[start...]`, an action's text in place of the bare number's digits `value[span]`, into
    /// digits that JSON reads as a number: non-digits become `0` and the text is cut to the span's length
    /// from the left (a hash is longer than what it replaces). Where the span begins a number, leading
    /// zeros go (one digit staying) when nothing but the span's digits follow it, and a first `0`
    /// becomes `1` when more digits do (a custom detector's span can be part of a number).
    static func makeNumber(_ out: inout [UInt8], from start: Int, replacing span: Range<Int>,
                           of value: UnsafeBufferPointer<UInt8>) {
        let zero = UInt8(ascii: "0")
        for i in start..<out.count where !ASCII.isDigit(out[i]) { out[i] = zero }
        let excess = out.count - start - max(span.count, 1)
        if excess > 0 { out.removeSubrange(start..<(start + excess)) }
        if out.count == start { out.append(zero) }
        let startsNumber = span.lowerBound == 0 || !(ASCII.isDigit(value[span.lowerBound - 1]) || value[span.lowerBound - 1] == UInt8(ascii: "."))
        guard startsNumber else { return }
        if span.upperBound < value.count && ASCII.isDigit(value[span.upperBound]) {
            if out[start] == zero { out[start] = UInt8(ascii: "1") }
            return
        }
        var leading = 0
        while start + leading + 1 < out.count && out[start + leading] == zero { leading += 1 }
        if leading > 0 { out.removeSubrange(start..<(start + leading)) }
    }

    /// Whether `value[span]` is a whole JSON number's digits: no digit, point or exponent before or after
    /// it (a `-` before it may be: `signed` says so), so that a literal may take its place.
    static func isWholeNumber(_ span: Range<Int>, of value: UnsafeBufferPointer<UInt8>) -> (whole: Bool, signed: Bool) {
        func partOfNumber(_ b: UInt8) -> Bool {
            ASCII.isDigit(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: ".")
                || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
        }
        var before = span.lowerBound
        let signed = before > 0 && value[before - 1] == UInt8(ascii: "-")
        if signed { before -= 1 }
        if before > 0 && partOfNumber(value[before - 1]) { return (false, signed) }
        if span.upperBound < value.count && partOfNumber(value[span.upperBound]) { return (false, signed) }
        return (true, signed)
    }

    /// Whether a byte of `word` is `"` or `\` (a byte equal to the pattern leaves a zero byte after
    /// the XOR, which the borrow test finds exactly).
    @inline(__always)
    static func holdsQuoteOrBackslash(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22), backslashes = word ^ (ones &* 0x5C)
        return ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes) & highs != 0
    }

    /// Calls `body` with the contents (between the quotes) of each string of the JSON text `value` that
    /// is not an object's name, in order: a document's values, its structure and names left. Returns
    /// whether the text between the strings is JSON's own (structure, white space, numbers and the
    /// literals' letters) and the last string ends: when not, the value only looks like a document
    /// (`{"note: "xoxb-…"}`, a quote missing), something outside every string may be the secret, and
    /// the caller must mask the whole value instead.
    @discardableResult
    static func forEachStringValue(_ value: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) -> Bool {
        var i = 0
        var wellFormed = true
        while i < value.count {
            guard value[i] == UInt8(ascii: "\"") else {
                if isWordByte(value[i]) {
                    // A bare word is a number or `true`, `false`, `null`: any other (`{"k": unreal}`) is
                    // text the column's name makes a secret.
                    let start = i
                    while i < value.count && isWordByte(value[i]) { i += 1 }
                    if !isLiteral(UnsafeBufferPointer(rebasing: value[start..<i])) { wellFormed = false }
                    continue
                }
                if !isStructure(value[i]) { wellFormed = false }
                i += 1
                continue
            }
            let open = i + 1
            var close = open
            while close < value.count && value[close] != UInt8(ascii: "\"") {
                close += value[close] == UInt8(ascii: "\\") ? 2 : 1
            }
            if close >= value.count { wellFormed = false }
            let end = min(close, value.count)
            var next = end + 1
            while next < value.count && isWhiteSpace(value[next]) { next += 1 }
            if !(next < value.count && value[next] == UInt8(ascii: ":")) && end > open { body(open..<end) }
            i = end + 1
        }
        return wellFormed
    }

    /// Whether `b` may stand outside a JSON text's strings and words: structure or white space.
    @inline(__always)
    private static func isStructure(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: ":"):
            true
        default:
            isWhiteSpace(b)
        }
    }

    /// A byte of a bare word: a letter, a digit, or a number's `+`, `-`, `.`.
    @inline(__always)
    private static func isWordByte(_ b: UInt8) -> Bool {
        ASCII.isAlnum(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: ".")
    }

    private static let literals: [[UInt8]] = [Array("true".utf8), Array("false".utf8), Array("null".utf8)]

    /// Whether a bare word is one of JSON's literals or shaped as a number (a digit or `-` first, then
    /// digits, `.`, exponents and signs).
    private static func isLiteral(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        if literals.contains(where: { $0.elementsEqual(word) }) { return true }
        guard let first = word.first, ASCII.isDigit(first) || first == UInt8(ascii: "-") else { return false }
        return word.allSatisfy {
            ASCII.isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
                || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-")
        }
    }

    /// Whether the first and last bytes of `value` that are not JSON white space are `{` and `}` (and
    /// the first after `{` a quote or the `}`), or `[` and `]`.
    static func isContainer(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var first = 0, last = value.count - 1
        while first <= last && isWhiteSpace(value[first]) { first += 1 }
        while last > first && isWhiteSpace(value[last]) { last -= 1 }
        guard last > first else { return false }
        if value[first] == UInt8(ascii: "[") { return value[last] == UInt8(ascii: "]") }
        guard value[first] == UInt8(ascii: "{") && value[last] == UInt8(ascii: "}") else { return false }
        // An object's first member is a quoted key: a PostgreSQL array's text (`{4111…,7}`) is none.
        var key = first + 1
        while key < last && isWhiteSpace(value[key]) { key += 1 }
        return value[key] == UInt8(ascii: "\"") || key == last
    }

    /// JSON's white space: space, LF, CR, tab.
    @inline(__always)
    static func isWhiteSpace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\t")
    }
}
