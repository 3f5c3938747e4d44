#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file read into 64-byte-aligned memory once, before any timing, so every baseline runs on
/// bytes already in memory as maskd's in-process engine mode does.
final class LoadedFile {
    /// Why a file could not be read: its path and the system's reason (never its contents).
    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    let bytes: UnsafeBufferPointer<UInt8>
    private let storage: UnsafeMutableRawBufferPointer

    init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ReadError(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ReadError(description: "cannot stat \(path): \(String(cString: strerror(errno)))") }
        let size = Int(info.st_size)
        // At least one byte, so the buffer always has an address; the count below is the file's size.
        storage = .allocate(byteCount: max(size, 1), alignment: 64)
        var filled = 0
        while filled < size {
            // Sound: [filled, size) lies inside the allocation.
            let n = read(fd, storage.baseAddress! + filled, size - filled)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                storage.deallocate()
                throw ReadError(description: "cannot read \(path): \(n == 0 ? "it is shorter than its size" : String(cString: strerror(errno)))")
            }
            filled += n
        }
        // Sound: the allocation holds `size` initialized bytes and lives as long as `self`.
        bytes = UnsafeBufferPointer(start: storage.baseAddress!.assumingMemoryBound(to: UInt8.self), count: size)
    }

    deinit { storage.deallocate() }
}
