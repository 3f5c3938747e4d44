import CLZ4
import MaskEngine

/// `maskd pipe` on LZ4 input (`lz4 file.csv | maskd pipe`), and its LZ4 output (`--lz4`): the frame
/// stream is detected by its magic number and decompressed as it is read, frames one after another.
///
/// Layout: cut seed; flags (bit 0: write LZ4 output, bit 1: content checksum, bit 2: two frames);
/// edit count (0–4) and per edit an offset (2 bytes) and an XOR byte, applied to the compressed bytes;
/// a truncation (0: none, else the compressed input is cut to that many 256ths); then CSV text with
/// canaries (`TextCanarySplicer.csv`), which is compressed with block checksums.
///
/// Block checksums make most corruption an error before any of the block is decoded; the oracle judges
/// a run only if the input, decoded here independently, is a prefix of the text the canaries were
/// spliced into, so that every canary is still a whole field where it was put.
public enum LZ4Target {
    public static func run(_ data: UnsafeRawBufferPointer) -> FuzzVerdict {
        var input = FuzzInput(data)
        let cuts = CutSizes(seed: input.byte())
        let flags = input.byte()
        let edits = (0..<Int(input.byte() % 5)).map { _ in (offset: Int(input.byte()) << 8 | Int(input.byte()), xor: input.byte()) }
        let truncation = Int(input.byte())
        let body = input.rest()
        guard LeakOracle.isFree(body) else { return .clean }
        let plain = TextCanarySplicer.csv(body, delimiter: UInt8(ascii: ","))
        var compressed: [UInt8]
        if flags & 4 != 0 {
            let half = plain.count / 2
            compressed = LZ4Codec.frame(Array(plain[..<half]), contentChecksum: flags & 2 != 0)
                + LZ4Codec.frame(Array(plain[half...]), contentChecksum: flags & 2 != 0)
        } else {
            compressed = LZ4Codec.frame(plain, contentChecksum: flags & 2 != 0)
        }
        for edit in edits where !compressed.isEmpty { compressed[edit.offset % compressed.count] ^= edit.xor }
        if truncation != 0 { compressed.removeLast(compressed.count - compressed.count * truncation / 256) }
        // With a corrupted frame, the canaries are judged only where they still stand as spliced.
        let decoded = LZ4Codec.decodePrefix(compressed)
        let judged = decoded.count <= plain.count && plain.starts(with: decoded)

        var options = StreamMasker.Options()
        options.format = .csv
        options.chunkBytes = 256
        options.maxRecordBytes = 1 << 20
        options.lz4Output = flags & 1 != 0
        let outcome = EngineRun.pipe(compressed, options: options, cuts: cuts)
        guard judged else { return .clean }
        guard options.lz4Output else { return LeakOracle.check(outcome.output, stage: "LZ4 pipe") }
        // Compressed bytes are no text: a literal run and the match offset after it can spell a needle
        // by chance (a JCB number's last digit was an offset's low byte, 6.99 M executions in). What a
        // reader gets is the decompressed output; the raw bytes are judged too only when the output does
        // not decode whole, since then what a reader would see is unknown.
        let (written, whole) = LZ4Codec.decode(outcome.output)
        let verdict = LeakOracle.check(written, stage: "LZ4 pipe (decompressed LZ4 output)")
        return whole ? verdict : verdict.or(LeakOracle.check(outcome.output, stage: "LZ4 pipe (raw output)"))
    }
}

/// liblz4's frame API, for the target's own compression and its independent decoding.
enum LZ4Codec {
    /// One frame of `plain`, with a checksum per block (and of the content, if asked).
    static func frame(_ plain: [UInt8], contentChecksum: Bool) -> [UInt8] {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled
        preferences.frameInfo.contentChecksumFlag = contentChecksum ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum
        preferences.frameInfo.blockSizeID = LZ4F_max64KB
        let bound = LZ4F_compressFrameBound(plain.count, &preferences)
        var out = [UInt8](repeating: 0, count: bound)
        let written = out.withUnsafeMutableBytes { o in
            plain.withUnsafeBytes { p in LZ4F_compressFrame(o.baseAddress, bound, p.baseAddress, plain.count, &preferences) }
        }
        precondition(LZ4F_isError(written) == 0, "compressing a fuzz input cannot fail")
        out.removeLast(bound - written)
        return out
    }

    /// What the frames decode to, up to the first error (frames one after another, as `lz4 -d` reads
    /// them); at most 4 MB.
    static func decodePrefix(_ compressed: [UInt8]) -> [UInt8] { decode(compressed).bytes }

    /// `decodePrefix`, and whether every byte decoded (no error, nothing left, within the 4 MB).
    static func decode(_ compressed: [UInt8]) -> (bytes: [UInt8], whole: Bool) {
        guard compressed.starts(with: [0x04, 0x22, 0x4D, 0x18]) else { return (compressed, true) }
        var context: OpaquePointer?
        guard LZ4F_isError(LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))) == 0 else { return ([], false) }
        defer { LZ4F_freeDecompressionContext(context) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var position = 0
        while position < compressed.count && out.count < 4 << 20 {
            var produced = chunk.count
            var consumed = compressed.count - position
            let hint = chunk.withUnsafeMutableBytes { o in
                compressed.withUnsafeBytes { c in LZ4F_decompress(context, o.baseAddress, &produced, c.baseAddress! + position, &consumed, nil) }
            }
            if LZ4F_isError(hint) != 0 { return (out, false) }
            out += chunk[..<produced]
            position += consumed
            if consumed == 0 && produced == 0 { break }
        }
        return (out, position == compressed.count)
    }
}
