/// Where in a stream something went wrong. Every field that the format knows is set; none holds data.
public struct StreamLocation: Sendable, Equatable, CustomStringConvertible {
    /// Byte offset from the start of the (decompressed) input.
    public var byteOffset: Int
    /// 0-based index of the backend message (wire streams).
    public var message: Int?
    /// 1-based input line (CSV, COPY text).
    public var line: Int?
    /// 0-based data row.
    public var row: Int?
    /// 0-based column.
    public var column: Int?

    public init(byteOffset: Int, message: Int? = nil, line: Int? = nil, row: Int? = nil, column: Int? = nil) {
        self.byteOffset = byteOffset
        self.message = message
        self.line = line
        self.row = row
        self.column = column
    }

    public var description: String {
        var parts: [String] = []
        if let message { parts.append("message \(message)") }
        if let line { parts.append("line \(line)") }
        if let row { parts.append("row \(row)") }
        if let column { parts.append("column \(column)") }
        parts.append("byte offset \(byteOffset)")
        return parts.joined(separator: ", ")
    }
}

/// A malformed input. The message names the problem and the location, never a value from the input.
public struct StreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Kind: Sendable, Equatable {
        case truncatedMessage(type: UInt8, declared: Int, available: Int)
        case invalidMessageLength(type: UInt8, length: Int)
        case messageTooLarge(type: UInt8, length: Int, limit: Int)
        /// A value's tokens outgrew the limit: its rewrite stopped there, so the length is a lower bound.
        case maskedMessageTooLarge(type: UInt8, atLeast: Int, limit: Int)
        case malformedRowDescription(String)
        case malformedDataRow(String)
        case negativeCellLength(Int)
        case cellPastEnd(length: Int, available: Int)
        case columnCountMismatch(rowDescription: Int, dataRow: Int)
        case csvQuoteInUnquotedField
        case csvTextAfterClosingQuote
        case csvUnterminatedQuote
        /// A CSV record or a dump line longer than `StreamMasker.Options.maxRecordBytes`.
        case recordTooLarge(limit: Int)
        case malformedMessage(String)
        /// Well-formed, but something maskd will not mask (a replication stream, an unsafe encoding).
        case unsupported(String)
    }

    public var kind: Kind
    public var location: StreamLocation

    public init(_ kind: Kind, at location: StreamLocation) {
        self.kind = kind
        self.location = location
    }

    static func typeName(_ t: UInt8) -> String {
        (t >= 0x20 && t < 0x7f) ? "'\(Character(Unicode.Scalar(t)))'" : "0x" + String(t, radix: 16)
    }

    public var description: String {
        let what: String
        switch kind {
        case .truncatedMessage(let t, let declared, let available):
            what = "truncated \(Self.typeName(t)) message: its length says \(declared) bytes, the input ends after \(available)"
        case .invalidMessageLength(let t, let length):
            what = "invalid length \(length) in a \(Self.typeName(t)) message header (at least 4)"
        case .messageTooLarge(let t, let length, let limit):
            what = "\(Self.typeName(t)) message of \(length) bytes exceeds the limit of \(limit)"
        case .maskedMessageTooLarge(let t, let atLeast, let limit):
            what = "\(Self.typeName(t)) message would be at least \(atLeast) bytes once masked, past the limit of \(limit)"
        case .malformedRowDescription(let why): what = "malformed RowDescription: \(why)"
        case .malformedDataRow(let why): what = "malformed DataRow: \(why)"
        case .negativeCellLength(let n): what = "DataRow cell length \(n) is negative and not -1 (NULL)"
        case .cellPastEnd(let length, let available):
            what = "DataRow cell length \(length) runs past the end of its message (\(available) bytes left)"
        case .columnCountMismatch(let rd, let dr):
            what = "DataRow has \(dr) columns but the RowDescription declared \(rd)"
        case .csvQuoteInUnquotedField:
            what = "CSV: a quote inside an unquoted field (RFC 4180 requires the field to be quoted; COPY … TO STDOUT output takes --format copy, other text --format lines)"
        case .csvTextAfterClosingQuote: what = "CSV: text after a closing quote (expected a comma or a line end)"
        case .csvUnterminatedQuote: what = "CSV: a quoted field is not closed before the end of the input"
        case .recordTooLarge(let limit):
            what = "a record or line exceeds \(limit) bytes (an unclosed quote?); raise --max-record-mb if it is real"
        case .malformedMessage(let why): what = "malformed message: \(why)"
        case .unsupported(let why): what = "unsupported: \(why)"
        }
        return "\(what) (\(location))"
    }
}
