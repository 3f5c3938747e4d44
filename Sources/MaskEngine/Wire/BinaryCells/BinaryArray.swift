/// A one- or multi-dimensional array in binary (array_send): Int32 ndim, Int32 hasnull flag (0/1),
/// UInt32 element type OID, ndim × (Int32 dimension size, Int32 lower bound), then for each element
/// Int32 length (-1 = NULL) and its bytes.
///
/// Why: `text[]` of phone numbers or an `int8[]` of SSNs arrives from a binary-format query as one opaque cell.
/// The masker needs each element's bytes to decode, scan and mask it with the element type's codec, and then
/// must rebuild an array whose lengths match the new element bytes, or pgx/asyncpg/postgres-nio/JDBC would
/// reject (or misread) the row. `parse` checks the structure as strictly as array_recv so that nothing
/// malformed is ever rewritten; `appendEncoded` keeps the dimensions and element type and redoes the lengths.
struct BinaryArray {
    var elementOID: UInt32
    /// Byte ranges of the elements inside the buffer given to `parse`; nil for a NULL element.
    var elements: [Range<Int>?]
    /// Offset where the element list starts (after the header and dimensions).
    var headerEnd: Int

    /// array_recv refuses more dimensions than MAXDIM.
    static let maxDimensions = 6

    /// Array type OID -> element type OID for the arrays the masker decodes (checked against pg_type of
    /// PostgreSQL 15: `select oid, typelem from pg_type where oid in (...)`).
    static let elementOIDs: [UInt32: UInt32] = [
        1009: 25,    // text[]    -> text
        1015: 1043,  // varchar[] -> varchar
        1014: 1042,  // bpchar[]  -> bpchar
        1003: 19,    // name[]    -> name
        1005: 21,    // int2[]    -> int2
        1007: 23,    // int4[]    -> int4
        1016: 20,    // int8[]    -> int8
        1231: 1700,  // numeric[] -> numeric
        199: 114,    // json[]    -> json
        3807: 3802,  // jsonb[]   -> jsonb
        1001: 17,    // bytea[]   -> bytea
        143: 142,    // xml[]     -> xml
    ]

    /// Validates everything (ndim 0...6, dimension product == element count, no negative lengths other than -1,
    /// no element running past the end, nothing after the last element, product overflow guarded) and returns nil when malformed.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> BinaryArray? {
        guard bytes.count >= 12 else { return nil }
        let ndim = int32(bytes, 0)
        let flags = int32(bytes, 4)
        let elementOID = UInt32(bitPattern: Int32(truncatingIfNeeded: int32(bytes, 8)))
        guard ndim >= 0, ndim <= maxDimensions, flags == 0 || flags == 1 else { return nil }
        let headerEnd = 12 + 8 * ndim
        guard bytes.count >= headerEnd else { return nil }
        // Every element costs at least its 4-byte length, which bounds the product before anything is reserved.
        let maxElements = (bytes.count - headerEnd) / 4
        var product = ndim == 0 ? 0 : 1
        for d in 0..<ndim {
            let size = int32(bytes, 12 + 8 * d)
            let lowerBound = int32(bytes, 16 + 8 * d)
            guard size >= 0 else { return nil }
            // array_recv (ArrayCheckBounds) refuses an upper bound that overflows Int32.
            guard Int32(truncatingIfNeeded: size).addingReportingOverflow(Int32(truncatingIfNeeded: lowerBound)).overflow == false
            else { return nil }
            let (next, overflow) = product.multipliedReportingOverflow(by: size)
            guard !overflow else { return nil }
            product = next
        }
        guard product <= maxElements else { return nil }
        var elements: [Range<Int>?] = []
        elements.reserveCapacity(product)
        var position = headerEnd
        for _ in 0..<product {
            guard bytes.count - position >= 4 else { return nil }
            let length = int32(bytes, position)
            position += 4
            if length == -1 {
                elements.append(nil)
                continue
            }
            guard length >= 0, length <= bytes.count - position else { return nil }
            elements.append(position..<(position + length))
            position += length
        }
        guard position == bytes.count else { return nil }
        return BinaryArray(elementOID: elementOID, elements: elements, headerEnd: headerEnd)
    }

    /// Appends the header bytes (copied from the original, bytes[0..<headerEnd]) and then each element as
    /// Int32 length + bytes, taking element i's new bytes from `element(i)` (nil = NULL). The result is a valid array_send value.
    ///
    /// The hasnull flag is rewritten to match the new elements (array_send sets it exactly when some element is
    /// NULL), so replacing a value with NULL, or the reverse, still gives the bytes the server would send.
    func appendEncoded(header bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], element: (Int) -> [UInt8]?) {
        let start = out.count
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<headerEnd]))
        var hasNull = false
        for index in elements.indices {
            guard let value = element(index) else {
                hasNull = true
                WireFrame.appendInt32(-1, to: &out)
                continue
            }
            WireFrame.appendInt32(Int32(truncatingIfNeeded: value.count), to: &out)
            out.append(contentsOf: value)
        }
        out[start + 4] = 0
        out[start + 5] = 0
        out[start + 6] = 0
        out[start + 7] = hasNull ? 1 : 0
    }

    private static func int32(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int {
        Int(Int32(bitPattern: UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16
            | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])))
    }
}
