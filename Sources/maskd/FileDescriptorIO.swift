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

    /// Writes all of `bytes`. `file` names a side file (the report, the audit) in errors: a side file
    /// that fails is an I/O error naming it, where a closed stdout ends the run quietly (`OutputClosed`).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, file: String? = nil) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            guard let file else {
                if n < 0 && errno == EPIPE { throw OutputClosed() }
                throw StreamMasker.IOError("write failed: \(reason)")
            }
            throw StreamMasker.IOError("cannot write \(file): \(reason)")
        }
    }
}

/// The reader of stdout went away (`maskd pipe < big.csv | head`): not an error worth a message.
struct OutputClosed: Error {}
