import CMaskKernels

/// Consecutive DataRows of one described result, masked column by column: the column batches of the
/// design's data path.
///
/// The rows' frames and cell bounds are decoded first (offsets into the borrowed input, no byte
/// copied), so each column's kind, actions and context are decided once per batch rather than once per
/// cell, a column whose values cannot be read as text (`CellCodec.opaque`) is skipped whole, and a text
/// column's cells are classified by the stage-1 kernel from copies gathered together, so that headers
/// and cells that need no scan are never classified (`maskTextColumn`). Rows are then
/// written in order: an unchanged row, and each unchanged cell of a changed row, as runs of the input
/// (`MaskedChunk.keep`).
///
/// A batch is bounded in rows and bytes so that its stage-1 masks stay in cache while every column
/// walks them. Findings are recorded column by column and put back in row order before the batch ends,
/// so reports read as they do row by row.
struct DataRowBatch {
    static let maxRows = 256
    static let maxBytes = 64 * 1024
    /// The longest cell `maskTextColumn` copies to classify with its column; a longer one (only a batch's
    /// one row can hold it) is scanned where it lies.
    static let gatheredCellAtMost = 1 << 20

    private(set) var frames: [WireFrame] = []
    /// Row-major: the cells of row `r` are `cells[r * columnCount ..< (r + 1) * columnCount]`.
    private var cells: [CellBounds] = []
    private var columnCount = 0
    /// Per row: whether a cell of it changed.
    private var changed: [Bool] = []
    /// Scratch of `maskTextColumn`: the column's cells with findings, and where their findings are.
    private var textCells: [(cell: Int, findings: Range<Int>)] = []
    /// Scratch of `maskTextColumn`: the column's cells to scan, and where each was copied to.
    private var gathered: [(cell: Int, at: Int, end: Int)] = []

    /// Where the first row's message starts in the stream; the others' follow from their frames.
    private var firstLocation = StreamLocation(byteOffset: 0)
    /// Input bytes from the first row's start to the last row's end.
    var byteCount: Int { frames.isEmpty ? 0 : frames[frames.count - 1].end - frames[0].start }

    /// Starts a batch at the DataRow `first` (at `location`, row `firstRow` of its result) and decodes
    /// the DataRows that follow it in `masker.chunk`, up to the batch's bounds. Returns the framing error
    /// that ended it early, if any: the rows before it form the batch, and the error is the caller's to
    /// raise once they are written.
    mutating func gather(from first: WireFrame, at location: StreamLocation, masker: DataRowMasker, columns: ResultColumns,
                         firstRow: Int, limit: Int) -> StreamError? {
        frames.removeAll(keepingCapacity: true)
        cells.removeAll(keepingCapacity: true)
        columnCount = columns.columns.count
        firstLocation = location
        let chunk = masker.chunk
        var frame = first
        var frameLocation = location
        do throws(StreamError) {
            while true {
                try masker.decodeCells(frame: frame, columns: columns, row: firstRow + frames.count, location: frameLocation,
                                       into: &cells)
                frames.append(frame)
                let next = frame.end
                guard next < chunk.count, chunk[next] == BackendMessageID.dataRow.rawValue,
                      frames.count < Self.maxRows, byteCount < Self.maxBytes else { return nil }
                frameLocation = location
                frameLocation.byteOffset += next - first.start
                frameLocation.message = location.message.map { $0 + frames.count }
                frame = try WireFrame.read(chunk, at: next, limit: limit, location: frameLocation)
            }
        } catch {
            return error
        }
    }

    /// Masks the batch's rows (the first is row `firstRow` of the result) and writes them to `result`;
    /// a row that cannot be written ends the output before it (see `DataRowMasker.write`).
    mutating func mask(with masker: DataRowMasker, columns: ResultColumns, firstRow: Int,
                       into result: inout MaskedChunk) throws(StreamError) {
        guard !frames.isEmpty else { return }
        let session = masker.session
        // Text and numeric-text columns are scanned from copies of their cells (`maskTextColumn`); a
        // column scanned where it lies (binary jsonb, bytea, arrays, unknown types) has the batch's bytes
        // classified in one pass first, so that its walk and the other columns' do not classify them
        // again window by window.
        if session.stopAfter > .decode && (0..<columnCount).contains(where: { columns.kind($0).codec.scansInPlace }) {
            masker.index.ensure(frames[0].start, frames[frames.count - 1].end)
        }
        session.rowOut.removeAll(keepingCapacity: true)
        let findingsBefore = result.findings.count
        let tables = session.actions(for: columns)
        let announced = session.scanner.scansEveryCell ? session.announced(for: columns) : []
        changed.removeAll(keepingCapacity: true)
        changed.append(contentsOf: repeatElement(false, count: frames.count))
        let scan = session.chunkScan
        // What every text column uses, taken from the session once per batch: each read of a lazy
        // session property was a retain, a release and an exclusivity check per column.
        let (copies, copiesIndex) = (session.gatheredCells, session.gatheredIndex)
        for column in 0..<columnCount {
            var kind = columns.kind(column)
            if kind.codec == .opaque { continue }
            if !announced.isEmpty { kind.context.announcedCustom = announced[column] }
            let cellMasker = CellMasker(chunk: masker.chunk, index: masker.index, session: session, scan: scan, actions: tables[column],
                                        maxEncodedLength: masker.maxEncodedLength)
            if kind.codec == .text || kind.codec == .numericText {
                // Runs that stop after decoding (maskbench's stage times) leave text unscanned, as
                // `CellMasker.mask` would; the other stops take the full run's path, `ChunkScan` stopping it.
                if scan.stopAfter > .decode {
                    maskTextColumn(column, kind: kind, numeric: kind.numericText, with: cellMasker,
                                   copies: copies, copiesIndex: copiesIndex, firstRow: firstRow, into: &result)
                }
                continue
            }
            var at = column
            for row in 0..<frames.count {
                defer { at += columnCount }
                guard cells[at].fate == .unchanged else { continue }
                let fate = cellMasker.mask(lower: cells[at].start, upper: cells[at].end, column: kind, row: firstRow + row,
                                           columnIndex: column, into: &result)
                if fate != .unchanged {
                    cells[at].fate = fate
                    changed[row] = true
                    result.maskedCells += 1
                }
            }
        }
        if result.findings.count - findingsBefore > 1 {
            // Spans of one cell are disjoint, so (row, column, start) orders every finding of the batch.
            result.findings[findingsBefore...].sort { ($0.row, $0.column, $0.start) < ($1.row, $1.column, $1.start) }
        }
        // The cells and the replacements through one buffer pointer each for the batch: a slice of the
        // cell array per row, and the replacement array per changed row, were a retain and a release each.
        try cells.withUnsafeBufferPointer { cells throws(StreamError) in
            try session.rowOut.withUnsafeBufferPointer { replacements throws(StreamError) in
                for row in 0..<frames.count {
                    // Sound: the batch decoded `columnCount` cells per row.
                    let rowCells = UnsafeBufferPointer(rebasing: cells[(row * columnCount)..<((row + 1) * columnCount)])
                    var location = firstLocation
                    location.byteOffset += frames[row].start - frames[0].start
                    location.message = firstLocation.message.map { $0 + row }
                    try masker.write(frame: frames[row], cells: rowCells, changed: changed[row], row: firstRow + row,
                                     location: location, replacements: replacements, into: &result)
                }
            }
        }
    }

    /// A text column of the batch in two passes: every cell is scanned first, then the column's card,
    /// SSN and email tokens are made together (`CellRewriter.prepareTokens`: FF1 interleaved over several
    /// strings instead of one string's ten rounds waiting on each other, MACs in pairs), then each cell with findings
    /// is rewritten as `CellMasker` rewrites it, taking the prepared tokens.
    /// `copies` and `copiesIndex` are the session's buffer for the column's copies and its stage-1 index.
    private mutating func maskTextColumn(_ column: Int, kind: CellKind, numeric: NumericText.Kind?, with cellMasker: CellMasker,
                                         copies: ByteScratch, copiesIndex index: StageOneIndex,
                                         firstRow: Int, into result: inout MaskedChunk) {
        let session = cellMasker.session
        var findings = session.lendFindings()
        defer { session.giveBack(findings) }
        textCells.removeAll(keepingCapacity: true)
        if textCells.capacity == 0 { textCells.reserveCapacity(Self.maxRows) }
        // The cells to scan are copied together and classified there, so the stage-1 kernel reads
        // only them: not the batch's message and length headers, nor the cells of other columns, nor
        // the cells of a type that cannot hold PII whose bytes show they hold no text anchor (about a
        // third of a typical result's bytes). Each cell is followed by a zero byte, in no byte class,
        // so it is classified as it would be alone (findings are offsets into the cell either way).
        let chunk = cellMasker.chunk
        // One reservation for the column: its cells, and a zero byte after each. Memory a huge cell grew
        // (the buffer and the index's masks, kept for the session's life) is given back first.
        // (A batch is about 64 KiB, so a column's copies fit in 256 KiB, their masks in 4,096 blocks.)
        let kept = 1 << 18
        // The batch's bytes bound its column's, so a usual batch reserves that much without a walk
        // over the column's cells (strided through the batch's cells, a fifth of this function's time
        // on PII-free wire data); a batch larger than what is kept (one huge row) counts its column.
        var capacity = byteCount + frames.count
        if capacity > kept {
            capacity = 0
            var cellAt = column
            for _ in 0..<frames.count {
                let count = cells[cellAt].end - cells[cellAt].start
                if count <= Self.gatheredCellAtMost { capacity += count + 1 }
                cellAt += columnCount
            }
        }
        copies.removeAll(keepingAtMost: kept)
        index.releaseMemory(keepingAtMost: 1 << 12)
        let base = copies.startWriting(atMost: capacity + 32)
        var written = 0
        // Moved out while the loop writes it through a buffer pointer (no array checks per cell); one
        // slot per row of a batch, made once.
        var gathered = self.gathered
        self.gathered = []
        defer { self.gathered = gathered }
        if gathered.count < Self.maxRows { gathered = Array(repeating: (cell: 0, at: 0, end: 0), count: Self.maxRows) }
        let gatheredCount = gathered.withUnsafeMutableBufferPointer { slots -> Int in
            var taken = 0
            var at = column
            for _ in 0..<frames.count {
                defer { at += columnCount }
                let cell = cells[at]
                guard cell.fate == .unchanged else { continue }
                let count = cell.end - cell.start
                // Sound: a cell's bounds lie in `chunk` (`decodeCells` checked them against its frame).
                let source = chunk.baseAddress! + cell.start
                if !kind.context.scanned && mk_plain_typed_text(source, count, chunk.count - cell.start) != 0 { continue }
                // A short SSN in a number column is padded before it is scanned: `CellMasker.mask`'s own
                // path. A huge cell is scanned where it lies, by the same path: its copy would double the
                // memory it takes (a 1 GB cell's copy and masks took 4.7 GB, in place 3.7).
                if count > Self.gatheredCellAtMost
                    || numeric != nil && kind.context.bareSSN && SSNDigits.isShortRun(UnsafeBufferPointer(start: source, count: count)) {
                    let fate = cellMasker.mask(lower: cell.start, upper: cell.end, column: kind,
                                               row: firstRow + at / columnCount, columnIndex: column, into: &result)
                    if fate != .unchanged {
                        cells[at].fate = fate
                        changed[at / columnCount] = true
                        result.maskedCells += 1
                    }
                    continue
                }
                // Sound: `capacity` counts every cell of the column copied here and a zero byte after each,
                // and 32 bytes more were reserved; `slots` has a slot per row (at most `maxRows`).
                if count <= 32 && chunk.count - cell.start >= 32 {
                    // Most cells are short: 32 bytes copied in two vector moves, where the cell's bytes
                    // lie in the chunk's first 32 from it (what follows the cell is overwritten by the
                    // zero after it and the next copy). A `memmove` call per cell cost more than its copy.
                    let (from, to) = (UnsafeRawPointer(source), UnsafeMutableRawPointer(base + written))
                    to.storeBytes(of: from.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                    to.storeBytes(of: from.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), toByteOffset: 16,
                                  as: SIMD16<UInt8>.self)
                } else {
                    (base + written).update(from: source, count: count)
                }
                base[written + count] = 0
                slots[taken] = (cell: at, at: written, end: written + count)
                taken += 1
                written += count + 1
            }
            return taken
        }
        copies.setCount(written)
        if gatheredCount == 0 { return }
        let bytes = copies.bytes
        index.reset(bytes)
        index.ensure(0, bytes.count)
        // The copies lie in ascending order: one gate answers the prefilter for all of them.
        // Each copy lies between zero bytes (the one after the copy before it, its own).
        let everyCell = cellMasker.scan.scansEveryCell
        // Custom detectors read every cell, through a masker of the copies (made only for them: each
        // masker holds references to the session's parts).
        let copyMasker = everyCell ? CellMasker(chunk: bytes, index: index, session: session, scan: cellMasker.scan,
                                                actions: cellMasker.actions, maxEncodedLength: cellMasker.maxEncodedLength) : nil
        // Without custom detectors, the cells the gate admits are listed first, in a loop of their own
        // (most are not admitted; with the scan in the same loop, the gate's test was a call per cell).
        // A credential column's cells are secrets whatever they hold (`CellScanner.scan`): all scanned.
        let scanned = everyCell || kind.context.credentialColumn ? gatheredCount : gathered.withUnsafeMutableBufferPointer { slots -> Int in
            var gate = CandidateGate(index: index, bytes: bytes, valuesBetweenNeutralBytes: true)
            var admitted = 0
            // Sound: `gatheredCount` slots were written above, and the array has `maxRows` of them.
            for i in 0..<gatheredCount where gate.hasCandidates(slots[i].at, slots[i].end) {
                slots[admitted] = slots[i]
                admitted += 1
            }
            return admitted
        }
        gathered.withUnsafeBufferPointer { slots in
            // Sound: `scanned` slots were written above, and the array has `maxRows` of them.
            for (cell, copy, upper) in UnsafeBufferPointer(rebasing: slots[..<scanned]) {
                let start = findings.count
                if everyCell {
                    copyMasker!.scanText(lower: copy, upper: upper, context: kind.context, into: &findings)
                } else {
                    // The scan skips a cell of a type that cannot hold PII unless it holds text anchors.
                    cellMasker.scan.scan(bytes, lower: copy, upper: upper, index: index, context: kind.context,
                                         candidates: true, into: &findings)
                }
                if findings.count > start { textCells.append((cell: cell, findings: start..<findings.count)) }
            }
        }
        if textCells.isEmpty || cellMasker.scan.stopAfter != .mask { return }
        let rewriter = session.rewriter
        rewriter.forgetPreparedTokens()
        defer { rewriter.forgetPreparedTokens() }
        // The findings through one buffer pointer for the column: a slice of the array per cell was a
        // retain and a release per cell.
        findings.withUnsafeBufferPointer { findings in
            for (cell, range) in textCells {
                rewriter.requestTokens(UnsafeBufferPointer(rebasing: findings[range]),
                                       of: UnsafeBufferPointer(rebasing: cellMasker.chunk[cells[cell].start..<cells[cell].end]),
                                       actions: cellMasker.actions)
            }
            rewriter.prepareTokens()
            for (cell, range) in textCells {
                let row = cell / columnCount
                let fate = cellMasker.rewrite(lower: cells[cell].start, upper: cells[cell].end,
                                              findings: UnsafeBufferPointer(rebasing: findings[range]), sameLength: false,
                                              numeric: numeric, row: firstRow + row, column: column, into: &result)
                if fate != .unchanged {
                    cells[cell].fate = fate
                    changed[row] = true
                    result.maskedCells += 1
                }
            }
        }
    }
}
