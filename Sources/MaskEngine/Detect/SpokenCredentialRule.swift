/// A credential told in a sentence: `my password is Hunter2-Secret9`, `the new password is: Tr0ub4dor&3`,
/// `Your temporary password was Xk9#mP2vL7`, `pin is 4821`. Support tickets, chat logs and notes that an
/// agent reads through the proxy carry these, and no operator or quote announces the value.
///
/// Stage 1 marks a credential keyword after a space (and after a `-`, `CommandLineCredentialRule.option`'s);
/// here the word there must be `password`, `passwd`, `pwd`, `passcode`, `passphrase`, `pin`, `secret`
/// or `token` (any case), followed by one to four linking words (`is`, `was`, `now`, `set`, `to`,
/// `changed`, `reset`, `will`, `be`, `has`, `been`), perhaps a `:`, and the value: what its quotes
/// hold, else the next word without a sentence's last `.` `,` `;` `)`. A word of prose is no value (`the password is
/// correct`): it needs a digit, a mark or an upper-case letter after its first, and six bytes (a pin:
/// four to eight digits, and nothing else); a date, a time or a number with separators
/// (`was changed 2024-01-01`), a placeholder and a URL are none either.
enum SpokenCredentialRule {
    static let keywords: [StaticString] = ["password", "passwd", "pwd", "passcode", "passphrase", "pin", "secret", "token"]
    static let linkingWords: [StaticString] = ["is", "was", "now", "set", "to", "changed", "reset", "will", "be", "has", "been"]

    /// The value told after the keyword at `k` (which follows a space), or nil.
    @inline(never)
    static func match(_ bytes: UnsafeBufferPointer<UInt8>, keyword k: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        var i = k
        while i < upper && i - k < 12 && ASCII.isAlpha(bytes[i]) { i += 1 }
        guard i < upper, bytes[i] == 32, let keyword = keywords.firstIndex(where: { word(bytes, k, i, is: $0) }) else { return nil }
        let pin = keywords[keyword].utf8CodeUnitCount == 3 && word(bytes, k, i, is: "pin")
        // The linking words, then the value.
        var links = 0
        var v = i
        while true {
            while v < upper && bytes[v] == 32 { v += 1 }
            var e = v
            while e < upper && e - v < 8 && ASCII.isAlpha(bytes[e]) { e += 1 }
            guard links < 4, e > v, linkingWords.contains(where: { word(bytes, v, e, is: $0) }) else { break }
            links += 1
            v = e
            if v < upper && bytes[v] == UInt8(ascii: ":") { v += 1; break }
        }
        while v < upper && bytes[v] == 32 { v += 1 }
        guard links > 0, v < upper else { return nil }
        // The value: the word up to white space, without its quotes or a sentence's last mark; a quoted
        // one runs to its closing quote on the line (`is "correct horse battery"`: words after the first
        // passed in clear).
        var s = v
        let quote = bytes[v]
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") || quote == UInt8(ascii: "`") {
            s += 1
            var close = s
            while close < upper && bytes[close] != quote && bytes[close] != 10 && bytes[close] != 13 { close += 1 }
            // Quoted, the value is told on purpose: all of it, whatever its shape (a pin is read below).
            if !pin && close < upper && bytes[close] == quote && close > s {
                return AssignmentPlaceholder.isPlaceholder(bytes, s, close) ? nil : (s..<close, .passwordAssignment)
            }
        }
        var e = s
        while e < upper && bytes[e] > 32 && bytes[e] != 0x7F { e += 1 }
        while e > s, let last = Optional(bytes[e - 1]),
              last == UInt8(ascii: ".") || last == UInt8(ascii: ",") || last == UInt8(ascii: ";") || last == UInt8(ascii: ")")
                || last == UInt8(ascii: "\"") || last == UInt8(ascii: "'") || last == UInt8(ascii: "`") {
            e -= 1
        }
        guard e > s else { return nil }
        if pin {
            guard (4...8).contains(e - s), (s..<e).allSatisfy({ ASCII.isDigit(bytes[$0]) }) else { return nil }
            return (s..<e, .passwordAssignment)
        }
        guard e - s >= 6, isTold(bytes, s, e), !AssignmentPlaceholder.isPlaceholder(bytes, s, e),
              !AssignmentRule.isURL(bytes, s, e) else { return nil }
        return (s..<e, .passwordAssignment)
    }

    /// Whether `bytes[start..<end]` is shaped like a credential rather than a word of prose or a date:
    /// a digit, a mark or an upper-case letter after the first, and not digits and separators alone.
    static func isTold(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var shaped = false
        var letters = false
        for i in start..<end {
            let b = bytes[i]
            if ASCII.isAlpha(b) { letters = true }
            if ASCII.isDigit(b) || (b > 0x20 && b < 0x7F && !ASCII.isAlnum(b)) || (i > start && b &- 65 < 26) { shaped = true }
        }
        guard shaped else { return false }
        if letters { return true }
        // Digits and separators alone: a password of digits, not a date, a time or a grouped number.
        return (start..<end).allSatisfy { ASCII.isDigit(bytes[$0]) }
    }

    /// Whether `bytes[start..<end]` is `word`, in any case.
    static func word(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, is word: StaticString) -> Bool {
        end - start == word.utf8CodeUnitCount && CredentialKeyText.contains(bytes, start, end, word)
    }
}
