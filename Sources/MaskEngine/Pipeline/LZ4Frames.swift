import CLZ4

/// Input that may be an LZ4 frame stream: detected by the frame magic number (`04 22 4D 18`) and
/// decompressed as it is read, with liblz4's streaming frame API, in bounded memory. Concatenated
/// frames are read one after the other, as `lz4 -d` does.
final class DecodingSource {
    private let source: StreamMasker.Source
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var context: OpaquePointer?
    private var sourceEnded = false
    /// Whether the input is LZ4 (known after the first read).
    private(set) var isLZ4 = false
    private var compressedOffset = 0
    private var frameOpen = false

    init(source: @escaping StreamMasker.Source) throws {
        self.source = source
        buffer = [UInt8](repeating: 0, count: 1 << 16)
        // Read until the magic number can be judged (four bytes) or the input ends.
        while end < 4 {
            let n = try buffer.withUnsafeMutableBytes { try source(UnsafeMutableRawBufferPointer(rebasing: $0[end...])) }
            if n == 0 { sourceEnded = true; break }
            end += n
        }
        isLZ4 = end >= 4 && buffer[0] == 0x04 && buffer[1] == 0x22 && buffer[2] == 0x4D && buffer[3] == 0x18
        if isLZ4 {
            var dctx: OpaquePointer?
            let code = LZ4F_createDecompressionContext(&dctx, UInt32(LZ4F_VERSION))
            guard LZ4F_isError(code) == 0 else { throw StreamMasker.IOError("cannot create an LZ4 decompression context") }
            context = dctx
        }
    }

    deinit { if let context { LZ4F_freeDecompressionContext(context) } }

    func read(into out: UnsafeMutableRawBufferPointer) throws -> Int {
        if !isLZ4 {
            if start < end {
                let n = min(out.count, end - start)
                buffer.withUnsafeBytes { out.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[start..<(start + n)])) }
                start += n
                return n
            }
            return sourceEnded ? 0 : try source(out)
        }
        while true {
            if start == end {
                if sourceEnded { break }
                let n = try buffer.withUnsafeMutableBytes { try source($0) }
                if n == 0 { sourceEnded = true; break }
                start = 0
                end = n
            }
            var produced = out.count
            var consumed = end - start
            let hint = buffer.withUnsafeBytes { b in
                LZ4F_decompress(context, out.baseAddress, &produced, b.baseAddress! + start, &consumed, nil)
            }
            if LZ4F_isError(hint) != 0 {
                let reason = String(cString: LZ4F_getErrorName(hint))
                throw StreamError(.malformedMessage("LZ4 input: \(reason)"),
                                  at: StreamLocation(byteOffset: compressedOffset + consumed))
            }
            start += consumed
            compressedOffset += consumed
            frameOpen = hint != 0
            if produced > 0 { return produced }
        }
        if frameOpen {
            throw StreamError(.malformedMessage("LZ4 input ends inside a frame"), at: StreamLocation(byteOffset: compressedOffset))
        }
        return 0
    }
}

/// Output as one LZ4 frame, compressed as it is written (liblz4's streaming frame API). Used from the
/// consumer thread only.
final class LZ4FrameSink: @unchecked Sendable {
    // @unchecked: only the pipeline's single consumer thread calls `write`, then `finish` after it ended.
    private let sink: StreamMasker.Sink
    private var context: OpaquePointer?
    private var out: [UInt8] = []
    private var started = false

    init(sink: @escaping StreamMasker.Sink) throws {
        self.sink = sink
        var cctx: OpaquePointer?
        let code = LZ4F_createCompressionContext(&cctx, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(code) == 0 else { throw StreamMasker.IOError("cannot create an LZ4 compression context") }
        context = cctx
    }

    deinit { if let context { LZ4F_freeCompressionContext(context) } }

    private func check(_ code: Int) throws -> Int {
        if LZ4F_isError(code) != 0 { throw StreamMasker.IOError("LZ4 compression failed: \(String(cString: LZ4F_getErrorName(code)))") }
        return code
    }

    private func begin() throws {
        guard !started else { return }
        started = true
        out = [UInt8](repeating: 0, count: Int(LZ4F_HEADER_SIZE_MAX))
        let n = try check(out.withUnsafeMutableBytes { LZ4F_compressBegin(context, $0.baseAddress, $0.count, nil) })
        try out.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try begin()
        var offset = 0
        while offset < bytes.count {
            let piece = min(bytes.count - offset, 1 << 20)
            let bound = LZ4F_compressBound(piece, nil)
            if out.count < bound { out = [UInt8](repeating: 0, count: bound) }
            let n = try check(out.withUnsafeMutableBytes {
                LZ4F_compressUpdate(context, $0.baseAddress, $0.count, bytes.baseAddress! + offset, piece, nil)
            })
            if n > 0 { try out.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<n])) } }
            offset += piece
        }
    }

    /// Flushes and writes the frame's end mark.
    func finish() throws {
        try begin()
        let bound = LZ4F_compressBound(0, nil)
        if out.count < bound { out = [UInt8](repeating: 0, count: bound) }
        let n = try check(out.withUnsafeMutableBytes { LZ4F_compressEnd(context, $0.baseAddress, $0.count, nil) })
        try out.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }
}
