/// The per-session wire state machine: it is fed the client's bytes (for state only) and the server's
/// bytes (to mask), each in whatever cuts a proxy read them, and returns the masked server bytes. No I/O:
/// `maskd serve`, `maskd proxy` and the tests drive it alike.
///
/// It tracks what decides how a DataRow is read: prepared statements and portals (named and unnamed,
/// Close, the unnamed ones' replacement by the next Parse/Bind or Query), each portal's result formats
/// from Bind, which RowDescription applies to which Execute, COPY OUT state, and the resets at
/// CommandComplete, ReadyForQuery and ErrorResponse. A DataRow whose description is unknown or
/// ambiguous is masked by content, every cell: it never passes in clear.
///
/// Any error poisons the session: every later call throws the same error, so that a caller that missed
/// one cannot let bytes through afterwards.
public final class WireSession {
    /// Limits of one session.
    public struct Options: Sendable {
        /// The largest message accepted from either side, counting its length word. A longer one stops
        /// the session (a result with a 1 GB value needs a larger limit, and as much memory).
        public var maxMessageBytes: Int = 256 << 20
        /// Whether the client's first bytes are its startup packet (a proxy's session); false for a
        /// session picked up after startup (tests, captured streams).
        public var startsWithStartup = true
        /// Whether each result set's tally is kept for `takeResultSets()` (audit records).
        public var recordsResultSets = false

        public init() {}
    }

    private let masking: MaskSession
    private let options: Options
    private var client: MessageReframer
    private var server: MessageReframer
    private var state = ExtendedQueryState()
    /// Columns of the current result of a simple Query (from its last RowDescription).
    private var simpleColumns: ResultColumns?
    /// The COPY OUT in progress, if any.
    private var copyOut: CopyOutState?
    /// The simple Query's `COPY … TO STDOUT`, until its CopyOutResponse (names for its columns).
    private var copyStatement: CopyOutStatement?
    /// For the COPY OUT in progress: each column's context where its name makes it a credential column
    /// (`CopyOutStatement`), nil for the others; nil while no name is known.
    private var copyCredentials: [ColumnContext?]?
    /// The aliases the client's queries gave columns, with the context of what each renamed.
    private var aliases = SelectListAliases()
    /// The simple Query's output columns by position, what each reads (`SelectListAliases.read`), until
    /// its first RowDescription.
    private var queryColumns: [ColumnContext]?
    /// Whether the COPY OUT's next row is its header of names.
    private var copyHeaderPending = false
    /// How the COPY OUT's rows are written, when its statement says.
    private var copyLayout: CopyRowFields.Layout?
    /// Set when the server answered something the requests do not explain: from then on every row is
    /// masked by content.
    public private(set) var desynchronized = false
    private var poisoned: WireSessionError?
    private let index = StageOneIndex()
    /// Values split across large-object chunks.
    private var functionResults = FunctionResultStitcher()
    /// Data rows (DataRow and COPY rows) seen so far.
    public private(set) var rows = 0
    /// Findings so far, per entity type (indexed by `EntityType.rawValue`).
    public private(set) var findingCounts = [Int](repeating: 0, count: EntityType.slotCount)
    /// The startup packet's parameters (user, database, application_name, …), once seen.
    public private(set) var startupParameters: [String: String] = [:]

    /// The result set being streamed and those that ended, when `options.recordsResultSets`.
    private var ledger: ResultSetLedger?

    public init(masking: MaskSession, options: Options = Options()) {
        self.masking = masking
        self.options = options
        if options.recordsResultSets { ledger = ResultSetLedger(policy: masking.rewriter.policy) }
        client = MessageReframer(limit: options.maxMessageBytes, untypedFirst: options.startsWithStartup, side: .frontendProtocol)
        server = MessageReframer(limit: options.maxMessageBytes, untypedFirst: false, side: .backendProtocol)
    }

    /// Server bytes held back because their message is not complete.
    public var pendingServerBytes: Int { server.pendingCount }

    // MARK: Client → server

    /// Takes bytes the client sent to the server. Nothing is answered; only state changes.
    public func receiveClient(_ bytes: UnsafeBufferPointer<UInt8>) throws(WireSessionError) {
        if let poisoned { throw poisoned }
        do throws(WireSessionError) {
            try client.feed(bytes) { run throws(WireSessionError) in try self.processClient(run) }
        } catch {
            poisoned = error
            throw error
        }
    }

    private func processClient(_ run: MessageReframer.Run) throws(WireSessionError) {
        var p = 0
        var message = run.messageIndex
        let bytes = run.bytes
        if run.firstUntyped {
            let length = Int(readInt32(bytes, p))
            try startup(UnsafeBufferPointer(rebasing: bytes[(p + 4)..<(p + length)]),
                        at: StreamLocation(byteOffset: run.offset, message: message))
            p += length
            message += 1
        }
        while p < bytes.count {
            let type = bytes[p]
            let end = p + 1 + Int(readInt32(bytes, p + 1))
            let location = StreamLocation(byteOffset: run.offset + p, message: message)
            try clientMessage(type, UnsafeBufferPointer(rebasing: bytes[(p + 5)..<end]), at: location)
            p = end
            message += 1
        }
    }

    private func startup(_ payload: UnsafeBufferPointer<UInt8>, at location: StreamLocation) throws(WireSessionError) {
        var reader = PayloadReader(payload)
        guard let code = reader.int32() else { throw WireSessionError(.frontendProtocol, "startup packet without a code", at: location) }
        switch code {
        case 80_877_103, 80_877_104:
            throw WireSessionError(.unsupportedSession, "an SSLRequest or GSSENCRequest reached maskd: the proxy must answer it itself ('N') or terminate TLS, so that maskd sees the session in clear", at: location)
        case 80_877_102:
            throw WireSessionError(.unsupportedSession, "a CancelRequest goes to the server on a connection of its own, not through a masking session", at: location)
        case 196_608, 196_610:  // protocol 3.0 and 3.2
            var parameters: [String: String] = [:]
            while let key = reader.cString(), !key.isEmpty {
                guard let value = reader.cString() else {
                    throw WireSessionError(.frontendProtocol, "startup parameter without a value", at: location)
                }
                parameters[key] = value
            }
            startupParameters = parameters
            if let replication = parameters["replication"], !["false", "off", "no", "0"].contains(replication.lowercased()) {
                throw WireSessionError(.unsupportedSession, "replication connections are refused: physical streaming and base backups copy data files that cannot be masked, and logical replication rows are not masked", at: location)
            }
        default:
            throw WireSessionError(.unsupportedSession, "unsupported protocol version \(code >> 16).\(code & 0xFFFF) in the startup packet", at: location)
        }
    }

    /// Each name's column context where it makes a credential column (by its name, or by what the
    /// query renamed to it); nil when none does.
    private func credentials(_ names: [String]) -> [ColumnContext?]? {
        let contexts = names.map { name -> ColumnContext? in
            var context = ColumnContext.named(name, scanned: true)
            if let source = aliases.context(of: name) { context.adoptStricter(source) }
            return context.credentialColumn ? context : nil
        }
        return contexts.contains { $0 != nil } ? contexts : nil
    }

    /// `description` with each column the client's queries renamed given what it was renamed from, and,
    /// for the first result of a simple Query whose select list has as many items as the description
    /// columns (`positions`), what each item reads.
    private static func renamed(_ description: RowDescription, by aliases: SelectListAliases,
                                positions: [ColumnContext]?) -> RowDescription {
        let positions = positions.flatMap { $0.count == description.fields.count && $0.contains(where: \.makesStricter) ? $0 : nil }
        guard positions != nil || (!aliases.isEmpty && description.fields.contains(where: { aliases.context(of: $0.name) != nil }))
        else { return description }
        return RowDescription(fields: description.fields.enumerated().map { i, original in
            var field = original
            var source = aliases.context(of: field.name)
            if let positions, positions[i].makesStricter {
                var read = source ?? ColumnContext(scanned: true)
                read.adoptStricter(positions[i])
                source = read
            }
            field.aliasSource = source
            return field
        })
    }

    private func clientMessage(_ type: UInt8, _ payload: UnsafeBufferPointer<UInt8>, at location: StreamLocation) throws(WireSessionError) {
        var reader = PayloadReader(payload)
        func bad(_ what: String) -> WireSessionError {
            WireSessionError(.frontendProtocol, "malformed \(StreamError.typeName(type)) message: \(what)", at: location)
        }
        guard let id = FrontendMessageID(rawValue: type) else {
            throw WireSessionError(.frontendProtocol, "unknown frontend message type \(StreamError.typeName(type))", at: location)
        }
        switch id {
        case .query:
            state.send(.query)
            functionResults.reset()
            copyStatement = CopyOutStatement.parse(payload)
            queryColumns = aliases.read(payload)
        case .parse:
            guard let name = reader.cString() else { throw bad("statement name") }
            guard let query = reader.cStringBytes() else { throw bad("query string") }
            aliases.read(query)
            state.send(.parse(statement: name))
        case .bind:
            guard let portal = reader.cString(), let statement = reader.cString() else { throw bad("portal or statement name") }
            guard let parameterFormats = reader.int16(), parameterFormats >= 0, reader.skip(2 * Int(parameterFormats)),
                  let parameters = reader.int16(), parameters >= 0 else { throw bad("parameter formats") }
            for _ in 0..<Int(parameters) {
                guard let length = reader.int32(), length >= -1 else { throw bad("parameter length") }
                if length > 0 { guard reader.skip(Int(length)) else { throw bad("parameter value past the end") } }
            }
            guard let count = reader.int16(), count >= 0 else { throw bad("result format count") }
            var formats: [Int16] = []
            formats.reserveCapacity(Int(count))
            for _ in 0..<Int(count) {
                guard let f = reader.int16(), f == 0 || f == 1 else { throw bad("result format code") }
                formats.append(f)
            }
            state.send(.bind(portal: portal, statement: statement, resultFormats: formats))
        case .describe, .close:
            guard let kind = reader.byte(), let name = reader.cString() else { throw bad("kind or name") }
            switch (id, kind) {
            case (.describe, UInt8(ascii: "S")): state.send(.describeStatement(name))
            case (.describe, UInt8(ascii: "P")): state.send(.describePortal(name))
            case (.close, UInt8(ascii: "S")): state.send(.closeStatement(name))
            case (.close, UInt8(ascii: "P")): state.send(.closePortal(name))
            default: throw bad("kind \(StreamError.typeName(kind))")
            }
        case .execute:
            guard let portal = reader.cString() else { throw bad("portal name") }
            state.send(.execute(portal: portal))
        case .sync:
            state.send(.sync)
        case .functionCall:
            state.send(.functionCall)
        case .flush, .copyData, .copyDone, .copyFail, .password, .terminate:
            break
        }
    }

    // MARK: Server → client

    /// Takes bytes the server sent and appends their masked form to `result.output` (nothing of a
    /// message that is not complete yet: it is kept until its remaining bytes arrive). Findings are
    /// appended to `result.findings`.
    ///
    /// On error, `result.output` holds only what this call appended before the failing message; a caller
    /// that must fail closed drops all of it (the proxy forwards nothing of a failed call).
    public func receiveServer(_ bytes: UnsafeBufferPointer<UInt8>, into result: inout MaskedChunk) throws(WireSessionError) {
        if let poisoned { throw poisoned }
        do throws(WireSessionError) {
            try server.feed(bytes) { run throws(WireSessionError) in try self.processServer(run, into: &result) }
        } catch {
            poisoned = error
            ledger?.end(outcome: "masking_failed", code: "\(error.kind)")
            throw error
        }
    }

    /// The records of the result sets that ended since the last call (none unless
    /// `options.recordsResultSets`).
    public func takeResultSets() -> [ResultSetRecord] {
        ledger?.takeCompleted() ?? []
    }

    /// Ends the result set in progress, if any, as `interrupted` (the session is closing), and returns
    /// every record not yet taken.
    public func finishResultSets() -> [ResultSetRecord] {
        ledger?.end(outcome: "interrupted")
        return takeResultSets()
    }

    private func processServer(_ run: MessageReframer.Run, into result: inout MaskedChunk) throws(WireSessionError) {
        index.reset(run.bytes)
        var p = 0
        var message = run.messageIndex
        let countsBefore = result.counts
        let rowsBefore = result.rows
        defer {
            for i in findingCounts.indices { findingCounts[i] += result.counts[i] - countsBefore[i] }
            rows += result.rows - rowsBefore
        }
        while p < run.bytes.count {
            let location = StreamLocation(byteOffset: run.offset + p, message: message)
            do throws(StreamError) {
                let frame = try WireFrame.read(run.bytes, at: p, limit: options.maxMessageBytes, location: location)
                if frame.type == BackendMessageID.dataRow.rawValue, case let columns = currentColumns(), columns.isKnown,
                   Self.holdsDataRows(run.bytes, from: p, atLeast: Self.batchedRowsAtLeast) {
                    let rows = try dataRows(from: frame, columns: columns, in: run.bytes, at: location, into: &result)
                    p = rows.end
                    message += rows.count
                    continue
                }
                try serverMessage(frame, in: run.bytes, at: location, into: &result)
                p = frame.end
                message += 1
            } catch {
                switch error.kind {
                case .unsupported: throw WireSessionError(.unsupportedSession, error)
                case .messageTooLarge, .maskedMessageTooLarge: throw WireSessionError(.limitExceeded, error)
                default: throw WireSessionError(.backendProtocol, error)
                }
            }
        }
    }

    /// The fewest DataRows in a run that are masked as a column batch. A batch decides each column's kind
    /// once and classifies its cells together, but that costs something per column: for a few rows (a
    /// proxy forwarding small reads, or the one message completed from the cut before) the row-by-row
    /// path is cheaper. Measured through `maskd serve` with 4 KiB and 64 KiB cuts: a PII-free batch of
    /// 8 rows costs 15 % less than its rows one by one, a dense one of 5 rows 5 % more, a batch of one
    /// row always more (Benchmarks/RESULTS.md).
    static let batchedRowsAtLeast = 6

    /// Whether `bytes` (whole messages) holds at least `count` DataRows in a row from `start`.
    static func holdsDataRows(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, atLeast count: Int) -> Bool {
        var p = start
        for _ in 0..<count {
            guard bytes.count - p >= 5, bytes[p] == BackendMessageID.dataRow.rawValue else { return false }
            let length = Int(UInt32(bytes[p + 1]) << 24 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 8 | UInt32(bytes[p + 4]))
            p += 1 + length
        }
        return true
    }

    /// Masks the run of DataRows of a described result that starts at `first` as one column batch (the
    /// pipe's path, `DataRowBatch`): each column's kind and actions decided once, its cells classified
    /// together. Row by row, every cell went through its own `CellMasker`, and `maskd serve` ran at a
    /// quarter of `maskd pipe`'s speed on the same bytes (Benchmarks/RESULTS.md). Returns where the
    /// batch ends and how many rows it held; a framing error after its first row is thrown once the rows
    /// before it are written (the caller drops the output of a failed call).
    private func dataRows(from first: WireFrame, columns: ResultColumns, in bytes: UnsafeBufferPointer<UInt8>,
                          at location: StreamLocation, into result: inout MaskedChunk) throws(StreamError) -> (end: Int, count: Int) {
        if ledger != nil && !ledger!.isOpen { ledger!.begin(queryKind(), columns: columns, session: masking) }
        var batch = masking.lendBatch()
        defer { masking.giveBack(batch) }
        let masker = DataRowMasker(chunk: bytes, index: index, session: masking)
        let firstRow = rows + result.rows
        let findingsBefore = result.findings.count
        let failure = batch.gather(from: first, at: location, masker: masker, columns: columns, firstRow: firstRow,
                                   limit: options.maxMessageBytes)
        try batch.mask(with: masker, columns: columns, firstRow: firstRow, into: &result)
        // `bytes` is this call's run only: what the batch kept unchanged is copied now.
        result.flushKept(bytes)
        result.rows += batch.frames.count
        if ledger != nil {
            // The batch's findings are in row order: each row's are the next ones of its row.
            var next = findingsBefore
            for (r, frame) in batch.frames.enumerated() {
                let start = next
                while next < result.findings.count && result.findings[next].row == firstRow + r { next += 1 }
                ledger!.row(bytes: frame.end - frame.start, findings: result.findings[start..<next])
            }
        }
        if let failure { throw failure }
        return (batch.frames[batch.frames.count - 1].end, batch.frames.count)
    }

    private func serverMessage(_ frame: WireFrame, in bytes: UnsafeBufferPointer<UInt8>, at location: StreamLocation,
                               into result: inout MaskedChunk) throws(StreamError) {
        let messages = BackendMessageMasker(chunk: bytes, index: index, session: masking)
        let payload = UnsafeBufferPointer(rebasing: bytes[frame.payloadStart..<frame.end])
        func passUnchanged() { result.output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[frame.start..<frame.end])) }
        func unexpected() { desynchronized = true }
        switch BackendMessageID(rawValue: frame.type) {
        case .dataRow:
            let columns = currentColumns()
            let findingsBefore = result.findings.count
            if ledger != nil && !ledger!.isOpen { ledger!.begin(queryKind(), columns: columns, session: masking) }
            try DataRowMasker(chunk: bytes, index: index, session: masking)
                .mask(frame: frame, columns: columns, row: rows + result.rows, location: location, into: &result)
            // `bytes` is this call's run only: what the row masker kept unchanged is copied now.
            result.flushKept(bytes)
            result.rows += 1
            ledger?.row(bytes: frame.end - frame.start, findings: result.findings[findingsBefore...])
        case .rowDescription:
            var payloadLocation = location
            payloadLocation.byteOffset += 5
            var positions: [ColumnContext]? = nil
            if case .query = state.current { positions = queryColumns; queryColumns = nil }
            let description = Self.renamed(try RowDescription.decode(payload, at: payloadLocation), by: aliases, positions: positions)
            switch state.current {
            case .describeStatement(let name):
                state.described(statement: name, as: description)
                state.pop()
            case .describePortal(let name):
                state.described(portal: name, as: description)
                state.pop()
            case .query:
                simpleColumns = ResultColumns(description)
                ledger?.begin(.simple, columns: simpleColumns!, session: masking)
            default:
                unexpected()
            }
            passUnchanged()
        case .noData:
            try messages.passOther(frame: frame, location: location, into: &result)
            switch state.current {
            case .describeStatement(let name): state.described(statement: name, as: nil); state.pop()
            case .describePortal(let name): state.described(portal: name, as: nil); state.pop()
            default: unexpected()
            }
        case .parameterDescription:
            if case .describeStatement = state.current {} else { unexpected() }
            try messages.passOther(frame: frame, location: location, into: &result)
        case .parseComplete:
            try messages.passOther(frame: frame, location: location, into: &result)
            if case .parse(let name) = state.current { state.parsed(name); state.pop() } else { unexpected() }
        case .bindComplete:
            try messages.passOther(frame: frame, location: location, into: &result)
            if case .bind(let portal, let statement, let formats) = state.current {
                state.bound(portal: portal, statement: statement, resultFormats: formats)
                state.pop()
            } else { unexpected() }
        case .closeComplete:
            try messages.passOther(frame: frame, location: location, into: &result)
            switch state.current {
            case .closeStatement(let name): state.closed(statement: name); state.pop()
            case .closePortal(let name): state.closed(portal: name); state.pop()
            default: unexpected()
            }
        case .commandComplete, .emptyQueryResponse, .portalSuspended:
            try messages.passOther(frame: frame, location: location, into: &result)
            if ledger != nil, !ledger!.isOpen, case .execute(let portal) = state.current, !desynchronized,
               let columns = state.columns(ofPortal: portal), !columns.columns.isEmpty {
                // An Execute that returned no rows is still a result set the client saw.
                ledger!.begin(.extended, columns: columns, session: masking)
            }
            ledger?.end(outcome: "complete")
            copyOut = nil
            switch state.current {
            case .execute: state.pop()
            case .query: simpleColumns = nil
            default: unexpected()
            }
        case .errorResponse:
            try messages.maskFieldList(frame: frame, location: location, into: &result)
            ledger?.end(outcome: "error", code: ResultSetLedger.sqlState(payload))
            copyOut = nil
            simpleColumns = nil
            // A simple Query or FunctionCall still ends with its ReadyForQuery; an extended request
            // makes the server skip everything up to the next Sync.
            state.skipToSync()
        case .readyForQuery:
            try messages.passOther(frame: frame, location: location, into: &result)
            if let request = state.current {
                if request.endsWithReadyForQuery { state.pop() } else {
                    unexpected()
                    state.skipToSync()
                    state.pop()
                }
            }
            if payload.first == UInt8(ascii: "I") { state.transactionEnded() }
            ledger?.end(outcome: "interrupted")
            simpleColumns = nil
            copyOut = nil
        case .copyOutResponse:
            guard let overall = payload.first, overall <= 1 else {
                throw StreamError(.malformedMessage("CopyOutResponse with an unknown format"), at: location)
            }
            let columns = CopyOutColumns.count(payload)
            copyOut = overall == 1 ? .binary(CopyBinaryState()) : .text(columns: columns)
            // The statement's names are for its one COPY: a later one in the same query gets none.
            copyCredentials = copyStatement?.names.flatMap { names in names.count == columns ? self.credentials(names) : nil }
            copyHeaderPending = overall == 0 && copyStatement?.header == true
            copyLayout = copyStatement?.layout
            copyStatement = nil
            ledger?.begin(.copy, columns: .unknown, session: masking)
            passUnchanged()
        case .copyBothResponse:
            throw StreamError(.unsupported("CopyBothResponse: replication streams are not masked and are refused"), at: location)
        case .copyData:
            let findingsBefore = result.findings.count
            defer { ledger?.row(bytes: frame.end - frame.start, findings: result.findings[findingsBefore...]) }
            switch copyOut {
            case .binary(var binary):
                try CopyBinaryMasker(chunk: bytes, index: index, session: masking)
                    .mask(frame: frame, state: &binary, row: rows + result.rows, location: location, into: &result)
                copyOut = .binary(binary)
            case .text(let columns):
                // A header of names (`HEADER`) is text, and its fields name the columns of the rows after it.
                let header = copyHeaderPending
                try messages.maskCopyText(frame: frame, row: rows + result.rows, strict: true, columns: columns, layout: copyLayout,
                                          credentials: header ? nil : copyCredentials, location: location, into: &result)
                if header {
                    copyHeaderPending = false
                    let row = UnsafeBufferPointer(rebasing: bytes[frame.payloadStart..<frame.end])
                    if let fields = CopyRowFields(row, columns: columns, layout: copyLayout) {
                        copyCredentials = self.credentials(fields.bounds.map { CopyOutStatement.headerName(row[$0]) })
                    }
                }
            case nil:
                try messages.maskCopyText(frame: frame, row: rows + result.rows, strict: true, columns: nil, location: location, into: &result)
            }
            result.rows += 1
        case .copyDone:
            try messages.passOther(frame: frame, location: location, into: &result)
            copyOut = nil
            copyCredentials = nil
        case .parameterStatus:
            try checkParameterStatus(payload, at: location)
            try messages.passOther(frame: frame, location: location, into: &result)
        case .noticeResponse:
            try messages.maskFieldList(frame: frame, location: location, into: &result)
        case .functionCallResponse:
            if state.current != .functionCall { unexpected() }
            try maskFunctionResult(frame, payload: payload, in: bytes, at: location, into: &result)
        default:
            try messages.passOther(frame: frame, location: location, into: &result)
        }
    }

    /// FunctionCallResponse: Int32 length (-1 for NULL), then the result, masked with the same length.
    private func maskFunctionResult(_ frame: WireFrame, payload: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>,
                                    at location: StreamLocation, into result: inout MaskedChunk) throws(StreamError) {
        var reader = PayloadReader(payload)
        guard let length = reader.int32(), length >= -1, length == -1 ? reader.atEnd : Int(length) == reader.remaining else {
            throw StreamError(.malformedMessage("FunctionCallResponse length disagrees with its message"), at: location)
        }
        if length <= 0 {
            result.output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[frame.start..<frame.end]))
            return
        }
        result.output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[frame.start..<(frame.payloadStart + 4)]))
        var out = result.output
        result.output = []
        _ = functionResults.mask(UnsafeBufferPointer(rebasing: payload[4...]), row: rows + result.rows, session: masking,
                                 into: &out, result: &result)
        result.output = out
    }

    /// How the request whose rows are arriving was made.
    private func queryKind() -> ResultSetRecord.QueryKind {
        if desynchronized { return .unknown }
        switch state.current {
        case .query: return .simple
        case .execute: return .extended
        default: return .unknown
        }
    }

    /// The columns of the DataRow at hand: those of the current simple-query result, or of the portal the
    /// current Execute runs; unknown otherwise, so that every cell is masked by content.
    private func currentColumns() -> ResultColumns {
        if desynchronized { return .unknown }
        switch state.current {
        case .query: return simpleColumns ?? .unknown
        case .execute(let portal): return state.columns(ofPortal: portal) ?? .unknown
        default: return .unknown
        }
    }

    /// ParameterStatus: a client encoding whose multi-byte characters can hold ASCII bytes ('@', '\',
    /// digits as trailing bytes) cannot be scanned byte by byte; the session is refused rather than
    /// scanned wrongly.
    private func checkParameterStatus(_ payload: UnsafeBufferPointer<UInt8>, at location: StreamLocation) throws(StreamError) {
        var reader = PayloadReader(payload)
        guard let name = reader.cString(), let value = reader.cString(), reader.atEnd else {
            throw StreamError(.malformedMessage("ParameterStatus is not two NUL-terminated strings"), at: location)
        }
        if name == "client_encoding", ClientEncoding.isUnsafe(value) {
            throw StreamError(.unsupported("client_encoding \(value) is refused: its multi-byte characters can hold ASCII bytes, so it cannot be scanned safely; use UTF8 (SET client_encoding = 'UTF8')"), at: location)
        }
    }

    private func readInt32(_ bytes: UnsafeBufferPointer<UInt8>, _ p: Int) -> Int32 {
        Int32(bitPattern: UInt32(bytes[p]) << 24 | UInt32(bytes[p + 1]) << 16 | UInt32(bytes[p + 2]) << 8 | UInt32(bytes[p + 3]))
    }
}

/// Client encodings and what they mean for a byte-level scan.
public enum ClientEncoding {
    /// Encodings whose multi-byte characters can contain bytes below 0x80 (SJIS trail bytes include '@'
    /// and '\'): scanning them as bytes could both miss values and corrupt characters. PostgreSQL
    /// supports them only as client encodings.
    public static let unsafe: Set<String> = ["SJIS", "SHIFT_JIS_2004", "BIG5", "GBK", "UHC", "GB18030", "JOHAB",
                                             "WIN932", "WIN936", "WIN949", "WIN950", "SHIFT_JIS", "CP932", "CP936", "CP949", "CP950"]

    public static func isUnsafe(_ name: String) -> Bool {
        unsafe.contains(String(name.uppercased().map { $0 == "-" ? "_" : $0 }))
    }
}
