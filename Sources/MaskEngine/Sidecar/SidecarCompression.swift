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
        let start = out.count
        let n = UInt32(bytes.count)
        out.append(contentsOf: [UInt8(n >> 24), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)])
        out.append(contentsOf: repeatElement(0, count: bound))
        // Sound: the destination has `bound` bytes after the length word, as LZ4 requires.
        let written = out.withUnsafeMutableBufferPointer { dst in
            LZ4_compress_default(bytes.baseAddress!.assumingMemoryBound(to: CChar.self),
                                 UnsafeMutableRawPointer(dst.baseAddress! + start + 4).assumingMemoryBound(to: CChar.self),
                                 Int32(bytes.count), Int32(bound))
        }
        guard written > 0, Int(written) + 4 < bytes.count else {
            out.removeSubrange(start...)
            return false
        }
        out.removeSubrange((start + 4 + Int(written))...)
        return true
    }

    /// Decompresses a compressed payload into `out` (replacing its contents).
    public static func decompress(_ payload: UnsafeRawBufferPointer, into out: inout [UInt8]) throws(SidecarError) {
        guard payload.count >= 5 else { throw SidecarError(.decompressionFailed, "compressed payload shorter than 5 bytes") }
        let n = Int(UInt32(payload[0]) << 24 | UInt32(payload[1]) << 16 | UInt32(payload[2]) << 8 | UInt32(payload[3]))
        guard n > 0, n <= maxUncompressed else { throw SidecarError(.decompressionFailed, "uncompressed length \(n) is 0 or exceeds \(maxUncompressed)") }
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: repeatElement(0, count: n))
        // Sound: LZ4_decompress_safe never writes more than `n` bytes, the destination's size.
        let got = out.withUnsafeMutableBufferPointer { dst in
            LZ4_decompress_safe((payload.baseAddress! + 4).assumingMemoryBound(to: CChar.self),
                                UnsafeMutableRawPointer(dst.baseAddress!).assumingMemoryBound(to: CChar.self),
                                Int32(payload.count - 4), Int32(n))
        }
        guard got == Int32(n) else { throw SidecarError(.decompressionFailed, "LZ4 block does not decode to its declared \(n) bytes") }
    }
}
