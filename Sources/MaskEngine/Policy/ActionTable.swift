/// The action for every entity type (built-in and custom) in one column for one identity: resolved once
/// per column of a result set, read once per finding.
///
/// Stored as one byte per type in four words rather than an array, so a column's table is a plain
/// value: copying it per cell costs no reference counting, and a lookup is a shift and a mask.
public struct ActionTable: Sendable, Equatable {
    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// Every type gets `action`.
    public init(all action: MaskAction) {
        let byte = UInt64(action.code)
        let word = byte &* 0x0101_0101_0101_0101
        words = (word, word, word, word)
    }

    /// The zero-configuration table: every type tokenized.
    public static let tokenizeAll = ActionTable(all: .tokenize)

    public subscript(type: EntityType) -> MaskAction {
        get { MaskAction(code: byte(Int(type.rawValue))) }
        set { setByte(Int(type.rawValue), newValue.code) }
    }

    /// Whether any type's action is `null` (formats whose rows cannot be split into fields need to
    /// know before they scan).
    public var hasNull: Bool {
        for i in 0..<EntityType.slotCount where byte(i) == MaskAction.null.code { return true }
        return false
    }

    public static func == (a: ActionTable, b: ActionTable) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
    }

    @inline(__always)
    private func byte(_ i: Int) -> UInt8 {
        let word: UInt64
        switch i >> 3 {
        case 0: word = words.0
        case 1: word = words.1
        case 2: word = words.2
        default: word = words.3
        }
        return UInt8(truncatingIfNeeded: word >> UInt64((i & 7) * 8))
    }

    private mutating func setByte(_ i: Int, _ value: UInt8) {
        let shift = UInt64((i & 7) * 8)
        func put(_ w: inout UInt64) { w = (w & ~(0xFF << shift)) | UInt64(value) << shift }
        switch i >> 3 {
        case 0: put(&words.0)
        case 1: put(&words.1)
        case 2: put(&words.2)
        default: put(&words.3)
        }
    }
}
