/// Counts the rows of a corpus the way maskd reads them, for rows/s figures of modes that cannot
/// report rows themselves (a child process, a socket).
enum RowCounter {
    static func count(_ bytes: UnsafeRawBufferPointer, format: CorpusFormat) -> Int {
        switch format {
        case .csv: csvRecords(bytes) - 1  // the header
        case .wire: dataRows(bytes)
        case .pgdump: copyLines(bytes)
        case .copy, .lines: lines(bytes)
        }
    }

    /// Lines: line feeds, plus a last line without one (a COPY stream's rows; text lines, where a PEM
    /// block of several lines is one value to maskd, a rare difference).
    static func lines(_ bytes: UnsafeRawBufferPointer) -> Int {
        var count = 0
        for b in bytes where b == UInt8(ascii: "\n") { count += 1 }
        if let last = bytes.last, last != UInt8(ascii: "\n") { count += 1 }
        return count
    }

    /// RFC 4180 records: line feeds outside quotes, plus a last record without one.
    static func csvRecords(_ bytes: UnsafeRawBufferPointer) -> Int {
        var quoted = false
        var records = 0
        for b in bytes {
            if b == UInt8(ascii: "\"") { quoted.toggle() } else if b == UInt8(ascii: "\n") && !quoted { records += 1 }
        }
        if let last = bytes.last, last != UInt8(ascii: "\n") { records += 1 }
        return records
    }

    /// DataRow messages of a backend message stream; stops at the first frame that does not fit.
    static func dataRows(_ bytes: UnsafeRawBufferPointer) -> Int {
        var p = 0
        var rows = 0
        while bytes.count - p >= 5 {
            let length = Int(UInt32(bytes[p + 1]) << 24 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 8 | UInt32(bytes[p + 4]))
            guard length >= 4 else { break }
            if bytes[p] == UInt8(ascii: "D") { rows += 1 }
            p += 1 + length
        }
        return rows
    }

    /// Lines inside the COPY … FROM stdin blocks of a pg_dump script.
    static func copyLines(_ bytes: UnsafeRawBufferPointer) -> Int {
        var rows = 0
        var inCopy = false
        var lineStart = 0
        for i in 0..<bytes.count where bytes[i] == UInt8(ascii: "\n") {
            let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<i])
            lineStart = i + 1
            if inCopy {
                if line.count == 2 && line[0] == UInt8(ascii: "\\") && line[1] == UInt8(ascii: ".") { inCopy = false } else { rows += 1 }
            } else if line.starts(with: "COPY ".utf8) && line.count >= 11
                        && UnsafeRawBufferPointer(rebasing: line[(line.count - 11)...]).elementsEqual("FROM stdin;".utf8) {
                inCopy = true
            }
        }
        return rows
    }
}
