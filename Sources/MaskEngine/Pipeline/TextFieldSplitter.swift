import CMaskKernels

/// The text formats' record loops' fast path: `mk_csv_fields` reads whole CSV records, and
/// `mk_copy_fields` whole rows of a COPY block, into field spans in one pass of byte masks (for CSV:
/// quote, delimiter, LF, CR and the inside-quotes parity; for COPY: backslash, tab, LF and the escaped
/// bytes), instead of a Swift step per delimiter, per doubled quote and per escape, which was a fifth of
/// the time on PII-free CSV and a sixth on a PII-free dump. Each accepts exactly the records its
/// format's record loop accepts and stops before any other, which the record loop then reads itself
/// (and names the error of, if it has one). One per session; its buffers are reused.
final class TextFieldSplitter {
    /// Fields one call can return: a batch's worth for tables up to 64 columns; a wider record is read
    /// in a call of its own, and one wider than this by the record loop.
    static let fieldCapacity = TextRecordBatch.maxRecords * 64

    private let fields = UnsafeMutablePointer<mk_csv_field>.allocate(capacity: fieldCapacity)
    private let recordEnds = UnsafeMutablePointer<Int>.allocate(capacity: TextRecordBatch.maxRecords)

    deinit {
        fields.deallocate()
        recordEnds.deallocate()
    }

    /// What one call read: `records` whole records ending at `recordEnd(k)`, with `fieldCount` fields in
    /// order (`fields(of:)`), `lines` LF bytes, and whether it stopped before a record it does not read.
    struct Read {
        var records: Int
        var fieldCount: Int
        var lines: Int
        var end: Int
        var irregular: Bool
    }

    /// Reads records from `position` (a record's start) until `maxRecords` records, `maxBytes` bytes (the
    /// record that reaches it included), the chunk's end, or a record it leaves to the record loop.
    func read(_ chunk: UnsafeBufferPointer<UInt8>, from position: Int, delimiter: UInt8, maxRecords: Int, maxBytes: Int) -> Read {
        let records = min(maxRecords, TextRecordBatch.maxRecords)
        // Sound: the kernel reads chunk[position..<count] and writes at most `fieldCapacity` fields and
        // `records` record ends, the sizes allocated.
        let r = mk_csv_fields(chunk.baseAddress, chunk.count, position, delimiter, records, maxBytes, fields,
                              Self.fieldCapacity, recordEnds)
        return Read(records: r.records, fieldCount: r.fields, lines: r.lines, end: r.position, irregular: r.irregular != 0)
    }

    /// Reads COPY text rows from `position` (a row's start) until `maxRecords` rows, `maxBytes` bytes (the
    /// row that reaches it included), the chunk's end, or a row it leaves to the row loop (one with an
    /// escaped line end, one ending in a backslash, or, when `expectedFields` is not nil, one of another
    /// width). Fields with escapes and NULLs (`\N`) are flagged for `TextRecordBatch.addGathered`.
    func readCopy(_ chunk: UnsafeBufferPointer<UInt8>, from position: Int, expectedFields: Int?, maxRecords: Int,
                  maxBytes: Int) -> Read {
        let records = min(maxRecords, TextRecordBatch.maxRecords)
        // Sound: as `read`'s.
        let r = mk_copy_fields(chunk.baseAddress, chunk.count, position, expectedFields ?? 0, records, maxBytes, fields,
                               Self.fieldCapacity, recordEnds)
        return Read(records: r.records, fieldCount: r.fields, lines: r.lines, end: r.position, irregular: r.irregular != 0)
    }

    /// The fields of `read` (the last read): valid until the next.
    func fields(of read: Read) -> UnsafeBufferPointer<mk_csv_field> {
        // Sound: the last read wrote `fieldCount` fields, at most `fieldCapacity`, the buffer's size.
        UnsafeBufferPointer(start: fields, count: read.fieldCount)
    }

    /// Where record `k` of the last read ends (after its line ending).
    @inline(__always)
    func recordEnd(_ k: Int) -> Int { recordEnds[k] }
}
