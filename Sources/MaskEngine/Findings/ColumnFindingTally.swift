/// Findings of one result set counted per column and type: what an audit record's `found` lists.
/// Shared by the live sessions' `ResultSetLedger` and `maskd pipe`'s `PipeAuditLedger`.
struct ColumnFindingTally {
    /// `counts[column * EntityType.slotCount + type]`, grown to the widest column seen.
    private var counts: [Int] = []
    /// The widest column with a finding, or -1.
    private(set) var widestColumn = -1

    mutating func add(column: Int, type: EntityType) {
        let needed = (column + 1) * EntityType.slotCount
        if counts.count < needed { counts.append(contentsOf: repeatElement(0, count: needed - counts.count)) }
        counts[column * EntityType.slotCount + Int(type.rawValue)] += 1
        widestColumn = max(widestColumn, column)
    }

    /// Each type found in `column` with its count and the action `actions` gives it.
    func found(in column: Int, actions: ActionTable) -> [(type: EntityType, count: Int, action: MaskAction)] {
        guard (column + 1) * EntityType.slotCount <= counts.count else { return [] }
        var found: [(type: EntityType, count: Int, action: MaskAction)] = []
        for t in 0..<EntityType.slotCount where counts[column * EntityType.slotCount + t] > 0 {
            let type = EntityType(rawValue: UInt8(t))
            found.append((type, counts[column * EntityType.slotCount + t], actions[type]))
        }
        return found
    }

    mutating func reset() {
        counts.removeAll(keepingCapacity: true)
        widestColumn = -1
    }
}
