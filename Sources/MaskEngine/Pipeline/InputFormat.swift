/// The formats `maskd pipe` reads.
public enum InputFormat: String, Sendable, CaseIterable {
    case csv
    case wire
    /// pg_dump's plain SQL format: COPY blocks are masked, everything else passes through.
    case pgdump
    /// PostgreSQL's COPY text format as `COPY … TO STDOUT` writes it (`psql -c "COPY t TO STDOUT"`):
    /// one row per line, tab-separated, `\N` for NULL, backslash escapes; the rows of one COPY block
    /// without the script around them. Never detected: it reads like a TSV, which takes CSV's quoting.
    case copy
    /// Text, one value per line (JSON Lines, `psql -At` output, logs): each line scanned whole. Detected
    /// for JSON Lines only (`startsJSONLines`); other text reads as CSV.
    case lines

    /// How pg_dump's and pg_dumpall's plain scripts begin (pg_dumpall's holds one pg_dump script per
    /// database after its roles), their lines as written or converted to CR LF on their way (COPY FROM
    /// reads such a dump).
    static let dumpOpenings = ["\n", "\r\n"].flatMap { eol in
        ["--\(eol)-- PostgreSQL database dump", "--\(eol)-- PostgreSQL database cluster dump"]
    } + ["\\restrict ", "SET statement_timeout"]

    /// Guesses the format from the first bytes: a PostgreSQL backend message stream starts with a
    /// message type byte and a plausible length; anything else is taken for CSV.
    ///
    /// Plausible is strict, because text can look like a message header: a headerless CSV or TSV whose
    /// first field is one digit (`seq 1 9`, `1<TAB>ann@…`) or a one-letter header (`n`, `c`) starts
    /// with a type byte and then a line end or a tab, which read as a length of some hundred million.
    /// A first message must be under 16 MiB (its length's first byte zero, which no text has), a
    /// message of fixed size must have that size, and a next message begun in `prefix` must start with
    /// a type byte too. A capture whose first message is larger takes `--format wire`.
    public static func detect(_ prefix: UnsafeBufferPointer<UInt8>) -> InputFormat {
        let head = String(decoding: UnsafeBufferPointer(rebasing: prefix[0..<min(prefix.count, 4096)]), as: UTF8.self)
        // Only a script that starts the way pg_dump starts one: a CSV that merely mentions a dump must
        // stay CSV, or its rows would pass as script text.
        if dumpOpenings.contains(where: { head.hasPrefix($0) }) { return .pgdump }
        if startsJSONLines(prefix) { return .lines }
        guard prefix.count >= 5, backendTypes.contains(prefix[0]), prefix[1] == 0 else { return .csv }
        let length = Int(prefix[2]) << 16 | Int(prefix[3]) << 8 | Int(prefix[4])
        if length < 4 { return .csv }
        if let fixed = fixedLengths[prefix[0]], fixed != length { return .csv }
        let next = 1 + length
        if next < prefix.count && !backendTypes.contains(prefix[next]) { return .csv }
        return .wire
    }

    /// Whether the input starts as JSON Lines do: its first line (within `prefix`) a JSON object, `{` to
    /// `}` around a quoted name or nothing (white space, a UTF-8 byte order mark and a CR aside). No CSV
    /// header looks so, and read as CSV such a file fails at its first quote.
    static func startsJSONLines(_ prefix: UnsafeBufferPointer<UInt8>) -> Bool {
        var first = 0
        if prefix.starts(with: [0xEF, 0xBB, 0xBF]) { first = 3 }
        guard let newline = prefix[first...].firstIndex(of: 10) else { return false }
        var last = newline - 1
        while first < last && (prefix[first] == 32 || prefix[first] == 9) { first += 1 }
        while last > first && (prefix[last] == 32 || prefix[last] == 9 || prefix[last] == 13) { last -= 1 }
        guard last > first, prefix[first] == UInt8(ascii: "{"), prefix[last] == UInt8(ascii: "}") else { return false }
        var key = first + 1
        while key < last && (prefix[key] == 32 || prefix[key] == 9) { key += 1 }
        return key == last || prefix[key] == UInt8(ascii: "\"")
    }

    /// The type bytes of backend messages.
    static let backendTypes: Set<UInt8> = Set("TDCZENSKR123nIsHGWdcAVt".utf8)

    /// The length words of backend messages that have one size: ReadyForQuery, BackendKeyData (its
    /// 4-byte secret key; protocol 3.2 allows longer keys, so a 3.2 capture starting with one takes
    /// `--format wire`), and the messages with no body.
    static let fixedLengths: [UInt8: Int] = [
        UInt8(ascii: "Z"): 5, UInt8(ascii: "K"): 12, UInt8(ascii: "1"): 4, UInt8(ascii: "2"): 4, UInt8(ascii: "3"): 4,
        UInt8(ascii: "n"): 4, UInt8(ascii: "s"): 4, UInt8(ascii: "I"): 4, UInt8(ascii: "c"): 4,
    ]
}

/// Input maskd cannot read as rows: compressed (its rows would pass through as opaque bytes and come
/// out readable once decompressed downstream) or binary. Recognised by magic number before anything is
/// written, so the run fails with a message that names the format and the command to use.
public enum UnreadableInput {
    /// The first bytes of `COPY … (FORMAT binary)` output: `PGCOPY\n\xFF\r\n\0`.
    static let binaryCopySignature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]

    /// The refusal message for `prefix`, or nil when it may be read. `binaryAllowed` is true for a wire
    /// stream, whose length words hold zero bytes.
    public static func reason(_ prefix: UnsafeBufferPointer<UInt8>, binaryAllowed: Bool) -> String? {
        let head = Array(prefix.prefix(8))
        let magics: [([UInt8], String, String)] = [
            ([0x1F, 0x8B], "gzip", "gzip -dc FILE | maskd pipe"),
            ([0x28, 0xB5, 0x2F, 0xFD], "zstd", "zstd -dc FILE | maskd pipe"),
            ([0x42, 0x5A, 0x68], "bzip2", "bzip2 -dc FILE | maskd pipe"),
            ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz", "xz -dc FILE | maskd pipe"),
            ([0x50, 0x4B, 0x03, 0x04], "zip", "unzip -p FILE | maskd pipe"),
        ]
        for (magic, name, command) in magics where head.starts(with: magic) {
            return "the input is \(name)-compressed; decompress it first: `\(command)` (maskd reads LZ4 frames itself)"
        }
        if prefix.starts(with: Self.binaryCopySignature) {
            return "the input is COPY's binary format (COPY … TO STDOUT (FORMAT binary)), which maskd does not read: "
                + "export with COPY … TO STDOUT (text; mask it with --format copy) or (FORMAT csv)"
        }
        if !binaryAllowed, let nul = prefix.prefix(64 * 1024).firstIndex(of: 0) {
            return "the input is binary (a zero byte at offset \(nul)), not CSV or a pg_dump script; give --format wire for a backend message stream"
        }
        return nil
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
    public var counts = [Int](repeating: 0, count: EntityType.slotCount)

    public init() {}

    public func count(_ type: EntityType) -> Int { counts[Int(type.rawValue)] }
}
