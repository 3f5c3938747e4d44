/// The elements of a PostgreSQL array in its text form, as `array_out` writes it: `{a,"b c",NULL}`,
/// nested braces for more dimensions (`{{a,b},{c,d}}`), and a dimension decoration before it when a
/// lower bound is not 1 (`[0:1]={a,b}`).
///
/// Why by hand: a credential column of an array type (`passwords text[]`, `array_agg(password)`) holds
/// a secret in each element, and masking the text whole would turn its `NULL`s into strings; the
/// elements' spans are what is masked, in place, so the array keeps its shape.
enum ArrayText {
    /// Calls `element` with the range of each element's characters in `value` (inside its quotes, its
    /// backslash escapes as they are) that is no `NULL`, in order, and returns whether `value` is a
    /// well-formed array; when it is not, the ranges handed so far mean nothing. Quoted and empty
    /// elements are handed as they are (`""` as an empty range); an unquoted `NULL`, in any case, is
    /// the null element and is not.
    static func forEachElement(_ value: UnsafeBufferPointer<UInt8>, _ element: (Range<Int>) -> Void) -> Bool {
        let n = value.count
        var i = 0
        if i < n && value[i] == UInt8(ascii: "[") {
            // `[lower:upper]` per dimension, then `=`.
            while i < n && value[i] != UInt8(ascii: "=") {
                let b = value[i]
                guard ASCII.isDigit(b) || b == UInt8(ascii: "[") || b == UInt8(ascii: "]") || b == UInt8(ascii: ":")
                        || b == UInt8(ascii: "-") else { return false }
                i += 1
            }
            guard i < n else { return false }
            i += 1
        }
        guard i < n && value[i] == UInt8(ascii: "{") else { return false }
        var depth = 0
        // After `{` or a delimiter an element (or a nested array) must come; after `{` a `}` may.
        var expectsElement = true
        var afterOpen = false
        while i < n {
            let b = value[i]
            switch b {
            case UInt8(ascii: "{"):
                guard expectsElement else { return false }
                depth += 1
                afterOpen = true
                i += 1
            case UInt8(ascii: "}"):
                guard depth > 0, !expectsElement || afterOpen else { return false }
                depth -= 1
                expectsElement = false
                afterOpen = false
                i += 1
                if depth == 0 { return i == n }
            case UInt8(ascii: ","):
                guard !expectsElement else { return false }
                expectsElement = true
                afterOpen = false
                i += 1
            case UInt8(ascii: "\""):
                guard expectsElement else { return false }
                var j = i + 1
                while j < n && value[j] != UInt8(ascii: "\"") { j += value[j] == UInt8(ascii: "\\") ? 2 : 1 }
                guard j < n else { return false }
                element((i + 1)..<j)
                i = j + 1
                expectsElement = false
                afterOpen = false
            default:
                guard expectsElement else { return false }
                var j = i
                while j < n {
                    let c = value[j]
                    if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "{") || c == UInt8(ascii: "\"") { break }
                    j += c == UInt8(ascii: "\\") ? 2 : 1
                }
                guard j < n else { return false }
                if !isNull(value, i, j) { element(i..<j) }
                i = j
                expectsElement = false
                afterOpen = false
            }
        }
        return false
    }

    /// Whether `value[start..<end]` is `NULL` in any case (how `array_out` writes a null element).
    private static func isNull(_ value: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end - start == 4 else { return false }
        return value[start] | 0x20 == UInt8(ascii: "n") && value[start + 1] | 0x20 == UInt8(ascii: "u")
            && value[start + 2] | 0x20 == UInt8(ascii: "l") && value[start + 3] | 0x20 == UInt8(ascii: "l")
    }
}
