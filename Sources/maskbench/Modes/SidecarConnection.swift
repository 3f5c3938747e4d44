import Foundation
import MaskEngine

/// One session on `maskd serve`'s socket (docs/protocol.md), as a proxy holds it: Hello, the client's
/// startup packet and query, then server bytes in S frames answered by M frames in order.
final class SidecarConnection: @unchecked Sendable {
    // @unchecked: one thread writes (`send`) and one reads (`readFrame`); each direction of a stream
    // socket is independent, and neither touches the other's state.
    let fd: Int32
    private(set) var welcome: SidecarWelcome?
    private var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
    /// The longest frame payload read: protocol.md asks clients to take M payloads of at least 1 GiB
    /// (PostgreSQL's largest message) or fail at their own limit; a header claiming more is refused
    /// before anything is allocated for it.
    static let maxPayload = 1 << 30
    /// How long a read waits for maskd serve before the run fails instead of hanging.
    static let readTimeoutSeconds = 120

    init(socketPath: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError.failed("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw BenchError.failed("socket path too long: \(socketPath)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { p in
            p.copyBytes(from: pathBytes)
            p[pathBytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw BenchError.failed("connect to \(socketPath): \(reason)")
        }
        var timeout = timeval(tv_sec: Self.readTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
        scratch.deallocate()
    }

    /// Hello with a benchmark identity, then one C frame with a startup packet and `SELECT * FROM table`,
    /// so the server bytes that follow are that query's answer; waits for Welcome.
    func open(table: String) throws {
        try send(SidecarHello(attributes: [("user", "maskbench"), ("application", "maskbench")]).encode())
        var client: [UInt8] = []
        var startup: [UInt8] = [0, 0, 0, 0, 0, 3, 0, 0]
        for s in ["user", "maskbench", "database", "bench"] { startup += Array(s.utf8) + [0] }
        startup.append(0)
        let size = UInt32(startup.count)
        startup[0] = UInt8(size >> 24); startup[1] = UInt8((size >> 16) & 0xFF); startup[2] = UInt8((size >> 8) & 0xFF); startup[3] = UInt8(size & 0xFF)
        client += startup
        let sql = Array("SELECT * FROM \(table)".utf8) + [0]
        let q = UInt32(sql.count + 4)
        client += [UInt8(ascii: "Q"), UInt8(q >> 24), UInt8((q >> 16) & 0xFF), UInt8((q >> 8) & 0xFF), UInt8(q & 0xFF)] + sql
        try send(SidecarFrames.data(.clientBytes, client))
        let (kind, length) = try readFrame()
        guard kind == .welcome else { throw BenchError.failed("maskd serve answered Hello with \(kind)") }
        welcome = try SidecarWelcome.decode(UnsafeRawBufferPointer(rebasing: scratch[0..<length]))
    }

    func send(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try writeAll($0) } }

    /// An S frame with `payload` as it is.
    func sendServerBytes(_ payload: UnsafeRawBufferPointer) throws {
        var header: [UInt8] = []
        SidecarFrameHeader.append(.serverBytes, length: payload.count, to: &header)
        try header.withUnsafeBytes { try writeAll($0) }
        try writeAll(payload)
    }

    func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw BenchError.failed("writing to maskd serve: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    private func readAll(_ buffer: UnsafeMutableRawBufferPointer) throws {
        var offset = 0
        while offset < buffer.count {
            let n = read(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                throw BenchError.failed("maskd serve sent nothing for \(Self.readTimeoutSeconds) s")
            }
            guard n > 0 else { throw BenchError.failed("maskd serve closed the session") }
            offset += n
        }
    }

    /// Reads one frame; its payload stays in the scratch buffer until the next read. An E frame is
    /// thrown as an error with maskd's message.
    func readFrame() throws -> (SidecarFrameKind, Int) {
        try readAll(UnsafeMutableRawBufferPointer(rebasing: scratch[0..<8]))
        let header: SidecarFrameHeader
        do {
            header = try SidecarFrameHeader.decode(UnsafeRawBufferPointer(scratch), maxPayload: Self.maxPayload)
        } catch {
            throw BenchError.failed("maskd serve sent a malformed frame: \(error)")
        }
        if header.length > scratch.count {
            scratch.deallocate()
            scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: header.length, alignment: 8)
        }
        try readAll(UnsafeMutableRawBufferPointer(rebasing: scratch[0..<header.length]))
        if header.kind == .error {
            let error = SidecarFrames.decodeError(UnsafeRawBufferPointer(rebasing: scratch[0..<header.length]))
            throw BenchError.failed("maskd serve ended the session: \(error.map { "\($0)" } ?? "unreadable error frame")")
        }
        return (header.kind, header.length)
    }

    /// The rows and findings of an `x` frame just read.
    var endedCounters: (rows: UInt64, findings: UInt64) {
        func u64(_ at: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(scratch[at + $1]) } }
        return (u64(0), u64(8))
    }
}
