import Foundation
import MaskEngine

/// Audit records as JSON Lines (`result_set` and `session` events), each with the session's identity (as
/// the proxy sent it in Hello, or as `maskd proxy` saw it at startup) and never a value: positions,
/// types, counts and actions only. Lines are built on the session's event loop and handed over under a
/// lock, one `write` (or one datagram per line) per batch.
///
/// Destinations: a file (created mode 0600, appended to), `-` for standard output, or `unix:PATH` for a
/// Unix datagram socket a collector listens on (journald-style: one record per datagram; a record that
/// cannot be sent is counted in `lostRecords`, never blocks a session).
public final class AuditLog: @unchecked Sendable {
    // @unchecked: `fd` is written only at init; `lost` only under `lock`.
    private let lock = NSLock()
    private let fd: Int32
    private let datagram: Bool
    private let ownsDescriptor: Bool
    private var lost = 0

    /// Opens `destination`: a file path, `-`, or `unix:PATH`.
    public init(destination: String) throws {
        if destination == "-" {
            fd = 1
            datagram = false
            ownsDescriptor = false
        } else if destination.hasPrefix("unix:") {
            let path = String(destination.dropFirst(5))
            let socketFD = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard socketFD >= 0 else { throw AuditLogError(path: destination, errno: errno) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let capacity = MemoryLayout.size(ofValue: address.sun_path)
            guard path.utf8.count < capacity else {
                close(socketFD)
                throw AuditLogError(path: destination, errno: ENAMETOOLONG)
            }
            // Sound: the path (checked shorter than sun_path) is copied into the tuple's own storage.
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: Array(path.utf8) + [0])
            }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard connected == 0 else {
                let e = errno
                close(socketFD)
                throw AuditLogError(path: destination, errno: e)
            }
            fd = socketFD
            datagram = true
            ownsDescriptor = true
        } else {
            fd = open(destination, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw AuditLogError(path: destination, errno: errno) }
            datagram = false
            ownsDescriptor = true
        }
    }

    /// Opens (creating with mode 0600, appending) the file at `path`.
    public convenience init(path: String) throws { try self.init(destination: path) }

    deinit { if ownsDescriptor { close(fd) } }

    /// Records that could not be sent to a datagram collector.
    public var lostRecords: Int {
        lock.lock()
        defer { lock.unlock() }
        return lost
    }

    func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        bytes.withUnsafeBytes { raw in
            if datagram {
                var start = 0
                for i in 0..<raw.count where raw[i] == UInt8(ascii: "\n") {
                    if send(fd, raw.baseAddress! + start, i + 1 - start, Int32(MSG_DONTWAIT)) < 0 { lost += 1 }
                    start = i + 1
                }
                return
            }
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }

    func append(_ line: String) { append(Array(line.utf8)) }
}

/// The audit destination cannot be opened.
public struct AuditLogError: Error, CustomStringConvertible {
    public var path: String
    public var errno: Int32
    public var description: String { "cannot open the audit destination \(path): \(String(cString: strerror(errno)))" }
}

/// The identity a proxy sent (or `maskd proxy` saw at startup), rendered once per session as the JSON
/// members every record starts with.
struct SessionIdentity: Sendable {
    let sessionID: String
    let identity: Identity
    /// `"session":"…","user":"…",…` (no braces).
    let jsonMembers: String

    init(sessionID: String, hello: SidecarHello) {
        self.init(sessionID: sessionID, attributes: hello.attributes)
    }

    init(sessionID: String, attributes: [(key: String, value: String)]) {
        self.sessionID = sessionID
        identity = Identity(attributes)
        jsonMembers = AuditIdentity.members(sessionID: sessionID, identity: identity)
    }

    /// Whether the proxy sent no identity at all.
    var isUnknown: Bool { identity.isUnknown }

    static func quote(_ s: String) -> String { AuditIdentity.quote(s) }
}
