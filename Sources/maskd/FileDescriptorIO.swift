import Foundation
import MaskEngine

/// Plain read(2)/write(2) loops: stdin and stdout are pipes in the common case, and Foundation's
/// FileHandle adds a copy and an allocation per read that the pipe does not need.
enum FileDescriptorIO {
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw StreamMasker.IOError("read failed: \(String(cString: strerror(errno)))")
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EPIPE { throw OutputClosed() }
            throw StreamMasker.IOError("write failed: \(String(cString: strerror(errno)))")
        }
    }
}

/// The reader of stdout went away (`maskd pipe < big.csv | head`): not an error worth a message.
struct OutputClosed: Error {}
