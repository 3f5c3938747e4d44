import Foundation

/// Keeps the tally of the result set a session is streaming (rows, bytes, findings per column and
/// type, masked cells) and turns it into a `ResultSetRecord` when the result ends, however it ends.
struct ResultSetLedger {
    private struct Open {
        var kind: ResultSetRecord.QueryKind
        var columns: ResultColumns
        /// Per column, the column's actions (one entry, the text actions, when the columns are unknown).
        var actions: [ActionTable]
        var tally = ColumnFindingTally()
        var rows = 0
        var bytes = 0
        var maskedCells = 0
        let started = Date()
        let clock = ContinuousClock.now
    }

    private var open: Open?
    private(set) var completed: [ResultSetRecord] = []
    let policy: MaskPolicy

    init(policy: MaskPolicy) { self.policy = policy }

    var isOpen: Bool { open != nil }

    mutating func begin(_ kind: ResultSetRecord.QueryKind, columns: ResultColumns, session: MaskSession) {
        if open != nil { end(outcome: "interrupted") }
        let actions = columns.isKnown ? session.actions(for: columns) : [session.textActions]
        open = Open(kind: kind, columns: columns, actions: actions)
    }

    /// One row of `bytes` bytes whose findings are `findings` (all of this row's).
    mutating func row(bytes: Int, findings: ArraySlice<FindingRecord>) {
        guard open != nil else { return }
        open!.rows += 1
        open!.bytes += bytes
        guard !findings.isEmpty else { return }
        var lastMaskedColumn = -1
        for f in findings {
            let column = max(f.column, 0)
            open!.tally.add(column: column, type: f.type, kind: f.kind)
            let finding = Finding(start: f.start, end: f.end, type: f.type, kind: f.kind)
            let action = CellRewriter.action(for: finding, in: actions(column))
            if action != .keep && policy.masks(finding) && column != lastMaskedColumn {
                open!.maskedCells += 1
                lastMaskedColumn = column
            }
        }
    }

    private func actions(_ column: Int) -> ActionTable {
        guard let open else { return .tokenizeAll }
        return column < open.actions.count ? open.actions[column] : open.actions[0]
    }

    /// Ends the open result set, if any, with `outcome` (and an error code, never a message).
    mutating func end(outcome: String, code: String? = nil) {
        guard let o = open else { return }
        var columns: [ResultSetRecord.Column] = []
        let described = o.columns.isKnown ? o.columns.columns.count : 0
        for i in 0..<max(described, o.tally.widestColumn + 1) {
            let c = i < described ? o.columns.columns[i] : nil
            let found = o.tally.found(in: i, actions: actions(i))
            columns.append(ResultSetRecord.Column(name: c?.name ?? "", tableOID: c?.tableOID ?? 0,
                                                  attributeNumber: Int(c?.columnAttribute ?? 0), found: found))
        }
        completed.append(ResultSetRecord(kind: o.kind, columns: columns, rows: o.rows, bytes: o.bytes, maskedCells: o.maskedCells,
                                         started: o.started, duration: ContinuousClock.now - o.clock, outcome: outcome,
                                         errorCode: code))
        open = nil
    }

    /// The records of the result sets that ended since the last call.
    mutating func takeCompleted() -> [ResultSetRecord] {
        defer { completed.removeAll() }
        return completed
    }

    /// The SQLSTATE (`C` field) of an ErrorResponse payload.
    static func sqlState(_ payload: UnsafeBufferPointer<UInt8>) -> String? {
        var p = 0
        while p < payload.count && payload[p] != 0 {
            let code = payload[p]
            p += 1
            let start = p
            while p < payload.count && payload[p] != 0 { p += 1 }
            if code == UInt8(ascii: "C") {
                return String(decoding: UnsafeBufferPointer(rebasing: payload[start..<p]), as: UTF8.self)
            }
            p += 1
        }
        return nil
    }
}
