/// How the cells of one result column are decoded before scanning and re-encoded after masking.
public enum CellCodec: Sendable, Equatable {
    /// Text bytes (every text-format cell, and binary cells of text-like types): scanned as they are;
    /// a token may change the length.
    case text
    /// Text of a numeric type (int2/int4/int8/numeric, text format): scanned; a masked value is turned
    /// back into a number (non-digits become `0`) so the client still parses it.
    case numericText
    /// Binary jsonb: one version byte, then JSON text.
    case jsonb
    /// Binary bytea: scanned as text when it decodes as UTF-8, else scanned with same-length redaction.
    case bytea
    /// Text bytea (`\x` and hex digits): the bytes are decoded, scanned, and written back as hex.
    case byteaText
    /// Binary int2, int4 or int8 of this width: decoded to decimal, scanned, re-encoded at the same width.
    case integer(width: Int)
    /// Binary numeric: decoded to its decimal text, scanned, re-encoded.
    case numeric
    /// Binary array of the given element type: each element is handled by the element type's codec.
    case array(elementOID: UInt32)
    /// A binary type that cannot hold these values (timestamps, floats, UUIDs, …): passed unscanned.
    case opaque
    /// A binary cell of a type maskd does not know (an extension type, a composite, an enum), or a cell
    /// whose description is unknown: masked by content. Printable UTF-8 is scanned as text; a 2-, 4- or
    /// 8-byte cell is also read as an integer (an SSN in a bigint); anything else is scanned with
    /// same-length redaction, which keeps any binary layout.
    case unknown

    /// Whether a column batch scans this codec's cells where they lie in the input, against the chunk's
    /// stage-1 index: every codec but text and numeric text (scanned from copies, see
    /// `DataRowBatch.maskTextColumn`), binary numbers (decoded first) and opaque cells (not scanned).
    var scansInPlace: Bool {
        switch self {
        case .text, .numericText, .integer, .numeric, .opaque: return false
        case .jsonb, .bytea, .byteaText, .array, .unknown: return true
        }
    }

    /// The codec of a column of this type OID and format code (0 text, 1 binary).
    public static func forColumn(typeOID: UInt32, format: Int16) -> CellCodec {
        if format == 0 {
            switch typeOID {
            case PostgresType.int2, PostgresType.int4, PostgresType.int8, PostgresType.numeric: return .numericText
            case PostgresType.bytea: return .byteaText
            default: return .text
            }
        }
        switch typeOID {
        case PostgresType.int2: return .integer(width: 2)
        case PostgresType.int4: return .integer(width: 4)
        case PostgresType.int8: return .integer(width: 8)
        case PostgresType.numeric: return .numeric
        case PostgresType.jsonb: return .jsonb
        case PostgresType.bytea: return .bytea
        default:
            if PostgresType.binaryIsText(typeOID) { return .text }
            if let element = BinaryArray.elementOIDs[typeOID] { return .array(elementOID: element) }
            if PostgresType.cannotHoldPII(typeOID) { return .opaque }
            return .unknown
        }
    }
}

/// What the masker knows of one column of a result: its name (for context such as `ssn`), its type
/// and format, and the codec and scan context derived from them once per result, not once per cell.
public struct ResultColumn: Sendable, Equatable {
    public var name: String
    public var tableOID: UInt32
    public var columnAttribute: Int16
    public var typeOID: UInt32
    public var format: Int16
    public var codec: CellCodec
    public var context: ColumnContext

    /// `aliasSource`: the context of what the query renamed to `name` (`FieldDescription.aliasSource`).
    public init(name: String, tableOID: UInt32 = 0, columnAttribute: Int16 = 0, typeOID: UInt32, format: Int16,
                aliasSource: ColumnContext? = nil) {
        self.name = name
        self.tableOID = tableOID
        self.columnAttribute = columnAttribute
        self.typeOID = typeOID
        self.format = format
        codec = CellCodec.forColumn(typeOID: typeOID, format: format)
        context = ColumnContext.forColumn(name: name, typeOID: typeOID, aliasSource: aliasSource)
        if case .integer = codec { context.scanned = true }
        if codec == .numeric || codec == .numericText { context.scanned = true }
    }

    /// A column nothing is known of: every cell is masked by content, and a bare nine-digit number
    /// counts as an SSN (the column might be named `ssn`: an unknown description must not open a door).
    public static let unknown: ResultColumn = {
        var c = ResultColumn(name: "", typeOID: 0, format: 1)
        c.codec = .unknown
        c.context = ColumnContext(scanned: true, bareSSN: true)
        return c
    }()
}

/// What the cell masker needs of a column, as a plain value: no name (a `String` would cost reference
/// counting per cell), just the codec, the scan context and the type.
public struct CellKind: Sendable, Equatable {
    public var codec: CellCodec
    public var context: ColumnContext
    public var typeOID: UInt32

    /// A column nothing is known of (see `ResultColumn.unknown`).
    public static let unknown = CellKind(ResultColumn.unknown)

    /// For a numeric-text cell (and a text-format array of numbers), the number type its masked text
    /// must parse as again; nil for other cells. Decided once per result, not per cell.
    let numericText: NumericText.Kind?

    init(_ column: ResultColumn) {
        codec = column.codec
        context = column.context
        switch column.codec {
        case .numericText: numericText = NumericText.Kind.of(typeOID: column.typeOID) ?? .decimal
        case .text: numericText = NumericText.Kind.of(typeOID: column.typeOID).flatMap { $0.isArray ? $0 : nil }
        default: numericText = nil
        }
        typeOID = column.typeOID
    }
}

/// The columns of one result set as DataRows will carry them: types from a RowDescription, formats from
/// the RowDescription (simple query, Describe of a portal) or from the Bind that created the portal
/// (Describe of a statement reports every format as 0, "not yet known").
public final class ResultColumns: Sendable {
    public let columns: [ResultColumn]
    /// False when the description is unknown: cells are masked by content (`ResultColumn.unknown`),
    /// whatever their number.
    public let isKnown: Bool

    /// The cell kinds of `columns`, in order.
    let kinds: [CellKind]

    public init(columns: [ResultColumn]) {
        self.columns = columns
        kinds = columns.map(CellKind.init)
        isKnown = true
    }

    private init(unknown: ()) {
        columns = []
        kinds = []
        isKnown = false
    }

    /// A result whose description is unknown or ambiguous: every cell of every row is masked by content.
    public static let unknown = ResultColumns(unknown: ())

    /// The columns of a RowDescription; `resultFormats` are a Bind's result format codes (none: all text;
    /// one: for every column; else one per column), or nil to take the RowDescription's own.
    public convenience init(_ description: RowDescription, resultFormats: [Int16]? = nil) {
        let fields = description.fields
        var columns: [ResultColumn] = []
        columns.reserveCapacity(fields.count)
        for (i, field) in fields.enumerated() {
            let format: Int16
            if let resultFormats {
                switch resultFormats.count {
                case 0: format = 0
                case 1: format = resultFormats[0]
                default: format = i < resultFormats.count ? resultFormats[i] : 1
                }
            } else {
                format = field.formatCode
            }
            columns.append(ResultColumn(name: field.name, tableOID: field.tableOID, columnAttribute: field.columnAttribute,
                                        typeOID: field.typeOID, format: format, aliasSource: field.aliasSource))
        }
        self.init(columns: columns)
    }

    /// The kind of column `index`, or the unknown kind when the description is not known.
    @inline(__always)
    func kind(_ index: Int) -> CellKind { isKnown ? kinds[index] : CellKind.unknown }
}
