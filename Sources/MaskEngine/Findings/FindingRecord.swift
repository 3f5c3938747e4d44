/// A finding placed in its stream: which row and column, which bytes of the cell value.
public struct FindingRecord: Sendable, Equatable {
    /// 0-based data row across the whole stream (header rows are not data rows).
    public var row: Int
    /// 0-based column.
    public var column: Int
    /// Byte offsets into the cell value after unquoting or unescaping.
    public var start: Int
    public var end: Int
    public var type: EntityType
    public var kind: SecretKind
    /// Index into the stream's table names, or -1 when the input names no table.
    public var table: Int32

    public init(row: Int, column: Int, start: Int, end: Int, type: EntityType, kind: SecretKind = .none, table: Int32 = -1) {
        self.row = row
        self.column = column
        self.start = start
        self.end = end
        self.type = type
        self.kind = kind
        self.table = table
    }
}

/// Writes findings as JSON Lines: `{"table":…,"row":N,"column":N,"start":B,"end":B,"type":…,"kind":…}`.
/// Only positions and types are written, never a value.
public struct FindingsReportWriter: Sendable {
    /// Custom types' names, by custom index (a policy's detectors).
    let customNames: [String]

    public init(customNames: [String] = []) { self.customNames = customNames }

    public func append(_ f: FindingRecord, tableName: String?, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        if let tableName {
            out.append(contentsOf: "\"table\":".utf8)
            JSONString.append(tableName, to: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: "\"row\":\(f.row),\"column\":\(f.column),\"start\":\(f.start),\"end\":\(f.end),\"type\":".utf8)
        if let i = f.type.customIndex, i < customNames.count {
            JSONString.append(customNames[i], to: &out)
        } else {
            out.append(contentsOf: "\"\(f.type.name)\"".utf8)
        }
        if f.kind != .none { out.append(contentsOf: ",\"kind\":\"\(f.kind.name)\"".utf8) }
        out.append(contentsOf: "}\n".utf8)
    }
}

/// Minimal JSON string quoting for names we write (table names).
enum JSONString {
    static func append(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0..<0x20: out.append(contentsOf: String(format: "\\u%04x", b).utf8)
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

import Foundation
