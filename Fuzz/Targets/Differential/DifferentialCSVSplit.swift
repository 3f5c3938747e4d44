import CMaskKernels
import MaskEngine

/// The CSV record splitter's AVX2 path against its scalar path (each forced and asserted to run), and
/// both against a byte loop that toggles "inside quotes" at every quote byte. Then the field reader
/// (`mk_csv_fields`, on each path) against `referenceFields`, a byte loop that reads records as
/// CSVChunkMasker's record loop does; and the COPY text row reader (`mk_copy_fields`, on each path, which
/// the same kernel switch forces) against `referenceCopyFields`, a byte loop that reads rows as
/// CopyTextChunkMasker's row loop does, and the dump splitter's `\.` search (`mk_copy_data_end`) against
/// a line-by-line loop.
public enum DifferentialCSVSplit: DifferentialTarget {
    public static let name = "DifferentialCSVSplit"

    public static func mismatch(in data: UnsafeRawBufferPointer) -> DifferentialMismatch? {
        let kernel = AcceleratedKernel.csvSplit
        var input = DifferentialInput(data)
        let quote = input.choice([UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\n"), 0])
        let mapped = input.byte() & 1 == 0
        // Mapped: quotes, newlines and a filler, so records and quoted newlines are dense.
        let alphabet: [UInt8] = [quote, UInt8(ascii: "\n"), UInt8(ascii: ","), UInt8(ascii: "a"), quote, UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\"")]
        let bytes = mapped ? input.rest.map { alphabet[Int($0) % alphabet.count] } : input.rest

        var quoted = false
        var expected = (end: 0, lines: 0, records: 0)
        var lines = 0, records = 0
        for (i, b) in bytes.enumerated() {
            if b == quote { quoted.toggle() }
            if b == UInt8(ascii: "\n") {
                lines += 1
                if !quoted { records += 1; expected = (i + 1, lines, records) }
            }
        }
        for path in kernel.availablePaths {
            let outcome = kernel.withPath(path) { () -> (mk_csv_split, KernelPath?) in
                let split = bytes.withUnsafeBufferPointer { mk_csv_last_record_end($0.baseAddress, $0.count, quote) }
                return (split, kernel.lastPath)
            }
            guard let result = outcome, result.1 == path else {
                return DifferentialMismatch("the forced \(path) path did not run")
            }
            let split = result.0
            if split.end != expected.end || split.lines != expected.lines || split.records != expected.records {
                return DifferentialMismatch("\(path): end \(split.end) lines \(split.lines) records \(split.records), byte loop "
                                            + "\(expected.end) \(expected.lines) \(expected.records) (\(bytes.count) bytes)")
            }
        }
        let delimiter = input.choice([UInt8(ascii: ","), UInt8(ascii: ";"), 9])
        if let mismatch = readersAgree("fields", bytes, referenceFields(bytes, delimiter: delimiter, maxRecords: 256), {
            mk_csv_fields($0, $1, 0, delimiter, 256, Int.max / 2, $2, $3, $4)
        }) {
            return mismatch
        }
        // COPY rows: backslashes, tabs and LFs dense (mapped), any field count or the one expected.
        let copyAlphabet: [UInt8] = [UInt8(ascii: "\\"), 9, 10, UInt8(ascii: "N"), UInt8(ascii: "a"), UInt8(ascii: "\\"), 13, UInt8(ascii: "t")]
        let copyBytes = mapped ? input.rest.map { copyAlphabet[Int($0) % copyAlphabet.count] } : input.rest
        let expectedCopyFields = Int(input.byte() % 4)
        let expectedCopy = referenceCopyFields(copyBytes, expectedFields: expectedCopyFields, maxRecords: 256)
        if let mismatch = readersAgree("COPY fields", copyBytes, expectedCopy, {
            mk_copy_fields($0, $1, 0, expectedCopyFields, 256, Int.max / 2, $2, $3, $4)
        }) {
            return mismatch
        }
        // The dump splitter's search for a block's `\.` line, on the same bytes.
        let inputEnds = input.byte() & 1 == 0
        let expectedEnd = referenceCopyDataEnd(copyBytes, inputEnds: inputEnds)
        for path in kernel.availablePaths {
            let outcome = kernel.withPath(path) { () -> ([Int], KernelPath?) in
                let r = copyBytes.withUnsafeBufferPointer { mk_copy_data_end($0.baseAddress, $0.count, inputEnds ? 1 : 0) }
                return ([r.rows_end, r.terminator, r.lines], kernel.lastPath)
            }
            guard let result = outcome, result.1 == path else {
                return DifferentialMismatch("the forced \(path) path did not run (COPY data end)")
            }
            if result.0 != expectedEnd {
                return DifferentialMismatch("\(path): COPY data end \(result.0), byte loop \(expectedEnd) (\(copyBytes.count) bytes)")
            }
        }
        if !kernel.isAvailable(.accelerated) { CPUWarning.once(kernel) }
        return nil
    }

    /// Line by line from the start: the first line that is `\.` alone (then an optional CR, then LF or,
    /// when the input ends with the bytes, their end) gives [its start, its length, the LFs before it];
    /// without one, [the end of the last whole line, 0, the LFs].
    static func referenceCopyDataEnd(_ b: [UInt8], inputEnds: Bool) -> [Int] {
        var lineStart = 0
        var lines = 0
        while lineStart < b.count {
            if b[lineStart] == UInt8(ascii: "\\"), lineStart + 1 < b.count, b[lineStart + 1] == UInt8(ascii: ".") {
                var end = lineStart + 2
                if end < b.count && b[end] == 13 { end += 1 }
                if end == b.count ? inputEnds : b[end] == 10 { return [lineStart, min(end + 1, b.count) - lineStart, lines] }
            }
            guard let lf = b[lineStart...].firstIndex(of: 10) else { break }
            lines += 1
            lineStart = lf + 1
        }
        return [lineStart, 0, lines]
    }

    /// A field reader (`read(bytes, count, fields, capacity, recordEnds)`, at most 256 records) on each
    /// kernel path, forced and asserted to run, against the byte loop's reading `expected`.
    static func readersAgree(_ what: String, _ bytes: [UInt8], _ expected: ReadFields,
                             _ read: (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<mk_csv_field>, Int,
                                      UnsafeMutablePointer<Int>) -> mk_csv_fields_result) -> DifferentialMismatch? {
        let kernel = AcceleratedKernel.csvSplit
        for path in kernel.availablePaths {
            let outcome = kernel.withPath(path) { () -> (ReadFields, KernelPath?) in
                var fields = [mk_csv_field](repeating: mk_csv_field(), count: bytes.count + 2)
                var ends = [Int](repeating: 0, count: 256)
                let r = bytes.withUnsafeBufferPointer { b in
                    fields.withUnsafeMutableBufferPointer { f in
                        ends.withUnsafeMutableBufferPointer { e in read(b.baseAddress, b.count, f.baseAddress!, f.count, e.baseAddress!) }
                    }
                }
                let found = ReadFields(fields: fields.prefix(r.fields).map { [$0.start, $0.end, Int($0.flags)] },
                                       ends: Array(ends.prefix(r.records)), lines: r.lines, irregular: r.irregular != 0)
                return (found, kernel.lastPath)
            }
            guard let result = outcome, result.1 == path else {
                return DifferentialMismatch("the forced \(path) path did not run (\(what))")
            }
            if result.0 != expected {
                return DifferentialMismatch("\(path): \(what) \(result.0), byte loop \(expected) (\(bytes.count) bytes)")
            }
        }
        return nil
    }

    /// Whole COPY text rows from the start, as the row loop reads them: a backslash escapes the byte
    /// after it, an unescaped tab ends a field and an unescaped LF a row, the buffer's end the last row;
    /// stopping after `maxRecords`, or before a row the loop refuses (an escaped LF, a backslash last, a
    /// field count other than `expectedFields` when that is not 0).
    static func referenceCopyFields(_ b: [UInt8], expectedFields: Int, maxRecords: Int) -> ReadFields {
        let tab: UInt8 = 9, lf: UInt8 = 10, backslash = UInt8(ascii: "\\")
        let escaped = Int(MK_COPY_ESCAPED), null = Int(MK_COPY_NULL), last = Int(MK_CSV_LAST)
        var read = ReadFields(fields: [], ends: [], lines: 0, irregular: false)
        var pos = 0
        let n = b.count
        while pos < n && read.ends.count < maxRecords {
            var fields: [[Int]] = []
            var p = pos
            var end = -1
            while end < 0 {
                let start = p
                var escapes = 0
                var escapedByte = -1
                while p < n && b[p] != tab && b[p] != lf {
                    if b[p] == backslash {
                        if p + 1 >= n || b[p + 1] == lf { read.irregular = true; return read }
                        escapes += 1
                        escapedByte = p + 1
                        p += 2
                    } else {
                        p += 1
                    }
                }
                // An unescaped CR before the row's LF is its line ending.
                let valueEnd = p < n && b[p] == lf && p > start && b[p - 1] == 13 && escapedByte != p - 1 ? p - 1 : p
                let isNull = valueEnd - start == 2 && b[start] == backslash && b[start + 1] == UInt8(ascii: "N")
                let flags = isNull ? null : escapes > 0 ? escaped : 0
                if p >= n {
                    fields.append([start, p, flags | last]); end = n
                } else if b[p] == tab {
                    fields.append([start, p, flags])
                    p += 1
                    if p == n { fields.append([n, n, last]); end = n }
                } else {
                    fields.append([start, valueEnd, flags | last]); end = p + 1
                }
            }
            if expectedFields != 0 && fields.count != expectedFields { read.irregular = true; return read }
            read.fields += fields
            read.ends.append(end)
            read.lines += 1
            pos = end
        }
        return read
    }

    struct ReadFields: Equatable {
        /// start, end, flags of each field
        var fields: [[Int]]
        var ends: [Int]
        var lines: Int
        var irregular: Bool
    }

    /// Whole records from the start, as the record loop reads them (RFC 4180, LF or CR LF), stopping
    /// after `maxRecords`, or before a record the field reader leaves to the record loop: a malformed one,
    /// a lone CR outside quotes, an unterminated quote.
    static func referenceFields(_ b: [UInt8], delimiter: UInt8, maxRecords: Int) -> ReadFields {
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        let quoted = Int(MK_CSV_QUOTED), doubled = Int(MK_CSV_DOUBLED), last = Int(MK_CSV_LAST)
        let backslash = Int(MK_CSV_BACKSLASH)
        var read = ReadFields(fields: [], ends: [], lines: 0, irregular: false)
        var pos = 0
        let n = b.count
        while pos < n && read.ends.count < maxRecords {
            var fields: [[Int]] = []
            var lines = 0
            var p = pos
            var end = -1
            while end < 0 {
                let start = p
                var flags = 0
                if p < n && b[p] == quote {
                    flags = quoted
                    p += 1
                    var closed = false
                    while p < n {
                        if b[p] == quote {
                            if p + 1 < n && b[p + 1] == quote { flags |= doubled; p += 2; continue }
                            closed = true
                            p += 1
                            break
                        }
                        if b[p] == lf { lines += 1 }
                        p += 1
                    }
                    if !closed { read.irregular = true; return read }
                } else {
                    while p < n && b[p] != delimiter && b[p] != lf && b[p] != cr {
                        if b[p] == quote { read.irregular = true; return read }
                        p += 1
                    }
                }
                // The value's first byte, after an opening quote: a backslash may start bytea's hex text.
                let valueStart = start + (flags & quoted != 0 ? 1 : 0)
                if valueStart < p && b[valueStart] == UInt8(ascii: "\\") { flags |= backslash }
                if p >= n {
                    fields.append([start, p, flags | last]); end = n
                } else if b[p] == delimiter {
                    fields.append([start, p, flags])
                    p += 1
                    if p == n { fields.append([n, n, last]); end = n }
                } else if b[p] == lf {
                    fields.append([start, p, flags | last]); lines += 1; end = p + 1
                } else if b[p] == cr && p + 1 < n && b[p + 1] == lf {
                    fields.append([start, p, flags | last]); lines += 1; end = p + 2
                } else {
                    read.irregular = true
                    return read
                }
            }
            read.fields += fields
            read.ends.append(end)
            read.lines += lines
            pos = end
        }
        return read
    }
}
