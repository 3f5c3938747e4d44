import Foundation
import Logging
import MaskEngine
import MaskdService
import WireTestSupport
import Testing

/// A blocking client of the socket protocol, written the way docs/protocol.md describes it.
final class SidecarTestClient {
    let fd: Int32

    /// A client of the `maskd serve` that `daemon` runs, once it accepts on `path`: nil when it has not
    /// within `seconds`, or exited. The wait ends at the first accept; the bound is wide because the
    /// daemon may derive a pass-phrase key (scrypt) first, which takes seconds in a debug build and
    /// more under a sanitizer.
    static func accepted(at path: String, daemon: Process, within seconds: Int = 180) -> SidecarTestClient? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline && daemon.isRunning {
            // The socket file appears at bind, a moment before listen: retry until the daemon accepts.
            if let client = try? SidecarTestClient(path: path) { return client }
            usleep(50_000)
        }
        return try? SidecarTestClient(path: path)
    }

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { dst in
            for (i, b) in path.utf8.enumerated() { dst[i] = b }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else { throw TestPostgresError("connect: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { return }
            sent += n
        }
    }

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

    /// The next frame, or nil at end of stream.
    func frame() -> (kind: UInt8, payload: [UInt8])? {
        guard let header = readExactly(8) else { return nil }
        let length = Int(UInt32(header[4]) << 24 | UInt32(header[5]) << 16 | UInt32(header[6]) << 8 | UInt32(header[7]))
        guard let payload = length == 0 ? [] : readExactly(length) else { return nil }
        return (header[0], payload)
    }

    /// Hello, then the client's startup packet (the first client bytes of every session).
    func hello(_ attributes: [(key: String, value: String)] = [("user", "alice")]) -> SidecarWelcome? {
        send(SidecarHello(attributes: attributes).encode())
        send(SidecarFrames.data(.clientBytes, Frontend.startup([("user", "alice"), ("database", "app")])))
        guard let f = frame(), f.kind == SidecarFrameKind.welcome.rawValue else { return nil }
        return f.payload.withUnsafeBytes { try? SidecarWelcome.decode($0) }
    }
}

@Suite(.serialized) struct ServeTests {
    static let key = try! TokenKey(string: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")

    static func withServer(capabilities: UInt32 = 0, _ body: (String, MaskdServer) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "maskd-serve-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/maskd.sock"
        var configuration = ServeConfiguration(socketPath: path, peers: PeerPolicy(uids: [getuid()], gids: []), key: key)
        configuration.drainSeconds = 1
        configuration.capabilities = capabilities
        let server = try MaskdServer(configuration: configuration, logger: Logger(label: "test"))
        try server.start()
        defer { server.drainAndStop() }
        try body(path, server)
    }

    /// A result set of `rows` rows with an email and an SSN each, as a server sends it.
    static func resultSet(rows: Int, tag: Int) -> [UInt8] {
        var out = Wire.rowDescription([("email", 25), ("ssn", 25), ("n", 23)])
        for i in 0..<rows {
            out += Wire.dataRow(["user\(tag)-\(i)@example.com", "536-90-\(String(format: "%04d", 1000 + i % 8000))", "\(i)"])
        }
        return out + Backend.commandComplete("SELECT \(rows)") + Wire.readyForQuery
    }

    @Test func theSocketIsPrivateAndAnswersInOrder() throws {
        try Self.withServer { path, _ in
            var info = stat()
            #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
            let client = try SidecarTestClient(path: path)
            let welcome = client.hello()
            #expect(welcome?.major == 1)
            // Client bytes first (for state), then the server's reply in three cuts, pipelined.
            client.send(SidecarFrames.data(.clientBytes, Frontend.query("SELECT email, ssn, n FROM t")))
            let reply = Self.resultSet(rows: 20, tag: 0)
            let cuts = [Array(reply[0..<7]), Array(reply[7..<300]), Array(reply[300...])]
            for cut in cuts { client.send(SidecarFrames.data(.serverBytes, cut)) }
            var masked: [UInt8] = []
            for _ in cuts {
                guard let f = client.frame() else { Issue.record("no answer"); return }
                #expect(f.kind == SidecarFrameKind.masked.rawValue)
                masked += f.payload
            }
            let rows = Wire.rows(masked)
            #expect(rows.count == 20)
            #expect(rows.allSatisfy { $0[0]!.hasSuffix("@example.invalid") && !$0[1]!.hasPrefix("536-90-") })
            client.send(SidecarFrames.data(.end, []))
            let ended = client.frame()
            #expect(ended?.kind == SidecarFrameKind.ended.rawValue)
            #expect(ended.map { int8Value(Array($0.payload[0..<8])) } == 20)
        }
    }

    /// A proxy whose client hangs up mid-result sends End wherever its last read was cut: the pending
    /// start of a message is dropped (none of its bytes answered) and the session ends normally.
    @Test func anEndInsideAServerMessageDropsItAndEndsNormally() throws {
        try Self.withServer { path, _ in
            let client = try SidecarTestClient(path: path)
            #expect(client.hello() != nil)
            client.send(SidecarFrames.data(.clientBytes, Frontend.query("SELECT email, ssn, n FROM t")))
            let reply = Self.resultSet(rows: 3, tag: 7)
            // The RowDescription and the first rows whole, then half of a DataRow holding an email.
            let rows = Wire.rows(reply).count
            #expect(rows == 3)
            let cut = reply.count - Backend.commandComplete("SELECT 3").count - Wire.readyForQuery.count - 20
            client.send(SidecarFrames.data(.serverBytes, Array(reply[..<cut])))
            guard let masked = client.frame() else { Issue.record("no answer"); return }
            #expect(masked.kind == SidecarFrameKind.masked.rawValue)
            #expect(Wire.rows(masked.payload).count == 2, "the two whole rows, masked; not the third's start")
            #expect(!String(decoding: masked.payload, as: UTF8.self).contains("@example.com"))
            client.send(SidecarFrames.data(.end, []))
            let ended = client.frame()
            #expect(ended?.kind == SidecarFrameKind.ended.rawValue, "an End, not an error frame")
            #expect(ended.map { int8Value(Array($0.payload[0..<8])) } == 2)
            #expect(client.frame() == nil, "then the daemon closes")
        }
    }

    @Test func manyConcurrentSessionsGetTheirOwnAnswers() throws {
        try Self.withServer { path, _ in
            let sessions = 24
            let resultSets = 5
            let failures = LockedCounter()
            DispatchQueue.concurrentPerform(iterations: sessions) { s in
                guard let client = try? SidecarTestClient(path: path), client.hello([("user", "u\(s)")]) != nil else {
                    failures.add(); return
                }
                for r in 0..<resultSets {
                    client.send(SidecarFrames.data(.clientBytes, Frontend.query("SELECT …")))
                    let reply = Self.resultSet(rows: 50 + r, tag: s * 100 + r)
                    client.send(SidecarFrames.data(.serverBytes, reply))
                    guard let f = client.frame(), f.kind == SidecarFrameKind.masked.rawValue else { failures.add(); return }
                    let rows = Wire.rows(f.payload)
                    // Each session's answer is its own result set, masked, whole and in order.
                    if rows.count != 50 + r || rows.enumerated().contains(where: { $0.element[2] != "\($0.offset)" })
                        || rows.contains(where: { !$0[0]!.hasSuffix("@example.invalid") }) { failures.add() }
                }
            }
            #expect(failures.value == 0)
        }
    }

    @Test func protocolViolationsEndTheSessionWithAnErrorFrame() throws {
        try Self.withServer { path, _ in
            // Server bytes before Hello.
            let early = try SidecarTestClient(path: path)
            early.send(SidecarFrames.data(.serverBytes, Wire.readyForQuery))
            let e1 = early.frame()
            #expect(e1?.kind == SidecarFrameKind.error.rawValue)
            #expect(e1.flatMap { $0.payload.withUnsafeBytes { SidecarFrames.decodeError($0) } }?.code == .unexpectedFrame)
            #expect(early.frame() == nil, "closed after the error")
            // A malformed DataRow mid result: an error, and nothing of the row.
            let bad = try SidecarTestClient(path: path)
            _ = bad.hello()
            bad.send(SidecarFrames.data(.clientBytes, Frontend.query("SELECT email")))
            bad.send(SidecarFrames.data(.serverBytes, Wire.rowDescription([("email", 25)]) + Wire.dataRow(["ann@example.com", "x"])))
            let e2 = bad.frame()
            #expect(e2?.kind == SidecarFrameKind.error.rawValue)
            #expect(e2.flatMap { $0.payload.withUnsafeBytes { SidecarFrames.decodeError($0) } }?.code == .backendProtocol)
            let errorText = String(decoding: e2?.payload ?? [], as: UTF8.self)
            #expect(!errorText.contains("ann@"), "no value in an error")
            // Reserved bits, an oversized frame, an unknown major version.
            let reserved = try SidecarTestClient(path: path)
            reserved.send([0x48, 0, 1, 0, 0, 0, 0, 0])
            #expect(reserved.frame().flatMap { $0.payload.withUnsafeBytes { SidecarFrames.decodeError($0) } }?.code == .malformedFrame)
            let huge = try SidecarTestClient(path: path)
            huge.send([0x53, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF])
            #expect(huge.frame().flatMap { $0.payload.withUnsafeBytes { SidecarFrames.decodeError($0) } }?.code == .frameTooLarge)
            let future = try SidecarTestClient(path: path)
            future.send(SidecarHello(major: 2).encode())
            #expect(future.frame().flatMap { $0.payload.withUnsafeBytes { SidecarFrames.decodeError($0) } }?.code == .unsupportedVersion)
        }
    }

    @Test func lz4FramesWhenGranted() throws {
        try Self.withServer(capabilities: SidecarProtocol.capabilityLZ4) { path, _ in
            let client = try SidecarTestClient(path: path)
            client.send(SidecarHello(capabilities: SidecarProtocol.capabilityLZ4 | 0x80, attributes: [("user", "alice")]).encode())
            client.send(SidecarFrames.data(.clientBytes, Frontend.startup([("user", "alice")]) + Frontend.query("SELECT …")))
            guard let w = client.frame(), let welcome = w.payload.withUnsafeBytes({ try? SidecarWelcome.decode($0) }) else {
                Issue.record("no Welcome"); return
            }
            #expect(welcome.capabilities == SidecarProtocol.capabilityLZ4, "unknown bits are not granted")
            let reply = Self.resultSet(rows: 400, tag: 3)
            var compressed: [UInt8] = []
            #expect(reply.withUnsafeBytes { SidecarCompression.compress($0, to: &compressed) })
            var frame: [UInt8] = []
            SidecarFrameHeader.append(.serverBytes, flags: SidecarProtocol.flagLZ4, length: compressed.count, to: &frame)
            client.send(frame + compressed)
            // The raw header, to see the flag.
            guard let header = client.readExactly(8) else { Issue.record("no answer"); return }
            let length = Int(UInt32(header[4]) << 24 | UInt32(header[5]) << 16 | UInt32(header[6]) << 8 | UInt32(header[7]))
            let payload = client.readExactly(length) ?? []
            #expect(header[0] == SidecarFrameKind.masked.rawValue && header[1] == SidecarProtocol.flagLZ4)
            let masked = payload.withUnsafeBytes { b -> [UInt8] in
                var out: [UInt8] = []
                do { try SidecarCompression.decompress(b, into: &out) } catch { return [] }
                return out
            }
            let rows = Wire.rows(masked)
            #expect(rows.count == 400 && rows.allSatisfy { $0[0]!.hasSuffix("@example.invalid") })
        }
    }

    @Test func aProxyThatDoesNotReadMakesTheDaemonStopReading() throws {
        try Self.withServer { path, _ in
            let client = try SidecarTestClient(path: path)
            _ = client.hello()
            client.send(SidecarFrames.data(.clientBytes, Frontend.query("SELECT …")))
            // Rows of 1 KiB, so that the masked answers are as large as the input.
            var rows = Wire.rowDescription([("note", 25)])  // each frame restarts the result: a new RowDescription
            let row = Wire.dataRow([String(repeating: "x", count: 1000) + " ann@example.com"])
            for _ in 0..<64 { rows += row }
            let frame = SidecarFrames.data(.serverBytes, rows)
            _ = fcntl(client.fd, F_SETFL, fcntl(client.fd, F_GETFL) | O_NONBLOCK)
            var written = 0
            var stalled = 0
            // Offer up to 512 MB without reading a single answer.
            while written < 512 << 20 && stalled < 40 {
                var offset = 0
                while offset < frame.count {
                    let n = frame[offset...].withUnsafeBytes { write(client.fd, $0.baseAddress, $0.count) }
                    if n > 0 { offset += n; written += n; stalled = 0; continue }
                    stalled += 1
                    if stalled >= 40 { break }
                    usleep(10_000)
                }
            }
            // The daemon stopped reading once its answers were not drained: what it took in is bounded by
            // the in-flight limit (4 MiB by default) and the two sockets' buffers, not by what was offered.
            #expect(stalled >= 40, "the daemon kept reading \(written) bytes")
            #expect(written < 64 << 20, "\(written) bytes were taken in")
        }
    }

    @Test func aProxyThatDisconnectsMidBatchLeavesTheDaemonServing() throws {
        try Self.withServer { path, server in
            do {
                let gone = try SidecarTestClient(path: path)
                _ = gone.hello()
                let reply = Self.resultSet(rows: 2000, tag: 1)
                gone.send(SidecarFrames.data(.clientBytes, Frontend.query("SELECT …")))
                gone.send(SidecarFrames.data(.serverBytes, Array(reply[0..<(reply.count / 2)])))
            }
            let client = try SidecarTestClient(path: path)
            #expect(client.hello() != nil)
        }
    }
}

/// The binary as an operator runs it: metrics over HTTP, and SIGTERM that drains and exits 0.
@Suite(.serialized) struct ServeBinaryTests {
    @Test func metricsAndSigtermDrain() throws {
        let directory = NSTemporaryDirectory() + "maskd-bin-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socketPath = directory + "/maskd.sock"
        // Below Linux's ephemeral range (32768 and up), where the suite's own outgoing connections take
        // their ports: a port drawn from 40000-59999 was once taken that way in CI (Python client test).
        let port = Int.random(in: 20_000..<32_768)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EndToEndScriptTests.binary)
        process.arguments = ["serve", "--socket", socketPath, "--metrics", "127.0.0.1:\(port)", "--drain-seconds", "1",
                             "--audit", directory + "/audit.jsonl"]
        process.environment = ["MASKD_TOKEN_KEY": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"]
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let client = try #require(SidecarTestClient.accepted(at: socketPath, daemon: process), "maskd serve accepts")
        #expect(client.hello([("user", "alice"), ("group", "support")]) != nil)
        client.send(SidecarFrames.data(.clientBytes, Frontend.query("SELECT email")))
        client.send(SidecarFrames.data(.serverBytes, Wire.rowDescription([("email", 25)]) + Wire.dataRow(["ann@example.com"])))
        #expect(client.frame()?.kind == SidecarFrameKind.masked.rawValue)
        let metrics = try TestPostgres.run(["/usr/bin/python3", "-c",
            "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:\(port)/metrics').read().decode())"])
        #expect(metrics.contains("maskd_sessions_started_total 1"), "\(metrics)")
        #expect(metrics.contains("maskd_findings_total{type=\"email\"} 1"), "\(metrics)")
        #expect(!metrics.contains("ann@"))
        // SIGTERM with a session open: the session is told shutting_down after the drain, exit 0.
        kill(process.processIdentifier, SIGTERM)
        let reply = client.frame()
        #expect(reply.map { $0.kind == SidecarFrameKind.error.rawValue } ?? true)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let audit = try String(contentsOfFile: directory + "/audit.jsonl", encoding: .utf8)
        #expect(audit.contains("\"user\":\"alice\"") && audit.contains("\"groups\":[\"support\"]"))
        #expect(audit.contains("\"event\":\"result_set\"") && audit.contains("\"email\":{\"count\":"), "a result_set record with its email findings")
        #expect(audit.contains("\"event\":\"session\""))
        #expect(!audit.contains("ann@"), "no value in the audit")
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
