import Foundation

/// A small secret file (a token key, a pass-phrase's salt) that is written once and then only read.
///
/// Two first runs racing to create it must end with one file that both use, or the same value gets two
/// tokens. So the content is written complete to a private temporary file (mode 0600, `O_EXCL`) and then
/// `link(2)`ed to its name: `link` never replaces an existing name, so exactly one racer wins, and the
/// name only ever points at a complete file. A loser reads the winner's file and discards its own.
enum CreateOnceFile {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The file's bytes, and whether this call created it. Creates the file's directory (mode 0700)
    /// when missing. Never overwrites an existing file.
    static func readOrCreate(path: String, contents: () -> Data) throws(Failure) -> (data: Data, created: Bool) {
        if let existing = try read(path: path) { return (existing, false) }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw Failure(description: "cannot create the directory \(directory)")
            }
        }
        let temporary = path + ".tmp-\(getpid())-\(UInt64.random(in: .min ... .max))"
        let data = contents()
        try writeNew(path: temporary, data: data)
        defer { unlink(temporary) }
        if link(temporary, path) == 0 { return (data, true) }
        let linkErrno = errno
        if linkErrno == EEXIST, let winner = try read(path: path) { return (winner, false) }
        throw Failure(description: "cannot create \(path): \(String(cString: strerror(linkErrno)))")
    }

    /// The file's bytes, nil if there is no such file; any other failure throws (an unreadable key file
    /// must never be taken for a missing one and silently replaced).
    static func read(path: String) throws(Failure) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 { data.append(contentsOf: buffer[..<n]); continue }
            if n == 0 { break }
            if errno == EINTR { continue }
            throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        // Key files are tiny: a multi-megabyte one is a mistake (a wrong path), not a key.
        guard data.count <= 1 << 20 else { throw Failure(description: "\(path) is over 1 MiB: not a key or salt file") }
        return data
    }

    /// Writes `data` to a file that must not exist yet, mode 0600, flushed to disk before it is linked.
    private static func writeNew(path: String, data: Data) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
        var failed: Int32 = 0
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n > 0 { offset += n; continue }
                if n < 0 && errno == EINTR { continue }
                failed = n < 0 ? errno : EIO
                return
            }
        }
        if failed == 0 && fsync(fd) != 0 { failed = errno }
        close(fd)
        if failed != 0 {
            unlink(path)
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(failed)))")
        }
    }
}
