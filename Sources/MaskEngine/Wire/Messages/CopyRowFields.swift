/// The fields of one CopyData row of a text-format COPY OUT, found so that the `null` action can make
/// a field NULL rather than empty a span in the middle of a row.
///
/// A CopyOutResponse says "text" for both `FORMAT text` and `FORMAT csv`, so the row tells which it is
/// by its field count, checked against the CopyOutResponse's column count: fields split at tabs
/// (text format, where a tab inside a value is written `\t`) or else at commas outside double quotes
/// (CSV). NULL is `\N` in text format and an empty unquoted field in CSV, as PostgreSQL writes them by
/// default. A row that matches neither, or a stream whose CopyOutResponse was not seen (a capture that
/// starts mid-COPY, where only a tab-separated row is recognised), has no fields: it is masked as text.
/// A one-column COPY reads as text format (`\N`): one field cannot tell the two formats apart.
struct CopyRowFields {
    enum Format { case text, csv }

    let format: Format
    /// Each field's bytes, as offsets into the row; the row's line ending follows the last one.
    let bounds: [Range<Int>]

    /// What a NULL field is written as.
    var nullLiteral: [UInt8] { format == .text ? [UInt8(ascii: "\\"), UInt8(ascii: "N")] : [] }

    /// How a `COPY … TO STDOUT` statement says its rows are written (`FORMAT csv`, `DELIMITER ';'`), when
    /// the session saw it say so (`CopyOutStatement`): then the fields are split so, not guessed.
    struct Layout: Equatable {
        var format: Format
        var delimiter: UInt8
    }

    init?(_ row: UnsafeBufferPointer<UInt8>, columns: Int?, layout: Layout? = nil) {
        var end = row.count
        if end > 0 && row[end - 1] == 10 { end -= 1 }
        if end > 0 && row[end - 1] == 13 { end -= 1 }
        if let layout {
            let split = layout.format == .csv ? Self.csvFields(row, end: end, delimiter: layout.delimiter)
                : Self.textFields(row, end: end, delimiter: layout.delimiter)
            guard let split, columns == nil || split.count == columns else { return nil }
            format = layout.format
            bounds = split
            return
        }
        var tabs: [Range<Int>] = []
        var fieldStart = 0
        for i in 0..<end where row[i] == 9 {
            tabs.append(fieldStart..<i)
            fieldStart = i + 1
        }
        tabs.append(fieldStart..<end)
        if let columns {
            if tabs.count == columns {
                format = .text
                bounds = tabs
                return
            }
            guard let commas = Self.csvFields(row, end: end), commas.count == columns else { return nil }
            format = .csv
            bounds = commas
        } else {
            guard tabs.count > 1 else { return nil }
            format = .text
            bounds = tabs
        }
    }

    /// Fields split at `delimiter` where no backslash escapes it (COPY's text format writes a delimiter
    /// inside a value as `\` and the delimiter).
    private static func textFields(_ row: UnsafeBufferPointer<UInt8>, end: Int, delimiter: UInt8) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var fieldStart = 0
        var i = 0
        while i < end {
            if row[i] == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if row[i] == delimiter {
                fields.append(fieldStart..<i)
                fieldStart = i + 1
            }
            i += 1
        }
        fields.append(fieldStart..<end)
        return fields
    }

    /// Fields split at commas (or `delimiter`) outside double quotes (a doubled quote inside quotes is a
    /// quote).
    private static func csvFields(_ row: UnsafeBufferPointer<UInt8>, end: Int, delimiter: UInt8 = UInt8(ascii: ",")) -> [Range<Int>]? {
        var fields: [Range<Int>] = []
        var fieldStart = 0
        var quoted = false
        for i in 0..<end {
            let b = row[i]
            if b == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if b == delimiter && !quoted {
                fields.append(fieldStart..<i)
                fieldStart = i + 1
            }
        }
        guard !quoted else { return nil }
        fields.append(fieldStart..<end)
        return fields
    }
}

/// The column count a CopyOutResponse announces (Int8 format, Int16 count, then the count's format
/// codes), or nil when the payload does not hold one.
enum CopyOutColumns {
    static func count(_ payload: UnsafeBufferPointer<UInt8>) -> Int? {
        guard payload.count >= 3 else { return nil }
        let n = Int(Int16(bitPattern: UInt16(payload[1]) << 8 | UInt16(payload[2])))
        return n >= 0 && payload.count == 3 + 2 * n ? n : nil
    }
}
