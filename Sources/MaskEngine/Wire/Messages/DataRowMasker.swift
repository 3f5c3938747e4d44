import CMaskKernels

/// Masks one DataRow ('D') given the columns it belongs to: text cells are scanned where they lie in the
/// input; binary cells are decoded by their column's codec (integers and numerics to decimal text, jsonb
/// past its version byte, arrays element by element), scanned, and re-encoded so that the value stays a
/// valid binary of its type (an int8 SSN token is an int8).
///
/// Three passes, so that nothing of a malformed row is written: the first checks every length word; the
/// second scans and rewrites the cells that have findings into session scratch; the third writes the
/// row, as one copy of the input when nothing changed.
struct DataRowMasker {
    let chunk: UnsafeBufferPointer<UInt8>
    let index: StageOneIndex
    let session: MaskSession
    /// The longest row this writes; past it, `messageTooLarge`. The length word's range, lowered only
    /// by tests so the path is proven without gigabytes.
    var maxEncodedLength = WireFrame.maxEncodableLength

    func mask(frame: WireFrame, columns: ResultColumns, row: Int, location: StreamLocation,
              into result: inout MaskedChunk) throws(StreamError) {
        var cells = session.lendCells()
        defer { session.giveBack(cells) }
        // Pass 1: framing only.
        try decodeCells(frame: frame, columns: columns, row: row, location: location, into: &cells)

        // Pass 2: scan and rewrite.
        session.rowOut.removeAll(keepingCapacity: true)
        var changed = false
        let tables = columns.isKnown ? session.actions(for: columns) : []
        let announced = columns.isKnown && session.scanner.scansEveryCell ? session.announced(for: columns) : []
        let scan = session.chunkScan
        for column in cells.indices where cells[column].fate == .unchanged {
            let cell = cells[column]
            let actions = columns.isKnown ? tables[column] : session.textActions
            var kind = columns.kind(column)
            if !announced.isEmpty { kind.context.announcedCustom = announced[column] }
            let fate = CellMasker(chunk: chunk, index: index, session: session, scan: scan, actions: actions,
                                  maxEncodedLength: maxEncodedLength)
                .mask(lower: cell.start, upper: cell.end, column: kind, row: row, columnIndex: column,
                      into: &result)
            if fate != .unchanged {
                cells[column].fate = fate
                changed = true
                result.maskedCells += 1
            }
        }
        // Pass 3: write (an unchanged row as it is, without taking the buffers).
        if !changed {
            result.keep(frame.start..<frame.end, of: chunk)
            return
        }
        try cells.withUnsafeBufferPointer { cells throws(StreamError) in
            try session.rowOut.withUnsafeBufferPointer { replacements throws(StreamError) in
                try write(frame: frame, cells: cells, changed: changed, row: row, location: location,
                          replacements: replacements, into: &result)
            }
        }
    }

    /// Checks the framing of a DataRow and appends the bounds of its cells to `cells`, without
    /// writing anything; on a framing error nothing of the row is left in `cells`.
    func decodeCells(frame: WireFrame, columns: ResultColumns, row: Int, location: StreamLocation,
                     into cells: inout [CellBounds]) throws(StreamError) {
        var p = frame.payloadStart
        let first = cells.count
        func error(_ kind: StreamError.Kind, column: Int? = nil) -> StreamError {
            cells.removeSubrange(first...)
            var l = location
            l.byteOffset += p - frame.start
            l.row = row
            l.column = column
            return StreamError(kind, at: l)
        }
        guard frame.end - p >= 2 else { throw error(.malformedDataRow("no column count")) }
        let count = Int(Int16(bitPattern: UInt16(chunk[p]) << 8 | UInt16(chunk[p + 1])))
        guard count >= 0 else { throw error(.malformedDataRow("negative column count \(count)")) }
        if columns.isKnown, columns.columns.count != count {
            throw error(.columnCountMismatch(rowDescription: columns.columns.count, dataRow: count))
        }
        p += 2
        // The row's cells are appended as placeholders in one piece and filled through a pointer: an
        // `append` per cell (a uniqueness and a capacity check each, the length read a byte at a time)
        // was two thirds of this function's 66 instructions a cell on PII-free wire data. The
        // placeholders come from a contiguous template (one copy): appended from `repeatElement`, they
        // went through the generic sequence path, ~290 instructions a row of 17 cells.
        if count <= CellBounds.placeholders.count {
            cells.append(contentsOf: UnsafeBufferPointer(rebasing: CellBounds.placeholders[..<count]))
        } else {
            cells.append(contentsOf: repeatElement(CellBounds.placeholder, count: count))
        }
        var failure: (StreamError.Kind, column: Int)? = nil
        let end = frame.end
        cells.withUnsafeMutableBufferPointer { cells in
            // Sound: `chunk` holds the frame (`WireFrame.read` checked its end), every read below is of
            // four bytes at or after `p` and before `end`, and the row's `count` slots were appended above.
            let base = UnsafeRawPointer(chunk.baseAddress!)
            var slot = first
            for column in 0..<count {
                mk_prefetch(base + p + 512)
                guard end - p >= 4 else { failure = (.malformedDataRow("cell \(column) has no length"), column); return }
                let length = Int(Int32(bitPattern: UInt32(bigEndian: base.loadUnaligned(fromByteOffset: p, as: UInt32.self))))
                p += 4
                if length < 0 {
                    guard length == -1 else { p -= 4; failure = (.negativeCellLength(length), column); return }
                    cells[slot] = CellBounds(start: p, end: p, fate: .null)
                } else {
                    guard length <= end - p else {
                        failure = (.cellPastEnd(length: length, available: end - p), column)
                        return
                    }
                    cells[slot].start = p
                    cells[slot].end = p + length
                    p += length
                }
                slot += 1
            }
        }
        if let (kind, column) = failure { throw error(kind, column: column) }
        guard p == frame.end else { throw error(.malformedDataRow("\(frame.end - p) bytes after the last cell")) }
    }

    /// Writes a DataRow whose cells' fates are decided: kept as it is when nothing changed. A masked row
    /// that a length word can no longer frame (tokens can be longer than what they replace) is an error
    /// at `location`, and nothing of it is written.
    func write(frame: WireFrame, cells: UnsafeBufferPointer<CellBounds>, changed: Bool, row: Int, location: StreamLocation,
               replacements: UnsafeBufferPointer<UInt8>, into result: inout MaskedChunk) throws(StreamError) {
        if !changed {
            result.keep(frame.start..<frame.end, of: chunk)
            return
        }
        // The new length is known before anything is written, so the header is written once, and the
        // column count and every unchanged cell (its length word and bytes, contiguous in the input) are
        // kept lazily with the unchanged rows around them.
        var length = 4 + 2
        for cell in cells {
            switch cell.fate {
            case .null: length += 4
            case .unchanged: length += 4 + cell.end - cell.start
            case .replaced(let range): length += 4 + range.count
            case .overLimit(let atLeast): length += 4 + atLeast
            }
        }
        let limit = min(maxEncodedLength, WireFrame.maxEncodableLength)
        guard length <= limit else {
            var l = location
            l.row = row
            let overLimit = cells.contains { if case .overLimit = $0.fate { true } else { false } }
            throw StreamError(overLimit ? .maskedMessageTooLarge(type: BackendMessageID.dataRow.rawValue, atLeast: length, limit: limit)
                                        : .messageTooLarge(type: BackendMessageID.dataRow.rawValue, length: length, limit: limit), at: l)
        }
        result.flushKept(chunk)
        result.output.append(BackendMessageID.dataRow.rawValue)
        WireFrame.appendInt32(Int32(length), to: &result.output)
        result.keep(frame.payloadStart..<(frame.payloadStart + 2), of: chunk)
        for cell in cells {
            switch cell.fate {
            case .unchanged:
                result.keep((cell.start - 4)..<cell.end, of: chunk)
            case .null, .replaced, .overLimit:
                result.flushKept(chunk)
                cell.append(from: chunk, replacements: replacements, to: &result.output)
            }
        }
    }
}

/// What becomes of one cell.
enum CellFate: Equatable {
    case unchanged
    case null
    /// The masked value is `session.rowOut[range]`.
    case replaced(Range<Int>)
    /// The masked value came out longer than the message's limit (more than `atLeast` bytes; its
    /// rewrite stopped there and was not kept): the writer refuses the message.
    case overLimit(atLeast: Int)
}

/// One cell of the row being masked: its bytes in the chunk and what becomes of it.
struct CellBounds {
    var start: Int
    var end: Int
    var fate: CellFate

    /// What a row's cells start as before their lengths are read.
    static let placeholder = CellBounds(start: 0, end: 0, fate: .unchanged)
    /// Placeholders for a row as wide as PostgreSQL's widest (1,664 result columns), held by pointer:
    /// appended from a slice of an array, each row retained and released the array's storage (2 % of
    /// PII-free wire's time in `swift_release`). Written once, then only read, from any thread.
    nonisolated(unsafe) static let placeholders: UnsafeBufferPointer<CellBounds> = {
        let storage = UnsafeMutableBufferPointer<CellBounds>.allocate(capacity: 1664)
        storage.initialize(repeating: placeholder)
        return UnsafeBufferPointer(storage)
    }()

    /// Writes the cell as DataRows and binary COPY tuples frame it: an Int32 length (-1 for NULL), then
    /// the bytes — the original ones, or the replacement in `replacements`. Callers check first that the
    /// whole message fits a length word, so each cell's length does too.
    func append(from chunk: UnsafeBufferPointer<UInt8>, replacements: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        switch fate {
        case .null:
            WireFrame.appendInt32(-1, to: &out)
        case .unchanged:
            WireFrame.appendCell(UnsafeBufferPointer(rebasing: chunk[start..<end]), to: &out)
        case .replaced(let range):
            WireFrame.appendCell(UnsafeBufferPointer(rebasing: replacements[range]), to: &out)
        case .overLimit:
            preconditionFailure("a message holding a value over the limit is refused before it is written")
        }
    }
}

/// Masks one cell value by its column's codec, appending a replacement to `session.rowOut` when it
/// changes, and recording its findings (offsets into the decoded value).
struct CellMasker {
    let chunk: UnsafeBufferPointer<UInt8>
    let index: StageOneIndex
    let session: MaskSession
    /// The session's scanner, read once for all the cells this masker is given.
    let scan: ChunkScan
    /// The actions of the cell's column, for the session's identity.
    let actions: ActionTable
    /// The longest message the caller writes: a value masked past it is `.overLimit`, and its rewrite
    /// stops there instead of building gigabytes of tokens for a message that is refused anyway.
    var maxEncodedLength = WireFrame.maxEncodableLength
    /// The session's rewriter, read once for all the cells: read from the session (a `var`) per cell, it
    /// was retained and released around every rewrite.
    let rewriter: CellRewriter

    init(chunk: UnsafeBufferPointer<UInt8>, index: StageOneIndex, session: MaskSession, scan: ChunkScan, actions: ActionTable,
         maxEncodedLength: Int = WireFrame.maxEncodableLength) {
        self.chunk = chunk
        self.index = index
        self.session = session
        self.scan = scan
        self.actions = actions
        self.maxEncodedLength = maxEncodedLength
        rewriter = session.rewriter
    }

    func mask(lower: Int, upper: Int, column: CellKind, row: Int, columnIndex: Int,
              into result: inout MaskedChunk) -> CellFate {
        if scan.stopAfter == .decode { return .unchanged }
        switch column.codec {
        case .opaque:
            return .unchanged
        case .byteaText:
            return maskByteaHex(lower: lower, upper: upper, column: column, row: row, columnIndex: columnIndex, into: &result)
        case .text:
            return maskInPlace(lower: lower, upper: upper, context: column.context, sameLength: false, numeric: column.numericText,
                               row: row, column: columnIndex, into: &result)
        case .numericText:
            if column.context.bareSSN, SSNDigits.isShortRun(UnsafeBufferPointer(rebasing: chunk[lower..<upper])) {
                // An SSN with leading zeros stored in a number column prints as 7 or 8 digits.
                return maskDecoded(lower: lower, upper: upper, context: column.context, row: row, column: columnIndex,
                                   numeric: column.numericText,
                                   decode: { SSNDigits.appendPadded($0, to: &$1) },
                                   encode: { SSNDigits.appendUnpadded($0, to: &$1) }, into: &result)
            }
            return maskInPlace(lower: lower, upper: upper, context: column.context, sameLength: false,
                               numeric: column.numericText,
                               row: row, column: columnIndex, into: &result)
        case .jsonb:
            // Version 1 is the only one PostgreSQL writes; anything else is masked by content.
            guard upper > lower, chunk[lower] == 1 else { return maskUnknown(lower: lower, upper: upper, column: column,
                                                                             row: row, columnIndex: columnIndex, into: &result) }
            let start = session.rowOut.count
            let fate = maskInPlace(lower: lower + 1, upper: upper, context: column.context, sameLength: false, numeric: nil,
                                   row: row, column: columnIndex, into: &result)
            guard case .replaced(let range) = fate else { return fate }
            // Put the version byte back in front of the masked JSON text.
            session.rowOut.insert(1, at: start)
            return .replaced(range.lowerBound..<(range.upperBound + 1))
        case .bytea:
            let printable = PrintableText.isPrintableUTF8(UnsafeBufferPointer(rebasing: chunk[lower..<upper]))
            return maskInPlace(lower: lower, upper: upper, context: column.context, sameLength: !printable, numeric: nil,
                               row: row, column: columnIndex, into: &result)
        case .integer(let width):
            guard upper - lower == width else {
                return maskUnknown(lower: lower, upper: upper, column: column, row: row, columnIndex: columnIndex, into: &result)
            }
            let padSSN = column.context.bareSSN && width >= 4
            return maskDecoded(lower: lower, upper: upper, context: column.context, row: row, column: columnIndex, numeric: .integer(width: width),
                               decode: { bytes, out in
                                   guard padSSN else { return BinaryInteger.appendDecimal(bytes, to: &out) }
                                   var digits: [UInt8] = []
                                   guard BinaryInteger.appendDecimal(bytes, to: &digits) else { return false }
                                   digits.withUnsafeBufferPointer { d in
                                       if SSNDigits.isShortRun(d) { _ = SSNDigits.appendPadded(d, to: &out) } else { out.append(contentsOf: d) }
                                   }
                                   return true
                               },
                               encode: { BinaryInteger.appendBinary(decimal: $0, width: width, to: &$1) }, into: &result)
        case .numeric:
            return maskDecoded(lower: lower, upper: upper, context: column.context, row: row, column: columnIndex, numeric: .decimal,
                               decode: { BinaryNumeric.appendDecimal($0, to: &$1) },
                               encode: { BinaryNumeric.appendBinary(decimal: $0, to: &$1) }, into: &result)
        case .array(let elementOID):
            return maskArray(lower: lower, upper: upper, elementOID: elementOID, column: column, row: row,
                             columnIndex: columnIndex, into: &result)
        case .unknown:
            return maskUnknown(lower: lower, upper: upper, column: column, row: row, columnIndex: columnIndex, into: &result)
        }
    }

    /// Scans `chunk[lower..<upper]` with the chunk's stage-1 index and rewrites it when it has findings.
    /// `sameLength` forces same-length redaction (a binary layout); `numeric` turns the masked text back
    /// into a number.
    private func maskInPlace(lower: Int, upper: Int, context: ColumnContext, sameLength: Bool, numeric: NumericText.Kind?,
                             row: Int, column: Int, into result: inout MaskedChunk) -> CellFate {
        // Most cells hold no candidate at all: one mask test, and nothing borrowed.
        guard let candidates = scanGate(lower: lower, upper: upper, context: context) else { return .unchanged }
        var findings = session.lendFindings()
        defer { session.giveBack(findings) }
        scan.scan(chunk, lower: lower, upper: upper, index: index, context: context, candidates: candidates, into: &findings)
        return rewrite(lower: lower, upper: upper, findings: findings[...], sameLength: sameLength, numeric: numeric,
                       row: row, column: column, into: &result)
    }

    /// Nil when the cell `chunk[lower..<upper]` can have no findings; else whether it holds stage-1
    /// candidates (passed on, so the scan does not ask again). It can have findings with a candidate
    /// (or custom detectors, which need none), and for a column of a type that cannot hold PII (a
    /// text-format uuid, timestamp, inet) text anchors after all: `CellScanner.scan`'s rule, asked
    /// before any scratch is lent (a UUID's hex is a long token run, so it passes the candidate test).
    @inline(__always)
    func scanGate(lower: Int, upper: Int, context: ColumnContext) -> Bool? {
        let candidates = index.hasCandidatesToScan(lower, upper)
        // A credential column's value is a secret whatever it holds (`CellScanner.scan`).
        if !candidates && !scan.scansEveryCell && !context.credentialColumn { return nil }
        return context.scanned || index.hasTextAnchor(chunk, lower, upper) ? candidates : nil
    }

    /// Appends the findings of a text cell scanned in place to `findings` (offsets into the cell), as
    /// `maskInPlace` scans it: the first pass of a column batch, whose rewrite comes after the
    /// column's card and SSN tokens are prepared.
    @inline(__always)
    func scanText(lower: Int, upper: Int, context: ColumnContext, into findings: inout [Finding]) {
        guard let candidates = scanGate(lower: lower, upper: upper, context: context) else { return }
        scan.scan(chunk, lower: lower, upper: upper, index: index, context: context, candidates: candidates, into: &findings)
    }

    /// Records the findings of the cell `chunk[lower..<upper]` and rewrites it with them (see
    /// `maskInPlace`).
    func rewrite<Spans: Collection<Finding>>(lower: Int, upper: Int, findings: Spans, sameLength: Bool,
                                             numeric: NumericText.Kind?,
                                             row: Int, column: Int, into result: inout MaskedChunk) -> CellFate {
        if findings.isEmpty { return .unchanged }
        for f in findings { result.record(f, row: row, column: column) }
        let value = UnsafeBufferPointer(rebasing: chunk[lower..<upper])
        if let numeric {
            // A number's text is short and repaired as a whole: it goes through the cell scratch.
            session.cellOut.removeAll(keepingCapacity: true)
            switch rewriter.rewrite(value, spans: findings, as: .cell, binaryLayout: sameLength, actions: actions,
                                            limit: maxEncodedLength, into: &session.cellOut) {
            case .unchanged: return .unchanged
            case .null: return .null
            case .rewritten:
                if session.cellOut.count > maxEncodedLength { return .overLimit(atLeast: session.cellOut.count) }
                NumericText.repair(&session.cellOut, as: numeric, original: value)
                let start = session.rowOut.count
                session.rowOut.append(contentsOf: session.cellOut)
                return .replaced(start..<session.rowOut.count)
            }
        }
        // Text is rewritten where the row's replacements live: a gigabyte cell is not built in a scratch
        // buffer and then copied.
        let start = session.rowOut.count
        switch rewriter.rewrite(value, spans: findings, as: .cell, binaryLayout: sameLength, actions: actions,
                                        limit: maxEncodedLength, into: &session.rowOut) {
        case .unchanged: return .unchanged
        case .null: return .null
        case .rewritten:
            let length = session.rowOut.count - start
            if length > maxEncodedLength {
                session.rowOut.removeSubrange(start...)
                return .overLimit(atLeast: length)
            }
            return .replaced(start..<session.rowOut.count)
        }
    }

    /// Decodes a binary value to text with `decode`, scans the text, and when it has findings encodes
    /// the masked text back with `encode` (a value that no longer parses becomes zero: never the
    /// original).
    private func maskDecoded(lower: Int, upper: Int, context: ColumnContext, row: Int, column: Int, numeric: NumericText.Kind?,
                             sameLength: Bool = false,
                             decode: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Bool,
                             encode: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Bool,
                             into result: inout MaskedChunk) -> CellFate {
        var text = session.lendDecoded()
        defer { session.giveBackDecoded(text) }
        guard decode(UnsafeBufferPointer(rebasing: chunk[lower..<upper]), &text) else {
            // Malformed for its type: masked by content, keeping the length.
            return maskInPlace(lower: lower, upper: upper, context: context, sameLength: true, numeric: nil,
                               row: row, column: column, into: &result)
        }
        return text.withUnsafeBufferPointer { decoded -> CellFate in
            var findings = session.lendFindings()
            defer { session.giveBack(findings) }
            let scratchIndex = session.decodedIndex
            scratchIndex.reset(decoded)
            scan.scan(decoded, lower: 0, upper: decoded.count, index: scratchIndex, context: context, into: &findings)
            if findings.isEmpty { return .unchanged }
            for f in findings { result.record(f, row: row, column: column) }
            session.cellOut.removeAll(keepingCapacity: true)
            switch rewriter.rewrite(decoded, findings: findings[...], as: .cell, binaryLayout: sameLength, actions: actions,
                                            limit: maxEncodedLength, into: &session.cellOut) {
            case .unchanged: return .unchanged
            case .null: return .null
            case .rewritten:
                if session.cellOut.count > maxEncodedLength { return .overLimit(atLeast: session.cellOut.count) }
                if let numeric { NumericText.repair(&session.cellOut, as: numeric, original: decoded) }
                let start = session.rowOut.count
                let encoded = session.cellOut.withUnsafeBufferPointer { encode($0, &session.rowOut) }
                if !encoded {
                    let zero: [UInt8] = [UInt8(ascii: "0")]
                    let ok = zero.withUnsafeBufferPointer { encode($0, &session.rowOut) }
                    precondition(ok, "zero encodes in every numeric type")
                }
                return .replaced(start..<session.rowOut.count)
            }
        }
    }

    /// A binary cell of an unknown type (or of an unknown column): printable UTF-8 is scanned as text;
    /// a 2-, 4- or 8-byte cell is also read as an integer; the rest is scanned with same-length
    /// redaction.
    private func maskUnknown(lower: Int, upper: Int, column: CellKind, row: Int, columnIndex: Int,
                             into result: inout MaskedChunk) -> CellFate {
        var context = column.context
        context.scanned = true
        let value = UnsafeBufferPointer(rebasing: chunk[lower..<upper])
        if PrintableText.isPrintableUTF8(value) {
            if ByteaHex.looksLikeHex(value) {
                // Text of a bytea (`\x…`): its bytes are what may hold a value.
                return maskByteaHex(lower: lower, upper: upper, column: column, row: row, columnIndex: columnIndex, into: &result)
            }
            return maskInPlace(lower: lower, upper: upper, context: context, sameLength: false, numeric: nil,
                               row: row, column: columnIndex, into: &result)
        }
        let width = upper - lower
        if width == 2 || width == 4 || width == 8 {
            let fate = maskDecoded(lower: lower, upper: upper, context: context, row: row, column: columnIndex, numeric: .integer(width: width),
                                   decode: { BinaryInteger.appendDecimal($0, to: &$1) },
                                   encode: { BinaryInteger.appendBinary(decimal: $0, width: width, to: &$1) }, into: &result)
            if fate != .unchanged { return fate }
        }
        // A binary numeric (a card kept as numeric, in a binary COPY) has a strict layout: if the cell
        // decodes as one, its digits are scanned.
        if width >= 8 && (width - 8) % 2 == 0 {
            let fate = maskDecoded(lower: lower, upper: upper, context: context, row: row, column: columnIndex, numeric: .decimal,
                                   decode: { BinaryNumeric.appendDecimal($0, to: &$1) },
                                   encode: { BinaryNumeric.appendBinary(decimal: $0, to: &$1) }, into: &result)
            if fate != .unchanged { return fate }
        }
        return maskInPlace(lower: lower, upper: upper, context: context, sameLength: true, numeric: nil,
                           row: row, column: columnIndex, into: &result)
    }

    /// A bytea in text form (`\x` and hex digits): the bytes are decoded and scanned, as text when they
    /// are printable (a token may change the length) and with same-length redaction otherwise, then
    /// written back as hex.
    private func maskByteaHex(lower: Int, upper: Int, column: CellKind, row: Int, columnIndex: Int,
                              into result: inout MaskedChunk) -> CellFate {
        var context = column.context
        context.scanned = true
        let value = UnsafeBufferPointer(rebasing: chunk[lower..<upper])
        guard ByteaHex.looksLikeHex(value) else {
            // The escape format (bytea_output = 'escape') is scanned as it is.
            return maskInPlace(lower: lower, upper: upper, context: context, sameLength: false, numeric: nil,
                               row: row, column: columnIndex, into: &result)
        }
        var bytes: [UInt8] = []
        _ = ByteaHex.decode(value, to: &bytes)
        let printable = bytes.withUnsafeBufferPointer { PrintableText.isPrintableUTF8($0) }
        return maskDecoded(lower: lower, upper: upper, context: context, row: row, column: columnIndex, numeric: nil,
                           sameLength: !printable, decode: { ByteaHex.decode($0, to: &$1) },
                           encode: { ByteaHex.encode($0, to: &$1); return true }, into: &result)
    }

    /// A binary array: each element is masked by its element type's codec; the array is re-encoded with
    /// the new element lengths when any element changed. A malformed array is masked by content.
    private func maskArray(lower: Int, upper: Int, elementOID: UInt32, column: CellKind, row: Int, columnIndex: Int,
                           into result: inout MaskedChunk) -> CellFate {
        let value = UnsafeBufferPointer(rebasing: chunk[lower..<upper])
        guard let array = BinaryArray.parse(value) else {
            return maskUnknown(lower: lower, upper: upper, column: column, row: row, columnIndex: columnIndex, into: &result)
        }
        var element = column
        element.typeOID = elementOID
        element.codec = CellCodec.forColumn(typeOID: elementOID, format: 1)
        if case .array = element.codec { element.codec = .unknown }  // arrays do not nest by element type
        // Each element is a value of the element type: in a credential column of text, a secret whole.
        if let value = PostgresType.credentialValue(elementOID) {
            element.context.credentialValue = value
        } else {
            element.context.credentialColumn = false
        }
        let mark = session.rowOut.count
        var fates: [CellFate] = []
        fates.reserveCapacity(array.elements.count)
        var changed = false
        for range in array.elements {
            guard let range else { fates.append(.null); continue }
            let fate = mask(lower: lower + range.lowerBound, upper: lower + range.upperBound, column: element, row: row,
                            columnIndex: columnIndex, into: &result)
            if case .overLimit = fate { session.rowOut.removeSubrange(mark...); return fate }
            if fate != .unchanged { changed = true }
            fates.append(fate)
        }
        if !changed { return .unchanged }
        var encoded: [UInt8] = []
        encoded.reserveCapacity(value.count + 64)
        array.appendEncoded(header: value, to: &encoded) { i in
            switch fates[i] {
            case .null: return nil
            case .unchanged:
                let r = array.elements[i]!
                return Array(value[r])
            case .replaced(let r): return Array(session.rowOut[r])
            case .overLimit: preconditionFailure("an element over the limit returned above")
            }
        }
        // The elements' replacements were scratch: the array's encoding takes their place.
        session.rowOut.removeSubrange(mark...)
        session.rowOut.append(contentsOf: encoded)
        return .replaced(mark..<session.rowOut.count)
    }
}

/// Text checks and repairs for cells whose type constrains their text.
enum PrintableText {
    /// Whether `bytes` is valid UTF-8 without control characters other than tab, LF and CR: how a binary
    /// cell of an unknown type (or a bytea) shows that it holds text.
    static func isPrintableUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b < 0x20 && b != 9 && b != 10 && b != 13 || b == 0x7F { return false }
                i += 1
                continue
            }
            let length: Int
            if b & 0xE0 == 0xC0 && b >= 0xC2 { length = 2 }
            else if b & 0xF0 == 0xE0 { length = 3 }
            else if b & 0xF8 == 0xF0 && b <= 0xF4 { length = 4 }
            else { return false }
            guard i + length <= n else { return false }
            for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { return false }
            i += length
        }
        return true
    }
}

/// SSNs kept in number columns lose their leading zeros (`078-05-1120` is stored as 78051120): in a
/// column named like `ssn`, a 7- or 8-digit number is read with its zeros put back, so the SSN rules
/// (and the token) see all nine digits.
enum SSNDigits {
    static func isShortRun(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        (7...8).contains(bytes.count) && bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func appendPadded(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 9 - bytes.count))
        out.append(contentsOf: bytes)
        return true
    }

    /// Writes a masked number without leading zeros, as the column's type prints it.
    static func appendUnpadded(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        let first = bytes.firstIndex { $0 != UInt8(ascii: "0") } ?? (bytes.count - 1)
        out.append(contentsOf: bytes[first...])
        return true
    }
}
