/// The value of a PostgreSQL escape string's body (`E'…'`, between the quotes), as the server reads it:
/// `\b \f \n \r \t`, octal `\o`–`\ooo`, hex `\xh`–`\xhh`, `\uXXXX` and `\UXXXXXXXX` (as UTF-8), any other
/// `\c` as `c`, and `''` as a quote.
///
/// pg_dump writes one only for a string with a backslash in a script whose
/// `standard_conforming_strings` is off; `InsertChunkMasker` scans the value, not its spelling.
enum EscapeString {
    static func decode(_ body: Slice<UnsafeBufferPointer<UInt8>>) -> [UInt8] {
        var value: [UInt8] = []
        value.reserveCapacity(body.count)
        var i = body.startIndex
        let end = body.endIndex
        /// Up to `most` digits of `radix` from `i`, and how many there were.
        func digits(radix: UInt32, most: Int, from start: Int) -> (value: UInt32, count: Int) {
            var v: UInt32 = 0, n = 0
            while n < most, start + n < end {
                let b = body[start + n]
                let d: UInt32
                if radix == 8 { guard b >= 48 && b <= 55 else { break }; d = UInt32(b - 48) } else {
                    guard ASCII.isHexDigit(b) else { break }
                    d = ASCII.hexValue(b)
                }
                v = v &* radix &+ d
                n += 1
            }
            return (v, n)
        }
        while i < end {
            let b = body[i]
            if b == UInt8(ascii: "'") {
                value.append(b)
                i += 2
                continue
            }
            guard b == 92, i + 1 < end else { value.append(b); i += 1; continue }
            let c = body[i + 1]
            i += 2
            switch c {
            case UInt8(ascii: "b"): value.append(8)
            case UInt8(ascii: "f"): value.append(12)
            case UInt8(ascii: "n"): value.append(10)
            case UInt8(ascii: "r"): value.append(13)
            case UInt8(ascii: "t"): value.append(9)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                let (v, n) = digits(radix: 8, most: 2, from: i)
                value.append(UInt8(truncatingIfNeeded: UInt32(c - 48) << (3 * UInt32(n)) | v))
                i += n
            case UInt8(ascii: "x"):
                let (v, n) = digits(radix: 16, most: 2, from: i)
                if n == 0 { value.append(c) } else { value.append(UInt8(v)); i += n }
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let want = c == UInt8(ascii: "u") ? 4 : 8
                let (v, n) = digits(radix: 16, most: want, from: i)
                if n == want, let scalar = Unicode.Scalar(v) {
                    value += Array(String(Character(scalar)).utf8)
                    i += n
                } else {
                    value.append(c)
                }
            default:
                value.append(c)
            }
        }
        return value
    }
}
