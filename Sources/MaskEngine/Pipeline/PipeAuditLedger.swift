import Foundation

/// `maskd pipe`'s audit records: one `result_set` per CSV input, per COPY block of a dump, or per
/// captured wire stream, built in the consumer from the chunks in input order. Counts come from the
/// chunks' findings (column and type, never a value); actions are resolved for the run's identity
/// from the table and column names the input gave.
final class PipeAuditLedger: @unchecked Sendable {
    // @unchecked: `add` runs only on the pipeline's one consumer thread, chunk after chunk, and `end`
    // after `OrderedPipeline.finish()` has stopped that thread; nothing runs on two threads at once.
    private let policy: SessionPolicy
    private let identityMembers: String
    private let sink: StreamMasker.Sink
    private var source: AuditSource?
    private var tally = ColumnFindingTally()
    private var rows = 0
    private var bytes = 0
    private var masked = 0
    private var started = Date()
    private var clock = ContinuousClock.now

    init(policy: SessionPolicy, identity: Identity, sink: @escaping StreamMasker.Sink) {
        self.policy = policy
        identityMembers = AuditIdentity.members(sessionID: String(UInt64.random(in: 0...UInt64.max), radix: 16), identity: identity)
        self.sink = sink
    }

    /// Adds a chunk; a chunk of another table first ends the current record.
    func add(_ chunk: MaskedChunk) throws {
        guard let next = chunk.auditSource else { return }
        if let source, source != next { try end(outcome: "complete") }
        if source == nil {
            source = next
            started = Date()
            clock = .now
        }
        rows += chunk.rows
        bytes += chunk.inputBytes
        masked += chunk.maskedCells
        for f in chunk.findings { tally.add(column: max(f.column, 0), type: f.type, kind: f.kind) }
    }

    /// Writes the record of the rows seen since the last one, if any.
    func end(outcome: String, code: String? = nil) throws {
        guard let source else { return }
        var columns: [ResultSetRecord.Column] = []
        for i in 0..<max(source.columns.count, tally.widestColumn + 1) {
            let name = i < source.columns.count ? source.columns[i] : ""
            let actions = policy.actions(for: ColumnReference(name: name.isEmpty ? nil : name, table: source.table))
            let found = tally.found(in: i, actions: actions)
            columns.append(ResultSetRecord.Column(name: name, tableOID: 0, attributeNumber: 0, found: found))
        }
        let record = ResultSetRecord(kind: source.kind, columns: columns, rows: rows, bytes: bytes, maskedCells: masked,
                                     started: started, duration: .now - clock, outcome: outcome, errorCode: code)
        let line = ResultSetAuditLine.json(record, identityMembers: identityMembers, policy: policy, table: source.table)
        try Array(line.utf8).withUnsafeBytes { try sink($0) }
        self.source = nil
        tally.reset()
        rows = 0
        bytes = 0
        masked = 0
    }
}
