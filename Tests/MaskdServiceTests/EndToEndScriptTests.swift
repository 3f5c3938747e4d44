import Foundation
import Testing

/// The end-to-end scripts, run against the built `maskd` as a user meets it: psql, libpq, pg_basebackup
/// and pgbench through `maskd proxy` and `maskd serve` against a real PostgreSQL
/// (Tests/Integration/proxy-e2e.sh), and the Python client written from docs/protocol.md alone
/// (Tests/Integration/python-client-e2e.sh).
@Suite(.serialized) struct EndToEndScriptTests {
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("maskd").path

    static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Integration/\(name)").standardized.path
    }

    static func runScript(_ name: String) throws -> String {
        try TestPostgres.run(["/bin/bash", script(name), binary])
    }

    @Test func proxyEndToEnd() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "\(Self.binary)")
        do {
            let output = try Self.runScript("proxy-e2e.sh")
            #expect(output.contains(" 0 failed"), "\(output)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func pythonClientWrittenFromTheProtocolDocument() throws {
        do {
            let output = try Self.runScript("python-client-e2e.sh")
            #expect(output.contains(" 0 failed"), "\(output)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
