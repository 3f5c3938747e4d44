/// A masked value of a number column, made a number of the column's type again.
///
/// Why: a client parses an `int8` cell as an integer, and a restore's COPY refuses `bigint` text that is
/// not one (`invalid input syntax`, `out of range`): one such cell and the query or the whole restore
/// fails. A redaction (`****`), a hash (32 hex digits) or a partial mask is not a number, and a hash is
/// longer than the value it replaces.
enum NumericText {
    /// The type a column's masked text must still parse as: a number, or an array of numbers in its
    /// text form (`{1,2,NULL}`, `{{1,2},{3,4}}`, `[0:1]={7,8}`) whose elements are. A plain value (no
    /// `indirect` case, whose box a copy of every `CellKind` holding it would retain).
    struct Kind: Equatable, Sendable {
        enum Number: Equatable, Sendable {
            /// `numeric`/`decimal`: digits, a leading `-`, one `.`.
            case decimal
            /// `int2`, `int4`, `int8` (`smallint`, `integer`, `bigint`): digits and a leading `-` within
            /// the range of a two's complement integer of this many bytes.
            case integer(width: Int)
        }
        var number: Number
        var isArray = false

        static let decimal = Kind(number: .decimal)
        static func integer(width: Int) -> Kind { Kind(number: .integer(width: width)) }
        /// An array whose elements are numbers of `element`'s kind.
        static func array(_ element: Kind) -> Kind { Kind(number: element.number, isArray: true) }
        /// One element of this kind (itself, for a number).
        var element: Kind { Kind(number: number) }

        /// The kind of a column of this type OID, or nil when it is no number type (nor an array of one).
        static func of(typeOID: UInt32) -> Kind? {
            switch typeOID {
            case PostgresType.int2: return .integer(width: 2)
            case PostgresType.int4: return .integer(width: 4)
            case PostgresType.int8: return .integer(width: 8)
            case PostgresType.numeric: return .decimal
            case 1005: return .array(.integer(width: 2))
            case 1007: return .array(.integer(width: 4))
            case 1016: return .array(.integer(width: 8))
            case 1231: return .array(.decimal)
            default: return nil
            }
        }

        /// The kind of a column of this SQL type as a dump declares it (`bigint`, `numeric(12,2)`,
        /// `integer[]`), or nil.
        static func of(sqlType: String) -> Kind? {
            var t = Substring(sqlType.lowercased())
            if t.hasSuffix("[]") {
                while t.hasSuffix("[]") { t = t.dropLast(2) }
                return of(sqlType: String(t)).map { .array($0) }
            }
            switch t {
            case "smallint", "int2", "smallserial": return .integer(width: 2)
            case "integer", "int", "int4", "serial": return .integer(width: 4)
            case "bigint", "int8", "bigserial": return .integer(width: 8)
            default:
                for name in ["numeric", "decimal"] where t == name || t.hasPrefix(name + "(") { return .decimal }
                return nil
            }
        }
    }

    /// Turns `text`, the masked form of the number `original`, into a number of `kind` that holds no
    /// original digit the action did not keep (an array, element by element: `repairElements`):
    /// - every byte that is not a digit, a leading `-` or (for `decimal`) the one `.` becomes `0`: a
    ///   redaction `*********` becomes `000000000`, a hash's hex letters become digits;
    /// - it is cut to the original's length from the left (after a `-`): a hash in place of a card keeps
    ///   the value's length, so a `numeric(18,2)` still holds it and a fraction the action left stays;
    /// - an integer that is still out of its type's range loses leading digits until it is in range (a
    ///   19-digit `bigint` whose masked digits exceed 9223372036854775807 keeps its last 18).
    static func repair(_ text: inout [UInt8], as kind: Kind, original: UnsafeBufferPointer<UInt8>) {
        if kind.isArray {
            repairElements(&text, as: kind.element, original: original)
        } else {
            repair(&text, as: kind, originalLength: original.count)
        }
    }

    /// `repair` for one number (not an array) of `originalLength` bytes.
    static func repair(_ text: inout [UInt8], as kind: Kind, originalLength: Int) {
        let minus = UInt8(ascii: "-"), point = UInt8(ascii: "."), zero = UInt8(ascii: "0")
        var seenPoint = kind.number != .decimal
        for i in text.indices {
            let b = text[i]
            if b >= 0x30 && b <= 0x39 { continue }
            if b == minus && i == 0 && text.count > 1 { continue }
            if b == point && !seenPoint && i > 0 { seenPoint = true; continue }
            text[i] = zero
        }
        let sign = text.first == minus ? 1 : 0
        if text.count > max(originalLength, sign + 1) {
            text.removeSubrange(sign..<(sign + text.count - max(originalLength, sign + 1)))
        }
        if text.count == sign || text[sign] == point { text.insert(zero, at: sign) }
        if case .integer(let width) = kind.number {
            while text.count > sign + 1 && !fits(text, sign: sign, width: width) { text.remove(at: sign) }
        }
    }

    /// The bytes of an array's text form that are its structure, not an element's: braces, commas and
    /// the bounds decoration (`[0:1]=`). No action writes one (a token adds no `,`), so the masked
    /// text has the original's structure, element for element.
    @inline(__always)
    static func isStructure(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "{") || b == UInt8(ascii: "}") || b == UInt8(ascii: ",") || b == UInt8(ascii: "[")
            || b == UInt8(ascii: "]") || b == UInt8(ascii: ":") || b == UInt8(ascii: "=")
    }

    /// Repairs each element of a masked array text that differs from the original's element at the same
    /// place (`NULL` and untouched elements stay as they are). Should the structures not match, every
    /// byte of every element becomes `0`: the array still parses, and no byte the masking did not vouch
    /// for is kept.
    static func repairElements(_ text: inout [UInt8], as kind: Kind, original: UnsafeBufferPointer<UInt8>) {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0, j = 0
        var aligned = true
        while i < text.count {
            if isStructure(text[i]) {
                aligned = aligned && j < original.count && original[j] == text[i]
                out.append(text[i])
                i += 1
                j += 1
                continue
            }
            var end = i
            while end < text.count && !isStructure(text[end]) { end += 1 }
            var originalEnd = j
            while originalEnd < original.count && !isStructure(original[originalEnd]) { originalEnd += 1 }
            var element = Array(text[i..<end])
            if !aligned || j >= original.count || isStructure(original[j]) {
                aligned = false
                element = [UInt8(ascii: "0")]
            } else if !element.elementsEqual(original[j..<originalEnd]) {
                repair(&element, as: kind, original: UnsafeBufferPointer(rebasing: original[j..<originalEnd]))
            }
            out.append(contentsOf: element)
            i = end
            j = originalEnd
        }
        if !aligned {
            // Elements after the mismatch were made 0 above; the ones before it were repaired: zeros too.
            out = out.map { isStructure($0) || $0 == UInt8(ascii: "0") ? $0 : UInt8(ascii: "0") }
        }
        text = out
    }

    /// Whether the digits `text[sign...]` (with a `-` before them when `sign` is 1) are an integer of
    /// `width` bytes.
    private static func fits(_ text: [UInt8], sign: Int, width: Int) -> Bool {
        let limit = (UInt64(1) << UInt64(8 * width - 1)) - 1 + UInt64(sign)
        var magnitude: UInt64 = 0
        for b in text[sign...] {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(b &- 0x30))
            if o1 || o2 || sum > limit { return false }
            magnitude = sum
        }
        return true
    }
}
