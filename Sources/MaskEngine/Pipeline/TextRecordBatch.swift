import CMaskKernels

/// Records of a text format (CSV records, COPY rows) gathered from a chunk and scanned as one batch:
/// the column batches of the design's data path, for the formats whose values are text.
///
/// The format's parser adds each record's fields as offsets into the borrowed chunk. A value that must
/// be decoded before it is scanned (a CSV value with doubled quotes, a COPY value with escapes) is
/// decoded once into `decoded` and taken from there by the rewrite too; the other values are copied
/// there as well, in runs (`addGathered`, `mk_text_gather`), so that each byte is classified once, in
/// one place, rather than in the chunk and again decoded. Values too large to copy are scanned where
/// they lie.
/// Then `scan` walks the batch record by record, each column's context read once per batch, every
/// decoded value scanned against one stage-1 index over all of them (one classification per batch, not
/// one call per value); `prepareTokens` makes the batch's card, SSN and email tokens together (FF1
/// interleaved, MACs in pairs, see `PreparedTokens`); and the format writes the records in order from
/// their fields and findings.
///
/// Bounded in records and bytes like `DataRowBatch`, so its stage-1 masks stay in cache while each
/// column walks them. One per session, reused, so steady state allocates nothing.
struct TextRecordBatch {
    static let maxRecords = 256
    static let maxBytes = 64 * 1024
    /// The most bytes a batch copies into its own bytes (a batch is at most `maxBytes` of records, and its
    /// last record may be longer). Values are copied there, unquoted or unescaped when they must be, so
    /// that the whole batch is classified once and scanned and rewritten from there (scanning values where
    /// they lie classified the chunk's bytes, and then each value with doubled quotes a second time
    /// unquoted: on CSV with JSON in its fields, a quarter of the bytes). Past this, fields stay where they
    /// lie and are scanned there, in the chunk's windows, so that the batch's copy and masks do not grow
    /// with one huge record.
    static let copiedAtMost = 256 * 1024

    /// A record's raw bytes in the chunk (with its line ending) and its fields in `fields`.
    struct Record {
        var start: Int
        var end: Int
        var fields: Range<Int>
    }

    private(set) var records: [Record] = []
    /// The fields of the records, in order.
    let fields = TextFields(capacity: Self.maxRecords * 16)
    /// Every field's findings; field `i`'s are `findings[fields[i].findings]`.
    private(set) var findings: [Finding] = []
    /// The decoded values, one zero byte after each: to the stage-1 kernel a zero byte is in no class,
    /// so each value is classified as it would be alone (a neighbour can add candidates, such as an '@'
    /// last in a value, never remove one).
    private let decoded = ByteScratch(capacity: 16 * 1024)
    private let decodedIndex = StageOneIndex()
    /// The bytes of the bytea hex value being scanned (`scanByteaHexFields`), and their index.
    private let byteaScratch = ByteScratch(capacity: 256)
    private let byteaIndex = StageOneIndex()
    /// The stage-1 index of the chunk the batch is read from (`reset` by the format for each chunk):
    /// kept here so that the memory its pinned windows grow to is allocated once per session.
    let index = StageOneIndex()
    /// Fields of the widest record.
    private var width = 0
    /// Fields added to be scanned where they lie in the chunk (`.raw`).
    private var rawFields = 0
    /// Fields whose value is bytea's hex text (`FieldSpan.isByteaHex`), scanned after the walk.
    private var hexFields = 0
    /// Each column's context for the batch being scanned (nil: not scanned); kept for its capacity.
    private var columnContexts: [ColumnContext?] = []
    private var recordStart = 0
    private var recordFields = 0
    /// The fields of the CSV record being read one field at a time (`appendCSVField`), gathered when it
    /// ends as a splitter's records are.
    private var csvRecordFields: [mk_csv_field] = []
    /// Where the records a gather ended end among its fields (`mk_text_gather`'s `record_field_ends`,
    /// which the kernel fills at most: it stops when they are full, and the gather goes on from there).
    private var gatheredRecordEnds = [Int](repeating: 0, count: TextRecordBatch.maxRecords)

    /// How the batch probes for runs of plain records without a candidate (`mask`'s `plainRecords`):
    /// on most tables of values without PII every record is such, and on most others almost none is.
    private var plainProbe = PlainRunProbe()
    /// Bytes the probes have kept since the batch was made: what the tests hold the probe to.
    private(set) var probeKeptBytes = 0
    /// The stage-1 index of a probe's records, classified in small windows up to their first candidate
    /// (made at the first probe: a session that never probes, one that stops before stage 1, has none).
    private lazy var probeIndex = StageOneIndex(windowBytes: 8192)

    /// A batch with room for its usual records, fields and findings, so that a session does not grow
    /// its arrays one reallocation at a time.
    init() {
        records.reserveCapacity(Self.maxRecords)
        findings.reserveCapacity(Self.maxRecords * 2)
        columnContexts.reserveCapacity(32)
    }

    /// Whether each record starts where the one before it ends (as the formats add them), so that the
    /// batch's records are one range of the chunk.
    var recordsAreContiguous: Bool {
        records.withUnsafeBufferPointer { r in
            var contiguous = true
            for i in r.indices.dropFirst() { contiguous = contiguous && r[i].start == r[i - 1].end }
            return contiguous
        }
    }

    /// Bytes of the chunk the batch's records cover.
    var byteCount: Int { records.isEmpty ? 0 : records[records.count - 1].end - records[0].start }
    var isFull: Bool { records.count >= recordLimit || byteCount >= Self.maxBytes }
    /// The records this batch reads at most: `maxRecords`, or fewer after a probe that stopped at a
    /// candidate (`PlainRunProbe.recordsAfterStop`), so that the plain records after it are probed
    /// again soon.
    private(set) var recordLimit = TextRecordBatch.maxRecords
    /// Fields of the record being added (those of a CSV record read one field at a time included).
    var fieldsInRecord: Int { fields.count - recordFields + csvRecordFields.count }

    /// Empties the batch, keeping its capacity (giving back what one huge value grew).
    mutating func removeAll() {
        records.removeAll(keepingCapacity: true)
        rawFields = 0
        hexFields = 0
        fields.removeAll(keepingAtMost: Self.maxRecords * 64)
        findings.removeAll(keepingCapacity: true)
        decoded.removeAll(keepingAtMost: 1 << 20)
        if csvRecordFields.capacity > Self.maxRecords * 64 { csvRecordFields = [] }
        csvRecordFields.removeAll(keepingCapacity: true)
        width = 0
    }

    /// Starts a record at `start` in the chunk.
    mutating func beginRecord(at start: Int) {
        recordStart = start
        recordFields = fields.count
    }

    /// Adds a field scanned where it lies (`.raw`) or not at all (`.skipped`).
    mutating func add(_ field: FieldSpan) {
        if field.source == .raw { rawFields += 1 }
        fields.append(field)
    }

    /// Adds CSV fields of `chunk` (a splitter's read, or a record read one field at a time) as
    /// `mk_text_gather` gathers them (see there), and ends the records whose last field (`MK_CSV_LAST`) is
    /// among them: the `k`th such record at `recordEnd(k)`, where the next begins.
    mutating func addGathered(_ chunk: UnsafeBufferPointer<UInt8>, fields csv: UnsafeBufferPointer<mk_csv_field>,
                              copiedAtMost: Int, recordEnd: (Int) -> Int) {
        guard let csvBase = csv.baseAddress else { return }
        var (first, ended) = (0, 0)
        while first < csv.count {
            let count = csv.count - first
            let before = fields.count
            // Room for the usual case: the values copied in runs, a zero after each piece. A field that
            // needs more (a huge value) stops the gather, which says how much it needs; room is made for
            // it and the gather goes on from that field.
            let span = csv[csv.count - 1].end - csv[first].start
            let next = decoded.continueWriting(atMost: min(span + count + 1, copiedAtMost + 2))
            var gathered = mk_text_gather_result()
            gatheredRecordEnds.withUnsafeMutableBufferPointer { ends in
                fields.append(atMost: count) { out in
                    // Sound: the fields lie inside `chunk`; the kernel writes at most `count` fields to `out`,
                    // decoded bytes below the capacity it is given, and at most `ends.count` record ends.
                    gathered = mk_text_gather(chunk.baseAddress, csvBase + first, count, next - decoded.count,
                                             decoded.count, decoded.count + decoded.room, copiedAtMost, out,
                                             ends.baseAddress, ends.count)
                    return gathered.fields
                }
            }
            decoded.setCount(gathered.decoded_count)
            rawFields += gathered.raw_fields
            hexFields += gathered.hex_fields
            if gathered.needed > 0 { _ = decoded.continueWriting(atMost: gathered.needed) }
            for k in 0..<gathered.records {
                let end = recordEnd(ended + k)
                let fieldEnd = before + gatheredRecordEnds[k]
                records.append(Record(start: recordStart, end: end, fields: recordFields..<fieldEnd))
                width = max(width, fieldEnd - recordFields)
                recordStart = end
                recordFields = fieldEnd
            }
            first += gathered.fields
            ended += gathered.records
        }
    }

    /// Adds records from `position` until `batch` is full or the chunk ends: runs of well-formed ones read
    /// in one pass by `read` (the session's `TextFieldSplitter` reading from an offset, at most so many
    /// records and bytes), their fields and values gathered without a Swift step per field
    /// (`addGathered`), and each record the reading leaves by `readRecord`, the format's record loop,
    /// which names the error of a record it refuses (returned, the record not added; `position` names
    /// it). Without a splitter every record goes through `readRecord` (the tests compare the two).
    static func addRecords(_ chunk: UnsafeBufferPointer<UInt8>, at position: inout Position, into batch: inout TextRecordBatch,
                           splitter: TextFieldSplitter?,
                           read: (TextFieldSplitter, _ offset: Int, _ maxRecords: Int, _ maxBytes: Int) -> TextFieldSplitter.Read,
                           readRecord: (inout Position, inout TextRecordBatch) -> StreamError?) -> StreamError? {
        while position.offset < chunk.count && !batch.isFull {
            if let splitter {
                let r = read(splitter, position.offset, batch.recordLimit - batch.records.count, maxBytes - batch.byteCount)
                batch.beginRecord(at: position.offset)
                batch.addGathered(chunk, fields: splitter.fields(of: r), copiedAtMost: copiedAtMost) { splitter.recordEnd($0) }
                position.offset = r.end
                position.line += r.lines
                position.row += r.records
                // Progress is certain: the kernel read records, or the record loop reads one.
                if !r.irregular && r.records > 0 { continue }
                if position.offset >= chunk.count || batch.isFull { break }
            }
            if let error = readRecord(&position, &batch) { return error }
        }
        return nil
    }

    /// Adds a field of the CSV record being read one field at a time: its raw bytes `start..<end` in the
    /// chunk, quotes included; `doubled`: quoted, with doubled quotes inside. `endCSVRecord` gathers them.
    mutating func appendCSVField(start: Int, end: Int, quoted: Bool, doubled: Bool, backslash: Bool) {
        let flags = (quoted ? MK_CSV_QUOTED : 0) | (doubled ? MK_CSV_DOUBLED : 0) | (backslash ? MK_CSV_BACKSLASH : 0)
        csvRecordFields.append(mk_csv_field(start: start, end: end, flags: UInt32(flags)))
    }

    /// Ends the CSV record begun last, read one field at a time, at `end` (after its line ending): its
    /// fields are gathered as a splitter's are (`addGathered`).
    mutating func endCSVRecord(_ chunk: UnsafeBufferPointer<UInt8>, at end: Int, copiedAtMost: Int) {
        precondition(!csvRecordFields.isEmpty, "a CSV record has a field")
        csvRecordFields[csvRecordFields.count - 1].flags |= UInt32(MK_CSV_LAST)
        var pending = csvRecordFields
        csvRecordFields = []
        pending.withUnsafeBufferPointer { addGathered(chunk, fields: $0, copiedAtMost: copiedAtMost) { _ in end } }
        pending.removeAll(keepingCapacity: true)
        csvRecordFields = pending
    }

    /// Adds a COPY field whose value `decode` unescapes (at most `atMost` bytes, returning how many) into
    /// the batch's decoded bytes, marked when it is then bytea's hex text (as `mk_text_gather` marks it).
    mutating func addDecoded(_ field: FieldSpan, atMost: Int, decode: (UnsafeMutablePointer<UInt8>) -> Int) {
        let start = decoded.count
        let p = decoded.continueWriting(atMost: atMost + 1)
        let count = decode(p)
        // Sound: `decode` wrote at most `atMost` bytes, and `atMost + 1` were made room for.
        let hex = mk_is_bytea_hex(p, count) != 0
        p[count] = 0
        decoded.setCount(start + count + 1)
        var field = field
        field.source = .decoded(start..<(start + count))
        if hex {
            // Passed by the walk over text values (skipped), scanned after it (`scanByteaHexFields`).
            field.c.flags = field.c.flags & ~UInt32(MK_FIELD_DECODED) | UInt32(MK_FIELD_HEX | MK_FIELD_SKIPPED)
            hexFields += 1
        }
        fields.append(field)
    }

    /// Ends the record begun last at `end` (after its line ending).
    mutating func endRecord(at end: Int) {
        records.append(Record(start: recordStart, end: end, fields: recordFields..<fields.count))
        width = max(width, fields.count - recordFields)
    }

    /// Forgets the fields of the record begun last (one the format refuses).
    mutating func dropRecord() {
        fields.removeLast(from: recordFields)
        csvRecordFields.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with each field of `record` in order, its column and its findings (empty for most),
    /// read through one buffer pointer for the record: the writers' slices of the findings array, one
    /// per cell, were a retain and a release each.
    @inline(__always)
    func forEachField(of record: Record, _ body: (_ column: Int, _ field: FieldSpan, _ findings: UnsafeBufferPointer<Finding>) -> Void) {
        findings.withUnsafeBufferPointer { all in
            for (column, i) in record.fields.enumerated() {
                let field = fields[i]
                // Sound: a field's findings range lies inside the batch's findings (`scan` set it).
                body(column, field, UnsafeBufferPointer(rebasing: all[field.findings]))
            }
        }
    }

    /// The value of `field`: in `chunk`, or in the decoded bytes. Valid until the batch changes.
    func value(of field: FieldSpan, in chunk: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        if case .decoded(let range) = field.source { return UnsafeBufferPointer(rebasing: decoded.bytes[range]) }
        return UnsafeBufferPointer(rebasing: chunk[field.valueStart..<field.valueEnd])
    }

    /// Scans every field, record by record; `context` gives a column's context, or nil for a column
    /// not to scan (asked once per column and batch). Raw values are scanned against `index` (the
    /// chunk's).
    /// `index` should have been pinned at the batch's start before its records were read (so that
    /// the walk finds them classified), and is unpinned here.
    ///
    /// Record by record, not column by column: a column's fields lie a record apart, and a batch of a
    /// wide table (100 columns) has more fields than the cache holds, so walking a column at a time
    /// missed the cache on every field (a quarter of the time on such a table). Each field is scanned
    /// on its own, with its column's context, so the order changes no finding.
    ///
    /// `delimiter`: the byte between a record's fields, which (with a quote, a line end and the zero
    /// after each decoded piece) is what precedes each value in the decoded bytes.
    mutating func scan(_ chunk: UnsafeBufferPointer<UInt8>, index: StageOneIndex, with scan: ChunkScan, delimiter: UInt8,
                       context: (Int) -> ColumnContext?) {
        defer { index.unpin() }
        // Moved out while the walk holds the fields and records (given back below): the loop then reads
        // them through buffer pointers, without an array's checks per access.
        var findings = self.findings
        self.findings = []
        defer { self.findings = findings }
        findings.removeAll(keepingCapacity: true)
        columnContexts.removeAll(keepingCapacity: true)
        for column in 0..<width { columnContexts.append(context(column)) }
        let decodedBytes = decoded.bytes
        decodedIndex.reset(decodedBytes)
        // The decoded values in one window, classified once.
        if scan.stopAfter > .decode && decodedBytes.count > 0 { decodedIndex.ensure(0, decodedBytes.count) }
        // A value without a stage-1 candidate has no finding (`CellScanner.scan`'s first test, unless
        // custom detectors read every cell): tested here, without the call, for most values.
        let prefilter = !scan.scansEveryCell && scan.stopAfter > .decode
        if prefilter && rawFields == 0 {
            // Every value is in the decoded bytes, in ascending order: one gate answers for all of them.
            var gate = CandidateGate(index: decodedIndex, bytes: decodedBytes, valuesBetweenNeutralBytes: CellEdges.isNeutral(delimiter))
            // Values lie between delimiters, quotes, line ends and zeros; when none of these is a token byte and no
            // column is a credential column (scanned whatever it holds), most values are passed by their
            // ends alone.
            if !ASCII.isTokenByte(delimiter) && !columnContexts.contains(where: { $0?.credentialColumn == true }) {
                skippingWalk(index: index, with: scan, into: &findings, admitting: &gate)
            } else {
                walk(chunk, index: index, with: scan, prefiltered: true, into: &findings, admitting: &gate)
            }
        } else {
            var test = IndexPrefilter(enabled: prefilter)
            walk(chunk, index: index, with: scan, prefiltered: prefilter, into: &findings, admitting: &test)
        }
    }

    /// `scan`'s walk over the records, each field scanned where `prefilter` admits it; `prefiltered`:
    /// it admits from the stage-1 masks. Two forms, because a COPY batch's values are mostly scanned
    /// in the chunk (where the index's own test is cheapest) and a CSV batch's all in its decoded bytes
    /// (where the gate is).
    @inline(__always)
    private mutating func walk<Prefilter: CandidatePrefilter>(_ chunk: UnsafeBufferPointer<UInt8>, index: StageOneIndex,
                                                              with scan: ChunkScan, prefiltered: Bool,
                                                              into findings: inout [Finding], admitting prefilter: inout Prefilter) {
        let decodedBytes = decoded.bytes
        let decodedIndex = self.decodedIndex
        let fields = self.fields.buffer
        records.withUnsafeBufferPointer { records in
            columnContexts.withUnsafeBufferPointer { contexts in
                for record in records {
                    // Sound: `record.fields` is a range of fields added before the record ended
                    // (`endRecord`), so inside `fields`, and no wider than `width`, the count of
                    // `contexts`; neither buffer is bounds-checked.
                    for i in record.fields {
                        guard let context = contexts[i - record.fields.lowerBound] else { continue }
                        // Where the value is scanned: in the chunk, or decoded in the batch's own bytes.
                        let field = fields[i]
                        let (bytes, valueIndex): (UnsafeBufferPointer<UInt8>, StageOneIndex)
                        if field.flags & UInt32(MK_FIELD_DECODED) != 0 {
                            (bytes, valueIndex) = (decodedBytes, decodedIndex)
                        } else if field.flags & UInt32(MK_FIELD_SKIPPED) == 0 {
                            (bytes, valueIndex) = (chunk, index)
                        } else {
                            continue
                        }
                        let (lower, upper) = (Int(field.value_start), Int(field.value_end))
                        // A credential column's value is a secret whatever it holds (`CellScanner.scan`).
                        if !context.credentialColumn && !prefilter.admits(valueIndex, lower, upper) { continue }
                        // Fields are added with no findings, and a batch is scanned once. The count
                        // is read only for a field with findings: the getter is a call.
                        let added = scan.scan(bytes, lower: lower, upper: upper, index: valueIndex, context: context,
                                              candidates: prefiltered ? true : nil, into: &findings)
                        if added > 0 {
                            fields[i].findings_start = Int32(findings.count - added)
                            fields[i].findings_end = Int32(findings.count)
                        }
                    }
                }
            }
        }
    }

    /// `walk` for a batch whose scanned values all lie in its decoded bytes, in ascending order, each after
    /// a byte that is no token byte, with no credential column: the values that end at or before the
    /// gate's next possible candidate (`firstPossibleCandidate`) hold none, so they are passed in a loop
    /// that reads only their ends and flags; the gate, the context and the scan are for the few others.
    /// On a PII-free table the gate's test per value was most of the walk, and the walk a seventh of the
    /// time (Benchmarks/RESULTS.md). A value that starts before the position the next candidate was
    /// looked for from (values out of order) is looked at by the gate itself, so none is ever skipped
    /// that holds a candidate.
    private mutating func skippingWalk(index: StageOneIndex, with scan: ChunkScan, into findings: inout [Finding],
                                       admitting gate: inout CandidateGate) {
        let decodedBytes = decoded.bytes
        let decodedIndex = self.decodedIndex
        let fields = self.fields.buffer
        let notScanned = UInt32(MK_FIELD_SKIPPED)
        records.withUnsafeBufferPointer { records in
            // The records' fields, which they cover in order: a field past the last record (none is
            // expected) is no record's, and is not visited, as `walk` does not.
            let count = min(fields.count, records.last?.fields.upperBound ?? 0)
            columnContexts.withUnsafeBufferPointer { contexts in
                var i = 0, record = 0
                // `next` is the first possible candidate at or after `searchedFrom` (before the first
                // search, below every value's end).
                var searchedFrom = Int.max, next = Int.min, nextIsCandidate = false
                while true {
                    // Sound: i < count, the fields' count, in each test below.
                    while i < count && (fields[i].flags & notScanned != 0
                                        || (Int(fields[i].value_end) <= next && Int(fields[i].value_start) >= searchedFrom)) {
                        i += 1
                    }
                    if i >= count { break }
                    let (lower, upper) = (Int(fields[i].value_start), Int(fields[i].value_end))
                    // The value ends past `next`: `next` lies in it, or before it (where a value holding
                    // it was scanned), and then the search goes on from the value.
                    if lower < searchedFrom || next < lower {
                        searchedFrom = lower
                        (next, nextIsCandidate) = gate.firstPossibleCandidate(from: lower)
                        if upper <= next { continue }
                    }
                    // Sound: the records' fields cover 0..<count in order, so a record at or after
                    // `record` holds field i.
                    while records[record].fields.upperBound <= i { record += 1 }
                    let column = i - records[record].fields.lowerBound
                    defer { i += 1 }
                    guard let context = contexts[column] else { continue }
                    // A candidate in the value answers the gate's question; a run's start, the gate.
                    guard nextIsCandidate && lower <= next || gate.hasCandidates(lower, upper) else { continue }
                    let added = scan.scan(decodedBytes, lower: lower, upper: upper, index: decodedIndex, context: context,
                                          candidates: true, into: &findings)
                    if added > 0 {
                        fields[i].findings_start = Int32(findings.count - added)
                        fields[i].findings_end = Int32(findings.count)
                    }
                }
            }
        }
    }

    /// Scans the bytes each bytea hex value encodes (a COPY field `\\x…`, a CSV field `\x…`: a document,
    /// a serialised object), as the wire path scans a bytea cell: such a field's findings are offsets into those
    /// bytes. Rare, so after the walk (`scan`), each value decoded and classified on its own; called
    /// apart from `scan`, so that its scan calls do not change what the compiler inlines into the walk
    /// (inside `scan` they made the walk's detectors calls of their own: +0.9 % instructions on PII-free
    /// CSV).
    mutating func scanByteaHexFields(with scan: ChunkScan) {
        guard hexFields > 0 && scan.stopAfter > .decode else { return }
        let decodedBytes = decoded.bytes
        for record in records {
            for i in record.fields {
                let field = fields[i]
                guard field.isByteaHex, let context = columnContexts[i - record.fields.lowerBound] else { continue }
                let hex = UnsafeBufferPointer(rebasing: decodedBytes[Int(field.c.value_start)..<Int(field.c.value_end)])
                let count = ByteaHex.decodeInPlace(hex, to: byteaScratch.startWriting(atMost: hex.count / 2))
                byteaScratch.setCount(count)
                let bytes = byteaScratch.bytes
                byteaIndex.reset(bytes)
                let added = scan.scan(bytes, lower: 0, upper: bytes.count, index: byteaIndex, context: context, candidates: nil,
                                      into: &self.findings)
                if added > 0 {
                    fields.buffer[i].findings_start = Int32(self.findings.count - added)
                    fields.buffer[i].findings_end = Int32(self.findings.count)
                }
            }
        }
    }

    /// Makes the card, SSN and email tokens of the batch's findings together, asked for in the order the
    /// records are written (the order the rewrite takes them); `actions` gives a column's actions.
    func prepareTokens(_ chunk: UnsafeBufferPointer<UInt8>, rewriter: CellRewriter, actions: (Int) -> ActionTable) {
        rewriter.forgetPreparedTokens()
        if findings.count < 2 { return }
        for record in records {
            // A bytea value's findings are offsets into the bytes it encodes: its rewrite makes its tokens.
            for i in record.fields where !fields[i].hasNoFindings && !fields[i].isByteaHex {
                rewriter.requestTokens(findings[fields[i].findings], of: value(of: fields[i], in: chunk),
                                            actions: actions(i - record.fields.lowerBound))
            }
        }
        rewriter.prepareTokens()
    }

    /// Where in `chunk[start ..< end]` (plain records up to that position at least: each value's bytes
    /// its own, between bytes that are no token byte) a value may first hold a candidate, as
    /// `skippingWalk` reads the batch's copy of those records (`CandidateGate.firstPossibleCandidate`);
    /// `end - start` when none may. Classified as a buffer of their own (as the batch's copy starts)
    /// a window at a time (`probeIndex`), up to the window that holds the position: where they reach
    /// the chunk's end, in a copy with a zero after them, as the gather copies records; elsewhere where
    /// they lie, the chunk's bytes after them standing for that zero.
    ///
    /// The batch of the plain records before this position classifies the same bytes, but after its
    /// last record's last value a zero where the probe has that record's line end and more records. What
    /// stage 1 reads past a value to keep a candidate (a joiner and digits after a run, a domain after
    /// an '@') a zero never offers, and what it reads to drop one (a digit run's end, for a lone run) a
    /// line end gives as a zero does: so a value that ends before this position is one that walk passes.
    private mutating func firstPossibleCandidate(in chunk: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        guard start < end else { return 0 }
        var bytes = UnsafeBufferPointer(rebasing: chunk[start..<end])
        if end == chunk.count {
            let copy = decoded.startWriting(atMost: bytes.count + 1)
            // Sound: room was made for the bytes and the zero after them.
            copy.update(from: bytes.baseAddress!, count: bytes.count)
            copy[bytes.count] = 0
            decoded.setCount(bytes.count + 1)
            bytes = decoded.bytes
        }
        probeIndex.reset(bytes)
        // Its windows extend, rather than move on with an overlap, as the search reads forward.
        probeIndex.pin(from: 0)
        return probeIndex.firstPossibleCandidate(0, end - start)
    }

    /// Keeps the whole plain records at `position` that hold no candidate, as `mask` passes a batch
    /// without findings, when `plainProbe` says to probe; returns whether it kept any, and sets the
    /// records the next batch reads. `plainRecords(offset, limit)`: where the plain whole records from
    /// `offset` end within `limit` bytes (`offset` when the first is not one), how many they are, the
    /// lines they hold, and whether a record that is not plain ends them.
    private mutating func keepPlainRecords(_ chunk: UnsafeBufferPointer<UInt8>, at position: inout Position,
                                           plainRecords: PlainRecords,
                                           keep: (Range<Int>, Int) -> Void) -> Bool {
        // A batch that waits reads as many records as the last probe said.
        guard plainProbe.shouldProbe() else { return false }
        recordLimit = Self.maxRecords
        let start = position.offset
        let read = min(plainProbe.bytes, chunk.count - start)
        guard read > 0 else { return false }
        // The first candidate, then the plain records whole before it: classified only up to the
        // window that holds it, and read for their quotes only up to it.
        let candidate = firstPossibleCandidate(in: chunk, start, start + read)
        // The batch read next starts with no bytes, as `mask` emptied it.
        decoded.removeAll(keepingAtMost: 1 << 20)
        let (end, rows, lines, irregular) = plainRecords(start, candidate)
        if plainProbe.record(kept: end - start, stopped: candidate < read || irregular) {
            recordLimit = PlainRunProbe.recordsAfterStop
        }
        guard end > start else { return false }
        keep(start..<end, rows)
        probeKeptBytes += end - start
        position.offset = end
        position.line += lines
        position.row += rows
        return true
    }

    /// A format's reading of plain records (see `keepPlainRecords`): from an offset, within a limit of
    /// bytes, where they end, how many they are, the lines they hold, and whether a record that is not
    /// plain ends them.
    typealias PlainRecords = (_ offset: Int, _ limit: Int) -> (end: Int, records: Int, lines: Int, irregular: Bool)

    /// Where a format's parser is in its chunk: the byte, the 1-based line and the 0-based row.
    struct Position {
        var offset: Int
        var line: Int
        var row: Int
    }

    /// Masks a chunk batch by batch: `parse` adds records from the position to the batch (returning
    /// the error of a record it refuses, not added), the batch is scanned (`context` gives a column's
    /// context, nil to skip it) and its card, SSN and email tokens made, then `write` writes each record (with
    /// its row), or, when no record of the batch has a finding, `keep` passes them through in one piece
    /// (the chunk's range they cover, and how many they are). Returns the refused record's error, once the
    /// records before it are written.
    /// `structural`: the chunk index's structural bytes, the first of them the delimiter between fields.
    ///
    /// `probesPlainRecords`, where a format tells them by `plainRecords` (see `keepPlainRecords`): runs
    /// of plain records without a candidate are kept without reading their fields, as a batch of them
    /// would be. Only for columns scanned as `skippingWalk` scans them (no credential column, no detector
    /// reading every cell, a delimiter that is no token byte): the caller passes false otherwise. (Not
    /// an optional closure: that would escape, and its context be allocated for every chunk.)
    static func mask(_ chunk: UnsafeBufferPointer<UInt8>, structural: (UInt8, UInt8, UInt8, UInt8), from start: Position,
                     session: MaskSession, probesPlainRecords: Bool = false,
                     plainRecords: PlainRecords = { offset, _ in (offset, 0, 0, true) },
                     parse: (inout Position, StageOneIndex, inout TextRecordBatch) -> StreamError?,
                     context: (Int) -> ColumnContext?, actions: (Int) -> ActionTable,
                     write: (Record, TextRecordBatch, Int) -> Void,
                     keep: (Range<Int>, Int) -> Void) -> StreamError? {
        var batch = session.lendRecordBatch()
        defer { session.giveBack(batch) }
        let index = batch.index
        index.reset(chunk, structural: structural)
        let scan = session.chunkScan
        let rewriter = session.rewriter
        defer { rewriter.forgetPreparedTokens() }
        var position = start
        let probes = probesPlainRecords && scan.stopAfter > .decode && !scan.scansEveryCell && !ASCII.isTokenByte(structural.0)
        // Without probes (a table with a credential column after one without), full batches.
        if !probes { batch.recordLimit = maxRecords }
        while position.offset < chunk.count {
            batch.removeAll()
            if probes && batch.keepPlainRecords(chunk, at: &position, plainRecords: plainRecords, keep: keep) {
                continue
            }
            let firstRow = position.row
            // The batch's blocks stay classified until its columns are scanned (`scan` unpins).
            index.pin(from: position.offset)
            let error = parse(&position, index, &batch)
            batch.scan(chunk, index: index, with: scan, delimiter: structural.0, context: context)
            batch.scanByteaHexFields(with: scan)
            if scan.stopAfter == .mask { batch.prepareTokens(chunk, rewriter: rewriter, actions: actions) }
            if batch.findings.isEmpty && batch.recordsAreContiguous {
                // Most batches of most tables: a call per record only to find it unchanged was ~390
                // instructions a record on PII-free CSV (Benchmarks/RESULTS.md).
                if let first = batch.records.first { keep(first.start..<batch.records[batch.records.count - 1].end, batch.records.count) }
            } else {
                for (r, record) in batch.records.enumerated() { write(record, batch, firstRow + r) }
            }
            if let error { return error }
        }
        return nil
    }
}
