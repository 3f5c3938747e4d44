import CLZ4
import Foundation

/// A user's input file that may be LZ4-compressed (frame format, as `lz4` writes it and maskd reads
/// it): recognised by its magic number and decompressed once into a plain file beside the cache, for
/// the modes and counts that need the plain bytes.
enum LZ4Input {
    static func isLZ4(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x04 && bytes[1] == 0x22 && bytes[2] == 0x4D && bytes[3] == 0x18
    }

    /// Decompresses every frame of `input` into the file at `path`; returns the plain size.
    static func decompress(_ input: UnsafeRawBufferPointer, to path: String) throws -> Int {
        var context: OpaquePointer?
        guard LZ4F_isError(LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))) == 0 else {
            throw BenchError.failed("cannot create an LZ4 decompression context")
        }
        defer { LZ4F_freeDecompressionContext(context) }
        guard let out = FileHandle(forWritingAtPath: path) ?? {
            // A file that cannot be made leaves the handle nil, and the error below says so.
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }() else { throw BenchError.failed("cannot write \(path)") }
        defer { try? out.close() }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        var total = 0
        while offset < input.count {
            var produced = buffer.count
            var consumed = input.count - offset
            let code = buffer.withUnsafeMutableBytes {
                LZ4F_decompress(context, $0.baseAddress, &produced, input.baseAddress! + offset, &consumed, nil)
            }
            if LZ4F_isError(code) != 0 {
                throw BenchError.failed("LZ4 input at byte \(offset): \(String(cString: LZ4F_getErrorName(code)))")
            }
            offset += consumed
            if produced > 0 {
                try buffer.withUnsafeBytes { try out.write(contentsOf: Data($0.prefix(produced))) }
                total += produced
            }
            if consumed == 0 && produced == 0 { break }
        }
        return total
    }
}
