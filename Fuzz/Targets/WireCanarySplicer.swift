import MaskEngine

/// Splices canaries into a stream of PostgreSQL backend messages: a DataRow cell that is exactly a
/// marker becomes a canary (the cell and message lengths rewritten), and so does the value of an
/// ErrorResponse or NoticeResponse field the engine masks (`M` message, `D` detail, `H` hint, …), and
/// a whole field of a text-format COPY OUT row.
///
/// A cell is only filled in a column the engine scans: a column that any RowDescription of the stream
/// gives a type that cannot hold PII text (`PostgresType.cannotHoldPII`: a bool, a uuid) is skipped
/// everywhere, since which description applies to a row is the engine's business, not the oracle's.
/// Frames the walk cannot read (a length under 4 or past the end) end the splicing: the rest is copied.
enum WireCanarySplicer {
    static func splice(_ stream: [UInt8]) -> [UInt8] {
        let skipped = unscannedColumns(stream)
        var out: [UInt8] = []
        out.reserveCapacity(stream.count + 512)
        var p = 0
        // Inside a COPY OUT in text format (CopyOutResponse's overall format 0), each CopyData is a row.
        var copyText = false
        while let (type, payload) = frame(stream, at: p) {
            switch type {
            case UInt8(ascii: "H"): copyText = payload.count >= 1 && stream[payload.lowerBound] == 0
            case UInt8(ascii: "c"), UInt8(ascii: "C"), UInt8(ascii: "Z"), UInt8(ascii: "E"): copyText = false
            default: break
            }
            switch type {
            case UInt8(ascii: "d") where copyText:
                appendMessage(type, TextCanarySplicer.copyRows(stream[payload]), to: &out)
            case UInt8(ascii: "D"):
                let row = skipped.flatMap { dataRow(stream[payload], skipping: $0) }
                appendMessage(type, row ?? Array(stream[payload]), to: &out)
            case UInt8(ascii: "E"), UInt8(ascii: "N"): appendMessage(type, noticeFields(stream[payload]) ?? Array(stream[payload]), to: &out)
            default: out.append(contentsOf: stream[(payload.lowerBound - 5)..<payload.upperBound])
            }
            p = payload.upperBound
        }
        out.append(contentsOf: stream[p...])
        return out
    }

    /// The type byte and payload range of the frame at `p`, or nil where the walk must stop.
    static func frame(_ s: [UInt8], at p: Int) -> (UInt8, Range<Int>)? {
        guard s.count - p >= 5 else { return nil }
        let length = Int(Int32(bitPattern: readUInt32(s[...], p + 1)))
        guard length >= 4, p + 1 + length <= s.count else { return nil }
        return (s[p], (p + 5)..<(p + 1 + length))
    }

    /// Column positions whose type, in some RowDescription, is never scanned; nil if a description
    /// cannot be read (then no DataRow gets a canary).
    static func unscannedColumns(_ s: [UInt8]) -> Set<Int>? {
        var skipped = Set<Int>()
        var p = 0
        while let (type, payload) = frame(s, at: p) {
            p = payload.upperBound
            guard type == UInt8(ascii: "T") else { continue }
            var q = payload.lowerBound
            guard payload.count >= 2 else { return nil }
            let n = Int(readUInt16(s[...], q))
            q += 2
            for column in 0..<n {
                guard let nul = s[q..<payload.upperBound].firstIndex(of: 0), nul + 19 <= payload.upperBound else { return nil }
                let oid = readUInt32(s[...], nul + 7)
                if PostgresType.cannotHoldPII(oid) { skipped.insert(column) }
                q = nul + 19
            }
        }
        return skipped
    }

    /// A DataRow payload with marker cells replaced, or nil if it does not parse exactly.
    static func dataRow(_ payload: ArraySlice<UInt8>, skipping skipped: Set<Int>) -> [UInt8]? {
        guard payload.count >= 2 else { return nil }
        var q = payload.startIndex
        let n = Int(readUInt16(payload, q))
        var out = Array(payload[q..<(q + 2)])
        q += 2
        for column in 0..<n {
            guard payload.endIndex - q >= 4 else { return nil }
            let length = Int(Int32(bitPattern: readUInt32(payload, q)))
            if length == -1 { out.append(contentsOf: payload[q..<(q + 4)]); q += 4; continue }
            guard length >= 0, payload.endIndex - q - 4 >= length else { return nil }
            let cell = payload[(q + 4)..<(q + 4 + length)]
            if length == 2, cell.first == CanaryMarker.lead, !skipped.contains(column) {
                let canary = Canary.pick(cell.last!).text
                appendUInt32(UInt32(canary.count), to: &out)
                out.append(contentsOf: canary)
            } else {
                out.append(contentsOf: payload[q..<(q + 4 + length)])
            }
            q += 4 + length
        }
        return q == payload.endIndex ? out : nil
    }

    /// An ErrorResponse/NoticeResponse payload with marker field values replaced (not in the fields
    /// the engine keeps: severity, code, position, source file/line/routine), or nil if it does not parse.
    static func noticeFields(_ payload: ArraySlice<UInt8>) -> [UInt8]? {
        let kept: Set<UInt8> = Set("SVCPpFLR".utf8)
        var out: [UInt8] = []
        var q = payload.startIndex
        while q < payload.endIndex {
            let code = payload[q]
            if code == 0 { out.append(0); return q + 1 == payload.endIndex ? out : nil }
            guard let nul = payload[(q + 1)...].firstIndex(of: 0) else { return nil }
            let value = payload[(q + 1)..<nul]
            out.append(code)
            if value.count == 2, value.first == CanaryMarker.lead, !kept.contains(code) {
                out.append(contentsOf: Canary.pick(value.last!).text)
            } else {
                out.append(contentsOf: value)
            }
            out.append(0)
            q = nul + 1
        }
        return nil
    }

    static func appendMessage(_ type: UInt8, _ payload: [UInt8], to out: inout [UInt8]) {
        out.append(type)
        appendUInt32(UInt32(payload.count + 4), to: &out)
        out.append(contentsOf: payload)
    }
}

