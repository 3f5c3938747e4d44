import CMaskKernels

/// One field of a record or row being masked (see `TextRecordBatch`): its raw bytes (with quotes or
/// escapes), its value, how it is scanned and where its findings are.
///
/// Kept as the C struct `mk_text_field` (48 bytes), so that `mk_text_gather` writes a CSV batch's fields
/// where the batch keeps them (`TextFields`), without a Swift step per field.
struct FieldSpan {
    /// How a field's value reaches the scanner.
    enum Source: Equatable {
        /// Scanned where it lies in the chunk.
        case raw
        /// In the batch's decoded bytes at this range, scanned and rewritten from there: decoded first
        /// (CSV doubled quotes, COPY backslash escapes), or a value copied there as it is. (A bytea hex
        /// value lies there too, scanned as the bytes it encodes: `isByteaHex`.)
        case decoded(Range<Int>)
        /// Not scanned: a COPY NULL.
        case skipped
    }

    var c: mk_text_field

    init(_ c: mk_text_field) { self.c = c }

    /// A field whose value is `raw` without its quotes when `quoted` (a CSV field), scanned where it lies.
    init(rawStart: Int, rawEnd: Int, quoted: Bool) {
        let q = quoted ? 1 : 0
        c = mk_text_field(raw_start: Int64(rawStart), raw_end: Int64(rawEnd), value_start: Int64(rawStart + q),
                          value_end: Int64(rawEnd - q), findings_start: 0, findings_end: 0,
                          flags: quoted ? UInt32(MK_FIELD_QUOTED) : 0)
    }

    var rawStart: Int { Int(c.raw_start) }
    var rawEnd: Int { Int(c.raw_end) }
    /// CSV: the value was quoted, and is written quoted again.
    var quoted: Bool { c.flags & UInt32(MK_FIELD_QUOTED) != 0 }
    /// The value in the chunk: the raw bytes without the quotes of a quoted field.
    var valueStart: Int { rawStart + (quoted ? 1 : 0) }
    var valueEnd: Int { rawEnd - (quoted ? 1 : 0) }

    var source: Source {
        @inline(__always) get {
            if c.flags & UInt32(MK_FIELD_DECODED | MK_FIELD_HEX) != 0 { return .decoded(Int(c.value_start)..<Int(c.value_end)) }
            return c.flags & UInt32(MK_FIELD_SKIPPED) != 0 ? .skipped : .raw
        }
        set {
            c.flags &= ~UInt32(MK_FIELD_DECODED | MK_FIELD_SKIPPED)
            switch newValue {
            case .raw:
                (c.value_start, c.value_end) = (Int64(valueStart), Int64(valueEnd))
            case .decoded(let range):
                (c.value_start, c.value_end) = (Int64(range.lowerBound), Int64(range.upperBound))
                c.flags |= UInt32(MK_FIELD_DECODED)
            case .skipped:
                (c.value_start, c.value_end) = (Int64(valueStart), Int64(valueEnd))
                c.flags |= UInt32(MK_FIELD_SKIPPED)
            }
        }
    }

    /// The field's findings in its batch's `findings` (offsets into the value).
    ///
    /// Kept as 32-bit indices, which keeps the struct at 48 bytes: a batch past 2^31 findings would trap
    /// here (never write a wrong range), but its findings array alone would take 48 GiB (24 bytes a
    /// `Finding`), so memory runs out long before.
    var findings: Range<Int> {
        @inline(__always) get { Int(c.findings_start)..<Int(c.findings_end) }
        set { (c.findings_start, c.findings_end) = (Int32(newValue.lowerBound), Int32(newValue.upperBound)) }
    }

    /// A COPY or CSV value that is bytea's hex text (`\x…`, `mk_is_bytea_hex`): scanned, and rewritten,
    /// as the bytes it encodes; its findings are offsets into those bytes.
    var isByteaHex: Bool { c.flags & UInt32(MK_FIELD_HEX) != 0 }

    /// Whether the field has no finding (cheaper than `findings.isEmpty`: no range is built).
    var hasNoFindings: Bool { @inline(__always) get { c.findings_start == c.findings_end } }
}
