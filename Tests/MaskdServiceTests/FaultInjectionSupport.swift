import Foundation
import Testing
import WireTestSupport

/// A `maskd` daemon (`serve` or `proxy`) as a child process of the test, so that the fault tests can
/// kill it, signal it and read its memory from `/proc`. Its stderr (the structured log) goes to a file.
final class DaemonProcess: @unchecked Sendable {
    // @unchecked: `exitStatus` is set only by `wait`, called from the test's thread.
    let pid: pid_t
    let logPath: String
    private(set) var exitStatus: Int32?

    init(_ arguments: [String], environment: [String: String] = ["MASKD_TOKEN_KEY": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"],
         logPath: String) throws {
        self.logPath = logPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        pid = try TestPostgres.spawn([EndToEndScriptTests.binary] + arguments, environment: environment, actions: &actions)
    }

    deinit { stop() }

    /// SIGKILL (if still running) and reap.
    func stop() {
        guard exitStatus == nil else { return }
        kill(pid, SIGKILL)
        _ = wait(seconds: 10)
    }

    func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the process to end; its exit code (128 + N for signal N), or nil if it still runs.
    func wait(seconds: Double) -> Int32? {
        if let exitStatus { return exitStatus }
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while Date() < deadline {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                return exitStatus
            }
            usleep(20_000)
        }
        return nil
    }

    var isRunning: Bool { exitStatus == nil && waitpid(pid, nil, WNOHANG) == 0 }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until the log holds `text` `count` times.
    @discardableResult
    func waitForLog(_ text: String, count: Int = 1, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if log.components(separatedBy: text).count - 1 >= count { return true }
            usleep(20_000)
        }
        return false
    }

    /// A field of `/proc/PID/status` in kB (`VmRSS`, `VmHWM`).
    func memoryKB(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
        }
        return -1
    }

    /// Open file descriptors.
    var openFiles: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1 }
}

/// Where a fault test keeps its files; removed at the end.
struct ScratchDirectory {
    let path: String

    init(_ name: String) throws {
        path = NSTemporaryDirectory() + "maskd-\(name)-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A TCP port nobody listens on now (the kernel's choice, released for the daemon to bind).
func freeTCPPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Int32 in
            _ = bind(fd, p, length)
            return getsockname(fd, p, &length)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Connects to 127.0.0.1:`port` (a blocking socket with a receive timeout), retrying while nothing
/// listens yet; nil after `seconds`.
func connectTCP(port: Int, seconds: Double = 10, receiveTimeout: Int = 10) -> Int32? {
    let deadline = Date().addingTimeInterval(seconds)
    repeat {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let r = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if r == 0 {
            var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            return fd
        }
        close(fd)
        usleep(50_000)
    } while Date() < deadline
    return nil
}

/// Waits until a Unix socket at `path` accepts connections.
func waitForUnixSocket(_ path: String, seconds: Double = 10) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if (try? SidecarTestClient(path: path)) != nil { return true }
        usleep(50_000)
    }
    return false
}

/// A PostgreSQL client at the byte level, as a fault test needs one: every byte the proxy sends is
/// searched for the original values the test seeded (`forbidden`), it sees whether each message
/// arrived whole, and it can stop reading or hang up at any point.
final class RawPostgresClient {
    typealias Message = (type: Character, payload: [UInt8])
    let fd: Int32
    private let forbidden: [String]
    /// Received bytes not yet parsed into whole messages.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    /// Seeded originals found in what was received (each once).
    private(set) var leaked: Set<String> = []
    private(set) var bytesReceived = 0
    private(set) var closedByPeer = false

    /// Connects and completes the startup (trust authentication) up to the first ReadyForQuery.
    init(port: Int, forbidden: [String], user: String = "postgres", database: String = "postgres") throws {
        guard let fd = connectTCP(port: port) else { throw TestPostgresError("cannot connect to 127.0.0.1:\(port)") }
        self.fd = fd
        self.forbidden = forbidden
        send(Frontend.startup([("user", user), ("database", database)]))
        let startup = messages(until: "Z")
        guard startup.last?.type == "Z" else {
            close(fd)
            throw TestPostgresError("no ReadyForQuery after startup: \(startup.map(\.type))")
        }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            sent += n
        }
    }

    func query(_ sql: String) { send(Frontend.query(sql)) }

    /// Reads until a message of `type` arrives, the peer closes, or the receive timeout passes; the
    /// whole messages read.
    func messages(until type: Character) -> [Message] {
        var out: [Message] = []
        while true {
            while let message = nextMessage() {
                out.append(message)
                if message.type == type { return out }
            }
            guard readMore() else { return out }
        }
    }

    /// Reads to the end of the stream (or the receive timeout, a message of type `until`, or `rows`
    /// DataRows), keeping
    /// only the count of each message type and the last message (large results are not held; a
    /// DataRow's payload is not kept).
    func drainCounting(until type: Character? = nil, rows limit: Int = .max) -> (counts: [Character: Int], last: Message?) {
        var counts: [Character: Int] = [:]
        var last: Message?
        repeat {
            // Only the headers are read here (a 160 MB result is not copied message by message); the
            // bytes were searched for seeded values as they arrived.
            while let (kind, length) = nextHeader() {
                if kind == "D" || kind == "d" {
                    pendingStart += 1 + length
                    last = (kind, [])
                } else {
                    last = nextMessage()
                }
                counts[kind, default: 0] += 1
                if kind == type || counts["D", default: 0] >= limit { return (counts, last) }
            }
        } while readMore()
        return (counts, last)
    }

    /// Reads at most `limit` bytes more; false at end of stream or timeout.
    @discardableResult
    func readMore(limit: Int = 1 << 16) -> Bool {
        var buffer = [UInt8](repeating: 0, count: limit)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n == 0 { closedByPeer = true }
        guard n > 0 else { return false }
        bytesReceived += n
        // Searched as they arrive, with the last bytes before them: a value cut between two reads is found.
        let overlap = min(pending.count, 64)
        let window = Array(pending[(pending.count - overlap)...]) + buffer[0..<n]
        for value in forbidden where window.containsBytes(value) { leaked.insert(value) }
        if pendingStart > 0 && pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
        } else if pendingStart > 1 << 20 {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
        pending += buffer[0..<n]
        return true
    }

    /// Bytes after the last whole message: a partial message the client would be left with. Searched
    /// for seeded values too.
    var trailingBytes: Int {
        let rest = Array(pending[pendingStart...])
        for value in forbidden where rest.containsBytes(value) { leaked.insert(value) }
        return rest.count
    }

    /// The type and length of the next whole message, without taking it.
    private func nextHeader() -> (Character, Int)? {
        let available = pending.count - pendingStart
        guard available >= 5 else { return nil }
        let p = pendingStart
        let length = Int(UInt32(pending[p + 1]) << 24 | UInt32(pending[p + 2]) << 16 | UInt32(pending[p + 3]) << 8 | UInt32(pending[p + 4]))
        guard length >= 4, available >= 1 + length else { return nil }
        return (Character(Unicode.Scalar(pending[p])), length)
    }

    private func nextMessage() -> Message? {
        let available = pending.count - pendingStart
        guard available >= 5 else { return nil }
        let p = pendingStart
        let length = Int(UInt32(pending[p + 1]) << 24 | UInt32(pending[p + 2]) << 16 | UInt32(pending[p + 3]) << 8 | UInt32(pending[p + 4]))
        guard length >= 4, available >= 1 + length else { return nil }
        let message = (Character(Unicode.Scalar(pending[p])), Array(pending[(p + 5)..<(p + 1 + length)]))
        pendingStart += 1 + length
        return message
    }

    /// Hangs up now, with unread bytes in the socket (a reset rather than an orderly close).
    func hangUp() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        shutdown(fd, Int32(SHUT_RDWR))
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle`'s UTF-8 bytes occur anywhere in these bytes.
    func containsBytes(_ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard let first = n.first, count >= n.count else { return false }
        return withUnsafeBytes { hay in
            n.withUnsafeBytes { needle in
                // memchr to each candidate first byte, memcmp for the rest: fast over 160 MB in a debug build.
                var at = 0
                while at <= hay.count - needle.count {
                    guard let hit = memchr(hay.baseAddress! + at, Int32(first), hay.count - needle.count + 1 - at) else { return false }
                    let offset = hay.baseAddress!.distance(to: UnsafeRawPointer(hit))
                    if memcmp(hit, needle.baseAddress!, needle.count) == 0 { return true }
                    at = offset + 1
                }
                return false
            }
        }
    }
}

/// The text of an ErrorResponse's field (`M` the message, `C` the SQLSTATE).
func errorField(_ payload: [UInt8], _ code: Character) -> String? {
    var i = 0
    while i < payload.count, payload[i] != 0 {
        let field = Character(Unicode.Scalar(payload[i]))
        var end = i + 1
        while end < payload.count, payload[end] != 0 { end += 1 }
        if field == code { return String(decoding: payload[(i + 1)..<end], as: UTF8.self) }
        i = end + 1
    }
    return nil
}

/// A stand-in PostgreSQL server on 127.0.0.1 that answers every Query with bytes the test wrote, for
/// faults a real server cannot be made to produce on cue (closing its socket inside a DataRow). It
/// accepts any startup with AuthenticationOk and ReadyForQuery.
final class ScriptedUpstream: @unchecked Sendable {
    // @unchecked: `listener` is fixed at init; each connection is served on its own thread.
    struct Answer: Sendable {
        var bytes: [UInt8]
        /// Close the connection after these bytes (they may end inside a message).
        var thenClose: Bool
    }

    let port: Int
    private let listener: Int32
    private let answer: @Sendable (_ connection: Int) -> Answer

    /// `answer` is asked once per Query with the connection's number (0, 1, …).
    init(answer: @escaping @Sendable (_ connection: Int) -> Answer) throws {
        self.answer = answer
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = listener
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Int32 in
                guard bind(fd, p, length) == 0, listen(fd, 16) == 0 else { return -1 }
                return getsockname(fd, p, &length)
            }
        }
        guard bound == 0 else { throw TestPostgresError("scripted upstream: cannot listen") }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    /// Stops accepting (connections being served end on their own).
    func stop() { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }

    private func acceptLoop() {
        var connection = 0
        while true {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            let number = connection
            connection += 1
            Thread { [self] in serve(fd, number: number) }.start()
        }
    }

    private func serve(_ fd: Int32, number: Int) {
        defer { close(fd) }
        func readExactly(_ count: Int) -> [UInt8]? {
            var out = [UInt8](repeating: 0, count: count)
            var got = 0
            while got < count {
                let n = out[got...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard n > 0 else { return nil }
                got += n
            }
            return out
        }
        func write(_ bytes: [UInt8]) -> Bool {
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard n > 0 else { return false }
                sent += n
            }
            return true
        }
        func int32(_ b: [UInt8], _ at: Int) -> Int { Int(UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])) }
        guard let header = readExactly(4), int32(header, 0) >= 8, readExactly(int32(header, 0) - 4) != nil else { return }
        guard write(Wire.message("R", Wire.int32(0)) + Wire.readyForQuery) else { return }
        while let head = readExactly(5), int32(head, 1) >= 4, readExactly(int32(head, 1) - 4) != nil {
            guard head[0] == UInt8(ascii: "Q") else {
                if head[0] == UInt8(ascii: "X") { return }
                continue
            }
            let reply = answer(number)
            guard write(reply.bytes), !reply.thenClose else { return }
        }
    }
}
