import CMaskKernels
import Foundation

/// Masks a whole stream (CSV or PostgreSQL backend messages) from a byte source to a byte sink, in
/// bounded memory, on `workers` threads, with output in input order.
///
/// The reader cuts the input into chunks at record or message boundaries (a cheap framing pass, no
/// field parsing), workers mask chunks with their own `MaskSession`, and one consumer writes outputs
/// and findings in order. On the first error nothing more is written: the output ends before the row
/// or message that failed, and `run` throws that error.
public final class StreamMasker {
    /// Options of one run.
    public struct Options: Sendable {
        /// nil: detect from the first bytes.
        public var format: InputFormat?
        /// CSV: whether the first record is a header (column names).
        public var csvHeader = true
        /// COPY text: whether the first line names the columns (`COPY … TO STDOUT (HEADER)`); COPY
        /// writes none unless asked.
        public var copyHeader = false
        /// COPY text: the table's declared columns in order (`DumpSchema`, from `maskd pipe --schema`), so
        /// masked values fit their types (`varchar(n)` limits, numbers) as in a dump. Without a header
        /// line, the stream's columns are these less the generated ones, which `COPY table TO` leaves out.
        public var copyColumns: [DumpColumn]? = nil
        /// CSV: the table the rows come from (`schema.table`), for policy column rules that name one.
        public var csvTable: String? = nil
        /// Who the output is for, matched against the policy's identity rules.
        public var identity = Identity.unknown
        /// CSV: the field separator (`,`; tab or `;` for other exports).
        public var csvDelimiter = UInt8(ascii: ",")
        public var workers = Options.processors
        /// Mask and write on the calling thread, chunk by chunk, with no worker or consumer thread
        /// (`workers` is then ignored): deterministic and free to start, for fuzzing and tests; it gives
        /// up the overlap of reading, masking and writing.
        public var onCallingThread = false
        public var chunkBytes = 1 << 21
        public var maxMessageBytes = WireChunkMasker.defaultMaxMessageBytes
        /// The longest CSV record or dump line that is buffered whole. Past it the run fails instead of
        /// reading the rest of the input into memory (an unclosed quote at the start of a huge file).
        public var maxRecordBytes = 256 << 20
        /// Write the output as one LZ4 frame.
        public var lz4Output = false
        /// Where the pipeline stops: anything before `.mask` is for benchmarks and writes no output.
        public var stopAfter = PipelineStage.mask
        /// Called now and then from the consumer thread with the totals so far.
        public var progress: (@Sendable (StreamSummary) -> Void)? = nil

        public init() {}

        /// Read once: `activeProcessorCount` reads the cgroup files on every call, which cost a short
        /// run (a fuzz input, a small dump) more than its masking.
        static let processors = max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Reads into the buffer and returns the count, 0 at the end of input.
    public typealias Source = (UnsafeMutableRawBufferPointer) throws -> Int
    /// Writes all of the bytes.
    public typealias Sink = @Sendable (UnsafeRawBufferPointer) throws -> Void

    let policy: MaskPolicy
    let key: TokenKey
    let options: Options

    public init(policy: MaskPolicy = .default, key: TokenKey, options: Options = Options()) {
        self.policy = policy
        self.key = key
        self.options = options
    }

    /// An error of the input, or of the sink (wrapped as `StreamMasker.IOError`).
    public struct IOError: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// Masks everything `source` yields into `sink`; findings, as JSON Lines, into `report` if given.
    @discardableResult
    public func run(source rawSource: @escaping Source, sink rawSink: @escaping Sink, report: Sink? = nil,
                    audit: Sink? = nil) throws -> StreamSummary {
        let decoding = try DecodingSource(source: rawSource)
        let source: Source = { try decoding.read(into: $0) }
        let compressor = options.lz4Output ? try LZ4FrameSink(sink: rawSink) : nil
        let sink: Sink
        if let compressor { sink = { @Sendable bytes in try compressor.write(bytes) } } else { sink = rawSink }
        var input = InputBuffer(source: source, chunkBytes: options.chunkBytes)
        try input.fill(atLeast: 64 * 1024)
        // pg_dump's custom and tar formats are archives, not streams of rows: refuse them by name.
        let archive = input.withBytes { p -> Bool in
            let head = Array(p.prefix(8))
            return head.starts(with: Array("PGDMP".utf8)) || head.starts(with: Array("toc.dat".utf8))
        }
        if archive {
            throw StreamError(.malformedMessage("this is a pg_dump custom or tar archive; convert it with `pg_restore -f - ARCHIVE | maskd pipe`, or dump in the plain format"),
                              at: StreamLocation(byteOffset: 0))
        }
        let format = options.format ?? input.withBytes { InputFormat.detect($0) }
        if let reason = input.withBytes({ UnreadableInput.reason($0, binaryAllowed: format == .wire) }) {
            throw StreamError(.unsupported(reason), at: StreamLocation(byteOffset: 0))
        }
        let state = ConsumerState(format: format)
        let reportWriter = FindingsReportWriter(customNames: policy.customTypes.map(\.name))
        let progress = options.progress
        let ledger = audit.map { PipeAuditLedger(policy: policy.resolve(options.identity), identity: options.identity, sink: $0) }
        let pipeline = OrderedPipeline<Job, MaskedChunk>(
            sessions: (0..<(options.onCallingThread ? 1 : options.workers)).map { _ in
                let session = MaskSession(policy: policy, key: key, identity: options.identity)
                session.stopAfter = options.stopAfter
                // Findings are kept one by one only for what reads them one by one.
                session.recordsFindings = report != nil || audit != nil
                return session
            },
            maxInFlight: options.workers * 2 + 1,
            inline: options.onCallingThread,
            process: { [options, reportWriter, state] job, session in
                var chunk = job.run(session: session, maxMessageBytes: options.maxMessageBytes, delimiter: options.csvDelimiter)
                // Report lines are formatted here, on the worker, not on the one consumer thread.
                if report != nil, !chunk.findings.isEmpty {
                    chunk.reportLines.reserveCapacity(chunk.findings.count * 80)
                    for f in chunk.findings { reportWriter.append(f, tableName: state.tableName(f.table), to: &chunk.reportLines) }
                }
                return chunk
            },
            consume: { [options] chunk in
                do {
                    if options.stopAfter == .mask { try chunk.output.withUnsafeBytes { try sink($0) } }
                    if let report, !chunk.reportLines.isEmpty { try chunk.reportLines.withUnsafeBytes { try report($0) } }
                    try ledger?.add(chunk)
                } catch {
                    state.fail(error)
                    return false
                }
                let summary = state.add(chunk)
                progress?(summary)
                if let error = chunk.error { state.fail(error); return false }
                return true
            })
        var readError: Error? = nil
        do {
            switch format {
            case .csv: try splitCSV(&input, pipeline: pipeline)
            case .wire: try splitWire(&input, pipeline: pipeline)
            case .pgdump:
                try PgDumpSplitter(chunkBytes: options.chunkBytes, maxLineBytes: options.maxRecordBytes, tables: state,
                                   halvesTail: halvesTail)
                    .split(&input, pipeline: pipeline)
            case .copy: try splitCopy(&input, pipeline: pipeline, tables: state)
            case .lines: try splitLines(&input, pipeline: pipeline)
            }
        } catch {
            readError = error
        }
        _ = pipeline.finish()
        if let ledger {
            // A run that failed still leaves the record of the rows it wrote, marked as such.
            let failure = state.error ?? readError
            try? ledger.end(outcome: failure == nil ? "complete" : "masking_failed",
                            code: (failure as? StreamError).map { "\($0.kind)".prefix { $0 != "(" }.description })
        }
        if let error = state.error { throw error }
        if let readError { throw readError }
        // The frame is closed only after a complete run: a failed run leaves it visibly truncated.
        try compressor?.finish()
        var summary = state.summary
        summary.bytesIn = input.totalRead
        return summary
    }

    // MARK: - Splitting

    private func splitCSV(_ input: inout InputBuffer, pipeline: OrderedPipeline<Job, MaskedChunk>) throws {
        var start = CSVChunkStart()
        if options.csvHeader {
            // The header is found by a plain quote-aware scan: it is one record, and every chunk needs it.
            guard let end = try headerEnd(&input, pipeline: pipeline, find: Self.firstRecordEnd) else { return }
            let header = input.withBytes { CSVHeader.parse(UnsafeBufferPointer(rebasing: $0[0..<end]), delimiter: options.csvDelimiter, table: options.csvTable) }
            let headerBytes = input.take(end)
            // The header goes through the same strict parser and scanner as the rows (a header with a
            // stray quote would otherwise swallow rows unmasked); its findings are masked, not reported.
            guard pipeline.submit(Job.csvHeader(headerBytes)) else { return }
            start = CSVChunkStart(byteOffset: end, line: 1 + headerBytes.filter { $0 == UInt8(ascii: "\n") }.count,
                                  rowIndex: 0, header: header)
        }
        while true {
            try input.fill(atLeast: options.chunkBytes)
            if input.count == 0 { return }
            var split = input.withBytes { b in mk_csv_last_record_end(b.baseAddress, b.count, UInt8(ascii: "\"")) }
            var halved = false
            if splitsTail(input) {
                // The input's last bytes in halves (see `splitsTail`): up to the last record end in the first half.
                let half = input.withBytes { b in mk_csv_last_record_end(b.baseAddress, b.count / 2, UInt8(ascii: "\"")) }
                if half.end > 0 { (split, halved) = (half, true) }
            }
            if split.end == 0 && !input.atEOF {
                // One record longer than a chunk: read on (the record must fit in memory to be masked),
                // up to the limit.
                if input.count > options.maxRecordBytes {
                    _ = pipeline.submit(.failure(StreamError(.recordTooLarge(limit: options.maxRecordBytes),
                                                             at: StreamLocation(byteOffset: start.byteOffset, line: start.line, row: start.rowIndex))))
                    return
                }
                try input.fill(atLeast: input.count * 2)
                continue
            }
            let take = !halved && input.atEOF && input.count <= options.chunkBytes ? input.count : (split.end == 0 ? input.count : split.end)
            let bytes = input.take(take)
            let jobStart = start
            guard pipeline.submit(Job.csv(bytes, jobStart)) else { return }
            start.byteOffset += take
            // The last chunk may run past the last record end (a final record without a line ending):
            // only those bytes are counted here, not the whole chunk again (a byte loop over up to a
            // chunk, 5 % of the reader thread's instructions on a 4 MB file).
            let tail = take > split.end ? bytes[split.end..<take].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) } : 0
            start.line += split.lines + tail
            start.rowIndex += take == split.end ? split.records : 0
        }
    }

    /// Where the header record that `find` finds ends (the input's end when it has none), read on until
    /// it is whole; nil when it is longer than the limit (the failure is submitted).
    private func headerEnd(_ input: inout InputBuffer, pipeline: OrderedPipeline<Job, MaskedChunk>,
                           find: (UnsafeBufferPointer<UInt8>) -> Int?) throws -> Int? {
        while true {
            if let end = input.withBytes(find) { return end }
            if input.atEOF { return input.count }
            if input.count > options.maxRecordBytes {
                _ = pipeline.submit(.failure(StreamError(.recordTooLarge(limit: options.maxRecordBytes),
                                                         at: StreamLocation(byteOffset: 0, line: 1))))
                return nil
            }
            try input.fill(atLeast: input.count + options.chunkBytes)
        }
    }

    /// A COPY text stream: the rows of one COPY block, read as pg_dump's are (`PgDumpSplitter`, started
    /// inside the block), after the header line if there is one.
    private func splitCopy(_ input: inout InputBuffer, pipeline: OrderedPipeline<Job, MaskedChunk>,
                           tables: ConsumerState) throws {
        let table = options.csvTable.map { tables.registerTable($0) } ?? -1
        var start = CopyChunkStart(byteOffset: 0, line: 1, rowIndex: 0, columns: nil, table: table,
                                   tableName: options.csvTable)
        if options.copyHeader {
            guard let end = try headerEnd(&input, pipeline: pipeline, find: { $0.firstIndex(of: 10).map { $0 + 1 } }) else { return }
            let header = input.take(end)
            // Masked like a row (a stray value in it is not let through), its findings not reported.
            guard pipeline.submit(.copyHeader(header)) else { return }
            let declared = options.copyColumns ?? []
            start.columns = CopyTextChunkMasker.columnNames(header).map { name in
                declared.first { $0.name == name } ?? DumpColumn(name: name, type: "")
            }
            start.byteOffset = header.count
            start.line = 2
        } else if let declared = options.copyColumns {
            start.columns = declared.filter { !$0.generated }
        }
        try PgDumpSplitter(chunkBytes: options.chunkBytes, maxLineBytes: options.maxRecordBytes, tables: tables,
                           halvesTail: halvesTail)
            .split(&input, pipeline: pipeline, startingInside: start)
    }

    /// Lines: a chunk ends after its last LF; a line longer than a chunk is read whole, up to the limit.
    private func splitLines(_ input: inout InputBuffer, pipeline: OrderedPipeline<Job, MaskedChunk>) throws {
        var start = LineChunkStart(tableName: options.csvTable)
        while true {
            try input.fill(atLeast: options.chunkBytes)
            if input.count == 0 { return }
            // The end of the last whole line (of the first half, when the input's last bytes go out in halves).
            var end = input.withBytes { b in b.lastIndex(of: 10).map { $0 + 1 } ?? 0 }
            if splitsTail(input) {
                let half = input.withBytes { b in b[..<(b.count / 2)].lastIndex(of: 10).map { $0 + 1 } ?? 0 }
                if half > 0 { end = half }
            }
            // Never inside a PEM block (`LineChunkMasker`): a key's body lines are a key only with their
            // BEGIN line. The chunk ends before the block, or the block is read on.
            var blocks = input.withBytes { b in LineChunkMasker.keyBlocks(in: UnsafeBufferPointer(rebasing: b[..<end])) }
            if let open = blocks.last, open.open, !(input.atEOF && end == input.count) {
                end = open.start
                blocks.removeLast()
            }
            if end == 0 && !input.atEOF {
                if input.count > options.maxRecordBytes {
                    _ = pipeline.submit(.failure(StreamError(.recordTooLarge(limit: options.maxRecordBytes),
                                                             at: StreamLocation(byteOffset: start.byteOffset, line: start.line))))
                    return
                }
                try input.fill(atLeast: input.count * 2)
                continue
            }
            let take = input.atEOF && end == input.count || end == 0 ? input.count : end
            let bytes = input.take(take)
            guard pipeline.submit(.lines(bytes, start)) else { return }
            start.byteOffset += take
            bytes.withUnsafeBufferPointer { b in
                start.line += LineChunkMasker.lineFeeds(in: b)
                start.row += LineChunkMasker.values(in: b, blocks: blocks)
            }
        }
    }

    /// Offset just past the first record-ending LF outside quotes, or nil.
    static func firstRecordEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var quoted = false
        for (i, b) in bytes.enumerated() {
            if b == UInt8(ascii: "\"") { quoted.toggle() } else if b == UInt8(ascii: "\n") && !quoted { return i + 1 }
        }
        return nil
    }

    /// The most a wire stream's reader reads before it walks the frames read (half of a Zen 3 core's L2).
    static let walkedPieceBytes = 256 * 1024

    /// The smallest job the input's last bytes are halved into.
    static let tailPieceBytes = 256 * 1024

    /// Whether the input's last bytes are handed out in halves rather than as one job: with several
    /// workers, the last job of a run is done by one while the others wait, so the input's last chunk
    /// (up to 2.5 MiB) went to one worker; halving what is left again and again (1/2, 1/4, … down to
    /// `tailPieceBytes`) leaves them a fraction of that to wait for. Each splitter halves what
    /// `InputBuffer.holdsHalvableTail` says is left; a stream not yet read to its end is cut as before.
    var halvesTail: Bool { options.workers > 1 && !options.onCallingThread }

    private func splitsTail(_ input: InputBuffer) -> Bool { halvesTail && input.holdsHalvableTail }

    private func splitWire(_ input: inout InputBuffer, pipeline: OrderedPipeline<Job, MaskedChunk>) throws {
        var start = WireChunkStart()
        let limit = options.maxMessageBytes
        while true {
            // Walk whole frames; stop at a frame that is incomplete or malformed. The walk follows the
            // reads a piece at a time, while each piece is still in cache: walked after a whole chunk's
            // read, every message header was a miss (7 % of a PII-free wire run's samples, all on the
            // reader thread that the workers share the cores with).
            var walk = WireWalk(start: start)
            try input.fill(atLeast: options.chunkBytes, inPiecesOf: Self.walkedPieceBytes) { walk.advance(over: $0, limit: limit) }
            if input.count == 0 { return }
            input.withBytes { walk.advance(over: $0, limit: limit) }
            if splitsTail(input) {
                // The input's last bytes in halves (`splitsTail`): the frames that end in the first half.
                var half = WireWalk(start: start)
                input.withBytes { half.advance(over: UnsafeBufferPointer(rebasing: $0[..<($0.count / 2)]), limit: limit) }
                if half.end > 0 { walk = half }
            }
            if walk.end == 0 {
                if walk.malformed || input.atEOF {
                    // The worker reports the exact error; nothing after it is read.
                    _ = pipeline.submit(Job.wire(input.take(input.count), start))
                    return
                }
                try input.fill(atLeast: max(input.count * 2, walk.needed))
                continue
            }
            let bytes = input.take(walk.end)
            guard pipeline.submit(Job.wire(bytes, start)) else { return }
            start = walk.nextStart
            if walk.malformed {
                _ = pipeline.submit(Job.wire(input.take(input.count), start))
                return
            }
        }
    }
}

/// A unit of work for a pipeline worker.
enum Job: Sendable {
    case copy([UInt8], CopyChunkStart)
    /// pg_dump `--inserts` statements of one table.
    case inserts([UInt8], InsertChunkStart)
    case csvHeader([UInt8])
    /// The header line of a COPY text stream (`COPY … TO STDOUT (HEADER)`).
    case copyHeader([UInt8])
    case lines([UInt8], LineChunkStart)
    /// pg_dump text outside COPY blocks.
    case sqlText([UInt8])
    /// pg_dump text and the first rows of the COPY block its last line opens, masked as the two jobs
    /// would be, in one: a dump of many small tables was two jobs a table, each a wake-up of a worker
    /// and of the consumer (most of such a dump's time).
    case sqlTextThenCopy([UInt8], [UInt8], CopyChunkStart)
    case failure(StreamError)
    case csv([UInt8], CSVChunkStart)
    case wire([UInt8], WireChunkStart)

    /// A header record masked as a row: its findings masked but not reported (they are in no row), no
    /// row counted, and an error of it placed in no row.
    static func header(_ masked: MaskedChunk) -> MaskedChunk {
        var chunk = masked
        chunk.outsideRowFindings = chunk.findings.count
        chunk.findings.removeAll()
        chunk.rows = 0
        chunk.auditSource = nil
        if chunk.error != nil { chunk.error!.location.row = nil }
        return chunk
    }

    /// pg_dump text outside COPY blocks: large objects' data masked as the bytes it encodes, and the
    /// text scanned (`ScriptTextScan`); its findings are in no row.
    static func scriptText(_ input: [UInt8], session: MaskSession) -> MaskedChunk {
        var bytes = input
        var chunk = MaskedChunk()
        // Large objects' data (`lowrite` lines) is masked as the bytes it encodes, and left out of
        // the text scan below.
        var hexRanges: [Range<Int>] = []
        let objectFindings = LargeObjectWrites.mask(&bytes, session: session, hexRanges: &hexRanges)
        for f in objectFindings { chunk.counts[Int(f.type.rawValue)] += 1 }
        chunk.outsideRowFindings = objectFindings.count
        bytes.withUnsafeBufferPointer { b in
            let findings = ScriptTextScan.findings(b, hexRanges: hexRanges, session: session)
            if findings.isEmpty { chunk.output = bytes; return }
            _ = session.rewriter.rewrite(b, findings: findings[...], as: .text, actions: session.textActions, into: &chunk.output)
            chunk.outsideRowFindings += findings.count
            for f in findings { chunk.counts[Int(f.type.rawValue)] += 1 }
        }
        return chunk
    }

    func run(session: MaskSession, maxMessageBytes: Int, delimiter: UInt8) -> MaskedChunk {
        switch self {
        case .sqlText(let bytes):
            return Self.scriptText(bytes, session: session)
        case .sqlTextThenCopy(let text, let rows, let start):
            var chunk = Self.scriptText(text, session: session)
            chunk.append(CopyTextChunkMasker().mask(rows, start: start, session: session))
            return chunk
        case .csvHeader(let bytes):
            return Self.header(bytes.withUnsafeBufferPointer {
                CSVChunkMasker(delimiter: delimiter).mask($0, start: CSVChunkStart(), session: session)
            })
        case .copy(let bytes, let start):
            return CopyTextChunkMasker().mask(bytes, start: start, session: session)
        case .inserts(let bytes, let start):
            return InsertChunkMasker().mask(bytes, start: start, session: session)
        case .copyHeader(let bytes):
            let start = CopyChunkStart(byteOffset: 0, line: 1, rowIndex: 0, columns: nil, table: -1)
            return Self.header(CopyTextChunkMasker().mask(bytes, start: start, session: session))
        case .failure(let error):
            var chunk = MaskedChunk()
            chunk.error = error
            return chunk
        case .csv(let bytes, let start):
            return CSVChunkMasker(delimiter: delimiter).mask(bytes, start: start, session: session)
        case .lines(let bytes, let start):
            return LineChunkMasker().mask(bytes, start: start, session: session)
        case .wire(let bytes, let start):
            return WireChunkMasker(maxMessageBytes: maxMessageBytes).mask(bytes, start: start, session: session)
        }
    }
}

/// Walks message frames to find where a wire chunk can end, and what the next chunk starts with.
struct WireWalk {
    var end = 0
    var nextStart: WireChunkStart
    var malformed = false
    /// Bytes the buffer must hold to complete the next frame.
    var needed = 0

    init(start: WireChunkStart) { nextStart = start }

    /// Walks on from `end` over the frames `bytes` completes (`bytes` begins where the walk began and may
    /// have grown since the last call), and says what the next frame needs.
    mutating func advance(over bytes: UnsafeBufferPointer<UInt8>, limit: Int) {
        if malformed { return }
        let from = end
        var p = end
        needed = 0
        // An empty buffer (no base address) has no frame to walk.
        while bytes.count - p >= 5, let base = bytes.baseAddress {
            // Sound: `p + 5 <= bytes.count`, so the type byte and the four length bytes are in the buffer.
            let length = Int(Int32(bitPattern: UInt32(bigEndian: UnsafeRawPointer(base + p + 1).loadUnaligned(as: UInt32.self))))
            if length < 4 || length > limit { malformed = true; break }
            if p + 1 + length > bytes.count { needed = p + 1 + length; break }
            let type = base[p]
            if type == UInt8(ascii: "D") {
                // Most messages are rows, which change nothing but the counts: the reader walks every
                // message of the stream while the workers wait for its chunks.
                nextStart.rowIndex += 1
                nextStart.messageIndex += 1
                p += 1 + length
                continue
            }
            if type == UInt8(ascii: "T") {
                let payload = UnsafeBufferPointer(rebasing: bytes[(p + 5)..<(p + 1 + length)])
                let location = StreamLocation(byteOffset: nextStart.byteOffset + p + 5, message: nextStart.messageIndex)
                guard let rd = try? RowDescription.decode(payload, at: location) else { malformed = true; break }
                nextStart.rowDescription = rd
            } else if type == UInt8(ascii: "d") {
                nextStart.rowIndex += 1
            }
            nextStart.follow(type: type, payload: UnsafeBufferPointer(rebasing: bytes[(p + 5)..<(p + 1 + length)]))
            nextStart.messageIndex += 1
            p += 1 + length
        }
        if needed == 0 && !malformed { needed = p + 5 }
        end = p
        nextStart.byteOffset += p - from
    }
}

/// The consumer's running totals and first error, shared with the thread that called `run`.
final class ConsumerState: @unchecked Sendable {
    // @unchecked: all access goes through `lock`.
    private let lock = NSLock()
    private var _summary = StreamSummary()
    private var _error: Error?

    private var tableNames: [String] = []
    /// Each name's index in `tableNames` (a dump of 20,000 tables searched the list for every block).
    private var tableIndexes: [String: Int32] = [:]

    init(format: InputFormat) { _summary.format = format }

    /// Registers a table name for reports; returns its index.
    func registerTable(_ name: String) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        if let i = tableIndexes[name] { return i }
        tableNames.append(name)
        let i = Int32(tableNames.count - 1)
        tableIndexes[name] = i
        return i
    }

    func tableName(_ index: Int32) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return index >= 0 && Int(index) < tableNames.count ? tableNames[Int(index)] : nil
    }

    func add(_ chunk: MaskedChunk) -> StreamSummary {
        lock.lock()
        defer { lock.unlock() }
        _summary.bytesOut += chunk.output.count
        _summary.rows += chunk.rows
        _summary.outsideRowFindings += chunk.outsideRowFindings
        for i in chunk.counts.indices { _summary.counts[i] += chunk.counts[i] }
        return _summary
    }

    func fail(_ error: Error) {
        lock.lock()
        if _error == nil { _error = error }
        lock.unlock()
    }

    var error: Error? { lock.lock(); defer { lock.unlock() }; return _error }
    var summary: StreamSummary { lock.lock(); defer { lock.unlock() }; return _summary }
}

/// The reader's buffer: bytes read but not yet handed to a job.
///
/// Reads go straight into the array that the next job takes, so the reader copies no chunk: `take`
/// hands the array itself to the job and moves only what follows the cut (the start of a record or
/// message that the next chunk completes) into a new one. A short piece (a dump's script line, a COPY
/// block's `\.`) is copied out instead and the bytes after it stay where they are (`head` moves past
/// it): moving the rest for every line made a dump of many short lines quadratic in its chunk size
/// (13 MB of `COMMENT ON` lines took 10 s).
struct InputBuffer {
    let source: StreamMasker.Source
    let chunkBytes: Int
    private var storage: [UInt8] = []
    /// Where the bytes not yet taken start in `storage`.
    private var head = 0
    private(set) var atEOF = false
    private(set) var totalRead = 0

    init(source: @escaping StreamMasker.Source, chunkBytes: Int) {
        self.source = source
        self.chunkBytes = chunkBytes
    }

    var count: Int { storage.count - head }

    /// Whether the input is read to its end and what is left holds two tail pieces or more
    /// (`StreamMasker.halvesTail`).
    var holdsHalvableTail: Bool { atEOF && count >= 2 * StreamMasker.tailPieceBytes }

    /// Reads until the buffer holds `atLeast` bytes or the input ends.
    mutating func fill(atLeast target: Int) throws {
        try fill(atLeast: target, inPiecesOf: .max) { _ in }
    }

    /// Reads until the buffer holds `atLeast` bytes or the input ends, at most `piece` bytes a read, and
    /// shows `readSoFar` the buffer's bytes after each read (all of them, from the first).
    mutating func fill(atLeast target: Int, inPiecesOf piece: Int,
                       readSoFar: (UnsafeBufferPointer<UInt8>) -> Void) throws {
        while count < target && !atEOF {
            // Grow toward the target without trusting it: a header that claims a huge message must not
            // reserve that memory before the bytes arrive.
            let held = count
            let capacity = max(held + min(target - held, 64 << 20), chunkBytes + chunkBytes / 4)
            let old = storage
            let from = head
            var ended = false
            var read = 0
            // Sound: the initializer copies the untaken bytes of `old` into the first `held` bytes, reads
            // only into the uninitialised rest, and reports exactly the bytes it initialised.
            storage = try [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                let base = UnsafeMutableRawBufferPointer(buffer)
                old.withUnsafeBytes { base.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[from...])) }
                initialized = held
                // A piece read whole says more is waiting (a file), and one read of the whole room would
                // have taken it: reading on to the room's end keeps chunks as large as without pieces.
                var pieceFilled = false
                while initialized < capacity && (initialized < target || pieceFilled) {
                    let upTo = capacity - initialized > piece ? initialized + piece : capacity
                    let n = try source(UnsafeMutableRawBufferPointer(rebasing: base[initialized..<upTo]))
                    if n == 0 { ended = true; break }
                    pieceFilled = upTo - initialized == piece && n == piece
                    initialized += n
                    read += n
                    readSoFar(UnsafeBufferPointer(start: buffer.baseAddress, count: initialized))
                }
            }
            head = 0
            atEOF = ended
            totalRead += read
        }
    }

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        storage.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[head...])) }
    }

    /// Removes and returns the first `n` bytes. When they are most of the buffer, the buffer's own array,
    /// shortened (the bytes after them move to a new array); else a copy of them.
    mutating func take(_ n: Int) -> [UInt8] {
        precondition(n >= 0 && n <= count, "a take within the buffer")
        if head == 0 && n >= count - n {
            var taken = Array(storage[n...])
            swap(&taken, &storage)
            taken.removeSubrange(n...)
            return taken
        }
        let taken = Array(storage[head..<(head + n)])
        head += n
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        }
        return taken
    }
}
