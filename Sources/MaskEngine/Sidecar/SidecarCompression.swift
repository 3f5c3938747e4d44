import CLZ4

/// LZ4 block payloads of the socket protocol (flag bit 0): a u32 uncompressed length, then one LZ4
/// block. The block API (not the frame format) keeps a 64 KiB cut's overhead at a few bytes.
public enum SidecarCompression {
    /// The largest uncompressed payload accepted, whatever a compressed frame claims.
    public static let maxUncompressed = 64 << 20

    /// Appends `bytes` compressed; false (appending nothing) when compression does not shrink them.
    public static func compress(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) -> Bool {
        guard bytes.count > 0, bytes.count <= maxUncompressed else { return false }
        let bound = Int(LZ4_compressBound(Int32(bytes.count)))
        // Compressed into an uninitialised buffer, then appended: room made in `out` by appending
        // `bound` zeros went through the generic sequence path, ~20 instructions a byte.
        let compressed = [UInt8](unsafeUninitializedCapacity: bound) { buffer, initialized in
            // Sound: the destination has `bound` bytes, as LZ4 requires, and LZ4 reports what it wrote.
            let written = LZ4_compress_default(bytes.baseAddress!.assumingMemoryBound(to: CChar.self),
                                               UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self),
                                               Int32(bytes.count), Int32(bound))
            initialized = max(Int(written), 0)
        }
        guard compressed.count > 0, compressed.count + 4 < bytes.count else { return false }
        let n = UInt32(bytes.count)
        out.append(contentsOf: [UInt8(n >> 24), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)])
        out.append(contentsOf: compressed)
        return true
    }

    /// Decompresses a compressed payload into `out` (replacing its contents; empty on an error).
    public static func decompress(_ payload: UnsafeRawBufferPointer, into out: inout [UInt8]) throws(SidecarError) {
        guard payload.count >= 5 else { throw SidecarError(.decompressionFailed, "compressed payload shorter than 5 bytes") }
        let n = Int(UInt32(payload[0]) << 24 | UInt32(payload[1]) << 16 | UInt32(payload[2]) << 8 | UInt32(payload[3]))
        guard n > 0, n <= maxUncompressed else { throw SidecarError(.decompressionFailed, "uncompressed length \(n) is 0 or exceeds \(maxUncompressed)") }
        // Into an uninitialised buffer: a frame may claim up to `maxUncompressed` bytes in a few, and
        // zeroing that much first (appended as `repeatElement`, ~20 instructions a byte) took seconds
        // under the fuzzer's sanitizer before LZ4 refused the block; the pages are now never touched.
        var got: Int32 = 0
        out = [UInt8](unsafeUninitializedCapacity: n) { buffer, initialized in
            // Sound: LZ4_decompress_safe never writes more than `n` bytes, the destination's size, and
            // returns how many it wrote (negative on a malformed block).
            got = LZ4_decompress_safe((payload.baseAddress! + 4).assumingMemoryBound(to: CChar.self),
                                      UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self),
                                      Int32(payload.count - 4), Int32(n))
            initialized = max(Int(got), 0)
        }
        guard got == Int32(n) else {
            out.removeAll()
            throw SidecarError(.decompressionFailed, "LZ4 block does not decode to its declared \(n) bytes")
        }
    }
}
