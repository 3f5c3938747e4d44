import Foundation
import MaskEngine
import Testing
import WireTestSupport

/// A policy file replaced by an invalid one, then by a valid change, each followed by SIGHUP, under
/// `maskd serve` and under `maskd proxy` (engine in process) with sessions open: the invalid file is
/// logged with its position and the old policy keeps masking (open and new sessions alike); the valid
/// change reaches open sessions at their next result.
@Suite(.serialized) struct FaultInjectionReloadTests {
    static let redacting = "version: 1\ndefaults: {email: redact}\n"
    static let invalid = "version: 1\ndefaults: {email: unmask}\n"
    static let hashing = "version: 1\ndefaults: {email: hash}\n"
    static let email = "bo@leak.example"

    enum Masked: Equatable { case redacted, hashed, other(String) }

    static func classify(_ cell: String?) -> Masked {
        guard let cell else { return .other("NULL") }
        if cell == String(repeating: "*", count: email.utf8.count) { return .redacted }
        if cell.count == 32 && cell.allSatisfy(\.isHexDigit) { return .hashed }
        return .other(cell)
    }

    /// Replaces the policy file, signals SIGHUP, and waits for the daemon's log line.
    static func reload(_ daemon: DaemonProcess, policyPath: String, _ text: String, expecting line: String, count: Int) {
        try? text.write(toFile: policyPath, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(daemon.waitForLog(line, count: count), "no '\(line)' in the log: \(daemon.log)")
    }

    @Test func serve() throws {
        let scratch = try ScratchDirectory("fault-reload-serve")
        defer { scratch.remove() }
        let policyPath = scratch.path + "/policy.yaml"
        try Self.redacting.write(toFile: policyPath, atomically: true, encoding: .utf8)
        let socketPath = scratch.path + "/maskd.sock"
        let serve = try ProxyRig.startServe(socketPath, log: scratch.path + "/serve.log", arguments: ["--policy", policyPath])
        defer { serve.stop() }

        let open = try SidecarTestClient(path: socketPath)
        #expect(open.hello() != nil)
        func ask(_ client: SidecarTestClient) -> Masked {
            client.send(SidecarFrames.data(.clientBytes, Frontend.query("SELECT email FROM t")))
            client.send(SidecarFrames.data(.serverBytes, Wire.rowDescription([("email", 25)]) + Wire.dataRow([Self.email])
                                            + Backend.commandComplete("SELECT 1") + Wire.readyForQuery))
            guard let frame = client.frame(), frame.kind == SidecarFrameKind.masked.rawValue else { return .other("no answer") }
            return Self.classify(Wire.rows(frame.payload).first?.first ?? nil)
        }
        #expect(ask(open) == .redacted)

        Self.reload(serve, policyPath: policyPath, Self.invalid, expecting: "policy reload refused", count: 1)
        #expect(serve.log.contains("policy.yaml:2:"), "the refusal names the line: \(serve.log)")
        #expect(ask(open) == .redacted, "the old policy stays for an open session")
        let new = try SidecarTestClient(path: socketPath)
        #expect(new.hello() != nil)
        #expect(ask(new) == .redacted, "and for a new one")

        Self.reload(serve, policyPath: policyPath, Self.hashing, expecting: "policy reloaded", count: 1)
        #expect(ask(open) == .hashed, "the valid change reaches the open session")
        #expect(ask(new) == .hashed)
        #expect(serve.isRunning)
    }

    @Test func proxy() throws {
        let pg = try TestPostgres()
        defer { pg.stop() }
        try pg.psql("CREATE TABLE t (email text); INSERT INTO t VALUES ('\(Self.email)');")
        let scratch = try ScratchDirectory("fault-reload-proxy")
        defer { scratch.remove() }
        let policyPath = scratch.path + "/policy.yaml"
        try Self.redacting.write(toFile: policyPath, atomically: true, encoding: .utf8)
        let rig = try ProxyRig(upstream: "127.0.0.1:\(pg.port)", masking: .inProcess, proxyArguments: ["--policy", policyPath])
        defer { rig.stop() }

        let open = try RawPostgresClient(port: rig.port, forbidden: [Self.email])
        func ask(_ client: RawPostgresClient) -> Masked {
            client.query("SELECT email FROM t")
            let answer = client.messages(until: "Z")
            guard let row = answer.first(where: { $0.type == "D" }) else { return .other("no row: \(answer.map(\.type))") }
            return Self.classify(Wire.rows(Wire.message("D", row.payload)).first?.first ?? nil)
        }
        #expect(ask(open) == .redacted)

        Self.reload(rig.proxy, policyPath: policyPath, Self.invalid, expecting: "policy reload refused", count: 1)
        #expect(rig.proxy.log.contains("policy.yaml:2:"), "the refusal names the line: \(rig.proxy.log)")
        #expect(ask(open) == .redacted, "the old policy stays for an open session")
        let new = try RawPostgresClient(port: rig.port, forbidden: [Self.email])
        #expect(ask(new) == .redacted, "and for a new one")

        Self.reload(rig.proxy, policyPath: policyPath, Self.hashing, expecting: "policy reloaded", count: 1)
        #expect(ask(open) == .hashed, "the valid change reaches the open session")
        #expect(ask(new) == .hashed)
        #expect(open.leaked.isEmpty && new.leaked.isEmpty)
        #expect(rig.proxy.isRunning)
    }
}
