/// The formats `maskd pipe` reads.
public enum InputFormat: String, Sendable, CaseIterable {
    case csv
    case wire
    /// pg_dump's plain SQL format: COPY blocks are masked, everything else passes through.
    case pgdump

    /// Guesses the format from the first bytes: a PostgreSQL backend message stream starts with a
    /// message type byte and a plausible length; anything else is taken for CSV.
    public static func detect(_ prefix: UnsafeBufferPointer<UInt8>) -> InputFormat {
        let head = String(decoding: UnsafeBufferPointer(rebasing: prefix[0..<min(prefix.count, 4096)]), as: UTF8.self)
        // Only a script that starts the way pg_dump starts one: a CSV that merely mentions a dump must
        // stay CSV, or its rows would pass as script text.
        if head.hasPrefix("--\n-- PostgreSQL database dump") || head.hasPrefix("\\restrict ")
            || head.hasPrefix("SET statement_timeout") { return .pgdump }
        guard prefix.count >= 5 else { return .csv }
        let backendTypes: Set<UInt8> = Set("TDCZENSKR123nIsHGWdcAVt".utf8)
        guard backendTypes.contains(prefix[0]) else { return .csv }
        let length = Int(Int32(bitPattern: UInt32(prefix[1]) << 24 | UInt32(prefix[2]) << 16
            | UInt32(prefix[3]) << 8 | UInt32(prefix[4])))
        // Text never starts with a byte < 0x20 in the second position; a real length here almost always does.
        return length >= 4 && length < (1 << 30) && prefix[1] < 0x20 ? .wire : .csv
    }
}

/// Totals of one masked stream.
public struct StreamSummary: Sendable, Equatable {
    public var format: InputFormat = .csv
    /// Input bytes read (after LZ4 decompression): what throughput figures are per.
    public var bytesIn = 0
    public var bytesOut = 0
    public var rows = 0
    /// Findings masked outside any row (pg_dump text outside COPY blocks, a CSV header).
    public var outsideRowFindings = 0
    /// Findings per entity type, indexed by `EntityType.rawValue`.
    public var counts = [Int](repeating: 0, count: EntityType.allCases.count)

    public init() {}

    public func count(_ type: EntityType) -> Int { counts[Int(type.rawValue)] }
}
