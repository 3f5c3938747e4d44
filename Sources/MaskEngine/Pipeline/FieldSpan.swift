/// One field of a record or row being masked (see `TextRecordBatch`): its raw bytes (with quotes or
/// escapes), its value, how it is scanned and where its findings are.
struct FieldSpan {
    /// How a field's value reaches the scanner.
    enum Source: Equatable {
        /// Scanned where it lies in the chunk.
        case raw
        /// In the batch's decoded bytes at this range, scanned and rewritten from there: decoded first
        /// (CSV doubled quotes, COPY backslash escapes), or a CSV value copied there as it is.
        case decoded(Range<Int>)
        /// Not scanned: a COPY NULL.
        case skipped
    }

    var rawStart: Int
    var rawEnd: Int
    var valueStart: Int
    var valueEnd: Int
    /// CSV: the value was quoted, and is written quoted again.
    var quoted: Bool
    var source: Source
    /// The field's findings in its batch's `findings` (offsets into the value).
    var findings: Range<Int> = 0..<0

    init(rawStart: Int, rawEnd: Int, valueStart: Int, valueEnd: Int, quoted: Bool, source: Source = .raw) {
        self.rawStart = rawStart
        self.rawEnd = rawEnd
        self.valueStart = valueStart
        self.valueEnd = valueEnd
        self.quoted = quoted
        self.source = source
    }

    /// The empty last field of a record that ends in a delimiter at the end of input.
    init(empty at: Int) {
        self.init(rawStart: at, rawEnd: at, valueStart: at, valueEnd: at, quoted: false)
    }
}
