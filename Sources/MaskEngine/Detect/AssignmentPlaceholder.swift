/// Values that stand for a credential without being one, recognised by their shape rather than by their
/// first byte (so `$ecur3Pass!`, `%hidden%x9` and `{noop}s3cret` are still masked):
///
/// - references: `${VAR}`, `$VAR`, `$(cmd)`, `{{ var }}`, `{var}`, `%(name)s`, `%VAR%`, `<password>`,
///   `<your-token>`, `[REDACTED]`, `os.environ[…]`, `process.env.X`, `getenv(…)`, a function call
///   `get_password()`;
/// - masks: one character repeated (`********`, `xxxxxxxx`), `x`/`X` runs with separators;
/// - values that say they are fake (`somefakekey`), when short enough that nothing else fits in them;
/// - words from a short list: `changeme`, `change_me`, `changeit`, `redacted`, `removed`, `hidden`,
///   `masked`, `placeholder`, `example`, `dummy`, `sample`, `todo`, `tbd`, `fixme`, `none`, `null`,
///   `nil`, `undefined`, `true`, `false`, `empty`, `notset`, `not_set`, and anything starting `your_`,
///   `your-`, `yourpassword`, `<your`.
enum AssignmentPlaceholder {
    static let words: [StaticString] = [
        "changeme", "change_me", "change-me", "changeit", "redacted", "removed", "hidden", "masked", "placeholder",
        "example", "dummy", "sample", "todo", "tbd", "fixme", "none", "null", "nil", "undefined", "true", "false",
        "empty", "notset", "not_set", "filtered", "...",
    ]

    static func isPlaceholder(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let n = end - start
        guard n > 0 else { return true }
        let first = bytes[start], last = bytes[end - 1]
        // One repeated byte, or x-runs with separators (`xxxx-xxxx`).
        var same = true, xs = true
        for i in start..<end {
            let b = bytes[i]
            if b != first { same = false }
            if b != UInt8(ascii: "x") && b != UInt8(ascii: "X") && b != UInt8(ascii: "-") && b != UInt8(ascii: "_") { xs = false }
        }
        if same || (xs && n >= 3) { return true }
        // Whole-value references and wrappers.
        if first == UInt8(ascii: "$") {
            if n >= 2 && (bytes[start + 1] == UInt8(ascii: "{") || bytes[start + 1] == UInt8(ascii: "(")) && (last == UInt8(ascii: "}") || last == UInt8(ascii: ")")) { return true }
            // `$VAR`: an upper-case identifier (`$ecur3Pass!` is not one).
            if n >= 2 && (start + 1..<end).allSatisfy({ ASCII.isUpperOrDigit(bytes[$0]) || bytes[$0] == UInt8(ascii: "_") }) { return true }
        }
        if first == UInt8(ascii: "{") && last == UInt8(ascii: "}") && isReferenceBody(bytes, start + 1, end - 1) { return true }
        if first == UInt8(ascii: "<") && last == UInt8(ascii: ">") { return true }
        if first == UInt8(ascii: "[") && last == UInt8(ascii: "]") && (start + 1..<end - 1).allSatisfy({ ASCII.isAlpha(bytes[$0]) || bytes[$0] == 95 || bytes[$0] == 32 }) { return true }
        if first == UInt8(ascii: "%") && n >= 3 {
            if last == UInt8(ascii: "%") && (start + 1..<end - 1).allSatisfy({ ASCII.isIdentifier(bytes[$0]) }) { return true }
            if bytes[start + 1] == UInt8(ascii: "(") && (last == UInt8(ascii: "s") || last == UInt8(ascii: "d")) { return true }
        }
        if hasPrefix(bytes, start, end, "your_") || hasPrefix(bytes, start, end, "your-") || hasPrefix(bytes, start, end, "yourpassword")
            || hasPrefix(bytes, start, end, "<your") || hasPrefix(bytes, start, end, "os.environ") || hasPrefix(bytes, start, end, "process.env")
            || hasPrefix(bytes, start, end, "getenv(") || hasPrefix(bytes, start, end, "env(") || hasPrefix(bytes, start, end, "ENV[") {
            return true
        }
        // A call: `get_password()`, `vault.read("x")`.
        if last == UInt8(ascii: ")") || last == UInt8(ascii: "(") {
            var i = start
            while i < end && (ASCII.isIdentifier(bytes[i])) { i += 1 }
            if i > start && i < end && bytes[i] == UInt8(ascii: "(") { return true }
        }
        // `somefakekey`, `fake_key`: a value that says it is fake, while its other bytes are too few to
        // be a secret themselves (`AssignmentRule.minimumOtherBytes`). A real value with `fake` glued to
        // it, or after a comma the bare value runs on across (`…cqLp,fake`, found by the CSV fuzzer), is
        // masked.
        if n - 4 < AssignmentRule.minimumOtherBytes {
            var i = start
            while i + 4 <= end {
                if ASCII.lower(bytes[i]) == UInt8(ascii: "f") && hasPrefix(bytes, i, end, "fake") { return true }
                i += 1
            }
        }
        for w in words where w.utf8CodeUnitCount == n {
            var ok = true
            for k in 0..<n where ASCII.lower(bytes[start + k]) != w.utf8Start[k] { ok = false; break }
            if ok { return true }
        }
        return false
    }

    /// `{{ var }}`, `{var}`, `{0}`: identifiers, dots, spaces and braces only.
    static func isReferenceBody(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end > start else { return true }
        return (start..<end).allSatisfy {
            let b = bytes[$0]
            return ASCII.isIdentifier(b) || b == 32 || b == UInt8(ascii: "{") || b == UInt8(ascii: "}") || b == UInt8(ascii: "|")
        }
    }

    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ p: StaticString) -> Bool {
        let n = p.utf8CodeUnitCount
        guard end - start >= n else { return false }
        for k in 0..<n where ASCII.lower(bytes[start + k]) != ASCII.lower(p.utf8Start[k]) { return false }
        return true
    }
}
