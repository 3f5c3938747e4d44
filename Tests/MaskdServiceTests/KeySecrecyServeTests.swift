import Foundation
import Testing
import MaskdService
import WireTestSupport
@testable import MaskEngine

/// `maskd serve` with a known pass-phrase and salt, logging at trace level with an audit file: neither
/// the phrase, the salt nor the derived key appears in its log, its audit records or what it sends.
@Suite(.serialized) struct KeySecrecyServeTests {
    static let phrase = "serve secrecy pass-phrase, long enough"
    static let saltHex = "a1b2c3d4e5f60718293a4b5c6d7e8f90"

    @Test func keyMaterialNeverReachesTheLogAuditOrClient() throws {
        let directory = NSTemporaryDirectory() + "maskd-keys-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socketPath = directory + "/maskd.sock"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EndToEndScriptTests.binary)
        process.arguments = ["serve", "--socket", socketPath, "--drain-seconds", "1", "--log-level", "trace",
                             "--audit", directory + "/audit.jsonl"]
        process.environment = ["MASKD_TOKEN_KEY": Self.phrase, "MASKD_TOKEN_SALT": Self.saltHex]
        let log = Pipe()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let client = try #require(SidecarTestClient.accepted(at: socketPath, daemon: process), "maskd serve accepts")
        #expect(client.hello([("user", "alice")]) != nil)
        client.send(SidecarFrames.data(.clientBytes, Frontend.query("SELECT email")))
        client.send(SidecarFrames.data(.serverBytes, Wire.rowDescription([("email", 25)]) + Wire.dataRow(["ann@example.com"])))
        let masked = try #require(client.frame())
        #expect(masked.kind == SidecarFrameKind.masked.rawValue)
        kill(process.processIdentifier, SIGTERM)
        _ = client.frame()
        process.waitUntilExit()
        let logged = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let audit = try String(contentsOfFile: directory + "/audit.jsonl", encoding: .utf8)
        let sent = String(decoding: masked.payload, as: UTF8.self)
        #expect(!logged.isEmpty && !audit.isEmpty)

        let derived = TokenKey.hexEncode(try TokenKey(string: Self.phrase, salt: TokenKey.hexDecode(Self.saltHex)).bytes)
        for secret in [Self.phrase, Self.saltHex, derived, derived.uppercased(), String(derived.prefix(16))] {
            #expect(!logged.contains(secret), "in the log")
            #expect(!audit.contains(secret), "in the audit")
            #expect(!sent.contains(secret), "in what the client gets")
        }
        #expect(!sent.contains("ann@example.com"))
    }
}
