import MaskEngine

/// The engine's findings in one cell, as the format maskers get them: a stage-1 index over the cell's
/// bytes, then the cell scanner with a column that names nothing (no card or SSN announcement).
enum DifferentialScan {
    static func findings(in cell: [UInt8], context: ColumnContext = ColumnContext()) -> [Finding] {
        cell.withUnsafeBufferPointer { bytes in
            let index = StageOneIndex()
            index.reset(bytes)
            var found: [Finding] = []
            CellScanner().scan(bytes, lower: 0, upper: bytes.count, index: index, context: context, into: &found)
            return found
        }
    }

    /// The spans of `type` the engine finds in `cell` (only those starting at `startingAt`, if given),
    /// against the spans a reference expects.
    static func compare(_ cell: [UInt8], _ type: EntityType, expected: [Range<Int>], startingAt: Int? = nil) -> DifferentialMismatch? {
        let found = findings(in: cell).filter { $0.type == type && (startingAt == nil || $0.start == startingAt) }.map { $0.start..<$0.end }
        guard found != expected else { return nil }
        return DifferentialMismatch("\(type.name) in \(String(reflecting: String(decoding: cell, as: UTF8.self))): "
                                    + "engine \(found), reference \(expected)")
    }
}
