import Foundation
import Logging
import MaskEngine
import MaskdService
import WireTestSupport
import Testing

/// SIGHUP reloads against sessions that are masking at that moment, written for ThreadSanitizer
/// (scripts/sanitize thread): one thread replaces the daemon's policy a thousand times, alternating two
/// files whose custom detectors differ, while sessions on every event loop mask result sets and write
/// audit records. Whatever policy a result set meets, no original value comes back and every answer is
/// whole and in order; the audit file holds one whole record per line.
@Suite(.serialized) struct PolicyReloadStressTests {
    static let reloads = 1_000
    static let sessions = 8

    /// Both policies mask every type in the rows, with other actions, so a session that picked up either
    /// (or changed between two result sets) must still answer masked.
    static let policies = [
        """
        version: 1
        defaults: {email: tokenize, us_ssn: redact}
        detectors:
          - name: employee_id
            pattern: 'EMP-[0-9]{6}'
            action: redact
        """,
        """
        version: 1
        defaults: {email: hash, us_ssn: tokenize}
        identities:
          - match: {user: "u1*"}
            actions: {"*": redact}
        detectors:
          - name: employee_id
            pattern: 'EMP-[0-9]{6}'
            context: [employee]
            action: tokenize
          - name: badge
            pattern: 'BDG[0-9]{4}'
            action: redact
        """,
    ]

    /// A result set with an email, an SSN and an employee id per row, the row number last.
    static func resultSet(rows: Int, tag: Int) -> [UInt8] {
        var out = Wire.rowDescription([("email", 25), ("ssn", 25), ("employee", 25), ("n", 23)])
        for i in 0..<rows {
            out += Wire.dataRow(["user\(tag)-\(i)@example.com", "536-90-\(String(format: "%04d", 1000 + (tag + i) % 8000))",
                                 "EMP-\(String(format: "%06d", tag * 100 + i))", "\(i)"])
        }
        return out + Backend.commandComplete("SELECT \(rows)") + Wire.readyForQuery
    }

    @Test func reloadingThePolicyAThousandTimesWhileSessionsMaskLetsNoValueOut() throws {
        let policies = try Self.policies.enumerated().map { try PolicyFile.parse($0.element, path: "policy-\($0.offset).yaml") }
        let directory = NSTemporaryDirectory() + "maskd-reload-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = ServeConfiguration(socketPath: directory + "/maskd.sock", peers: PeerPolicy(uids: [getuid()], gids: []),
                                               key: ServeTests.key, policy: policies[0])
        configuration.drainSeconds = 1
        configuration.threads = 2
        configuration.auditPath = directory + "/audit.jsonl"
        let socketPath = configuration.socketPath
        let server = try MaskdServer(configuration: configuration, logger: Logger(label: "test"))
        try server.start()

        let failures = LockedCounter()
        let leaks = LockedCounter()
        let answered = LockedCounter()
        let sessionsDone = LockedCounter()
        let reloadsDone = LockedCounter()
        // Every session has said Hello before the first reload, so reloads meet sessions mid-stream.
        let ready = DispatchGroup()
        let finished = DispatchGroup()
        for s in 0..<Self.sessions {
            ready.enter()
            finished.enter()
            // Threads, not concurrentPerform: that runs as many iterations at once as there are cores,
            // and every session must be open at once.
            Thread {
                defer { sessionsDone.add(); finished.leave() }
                let client = try? SidecarTestClient(path: socketPath)
                let welcomed = client?.hello([("user", "u\(s)")]) != nil
                ready.leave()
                guard let client, welcomed else { failures.add(); return }
                var r = 0
                // At least 20 result sets each, and on until the last reload.
                while r < 20 || reloadsDone.value == 0 && r < 1_000 {
                    let tag = s * 1_000 + r
                    let rows = 10 + r % 7
                    client.send(SidecarFrames.data(.clientBytes, Frontend.query("SELECT email, ssn, employee, n FROM staff")))
                    client.send(SidecarFrames.data(.serverBytes, Self.resultSet(rows: rows, tag: tag)))
                    guard let f = client.frame(), f.kind == SidecarFrameKind.masked.rawValue else { failures.add(); return }
                    let answer = Wire.rows(f.payload)
                    if answer.count != rows || answer.enumerated().contains(where: { $0.element[3] != "\($0.offset)" }) { failures.add() }
                    let original = Wire.rows(Self.resultSet(rows: rows, tag: tag))
                    for (masked, clear) in zip(answer, original) where (0..<3).contains(where: { masked[$0] == clear[$0] }) {
                        leaks.add()
                    }
                    answered.add()
                    r += 1
                }
                client.send(SidecarFrames.data(.end, []))
                if client.frame()?.kind != SidecarFrameKind.ended.rawValue { failures.add() }
            }.start()
        }
        ready.wait()
        // Each reload waits for one more answer, so reloads are spread over the sessions' traffic
        // instead of all landing before the first result set.
        for count in 0..<Self.reloads {
            let seen = answered.value
            server.reload(policies[count % 2])
            while answered.value == seen && sessionsDone.value < Self.sessions { usleep(50) }
        }
        reloadsDone.add()
        finished.wait()
        server.drainAndStop()

        #expect(failures.value == 0)
        #expect(leaks.value == 0, "no original value in any answer")
        #expect(answered.value >= Self.reloads)
        let audit = try String(contentsOfFile: configuration.auditPath!, encoding: .utf8)
        let lines = audit.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(audit.hasSuffix("\n"))
        #expect(lines.allSatisfy { $0.hasPrefix("{\"event\":") && $0.hasSuffix("}") }, "one whole record per line")
        #expect(lines.filter { $0.contains("\"event\":\"result_set\"") }.count == answered.value)
        #expect(!audit.contains("@example.com") && !audit.contains("EMP-"), "no value in the audit")
    }
}
