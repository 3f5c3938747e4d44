import Foundation

/// What an auditor may know of one result set: its shape, what was found in each column and what was
/// done to it, and how it ended. Never a value and never a token, so the record can be kept, shipped
/// and searched without becoming a copy of the data.
public struct ResultSetRecord: Sendable, Equatable {
    /// How the client asked for the rows.
    public enum QueryKind: String, Sendable {
        case simple
        case extended
        case copy
        case function
        /// Rows whose request maskd could not place (a desynchronised session).
        case unknown
        /// `maskd pipe`: a CSV input, one COPY block of a dump, a captured wire stream.
        case csv
        case dump
        case capture
        /// `maskd pipe --format lines`: text, one value per line.
        case lines
    }

    /// One column of the result.
    public struct Column: Sendable, Equatable {
        public var name: String
        /// 0 when the column is not a table's.
        public var tableOID: UInt32
        /// 0 when the column is not a table's.
        public var attributeNumber: Int
        /// Per type found in the column: how many spans, and the action taken (the column's table's for
        /// the type). A custom type's pattern-limit findings (cells its pattern could not finish), when
        /// redacted under a `keep`, come as an entry of their own with `patternLimit` set.
        public var found: [(type: EntityType, count: Int, action: MaskAction, patternLimit: Bool)]

        public static func == (a: Column, b: Column) -> Bool {
            a.name == b.name && a.tableOID == b.tableOID && a.attributeNumber == b.attributeNumber
                && a.found.elementsEqual(b.found) {
                    $0.type == $1.type && $0.count == $1.count && $0.action == $1.action && $0.patternLimit == $1.patternLimit
                }
        }
    }

    public var kind: QueryKind
    public var columns: [Column]
    public var rows: Int
    /// Bytes of the result's row messages as the server sent them.
    public var bytes: Int
    /// Cells whose value was changed (a `keep` action and a kept documented example change nothing).
    public var maskedCells: Int
    public var started: Date
    public var duration: Duration
    /// `complete`, or what ended it: `error` (the server's ErrorResponse), `masking_failed` (maskd
    /// refused the stream; nothing more was sent), `interrupted` (the session ended mid-result).
    public var outcome: String
    /// The SQLSTATE of a server error, or maskd's error category: never a message, which may quote a value.
    public var errorCode: String?

    public init(kind: QueryKind, columns: [Column], rows: Int, bytes: Int, maskedCells: Int, started: Date, duration: Duration,
                outcome: String, errorCode: String? = nil) {
        self.kind = kind
        self.columns = columns
        self.rows = rows
        self.bytes = bytes
        self.maskedCells = maskedCells
        self.started = started
        self.duration = duration
        self.outcome = outcome
        self.errorCode = errorCode
    }
}

/// What `maskd pipe` knows of the rows of a chunk, for its audit records: the kind of input, and the
/// table and column names when the input names them (a CSV header, a dump's COPY line).
public struct AuditSource: Sendable, Equatable {
    public var kind: ResultSetRecord.QueryKind
    public var table: String?
    public var columns: [String]

    public init(kind: ResultSetRecord.QueryKind, table: String? = nil, columns: [String] = []) {
        self.kind = kind
        self.table = table
        self.columns = columns
    }
}
