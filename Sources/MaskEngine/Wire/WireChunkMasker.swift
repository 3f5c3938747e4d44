/// Where a chunk of a backend message stream starts: its offsets in the stream and the RowDescription in
/// force, so that chunks can be masked on any thread in any order.
public struct WireChunkStart: Sendable {
    public var byteOffset: Int
    public var messageIndex: Int
    public var rowIndex: Int
    public var rowDescription: RowDescription?
    /// The column count of the COPY OUT in progress (its CopyOutResponse's), if one is.
    public var copyColumns: Int?

    public init(byteOffset: Int = 0, messageIndex: Int = 0, rowIndex: Int = 0, rowDescription: RowDescription? = nil,
                copyColumns: Int? = nil) {
        self.byteOffset = byteOffset
        self.messageIndex = messageIndex
        self.rowIndex = rowIndex
        self.rowDescription = rowDescription
        self.copyColumns = copyColumns
    }

    /// Follows the COPY OUT state across one message: a CopyOutResponse starts one, the messages that
    /// can end one end it.
    mutating func follow(type: UInt8, payload: UnsafeBufferPointer<UInt8>) {
        switch BackendMessageID(rawValue: type) {
        case .copyOutResponse: copyColumns = CopyOutColumns.count(payload)
        case .copyDone, .commandComplete, .errorResponse, .readyForQuery: copyColumns = nil
        default: break
        }
    }
}

/// Masks a chunk of a captured stream of PostgreSQL backend messages (`maskd pipe --format wire`): the
/// last RowDescription describes the DataRows that follow it, since a capture has no client messages to
/// say otherwise (a live session is `WireSession`'s job). DataRow cells are masked by their column's
/// codec, CopyData rows and the fields of ErrorResponse/NoticeResponse (which echo values, e.g.
/// `Key (email)=(…) already exists`) are masked too, and every other message passes through unchanged.
///
/// Framing is checked once per message (length at least 4, within the limit, within the input), and
/// every cell length once per cell, before any byte of that message is written: on error the output
/// ends before the failing message.
public struct WireChunkMasker {
    public static let defaultMaxMessageBytes = 1 << 30
    public var maxMessageBytes: Int

    public init(maxMessageBytes: Int = WireChunkMasker.defaultMaxMessageBytes) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Masks the messages in `chunk`. A message cut off by the chunk's end is an error: the caller splits
    /// chunks at message boundaries, so only the end of the input can cut one.
    public func mask(_ chunk: UnsafeBufferPointer<UInt8>, start: WireChunkStart, session: MaskSession) -> MaskedChunk {
        MaskedChunk.masking(chunk) { maskMessages($0, start: start, session: session) }
    }

    /// Masks the messages in `chunk`; a chunk in which nothing changes is its own output, uncopied.
    func mask(_ chunk: [UInt8], start: WireChunkStart, session: MaskSession) -> MaskedChunk {
        MaskedChunk.masking(chunk) { maskMessages($0, start: start, session: session) }
    }

    private func maskMessages(_ chunk: UnsafeBufferPointer<UInt8>, start: WireChunkStart, session: MaskSession) -> MaskedChunk {
        var result = MaskedChunk(recordingFindings: session.recordsFindings)
        maskMessages(chunk, start: start, session: session, into: &result)
        return result
    }

    private func maskMessages(_ chunk: UnsafeBufferPointer<UInt8>, start: WireChunkStart, session: MaskSession,
                              into result: inout MaskedChunk) {
        result.auditSource = AuditSource(kind: .capture)
        let index = StageOneIndex()
        index.reset(chunk)
        // A stream captured without its RowDescription: every cell is masked by content.
        var columns = start.rowDescription.map { ResultColumns($0) } ?? ResultColumns.unknown
        var copy = start
        var batch = session.lendBatch()
        defer { session.giveBack(batch) }
        var messageIndex = start.messageIndex
        var row = start.rowIndex
        var pos = 0
        while pos < chunk.count {
            let location = StreamLocation(byteOffset: start.byteOffset + pos, message: messageIndex)
            let header: WireFrame
            do throws(StreamError) {
                header = try WireFrame.read(chunk, at: pos, limit: maxMessageBytes, location: location)
            } catch {
                result.error = error
                return
            }
            let payload = UnsafeBufferPointer(rebasing: chunk[header.payloadStart..<header.end])
            let messages = BackendMessageMasker(chunk: chunk, index: index, session: session)
            // Only DataRows are kept lazily; every other message writes to `output` itself.
            if header.type != BackendMessageID.dataRow.rawValue { result.flushKept(chunk) }
            do throws(StreamError) {
                switch BackendMessageID(rawValue: header.type) {
                case .rowDescription:
                    var payloadLocation = location
                    payloadLocation.byteOffset += 5
                    columns = ResultColumns(try RowDescription.decode(payload, at: payloadLocation))
                    result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[pos..<header.end]))
                case .dataRow where columns.isKnown:
                    // A run of DataRows of a described result is masked as a column batch.
                    let masker = DataRowMasker(chunk: chunk, index: index, session: session)
                    let failure = batch.gather(from: header, at: location, masker: masker, columns: columns,
                                               firstRow: row, limit: maxMessageBytes)
                    try batch.mask(with: masker, columns: columns, firstRow: row, into: &result)
                    row += batch.frames.count
                    result.rows += batch.frames.count
                    if let failure { throw failure }
                    messageIndex += batch.frames.count
                    pos = batch.frames[batch.frames.count - 1].end
                    continue
                case .dataRow:
                    try DataRowMasker(chunk: chunk, index: index, session: session)
                        .mask(frame: header, columns: columns, row: row, location: location, into: &result)
                    row += 1
                    result.rows += 1
                case .copyData:
                    try messages.maskCopyText(frame: header, row: row, strict: false, columns: copy.copyColumns, location: location, into: &result)
                    row += 1
                    result.rows += 1
                case .errorResponse, .noticeResponse:
                    try messages.maskFieldList(frame: header, location: location, into: &result)
                default:
                    try messages.passOther(frame: header, location: location, into: &result)
                }
            } catch {
                result.error = error
                return
            }
            copy.follow(type: header.type, payload: payload)
            pos = header.end
            messageIndex += 1
        }
    }
}
