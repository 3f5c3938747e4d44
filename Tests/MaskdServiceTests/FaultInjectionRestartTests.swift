import Foundation
import Testing
import WireTestSupport

/// Processes that die under a live session: the `maskd serve` daemon killed with SIGKILL while the
/// proxy streams a result through it, and PostgreSQL restarted under the proxy. The client must get
/// whole masked messages, then an error (an ErrorResponse or a closed connection), never raw rows;
/// and the service must work again once the dead process is back.
@Suite(.serialized) struct FaultInjectionRestartTests {
    static let canary = FaultInjectionProxyTests.canary

    @Test func theDaemonKilledMidStreamEndsTheSessionWithAnErrorAndRestartsOnTheSameSocket() throws {
        let pg = try TestPostgres()
        defer { pg.stop() }
        try FaultInjectionProxyTests.seed(pg, table: "wide", rows: 20_000, filler: 1000)
        let rig = try ProxyRig(upstream: "127.0.0.1:\(pg.port)", masking: .daemon)
        defer { rig.stop() }

        let streaming = try RawPostgresClient(port: rig.port, forbidden: [Self.canary])
        streaming.query("SELECT id, email, filler FROM wide ORDER BY id")
        // Part of the result has arrived (masked); the rest is in flight when the daemon dies.
        streaming.readMore()
        #expect(streaming.bytesReceived > 0)
        rig.killServe()
        let (counts, last) = streaming.drainCounting()
        #expect(streaming.closedByPeer, "the proxy closed the session")
        #expect(streaming.trailingBytes == 0, "no partial message")
        #expect((counts["D"] ?? 0) < 20_000, "the result did not complete without the daemon: \(counts)")
        #expect(counts["Z"] == nil, "no ReadyForQuery claims the result was whole")
        #expect(last.map { $0.type == "D" || $0.type == "T" || $0.type == "E" } ?? false)
        if let last, last.type == "E" { #expect(errorField(last.payload, "M")?.contains("maskd") == true) }
        #expect(streaming.leaked.isEmpty, "original values reached the client: \(streaming.leaked)")

        // With the daemon gone a new session is refused with an ErrorResponse, not served unmasked.
        let refused = try? RawPostgresClient(port: rig.port, forbidden: [Self.canary])
        #expect(refused == nil, "a session started without the masking daemon")
        #expect(rig.proxy.isRunning)

        // A new daemon on the same path (the dead one left its socket file) serves the next session.
        var info = stat()
        #expect(lstat(rig.socketPath, &info) == 0, "the stale socket file is there")
        try rig.restartServe()
        let after = try RawPostgresClient(port: rig.port, forbidden: [Self.canary])
        after.query("SELECT id, email FROM wide WHERE id <= 10")
        let answer = after.messages(until: "Z")
        #expect(answer.filter { $0.type == "D" }.count == 10 && answer.last?.type == "Z")
        #expect(answer.contains { $0.payload.containsBytes("@example.invalid") } && after.leaked.isEmpty)
    }

    @Test(arguments: ProxyRig.Masking.allCases)
    func postgresRestartedUnderTheProxyFailsItsSessionsAndNewOnesWork(_ masking: ProxyRig.Masking) throws {
        let pg = try TestPostgres()
        defer { pg.stop() }
        try FaultInjectionProxyTests.seed(pg, table: "wide", rows: 20_000, filler: 1000)
        let rig = try ProxyRig(upstream: "127.0.0.1:\(pg.port)", masking: masking)
        defer { rig.stop() }

        let idle = try RawPostgresClient(port: rig.port, forbidden: [Self.canary])
        let streaming = try RawPostgresClient(port: rig.port, forbidden: [Self.canary])
        streaming.query("SELECT id, email, filler FROM wide ORDER BY id")
        streaming.readMore()
        try pg.restart()

        // The idle session learns on its next query: an error, then the end.
        idle.query("SELECT email FROM wide WHERE id = 1")
        let (idleCounts, idleLast) = idle.drainCounting()
        #expect(idleCounts["D"] == nil, "no row from a dead backend: \(idleCounts)")
        #expect(idle.closedByPeer)
        if let idleLast { #expect(idleLast.type == "E", "\(idleLast.type)") }
        let (counts, last) = streaming.drainCounting()
        #expect(streaming.closedByPeer && streaming.trailingBytes == 0)
        #expect(counts["Z"] == nil && (counts["D"] ?? 0) < 20_000, "\(counts)")
        #expect(last.map { $0.type == "D" || $0.type == "T" || $0.type == "E" } ?? false)
        #expect(idle.leaked.isEmpty && streaming.leaked.isEmpty)

        let after = try RawPostgresClient(port: rig.port, forbidden: [Self.canary])
        after.query("SELECT id, email FROM wide WHERE id <= 10")
        let answer = after.messages(until: "Z")
        #expect(answer.filter { $0.type == "D" }.count == 10 && answer.last?.type == "Z")
        #expect(answer.contains { $0.payload.containsBytes("@example.invalid") } && after.leaked.isEmpty)
        #expect(rig.proxy.isRunning)
    }
}
