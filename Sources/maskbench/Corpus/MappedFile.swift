import Foundation

/// A whole file mapped read-only into memory and faulted in up front (MAP_POPULATE), so that what a
/// run measures is the masking, not the page cache or the disk.
final class MappedFile: @unchecked Sendable {
    // @unchecked: the mapping is read-only and lives until deinit.
    let path: String
    let bytes: UnsafeRawBufferPointer

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BenchError.noInput("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw BenchError.noInput("cannot stat \(path)") }
        let size = Int(st.st_size)
        guard size > 0 else { throw BenchError.noInput("\(path) is empty") }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), base != MAP_FAILED else {
            throw BenchError.noInput("cannot map \(path): \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }
}
