import Foundation
import MaskEngine

/// Findings and session records as JSON Lines, each with the session's identity (as the proxy sent it in
/// Hello) and never a value: positions, types and counts only. Lines are built on the session's event
/// loop and appended under a lock, one `write` per batch.
public final class AuditLog: @unchecked Sendable {
    // @unchecked: `handle` is written only under `lock`.
    private let lock = NSLock()
    private let handle: FileHandle

    /// Opens (creating with mode 0600, appending) the file at `path`.
    public init(path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditLogError(path: path, errno: errno) }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        try? handle.write(contentsOf: bytes)
    }
}

/// The audit file cannot be opened.
public struct AuditLogError: Error, CustomStringConvertible {
    public var path: String
    public var errno: Int32
    public var description: String { "cannot open the audit file \(path): \(String(cString: strerror(errno)))" }
}

/// The identity a proxy sent, rendered once per session as the JSON members every record starts with.
struct SessionIdentity: Sendable {
    let sessionID: String
    let hello: SidecarHello
    /// `"session":"…","user":"…",…` (no braces).
    let jsonMembers: String

    init(sessionID: String, hello: SidecarHello) {
        self.sessionID = sessionID
        self.hello = hello
        var members = ["\"session\":\(Self.quote(sessionID))"]
        for key in ["user", "database", "application", "client_addr"] {
            if let v = hello.value(key) { members.append("\"\(key)\":\(Self.quote(v))") }
        }
        for key in ["group", "role"] {
            let values = hello.values(key)
            if !values.isEmpty { members.append("\"\(key)s\":[\(values.map(Self.quote).joined(separator: ","))]") }
        }
        let free = hello.attributes.filter { !["session_id", "user", "database", "application", "client_addr", "group", "role"].contains($0.key) }
        if !free.isEmpty {
            members.append("\"attributes\":{\(free.map { "\(Self.quote($0.key)):\(Self.quote($0.value))" }.joined(separator: ","))}")
        }
        jsonMembers = members.joined(separator: ",")
    }

    /// Whether the proxy sent no identity at all.
    var isUnknown: Bool { hello.attributes.allSatisfy { $0.key == "session_id" } }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
