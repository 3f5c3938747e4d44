/// Passwords written as SQL in a dump's script text: `PASSWORD '…'` of `CREATE ROLE`/`ALTER ROLE` (a
/// SCRAM or md5 verifier, which an attacker cracks offline) and the `password '…'` option of a `USER
/// MAPPING` or `SERVER` (a foreign server's password, in clear).
///
/// Why: pg_dumpall writes every role's verifier and pg_dump every user mapping's options, and the
/// secret rules look for an operator after a credential word (`password=`, `"password": …`), which SQL
/// does not write: the md5 verifier and the mapping's password left the dump as they came, and of a SCRAM
/// verifier only the part after its last `:` was found. The whole literal is a secret here; its token keeps
/// its quotes and doubled quotes in place, so the statement still runs (the role gets a password nobody
/// knows).
enum ScriptPasswords {
    static let word = Array("password".utf8)

    /// A finding for the content of each single-quoted literal that follows the word `password` (any
    /// case, a whole word) and white space, in `text`; in order and disjoint.
    static func findings(in text: UnsafeBufferPointer<UInt8>) -> [Finding] {
        var found: [Finding] = []
        var i = 0
        while i + word.count < text.count {
            guard isWordAt(text, i) else { i += 1; continue }
            var q = i + word.count
            while q < text.count && (text[q] == 32 || text[q] == 9 || text[q] == 10 || text[q] == 13) { q += 1 }
            guard q > i + word.count, q < text.count, text[q] == UInt8(ascii: "'") else { i += word.count; continue }
            // The literal runs to the quote that is not doubled.
            var e = q + 1
            while e < text.count {
                if text[e] == UInt8(ascii: "'") {
                    if e + 1 < text.count && text[e + 1] == UInt8(ascii: "'") { e += 2; continue }
                    break
                }
                e += 1
            }
            if e > q + 1 { found.append(Finding(start: q + 1, end: e, type: .secret, kind: .passwordAssignment)) }
            i = e + 1
        }
        return found
    }

    /// Whether `text[i...]` starts the word `password` in any case, with no letter, digit or `_` on
    /// either side.
    private static func isWordAt(_ text: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        guard text[i] | 0x20 == word[0] else { return false }
        for k in 1..<word.count where text[i + k] | 0x20 != word[k] { return false }
        func isWordByte(_ b: UInt8) -> Bool { ASCII.isAlnum(b) || b == UInt8(ascii: "_") }
        if i > 0 && isWordByte(text[i - 1]) { return false }
        return !isWordByte(text[i + word.count])
    }

    /// `findings` with the script's passwords added: a finding that overlaps one gives way to it (the
    /// literal is masked whole).
    static func merge(_ passwords: [Finding], into findings: inout [Finding]) {
        if passwords.isEmpty { return }
        findings.removeAll { f in passwords.contains { $0.start < f.end && f.start < $0.end } }
        findings.append(contentsOf: passwords)
        findings.sort { $0.start < $1.start }
    }
}
