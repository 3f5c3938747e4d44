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

    mutating func record(_ f: Finding, row: Int, column: Int, table: Int32 = -1) {
        findings.append(FindingRecord(row: row, column: column, start: f.start, end: f.end, type: f.type, kind: f.kind, table: table))
        counts[Int(f.type.rawValue)] += 1
    }
}
