import Foundation
import MaskEngine
import Testing
import WireTestSupport

/// Slow consumers: a client (of the proxy) or a proxy (of the daemon) that stops reading. maskd must
/// stop reading that session too (backpressure), so its memory stays bounded however much is offered,
/// and it must go on serving everyone else meanwhile. Memory is read from `/proc/PID/status` of the
/// real processes; the bound (64 MiB of growth) is far below what is offered (160 MB or 512 MB), so
/// a daemon that buffers instead of pushing back fails it.
@Suite(.serialized) struct FaultInjectionSlowConsumerTests {
    static let growthLimitKB = 64 << 10

    /// Samples `read` every 250 ms until it stops growing for 2 s (at most `seconds`).
    static func waitUntilFlat(seconds: Double, _ read: () -> Int) {
        let deadline = Date().addingTimeInterval(seconds)
        var last = read()
        var flat = 0
        while Date() < deadline && flat < 8 {
            usleep(250_000)
            let now = read()
            flat = now - last < 256 ? flat + 1 : 0
            last = max(last, now)
        }
    }

    @Test func aClientThatLeavesALargeResultUnreadKeepsTheProxyAndTheDaemonBounded() throws {
        let pg = try TestPostgres()
        defer { pg.stop() }
        // 20,000 rows of 8 KB: 160 MB of result (the table itself is small: the filler compresses).
        try FaultInjectionProxyTests.seed(pg, table: "big", rows: 20_000, filler: 8000)
        let rig = try ProxyRig(upstream: "127.0.0.1:\(pg.port)", masking: .daemon)
        defer { rig.stop() }
        let serve = try #require(rig.serve)
        let before = (proxy: rig.proxy.memoryKB("VmRSS"), serve: serve.memoryKB("VmRSS"))

        let slow = try RawPostgresClient(port: rig.port, forbidden: [FaultInjectionProxyTests.canary])
        slow.query("SELECT id, email, filler FROM big ORDER BY id")
        Self.waitUntilFlat(seconds: 20) { rig.proxy.memoryKB("VmRSS") + serve.memoryKB("VmRSS") }

        // Meanwhile another client is served, masked.
        let other = try RawPostgresClient(port: rig.port, forbidden: [FaultInjectionProxyTests.canary])
        other.query("SELECT email FROM big WHERE id = 7")
        let answer = other.messages(until: "Z")
        #expect(answer.filter { $0.type == "D" }.count == 1 && answer.last?.type == "Z", "the other client is served")
        #expect(answer.contains { $0.payload.containsBytes("@example.invalid") } && other.leaked.isEmpty)

        let grew = (proxy: rig.proxy.memoryKB("VmHWM") - before.proxy, serve: serve.memoryKB("VmHWM") - before.serve)
        #expect(grew.proxy < Self.growthLimitKB, "the proxy's peak grew by \(grew.proxy) kB while a 160 MB result waited")
        #expect(grew.serve < Self.growthLimitKB, "the daemon's peak grew by \(grew.serve) kB while a 160 MB result waited")

        // When the client reads at last, the result resumes where it stopped, masked and in order (the
        // first 2,000 rows are enough to show it: masking all 160 MB in a debug build takes a minute).
        let (counts, last) = slow.drainCounting(rows: 2000)
        #expect(counts["T"] == 1 && counts["D"] == 2000 && last?.type == "D", "\(counts)")
        #expect(slow.leaked.isEmpty, "original values reached the client: \(slow.leaked)")
        slow.hangUp()
    }

    @Test func aProxyThatSendsButDoesNotReadStopsTheDaemonReadingWhileAnotherIsServed() throws {
        let scratch = try ScratchDirectory("fault-serve-slow")
        defer { scratch.remove() }
        let socketPath = scratch.path + "/maskd.sock"
        let serve = try ProxyRig.startServe(socketPath, log: scratch.path + "/serve.log", arguments: ["--in-flight-kb", "1024"])
        defer { serve.stop() }
        let before = serve.memoryKB("VmRSS")

        let slow = try SidecarTestClient(path: socketPath)
        #expect(slow.hello() != nil)
        slow.send(SidecarFrames.data(.clientBytes, Frontend.query("SELECT note FROM t")))
        // 64 KB frames of 1 KB rows, each with an email: the answers are as large as the input.
        var rows = Wire.rowDescription([("note", 25)])
        let row = Wire.dataRow([String(repeating: "x", count: 1000) + " ann@leak.example"])
        for _ in 0..<64 { rows += row }
        let frame = SidecarFrames.data(.serverBytes, rows)
        _ = fcntl(slow.fd, F_SETFL, fcntl(slow.fd, F_GETFL) | O_NONBLOCK)
        var written = 0
        var stalledFor = 0
        // Offer up to 512 MB without reading an answer; the daemon stalls us once it stops reading.
        while written < 512 << 20 && stalledFor < 100 {
            var offset = 0
            while offset < frame.count && stalledFor < 100 {
                let n = frame[offset...].withUnsafeBytes { write(slow.fd, $0.baseAddress, $0.count) }
                if n > 0 { offset += n; written += n; stalledFor = 0 } else { stalledFor += 1; usleep(20_000) }
            }
        }
        #expect(stalledFor >= 100, "the daemon kept reading: \(written) bytes taken in")
        #expect(written < 64 << 20, "\(written) bytes were taken in before the daemon stopped reading")

        // Meanwhile a second proxy session is served.
        let other = try SidecarTestClient(path: socketPath)
        #expect(other.hello() != nil)
        other.send(SidecarFrames.data(.clientBytes, Frontend.query("SELECT email FROM t")))
        other.send(SidecarFrames.data(.serverBytes, Wire.rowDescription([("email", 25)]) + Wire.dataRow(["bo@leak.example"])))
        let masked = other.frame()
        #expect(masked?.kind == SidecarFrameKind.masked.rawValue)
        #expect(masked.map { !$0.payload.containsBytes("leak.example") && $0.payload.containsBytes("@example.invalid") } == true)

        let grew = serve.memoryKB("VmHWM") - before
        #expect(grew < Self.growthLimitKB, "the daemon's peak grew by \(grew) kB")
        #expect(serve.isRunning)
    }
}
