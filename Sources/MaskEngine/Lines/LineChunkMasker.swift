import Glibc

/// Where a chunk of lines starts: offsets for errors and reports.
public struct LineChunkStart: Sendable {
    public var byteOffset: Int
    /// 1-based line of the chunk's first byte.
    public var line: Int
    /// 0-based value (line, or PEM block of lines) the chunk starts with.
    public var row: Int = 0
    /// The table the lines come from (`--table`), for policy column rules.
    public var tableName: String?

    public init(byteOffset: Int = 0, line: Int = 1, tableName: String? = nil) {
        self.byteOffset = byteOffset
        self.line = line
        self.tableName = tableName
    }
}

/// Masks text line by line: each line is one value, scanned whole for every type, and written back in
/// its place with its line end (LF or CR LF). For what is neither CSV nor a PostgreSQL format: JSON Lines
/// (`psql -At -c "select to_jsonb(t) from t"`, `jq -c`), psql's unaligned output (`psql -At`, whose
/// fields are not quoted), application logs. A masked JSON document stays JSON (`CellRewriter`: bare
/// numbers stay numbers, escapes stay escapes). There are no column names: a value is announced only by
/// the words before it (`SSN: …`), never by a column.
///
/// A PEM block (`-----BEGIN …` to its `-----END …` line) is one value over several lines: a private
/// key's body lines are a key only next to their BEGIN line (`psql -At` prints a key column's line
/// breaks as they are). A block with no END within `maxKeyBlock` bytes ends there.
public struct LineChunkMasker {
    /// The most bytes a PEM block is read as one value: an 8192-bit RSA key is about 6.5 KB.
    static let maxKeyBlock = 64 * 1024

    public init() {}

    /// Masks the lines in `chunk` (whole lines, the last one perhaps without its LF at the input's end).
    public func mask(_ chunk: UnsafeBufferPointer<UInt8>, start: LineChunkStart, session: MaskSession) -> MaskedChunk {
        MaskedChunk.masking(chunk) { maskLines($0, start: start, session: session) }
    }

    /// Masks the lines in `chunk`; a chunk in which nothing changes is its own output, uncopied.
    func mask(_ chunk: [UInt8], start: LineChunkStart, session: MaskSession) -> MaskedChunk {
        MaskedChunk.masking(chunk) { maskLines($0, start: start, session: session) }
    }

    private func maskLines(_ chunk: UnsafeBufferPointer<UInt8>, start: LineChunkStart, session: MaskSession) -> MaskedChunk {
        var result = MaskedChunk(recordingFindings: session.recordsFindings)
        let actions = session.policy.actions(for: ColumnReference(table: start.tableName))
        result.auditSource = AuditSource(kind: .lines, table: start.tableName, columns: [])
        let rewriter = session.rewriter
        var cellOut = session.cellOut
        session.cellOut = []
        defer { session.cellOut = cellOut }
        var nextBlock = Self.keyBlock(in: chunk, from: 0)
        result.error = TextRecordBatch.mask(
            chunk, structural: (10, 10, 10, 10),
            from: TextRecordBatch.Position(offset: 0, line: start.line, row: start.row), session: session,
            parse: { position, _, batch in
                TextRecordBatch.addRecords(chunk, at: &position, into: &batch, splitter: nil,
                                           // Never called: with no splitter, every record is read by `readRecord`.
                                           read: { _, _, _, _ in fatalError("no splitter reads lines") },
                                           readRecord: { Self.readLine(chunk, at: &$0, nextBlock: &nextBlock, into: &$1) })
            },
            context: { _ in ColumnContext() },
            actions: { _ in actions },
            write: { record, batch, row in
                result.rows += 1
                let field = batch.fields[record.fields.lowerBound]
                guard !field.hasNoFindings else {
                    result.keep(record.start..<record.end, of: chunk)
                    return
                }
                batch.forEachField(of: record) { column, field, findings in
                    for f in findings { result.record(f, row: row, column: column, table: -1) }
                    let value = batch.value(of: field, in: chunk)
                    cellOut.removeAll(keepingCapacity: true)
                    // A line has no NULL of its own: `null` empties the span, as in other text.
                    let outcome = rewriter.rewrite(value, spans: findings, as: .text, actions: actions, into: &cellOut)
                    if outcome != .unchanged && rewriter.masksAny(spans: findings, actions: actions) { result.maskedCells += 1 }
                    if outcome == .unchanged {
                        result.keep(field.rawStart..<field.rawEnd, of: chunk)
                    } else {
                        result.flushKept(chunk)
                        result.output.append(contentsOf: cellOut)
                    }
                }
                result.keep(field.rawEnd..<record.end, of: chunk)
            },
            keep: { range, count in
                result.keep(range, of: chunk)
                result.rows += count
            })
        return result
    }

    /// The LF bytes in `bytes`, eight at a time, so that a run's reader thread does not spend a byte loop
    /// per chunk counting lines. In `x` (the word XOR LF in each byte) a byte is zero exactly where an LF
    /// was: its low seven bits plus 0x7F set its high bit unless they are all zero (no carry leaves the
    /// byte: the sum is at most 0xFE), OR-ing the byte itself sets it when its own high bit is set, so the
    /// high bit stays clear only for a zero byte, and the complement's set bits count them.
    static func lineFeeds(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F, feeds: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        var count = 0
        var i = 0
        while i + 8 <= bytes.count {
            // Sound: bytes i..<i+8 lie inside the buffer; the load is unaligned.
            let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) ^ feeds
            count += (~(((x & low) &+ low) | x | low)).nonzeroBitCount
            i += 8
        }
        while i < bytes.count { if bytes[i] == 10 { count += 1 }; i += 1 }
        return count
    }

    /// Reads the line at `position` as one field, without its LF or CR LF; or, where the PEM block
    /// `nextBlock` starts, the block's lines as one (then finds the next block).
    static func readLine(_ chunk: UnsafeBufferPointer<UInt8>, at position: inout TextRecordBatch.Position,
                         nextBlock: inout KeyBlock?, into batch: inout TextRecordBatch) -> StreamError? {
        let from = position.offset
        var end: Int
        var lines = 1
        if let block = nextBlock, block.start == from {
            // The block's last line end (or the chunk's end), and the lines it holds.
            end = block.end > from && chunk[block.end - 1] == 10 ? block.end - 1 : block.end
            lines = max(1, lineFeeds(in: UnsafeBufferPointer(rebasing: chunk[from..<block.end])))
            nextBlock = keyBlock(in: chunk, from: block.end)
        } else {
            // Sound: `from` < chunk.count (the batch reads while bytes are left), and memchr reads the rest.
            let newline = memchr(chunk.baseAddress! + from, 10, chunk.count - from)
            end = newline.map { chunk.baseAddress!.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? chunk.count
        }
        let valueEnd = end > from && end < chunk.count && chunk[end - 1] == 13 ? end - 1 : end
        batch.beginRecord(at: from)
        batch.add(FieldSpan(rawStart: from, rawEnd: valueEnd, quoted: false))
        let next = min(end + 1, chunk.count)
        batch.endRecord(at: next)
        position.offset = next
        position.line += lines
        position.row += 1
        return nil
    }

    /// A PEM block's lines: from the start of the line where `-----BEGIN` is to the end of the line
    /// where the `-----END` after it is (or `maxKeyBlock` bytes on, at a line end). `open` when neither
    /// came before the end of the bytes: the block may go on past them.
    struct KeyBlock: Equatable {
        var start: Int
        var end: Int
        var open: Bool
    }

    private static let begin = Array("-----BEGIN".utf8), endMark = Array("-----END".utf8)

    /// The values in `bytes` (whole lines): its LFs, less those inside PEM blocks.
    static func values(in bytes: UnsafeBufferPointer<UInt8>, blocks: [KeyBlock]) -> Int {
        var count = lineFeeds(in: bytes)
        for b in blocks {
            let inside = lineFeeds(in: UnsafeBufferPointer(rebasing: bytes[b.start..<b.end]))
            count -= inside - (bytes[b.end - 1] == 10 ? 1 : 0)
        }
        return count
    }

    /// Every PEM block in `bytes`, in order.
    static func keyBlocks(in bytes: UnsafeBufferPointer<UInt8>) -> [KeyBlock] {
        var blocks: [KeyBlock] = []
        var from = 0
        while let block = keyBlock(in: bytes, from: from) {
            blocks.append(block)
            from = block.end
        }
        return blocks
    }

    /// The first PEM block whose `-----BEGIN` is at or after `from` in `bytes`, or nil.
    static func keyBlock(in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> KeyBlock? {
        guard let base = bytes.baseAddress, from < bytes.count else { return nil }
        // Each `-` found by memchr (a vector scan), then the mark compared: dates put a `-` every few
        // bytes in a log, and the compare stops at the second byte for each.
        func find(_ needle: [UInt8], from: Int, before: Int) -> Int? {
            var i = from
            while before - i >= needle.count {
                // Sound: memchr reads bytes[i..<before], inside the buffer.
                guard let dash = memchr(base + i, 45, before - i - needle.count + 1) else { return nil }
                let at = base.distance(to: dash.assumingMemoryBound(to: UInt8.self))
                if (0..<needle.count).allSatisfy({ bytes[at + $0] == needle[$0] }) { return at }
                i = at + 1
            }
            return nil
        }
        guard var mark = find(begin, from: from, before: bytes.count) else { return nil }
        var start = mark
        while start > from && bytes[start - 1] != 10 { start -= 1 }
        func lineEnd(_ i: Int) -> Int {
            var end = i
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            return end < bytes.count ? end + 1 : end
        }
        while true {
            let limit = min(bytes.count, mark + maxKeyBlock)
            guard let close = find(endMark, from: mark + begin.count, before: limit) else {
                // No END: the block ends at the line end at the limit, or may go on past the bytes.
                if limit == bytes.count { return KeyBlock(start: start, end: bytes.count, open: true) }
                let end = lineEnd(limit)
                return KeyBlock(start: start, end: end, open: end == bytes.count && bytes[end - 1] != 10)
            }
            // The END's line, unless another BEGIN follows it there (`-----END …----- -----BEGIN …`): then
            // the block goes on to that one's END.
            let end = lineEnd(close)
            if let again = find(begin, from: close + endMark.count, before: end) {
                mark = again
                continue
            }
            return KeyBlock(start: start, end: end, open: end == bytes.count && bytes[end - 1] != 10)
        }
    }
}
