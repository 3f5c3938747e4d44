/// Everything one worker needs to mask cells: the stage-1 index, the scanner, the rewriter and their
/// scratch. A session is owned by one thread at a time; sessions share nothing mutable, so a daemon can
/// keep one per connection or per worker with no global state.
public final class MaskSession {
    public private(set) var rewriter: CellRewriter
    /// The policy as it applies to this session's identity. Setting it (a reloaded policy) takes effect
    /// from the next result set whose columns are resolved; a policy of another version brings its own
    /// custom types' tokenizers.
    public var policy: SessionPolicy {
        didSet {
            resolvedFor = nil
            if policy.policy.version != rewriter.policy.version {
                rewriter = CellRewriter(policy: policy.policy, tokenizer: rewriter.tokenizer)
                scanner = CellScanner(detectors: policy.policy.detectors)
            }
        }
    }
    /// The columns whose actions `resolvedActions` holds (results are shared objects, so identity
    /// tells whether a row belongs to the same result as the row before).
    /// Which table column each view column of this session's database reads, when known.
    public var lineage = ColumnLineage() {
        didSet { resolvedFor = nil }
    }
    private var resolvedFor: ResultColumns?
    private var resolvedActions: [ActionTable] = []
    private var resolvedAnnounced: [UInt32] = []
    private(set) var scanner: CellScanner
    /// Findings of the unit being processed (a row); reused, so steady state allocates nothing.
    var findings: [Finding] = []
    /// Masked cell values are built here before the format's writer frames or quotes them.
    var cellOut: [UInt8] = []
    /// Cell boundaries of the row being masked.
    var cellBounds: [CellBounds] = []
    /// Replacement values of the row being masked, referred to by range.
    var rowOut: [UInt8] = []
    /// A binary cell decoded to text (an int8 to its decimal digits), and the stage-1 index over it.
    var decoded: [UInt8] = []
    let decodedIndex = StageOneIndex(windowBytes: 4096)
    /// A masked CSV value quoted for output.
    let quoted = ByteScratch()
    /// The CSV record loop's one-pass field reader, made on a session's first CSV chunk.
    private(set) lazy var fieldSplitter = TextFieldSplitter()
    /// The cells of one wire text column batch copied together, a zero byte after each, and the
    /// stage-1 index over them (`DataRowBatch.maskTextColumn`): made on a session's first DataRow batch.
    private(set) lazy var gatheredCells = ByteScratch(capacity: 16 * 1024)
    private(set) lazy var gatheredIndex = StageOneIndex()

    /// Lends the findings scratch, emptied, to a caller that keeps it in a local for the length of a
    /// chunk or row: a class property passed `inout` would pay a dynamic exclusivity check on every
    /// cell. Give it back with `giveBack(_:)` (its capacity is what saves the allocations).
    func lendFindings() -> [Finding] {
        var lent: [Finding] = []
        swap(&lent, &findings)
        lent.removeAll(keepingCapacity: true)
        return lent
    }

    func giveBack(_ lent: [Finding]) { findings = lent }

    /// Lends the cell-bounds scratch, emptied (see `lendFindings`).
    func lendCells() -> [CellBounds] {
        var lent: [CellBounds] = []
        swap(&lent, &cellBounds)
        lent.removeAll(keepingCapacity: true)
        return lent
    }

    func giveBack(_ lent: [CellBounds]) { cellBounds = lent }

    /// The column batch of a wire capture's DataRows; its arrays are reused from chunk to chunk.
    private var dataRowBatch = DataRowBatch()

    /// Lends the column-batch scratch (see `lendFindings`).
    func lendBatch() -> DataRowBatch {
        var lent = DataRowBatch()
        swap(&lent, &dataRowBatch)
        return lent
    }

    func giveBack(_ lent: DataRowBatch) { dataRowBatch = lent }

    /// The record batch of CSV and COPY chunks, built on first use and reused from chunk to chunk.
    private var textRecordBatch: TextRecordBatch?

    /// Lends the record-batch scratch (see `lendFindings`).
    func lendRecordBatch() -> TextRecordBatch { textRecordBatch.take() ?? TextRecordBatch() }

    func giveBack(_ lent: TextRecordBatch) { textRecordBatch = lent }

    /// Lends the decoded-text scratch, emptied (see `lendFindings`).
    func lendDecoded() -> [UInt8] {
        var lent: [UInt8] = []
        swap(&lent, &decoded)
        lent.removeAll(keepingCapacity: true)
        return lent
    }

    func giveBackDecoded(_ lent: [UInt8]) { decoded = lent }

    /// The action table of each column of `columns`, resolved once per result for this session's
    /// identity; a result whose description is unknown gets the identity's tables for no column.
    func actions(for columns: ResultColumns) -> [ActionTable] {
        if let resolvedFor, resolvedFor === columns { return resolvedActions }
        resolvedActions = columns.columns.map {
            let described = ColumnLineage.Column(table: $0.tableOID, attribute: Int($0.columnAttribute))
            return policy.actions(for: ColumnReference(name: $0.name, tableOID: $0.tableOID, attributeNumber: Int($0.columnAttribute),
                                                       source: lineage.isEmpty ? nil : lineage.source(of: described)))
        }
        resolvedAnnounced = columns.columns.map { scanner.custom?.announced(columnName: $0.name) ?? 0 }
        resolvedFor = columns
        return resolvedActions
    }

    /// Per column of `columns`, the custom detectors its name announces (`CustomDetection.announced`);
    /// resolved with `actions(for:)`, which must be called first.
    func announced(for columns: ResultColumns) -> [UInt32] {
        _ = actions(for: columns)
        return resolvedAnnounced
    }

    /// The custom detectors a column of this name announces.
    func announced(columnName: String) -> UInt32 { scanner.custom?.announced(columnName: columnName) ?? 0 }

    /// The actions for text outside any column, and for cells whose column is unknown.
    var textActions: ActionTable { policy.textActions }

    /// Where the pipeline stops (benchmarks only; see `PipelineStage`): every scan goes through
    /// `scan(_:lower:upper:index:context:into:)`, which honours it.
    public var stopAfter = PipelineStage.mask

    /// Whether chunks keep a `FindingRecord` per finding (for reports and audit ledgers); counts per
    /// type are kept either way.
    public var recordsFindings = true

    /// The scanner and stop stage as they are now, for a chunk's or batch's loops to scan with.
    var chunkScan: ChunkScan { ChunkScan(scanner: scanner, stopAfter: stopAfter) }

    /// Scans a cell as `CellScanner.scan` does, unless the session stops before detection (`ChunkScan`).
    @inline(__always)
    @discardableResult
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, lower: Int, upper: Int, index: StageOneIndex, context: ColumnContext,
              into findings: inout [Finding]) -> Int {
        chunkScan.scan(bytes, lower: lower, upper: upper, index: index, context: context, into: &findings)
    }

    public init(policy: MaskPolicy, key: TokenKey, identity: Identity = .unknown) {
        self.policy = policy.resolve(identity)
        rewriter = CellRewriter(policy: policy, tokenizer: Tokenizer(key: key))
        scanner = CellScanner(detectors: policy.detectors)
        findings.reserveCapacity(64)
        cellOut.reserveCapacity(4096)
    }
}

/// The output of masking one chunk of a stream: bytes to write, findings to report, and the error that
/// stopped it, if any. When `error` is set, `output` ends before the failing row or message.
public struct MaskedChunk: Sendable {
    public var output: [UInt8] = []
    public var findings: [FindingRecord] = []
    /// `findings` as JSON Lines, when a report is asked for (formatted by the worker that masked the chunk).
    var reportLines: [UInt8] = []
    /// Data rows seen (for the summary).
    public var rows = 0
    /// Findings per entity type, indexed by `EntityType.rawValue`.
    public var counts = [Int](repeating: 0, count: EntityType.slotCount)
    public var error: StreamError? = nil
    /// Findings masked outside any row (pg_dump text outside COPY blocks, a CSV header): masked, not
    /// reported, since they have no row and column.
    public var outsideRowFindings = 0
    /// Cells whose value was changed (rewritten or made NULL), for audit records.
    public var maskedCells = 0
    /// Input bytes of the chunk, for audit records.
    public var inputBytes = 0
    /// The table and columns the chunk's rows belong to, for `maskd pipe`'s audit records.
    public var auditSource: AuditSource? = nil

    public init() {}

    /// Appends what `next`, the masked input that follows this chunk's, holds: its output after this
    /// one's, its findings, counts and rows added, its error and audit source taken (this chunk had
    /// neither: it is script text).
    mutating func append(_ next: MaskedChunk) {
        precondition(kept.isEmpty && next.kept.isEmpty, "chunks whose kept bytes are written")
        output.append(contentsOf: next.output)
        findings.append(contentsOf: next.findings)
        reportLines.append(contentsOf: next.reportLines)
        rows += next.rows
        for i in counts.indices { counts[i] += next.counts[i] }
        error = error ?? next.error
        outsideRowFindings += next.outsideRowFindings
        maskedCells += next.maskedCells
        inputBytes += next.inputBytes
        auditSource = next.auditSource ?? auditSource
    }

    /// Input bytes passed through but not yet copied to `output`: the run of unchanged messages since
    /// the last change, copied in one piece by `flushKept` (or never, when a whole chunk is unchanged
    /// and its input array becomes the output).
    var kept = 0..<0

    /// Passes `range` of `input` through unchanged. Ranges must come in input order; a range that does
    /// not continue the kept run flushes it first.
    @inline(__always)
    mutating func keep(_ range: Range<Int>, of input: UnsafeBufferPointer<UInt8>) {
        if kept.isEmpty {
            kept = range
        } else if kept.upperBound == range.lowerBound {
            kept = kept.lowerBound..<range.upperBound
        } else {
            flushKept(input)
            kept = range
        }
    }

    /// Copies the kept run to `output`; call it before appending anything else to `output`.
    @inline(__always)
    mutating func flushKept(_ input: UnsafeBufferPointer<UInt8>) {
        // Reserved before the first byte of output, whether kept or rewritten: a chunk whose first row
        // changed used to grow its output from nothing, doubling (and copying) it a dozen times.
        if output.capacity == 0 { output.reserveCapacity(input.count + input.count / 8) }
        guard !kept.isEmpty else { return }
        output.append(copying: UnsafeBufferPointer(rebasing: input[kept]))
        kept = kept.upperBound..<kept.upperBound
    }

    /// Runs a chunk masker's `body` over `input` and ends its kept run (copied to `output`).
    static func masking(_ input: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> MaskedChunk) -> MaskedChunk {
        var result = body(input)
        if !result.kept.isEmpty { result.flushKept(input) }
        result.kept = 0..<0
        return result
    }

    /// Runs a chunk masker's `body` over `input` and ends its kept run; when `body` kept the whole input
    /// unchanged, the input array itself becomes `output`, with no copy.
    static func masking(_ input: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> MaskedChunk) -> MaskedChunk {
        var whole = false
        var result = input.withUnsafeBufferPointer { chunk in
            var result = body(chunk)
            whole = result.error == nil && result.output.isEmpty && result.kept == 0..<chunk.count
            if !whole { result.flushKept(chunk) }
            return result
        }
        if whole { result.output = input }
        result.kept = 0..<0
        result.inputBytes = input.count
        return result
    }

    /// Whether `record` keeps a `FindingRecord` (reports and audit ledgers need them; counts do not).
    var recordsFindings = true

    public init(recordingFindings: Bool) { recordsFindings = recordingFindings }

    mutating func record(_ f: Finding, row: Int, column: Int, table: Int32 = -1) {
        if recordsFindings { findings.append(FindingRecord(row: row, column: column, start: f.start, end: f.end, type: f.type, kind: f.kind, table: table)) }
        counts[Int(f.type.rawValue)] += 1
    }
}
