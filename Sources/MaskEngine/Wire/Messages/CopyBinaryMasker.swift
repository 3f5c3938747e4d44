/// The COPY OUT in progress in a session: text and CSV rows are scanned as lines; binary rows are
/// parsed tuple by tuple.
enum CopyOutState {
    /// With the CopyOutResponse's column count (nil when the message is too short to say).
    case text(columns: Int?)
    case binary(CopyBinaryState)
}

/// Where a binary COPY stream stands: its header (`PGCOPY\n\377\r\n\0`, flags, extension) rides in
/// the first CopyData, before the first tuple; the trailer (a field count of -1) ends it.
struct CopyBinaryState {
    var headerPending = true
    var ended = false
}

/// Masks the CopyData messages of a binary COPY (`COPY … TO STDOUT (FORMAT binary)`). A CopyOutResponse
/// names no column types, so every field is masked by content (`ResultColumn.unknown`): printable text is
/// scanned and may change length, 2-, 4- and 8-byte fields are also read as integers, anything else keeps
/// its length. A CopyData that does not hold whole tuples is an error: PostgreSQL sends one tuple per
/// message, and a tuple cut elsewhere cannot be masked safely.
struct CopyBinaryMasker {
    let chunk: UnsafeBufferPointer<UInt8>
    let index: StageOneIndex
    let session: MaskSession
    /// The longest message this writes; past it, `messageTooLarge`. The length word's range, lowered
    /// only by tests so the path is proven without gigabytes.
    var maxEncodedLength = WireFrame.maxEncodableLength

    static let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]

    func mask(frame: WireFrame, state: inout CopyBinaryState, row: Int, location: StreamLocation,
              into result: inout MaskedChunk) throws(StreamError) {
        var p = frame.payloadStart
        let end = frame.end
        func fail(_ why: String) -> StreamError {
            var l = location
            l.byteOffset += p - frame.start
            l.row = row
            return StreamError(.malformedMessage("binary COPY data: \(why)"), at: l)
        }
        func int32(_ at: Int) -> Int {
            Int(Int32(bitPattern: UInt32(chunk[at]) << 24 | UInt32(chunk[at + 1]) << 16 | UInt32(chunk[at + 2]) << 8 | UInt32(chunk[at + 3])))
        }
        if state.headerPending {
            guard end - p >= 19, Array(chunk[p..<(p + 11)]) == Self.signature else { throw fail("missing PGCOPY signature") }
            let flags = int32(p + 11)
            // Bit 16 (OIDs) is no longer written by PostgreSQL; the other high bits are critical and unknown.
            guard flags & ~0xFFFF == 0 else { throw fail("unknown critical header flags") }
            let extensionLength = int32(p + 15)
            guard extensionLength >= 0, extensionLength <= end - p - 19 else { throw fail("header extension runs past the message") }
            p += 19 + extensionLength
            state.headerPending = false
        }
        let tuplesStart = p
        var fields: [CellBounds] = []
        var tupleCounts: [Int] = []
        while p < end {
            guard !state.ended else { throw fail("data after the trailer") }
            guard end - p >= 2 else { throw fail("tuple without a field count") }
            let count = Int(Int16(bitPattern: UInt16(chunk[p]) << 8 | UInt16(chunk[p + 1])))
            p += 2
            if count == -1 { state.ended = true; tupleCounts.append(-1); continue }
            guard count >= 0 else { throw fail("negative field count") }
            tupleCounts.append(count)
            for _ in 0..<count {
                guard end - p >= 4 else { throw fail("field without a length") }
                let length = int32(p)
                p += 4
                if length == -1 { fields.append(CellBounds(start: p, end: p, fate: .null)); continue }
                guard length >= 0, length <= end - p else { throw fail("field length runs past the message") }
                fields.append(CellBounds(start: p, end: p + length, fate: .unchanged))
                p += length
            }
        }
        var changed = false
        session.rowOut.removeAll(keepingCapacity: true)
        let masker = CellMasker(chunk: chunk, index: index, session: session, scan: session.chunkScan, actions: session.textActions,
                                maxEncodedLength: maxEncodedLength)
        for i in fields.indices where fields[i].fate == .unchanged {
            let fate = masker.mask(lower: fields[i].start, upper: fields[i].end, column: .unknown, row: row, columnIndex: i,
                                   into: &result)
            if fate != .unchanged { fields[i].fate = fate; changed = true }
        }
        if !changed {
            result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<frame.end]))
            return
        }
        // The new length is checked before anything is written: a field's replacement can be longer than
        // the field, and neither the message's nor a field's length word may wrap.
        var length = 4 + (tuplesStart - frame.payloadStart) + 2 * tupleCounts.count
        for field in fields {
            switch field.fate {
            case .null: length += 4
            case .unchanged: length += 4 + field.end - field.start
            case .replaced(let range): length += 4 + range.count
            case .overLimit(let atLeast): length += 4 + atLeast
            }
        }
        let limit = min(maxEncodedLength, WireFrame.maxEncodableLength)
        guard length <= limit else {
            var l = location
            l.row = row
            let overLimit = fields.contains { if case .overLimit = $0.fate { true } else { false } }
            throw StreamError(overLimit ? .maskedMessageTooLarge(type: frame.type, atLeast: length, limit: limit)
                                        : .messageTooLarge(type: frame.type, length: length, limit: limit), at: l)
        }
        let messageStart = result.output.count
        result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<tuplesStart]))
        var field = 0
        session.rowOut.withUnsafeBufferPointer { replacements in
            for count in tupleCounts {
                let c = UInt16(bitPattern: Int16(count))
                result.output.append(UInt8(truncatingIfNeeded: c >> 8))
                result.output.append(UInt8(truncatingIfNeeded: c))
                for _ in 0..<max(count, 0) {
                    fields[field].append(from: chunk, replacements: replacements, to: &result.output)
                    field += 1
                }
            }
        }
        var rowLocation = location
        rowLocation.row = row
        try WireFrame.patchLength(of: messageStart, in: &result.output, limit: limit, location: rowLocation)
    }
}
