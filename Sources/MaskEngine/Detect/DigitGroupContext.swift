/// What announces the numbers of one digit group: the column it is in, and the words just before the
/// group (`AnnouncingWords`), read at most once per group and only when a window needs them, so that
/// a number that can be neither a context SSN nor a context card costs no look back.
struct DigitGroupContext {
    /// The column is named like an SSN column: bare and dotted nine-digit numbers are SSNs.
    let ssnColumn: Bool
    /// The column is named like a card column: a Luhn-valid number in no issuer range is a card.
    let cardColumn: Bool
    /// The column is named like a barcode column: a number with a valid GS1 check digit is no card.
    let barcodeColumn: Bool
    /// The column is named like a phone column: a number of at most 15 digits is no card.
    let phoneColumn: Bool
    /// Where the group starts, and the cell's first byte (the look back stops there).
    let groupStart: Int
    let lower: Int
    private var words: AnnouncingWords.Found? = nil

    init(column: ColumnContext, groupStart: Int, lower: Int) {
        ssnColumn = column.bareSSN
        cardColumn = column.cardColumn
        barcodeColumn = column.barcodeColumn
        phoneColumn = column.phoneColumn
        self.groupStart = groupStart
        self.lower = lower
    }

    /// Whether anything could announce a window, without reading words: a named column, or text before
    /// the group.
    @inline(__always)
    func mayAnnounce(atGroupStart: Bool) -> Bool {
        ssnColumn || cardColumn || (atGroupStart && groupStart > lower)
    }

    /// Whether an SSN is announced for a window; words count only for a window that starts the group
    /// (the words before a later window are the group's own digits).
    mutating func announcesSSN(_ bytes: UnsafeBufferPointer<UInt8>, atGroupStart: Bool) -> Bool {
        ssnColumn || (atGroupStart && wordsBefore(bytes).contains(.ssn))
    }

    /// Whether a card is announced for a window (see `announcesSSN`).
    mutating func announcesCard(_ bytes: UnsafeBufferPointer<UInt8>, atGroupStart: Bool) -> Bool {
        cardColumn || (atGroupStart && wordsBefore(bytes).contains(.card))
    }

    private mutating func wordsBefore(_ bytes: UnsafeBufferPointer<UInt8>) -> AnnouncingWords.Found {
        if let words { return words }
        let found = AnnouncingWords.before(bytes, groupStart, lower: lower)
        words = found
        return found
    }
}
