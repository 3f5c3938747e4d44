import Foundation
import Testing
import WireTestSupport

/// `maskd proxy` (with the engine in process, or masking through a `maskd serve` daemon) as child
/// processes, for the fault tests: started, killed and restarted as an operator would.
final class ProxyRig {
    enum Masking: String, CaseIterable, CustomStringConvertible, Sendable {
        case inProcess
        case daemon
        var description: String { rawValue }
    }

    let scratch: ScratchDirectory
    let port: Int
    let socketPath: String
    private(set) var serve: DaemonProcess?
    let proxy: DaemonProcess

    init(upstream: String, masking: Masking, proxyArguments: [String] = [], serveArguments: [String] = []) throws {
        scratch = try ScratchDirectory("fault-proxy")
        socketPath = scratch.path + "/maskd.sock"
        var daemon: [String] = []
        if masking == .daemon {
            serve = try Self.startServe(socketPath, log: scratch.path + "/serve.log", arguments: serveArguments)
            daemon = ["--maskd", socketPath]
        }
        // A free port can be taken between its choice and the proxy's bind (the suites start PostgreSQL
        // clusters and clients in parallel: "Address already in use" once in a CI run): a new port then.
        var attempt = 0
        while true {
            attempt += 1
            let candidate = freeTCPPort()
            let process = try DaemonProcess(["proxy", "--listen", "127.0.0.1:\(candidate)", "--upstream", upstream, "--threads", "2"]
                                            + proxyArguments + daemon, logPath: scratch.path + "/proxy-\(attempt).log")
            if let probe = connectTCP(port: candidate) {
                close(probe)
                (port, proxy) = (candidate, process)
                break
            }
            let log = process.log
            process.signal(SIGKILL)
            _ = process.wait(seconds: 10)
            guard attempt < 3 && log.contains("Address already in use") else {
                throw TestPostgresError("maskd proxy did not listen: \(log)")
            }
        }
    }

    static func startServe(_ socketPath: String, log: String, arguments: [String] = []) throws -> DaemonProcess {
        let serve = try DaemonProcess(["serve", "--socket", socketPath, "--threads", "2", "--drain-seconds", "0"] + arguments,
                                      logPath: log)
        guard waitForUnixSocket(socketPath) else { throw TestPostgresError("maskd serve did not listen: \(serve.log)") }
        return serve
    }

    /// SIGKILLs the daemon (the proxy stays).
    func killServe() {
        serve?.signal(SIGKILL)
        _ = serve?.wait(seconds: 10)
    }

    /// Starts a new daemon on the same socket path (the dead one's socket file is still there).
    func restartServe() throws {
        serve = try Self.startServe(socketPath, log: scratch.path + "/serve.log")
    }

    func stop() {
        proxy.stop()
        serve?.stop()
        scratch.remove()
    }
}

extension TestPostgres {
    /// Restarts the server (`pg_ctl restart -m fast`): every backend is told 57P01 and ends.
    func restart() throws {
        let asPostgres = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
        try Self.run(asPostgres + ["\(bin)/pg_ctl", "-D", "\(directory)/data", "-l", "\(directory)/log", "-m", "fast", "-w", "restart"])
    }

    /// How many client backends are running a statement whose text contains `marker`.
    func backends(running marker: String) throws -> Int {
        let out = try query("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%\(marker)%' AND pid <> pg_backend_pid()")
        return Int(out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}

/// Fault injection for `maskd proxy` against a real PostgreSQL (and, for a cut inside a DataRow, a
/// scripted server): whatever fails, the client gets whole masked messages, then an error or a closed
/// connection, never a partial message or an original value; the proxy keeps serving other sessions.
///
/// Every original value seeded ends in `@leak.example`; a masked email ends in `@example.invalid`, so
/// finding `leak.example` in any byte a client received is a leak.
@Suite(.serialized) struct FaultInjectionProxyTests {
    static let canary = "leak.example"

    /// A result cut by the server inside a DataRow: the cell before the cut holds an original value.
    static func cutResult(rows: Int) -> (whole: [UInt8], cut: [UInt8]) {
        var whole = Wire.rowDescription([("email", 25), ("note", 25)])
        for i in 0..<rows { whole += Wire.dataRow(["r\(i)@\(canary)", "row \(i)"]) }
        let last = Wire.dataRow(["cut.here@\(canary)", "the server goes away inside this second cell"])
        return (whole + Backend.commandComplete("SELECT \(rows)") + Wire.readyForQuery, whole + last.dropLast(12))
    }

    @Test(arguments: ProxyRig.Masking.allCases)
    func theServerClosingInsideADataRowLeavesTheClientOnlyWholeMaskedMessages(_ masking: ProxyRig.Masking) throws {
        let result = Self.cutResult(rows: 50)
        // The first connection is cut inside its 51st DataRow; later ones get whole answers.
        let upstream = try CutThenWholeUpstream(result)
        defer { upstream.server.stop() }
        let rig = try ProxyRig(upstream: "127.0.0.1:\(upstream.server.port)", masking: masking)
        defer { rig.stop() }

        let cut = try RawPostgresClient(port: rig.port, forbidden: [Self.canary])
        cut.query("SELECT email, note FROM t")
        let (counts, last) = cut.drainCounting()
        #expect(cut.closedByPeer, "the proxy closed the client's connection")
        #expect(cut.trailingBytes == 0, "no partial message reached the client")
        #expect(counts["D"] == 50, "the 50 whole rows before the cut: \(counts)")
        #expect(last.map { $0.type == "D" || $0.type == "E" } ?? false, "after the rows: an ErrorResponse or nothing")
        #expect(cut.leaked.isEmpty, "original values reached the client: \(cut.leaked)")

        // The proxy still serves: a new session gets the whole result, masked.
        let next = try RawPostgresClient(port: rig.port, forbidden: [Self.canary])
        next.query("SELECT email, note FROM t")
        let answer = next.messages(until: "Z")
        #expect(answer.filter { $0.type == "D" }.count == 50 && answer.last?.type == "Z")
        #expect(answer.contains { $0.payload.containsBytes("@example.invalid") }, "masked")
        #expect(next.leaked.isEmpty)
        #expect(rig.proxy.isRunning && (rig.serve?.isRunning ?? true))
    }

    /// A table of `rows` rows, each with an original email and `filler` bytes of other text.
    static func seed(_ pg: TestPostgres, table: String, rows: Int, filler: Int) throws {
        try pg.psql("""
            CREATE TABLE \(table) AS SELECT i AS id, 'p' || i || '@\(canary)' AS email, repeat('n', \(filler)) AS filler
            FROM generate_series(1, \(rows)) AS i;
            """)
    }

    @Test(arguments: ProxyRig.Masking.allCases)
    func aClientThatHangsUpMidResultLeavesTheProxyServingAndItsBackendEnds(_ masking: ProxyRig.Masking) throws {
        let pg = try TestPostgres()
        defer { pg.stop() }
        try Self.seed(pg, table: "wide", rows: 4000, filler: 2000)
        let rig = try ProxyRig(upstream: "127.0.0.1:\(pg.port)", masking: masking)
        defer { rig.stop() }
        let openFiles = (proxy: rig.proxy.openFiles, serve: rig.serve?.openFiles)

        let gone = try RawPostgresClient(port: rig.port, forbidden: [Self.canary])
        gone.query("SELECT id, email, filler, 'hung-up' AS marker FROM wide")
        gone.readMore()
        #expect(gone.bytesReceived > 0)
        gone.hangUp()

        let next = try RawPostgresClient(port: rig.port, forbidden: [Self.canary])
        next.query("SELECT id, email, filler FROM wide")
        let (counts, last) = next.drainCounting(until: "Z")
        #expect(counts["D"] == 4000 && last?.type == "Z", "the other session gets its whole result: \(counts)")
        #expect(next.leaked.isEmpty && gone.leaked.isEmpty)
        next.send(Wire.message("X", []))

        // The hung-up session's server backend ends, and the proxy (and daemon) hold no more files
        // than before: nothing of the session is left behind.
        var backends = -1
        for _ in 0..<100 {
            backends = try pg.backends(running: "hung-up")
            if backends == 0 && rig.proxy.openFiles <= openFiles.proxy && (rig.serve?.openFiles ?? 0) <= (openFiles.serve ?? 0) { break }
            usleep(100_000)
        }
        #expect(backends == 0, "the hung-up client's backend still runs")
        #expect(rig.proxy.openFiles <= openFiles.proxy, "proxy descriptors: \(openFiles.proxy) before, \(rig.proxy.openFiles) after")
        if let serve = rig.serve, let before = openFiles.serve {
            #expect(serve.openFiles <= before, "daemon descriptors: \(before) before, \(serve.openFiles) after")
        }
        #expect(rig.proxy.isRunning && (rig.serve?.isRunning ?? true))
    }
}

/// The scripted server of the cut test: the first connection is cut, the others answered whole.
struct CutThenWholeUpstream {
    let server: ScriptedUpstream

    init(_ result: (whole: [UInt8], cut: [UInt8])) throws {
        server = try ScriptedUpstream { connection in
            connection == 0 ? .init(bytes: result.cut, thenClose: true) : .init(bytes: result.whole, thenClose: false)
        }
    }
}
