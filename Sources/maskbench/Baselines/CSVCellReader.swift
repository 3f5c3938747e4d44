#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One cell as `CSVCellReader` decodes it.
struct CSVCell {
    /// 0-based data row; -1 for the header's cells.
    var row: Int
    /// 0-based column.
    var column: Int
    /// The value with its quotes removed and doubled quotes made single. Borrowed: valid until the
    /// reader's next call, and only while the input is.
    var value: UnsafeBufferPointer<UInt8>
    /// Whether the field was quoted in the input (a writer quotes it again).
    var quoted: Bool
    /// Whether this is its record's last field.
    var endsRecord: Bool
}

/// An RFC 4180 reader that hands out cells one at a time, for the hand-written baseline and for
/// checking offsets: quoted fields may hold the delimiter, CR, LF and doubled quotes; records end
/// with LF or CRLF. Lenient where a strict reader would stop (it is a baseline, not maskd): bytes
/// between a closing quote and the next delimiter are dropped, and an unclosed quote runs to the end.
///
/// Values point into the input when they can; only a quoted value holding a doubled quote is copied,
/// into a scratch buffer the reader keeps across calls, so reading allocates nothing once warm. A
/// noncopyable struct rather than a class: it owns that buffer, and a local reader's state needs no
/// reference counting or run-time exclusivity checks per cell.
struct CSVCellReader: ~Copyable {
    private let delimiter: UInt8
    private let hasHeader: Bool
    private var input = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private var position = 0
    private var record = 0
    private var column = 0
    /// The last cell ended at a delimiter, so one more field follows even at the end of the input.
    private var fieldPending = false
    private var scratch: UnsafeMutableBufferPointer<UInt8>

    init(delimiter: UInt8 = UInt8(ascii: ","), hasHeader: Bool = true) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        scratch = .allocate(capacity: 4096)
    }

    deinit { scratch.deallocate() }

    /// Starts over on `bytes`, which must stay valid while cells are read.
    mutating func reset(_ bytes: UnsafeBufferPointer<UInt8>) {
        input = bytes
        position = 0
        record = 0
        column = 0
        fieldPending = false
    }

    /// The next cell, or nil at the end of the input. A final LF does not start an empty record; a
    /// final delimiter does end with an empty field.
    mutating func next() -> CSVCell? {
        let row = hasHeader ? record - 1 : record
        let cellColumn = column
        guard position < input.count, let base = input.baseAddress else {
            // `a,` at the very end: the empty last field.
            guard fieldPending else { return nil }
            fieldPending = false
            return CSVCell(row: row, column: cellColumn, value: UnsafeBufferPointer(start: nil, count: 0), quoted: false, endsRecord: true)
        }
        var value: UnsafeBufferPointer<UInt8>
        var quoted = false
        var end: Int  // the index of the delimiter or LF that ends the field, or input.count
        if base[position] == UInt8(ascii: "\"") {
            quoted = true
            (value, end) = quotedField(base, from: position + 1)
        } else {
            end = position
            while end < input.count && base[end] != delimiter && base[end] != UInt8(ascii: "\n") { end += 1 }
            var valueEnd = end
            if end < input.count && base[end] == UInt8(ascii: "\n") && valueEnd > position && base[valueEnd - 1] == UInt8(ascii: "\r") {
                valueEnd -= 1
            }
            // Sound: position..<valueEnd lies inside the input.
            value = UnsafeBufferPointer(start: base + position, count: valueEnd - position)
        }
        let endsRecord = end >= input.count || base[end] == UInt8(ascii: "\n")
        position = end + 1
        if endsRecord { record += 1; column = 0 } else { column += 1 }
        fieldPending = !endsRecord
        return CSVCell(row: row, column: cellColumn, value: value, quoted: quoted, endsRecord: endsRecord)
    }

    /// The value of the quoted field whose first content byte is at `start`, and the index of the byte
    /// that ends the field (delimiter or LF after the closing quote, or the input's end).
    private mutating func quotedField(_ base: UnsafePointer<UInt8>, from start: Int) -> (UnsafeBufferPointer<UInt8>, Int) {
        let count = input.count
        var copied = 0      // bytes already in scratch (only after a doubled quote was seen)
        var segment = start // first byte not yet accounted for
        var p = start
        while true {
            // Sound: p <= count; memchr reads [p, count).
            let quote = p < count ? memchr(base + p, Int32(UInt8(ascii: "\"")), count - p) : nil
            guard let quote else {
                // Unclosed: the value runs to the end of the input.
                return (finish(base, segment: segment..<count, copied: copied), count)
            }
            let q = UnsafePointer<UInt8>(quote.assumingMemoryBound(to: UInt8.self)) - base
            if q + 1 < count && base[q + 1] == UInt8(ascii: "\"") {
                // A doubled quote: copy the segment and one quote, continue after the pair.
                copied = append(base, segment..<(q + 1), at: copied)
                segment = q + 2
                p = q + 2
                continue
            }
            let value = finish(base, segment: segment..<q, copied: copied)
            var end = q + 1
            while end < count && base[end] != delimiter && base[end] != UInt8(ascii: "\n") { end += 1 }
            return (value, end)
        }
    }

    /// The value: straight from the input when nothing was copied, else the scratch plus the last segment.
    private mutating func finish(_ base: UnsafePointer<UInt8>, segment: Range<Int>, copied: Int) -> UnsafeBufferPointer<UInt8> {
        // Sound: the segment lies inside the input.
        if copied == 0 { return UnsafeBufferPointer(start: base + segment.lowerBound, count: segment.count) }
        let total = append(base, segment, at: copied)
        return UnsafeBufferPointer(start: scratch.baseAddress, count: total)
    }

    /// Copies input bytes `range` into scratch at `offset`, growing it; returns the new length.
    private mutating func append(_ base: UnsafePointer<UInt8>, _ range: Range<Int>, at offset: Int) -> Int {
        let needed = offset + range.count
        if needed > scratch.count {
            let grown = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(needed, scratch.count * 2))
            // Sound: both buffers hold at least `offset` bytes.
            grown.baseAddress!.update(from: scratch.baseAddress!, count: offset)
            scratch.deallocate()
            scratch = grown
        }
        // Sound: scratch holds `needed` bytes, the range lies inside the input.
        (scratch.baseAddress! + offset).update(from: base + range.lowerBound, count: range.count)
        return needed
    }
}
