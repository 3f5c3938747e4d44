/// Findings of one result set counted per column and type: what an audit record's `found` lists.
/// Shared by the live sessions' `ResultSetLedger` and `maskd pipe`'s `PipeAuditLedger`.
///
/// A custom detector's `pattern_limit` finding (a cell it could not finish) is counted apart from its
/// type's matches: the rewriter redacts it where the type's action is `keep` (`CellRewriter.action`),
/// and the record must name the action taken, so it gets an entry of its own.
struct ColumnFindingTally {
    /// `counts[(column * EntityType.slotCount + type) * 2 + limited]`, grown to the widest column seen;
    /// `limited` is 1 for pattern-limit findings.
    private var counts: [Int] = []
    /// The widest column with a finding, or -1.
    private(set) var widestColumn = -1

    mutating func add(column: Int, type: EntityType, kind: SecretKind) {
        let needed = (column + 1) * EntityType.slotCount * 2
        if counts.count < needed { counts.append(contentsOf: repeatElement(0, count: needed - counts.count)) }
        counts[(column * EntityType.slotCount + Int(type.rawValue)) * 2 + (kind == .patternLimit ? 1 : 0)] += 1
        widestColumn = max(widestColumn, column)
    }

    /// Each type found in `column` with its count and the action taken (`actions`' for its type, or the
    /// rewriter's for a pattern-limit finding, listed apart when that action differs).
    func found(in column: Int, actions: ActionTable) -> [(type: EntityType, count: Int, action: MaskAction, patternLimit: Bool)] {
        guard (column + 1) * EntityType.slotCount * 2 <= counts.count else { return [] }
        var found: [(type: EntityType, count: Int, action: MaskAction, patternLimit: Bool)] = []
        for t in 0..<EntityType.slotCount {
            let slot = (column * EntityType.slotCount + t) * 2
            let type = EntityType(rawValue: UInt8(t))
            let action = actions[type]
            let limitedAction = CellRewriter.action(for: Finding(start: 0, end: 0, type: type, kind: .patternLimit), in: actions)
            if limitedAction == action {
                if counts[slot] + counts[slot + 1] > 0 { found.append((type, counts[slot] + counts[slot + 1], action, false)) }
            } else {
                if counts[slot] > 0 { found.append((type, counts[slot], action, false)) }
                if counts[slot + 1] > 0 { found.append((type, counts[slot + 1], limitedAction, true)) }
            }
        }
        return found
    }

    mutating func reset() {
        counts.removeAll(keepingCapacity: true)
        widestColumn = -1
    }
}
