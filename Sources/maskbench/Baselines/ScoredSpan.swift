/// The types the scorer compares, numbered as MaskEngine's built-in `EntityType`s, with the names the
/// labels, maskd's report and the baselines all use.
enum ScoredType: UInt8, CaseIterable {
    case email = 0, creditCard, usSSN, secret

    var name: String {
        switch self {
        case .email: "email"
        case .creditCard: "credit_card"
        case .usSSN: "us_ssn"
        case .secret: "secret"
        }
    }

    /// The type named `name` (`email`, `credit_card`, `us_ssn`, `secret`), or nil for any other.
    init?(name: some Collection<UInt8>) {
        guard let match = Self.allCases.first(where: { $0.name.utf8.elementsEqual(name) }) else { return nil }
        self = match
    }
}

/// One span in one cell, labelled or found: `start..<end` are UTF-8 byte offsets into the cell's
/// value as the CSV decodes it (quotes removed, doubled quotes single), `row` the 0-based data row
/// (the header is not a row), `column` 0-based. The convention of Corpora/README.md and of maskd's
/// findings report.
struct ScoredSpan: Equatable {
    var row: Int
    var column: Int32
    var start: Int32
    var end: Int32
    var type: ScoredType

    init(row: Int, column: Int, start: Int, end: Int, type: ScoredType) {
        self.row = row
        self.column = Int32(truncatingIfNeeded: column)
        self.start = Int32(truncatingIfNeeded: start)
        self.end = Int32(truncatingIfNeeded: end)
        self.type = type
    }

    /// Whether `self` comes before `other` in (row, column, start) order, the labels' file order.
    func precedes(_ other: ScoredSpan) -> Bool {
        if row != other.row { return row < other.row }
        if column != other.column { return column < other.column }
        return start < other.start
    }

    /// Whether both lie in the same cell.
    func sameCell(_ other: ScoredSpan) -> Bool { row == other.row && column == other.column }

    /// Whether `other` is in the same cell, of the same type, and shares at least one byte.
    func hits(_ other: ScoredSpan) -> Bool {
        sameCell(other) && type == other.type && start < other.end && other.start < end
    }
}
