import Foundation
import MaskEngine
import Testing
import WireTestSupport

/// Fault injection for the `maskd serve` binary on its socket: a proxy that hangs up inside a frame,
/// and compressed frames that are cut or corrupt. The daemon must end only that session (with an
/// error frame when the peer is still there, never masked bytes of a frame it could not read whole),
/// hold no descriptor of it afterwards, and go on serving.
@Suite(.serialized) struct FaultInjectionServeTests {
    static func withServe(_ arguments: [String] = [], _ body: (String, DaemonProcess) throws -> Void) throws {
        let scratch = try ScratchDirectory("fault-serve")
        defer { scratch.remove() }
        let socketPath = scratch.path + "/maskd.sock"
        let serve = try ProxyRig.startServe(socketPath, log: scratch.path + "/serve.log", arguments: arguments)
        defer { serve.stop() }
        try body(socketPath, serve)
    }

    /// One session that gets a masked answer: the daemon still serves.
    static func expectServed(_ socketPath: String) throws {
        let client = try SidecarTestClient(path: socketPath)
        #expect(client.hello() != nil)
        client.send(SidecarFrames.data(.clientBytes, Frontend.query("SELECT email FROM t")))
        client.send(SidecarFrames.data(.serverBytes, Wire.rowDescription([("email", 25)]) + Wire.dataRow(["bo@leak.example"])))
        let frame = client.frame()
        #expect(frame?.kind == SidecarFrameKind.masked.rawValue)
        #expect(frame.map { !$0.payload.containsBytes("leak.example") } == true)
    }

    /// Where in a frame the proxy hangs up.
    enum Cut: String, CaseIterable, CustomStringConvertible, Sendable {
        case insideTheHeader
        case insideThePayload
        case insideAMessageOfAWholeFrame
        var description: String { rawValue }
    }

    @Test(arguments: Cut.allCases)
    func aProxyThatHangsUpInsideAFrameEndsOnlyItsSession(_ cut: Cut) throws {
        try Self.withServe { socketPath, serve in
            let openFiles = serve.openFiles
            do {
                let gone = try SidecarTestClient(path: socketPath)
                #expect(gone.hello() != nil)
                gone.send(SidecarFrames.data(.clientBytes, Frontend.query("SELECT email FROM t")))
                var rows = Wire.rowDescription([("email", 25)])
                for i in 0..<500 { rows += Wire.dataRow(["u\(i)@leak.example"]) }
                let frame = SidecarFrames.data(.serverBytes, rows)
                switch cut {
                case .insideTheHeader: gone.send(Array(frame.prefix(5)))
                case .insideThePayload: gone.send(Array(frame.prefix(frame.count / 2)))
                case .insideAMessageOfAWholeFrame:
                    // A whole frame whose last PostgreSQL message is cut: masked up to the cut, then the
                    // proxy goes away without End.
                    gone.send(SidecarFrames.data(.serverBytes, Array(rows.dropLast(7))))
                    let answer = gone.frame()
                    #expect(answer?.kind == SidecarFrameKind.masked.rawValue)
                    #expect(answer.map { !$0.payload.containsBytes("leak.example") && Wire.rows($0.payload).count == 499 } == true)
                }
            }
            #expect(serve.waitForLog("session closed by the proxy before End"), "\(serve.log)")
            try Self.expectServed(socketPath)
            // Nothing of the sessions is left open.
            for _ in 0..<50 where serve.openFiles > openFiles { usleep(100_000) }
            #expect(serve.openFiles <= openFiles, "descriptors: \(openFiles) before, \(serve.openFiles) after")
            #expect(serve.isRunning)
        }
    }

    /// A compressed `S` frame of the given payload.
    static func compressedFrame(_ payload: [UInt8]) -> [UInt8] {
        var header: [UInt8] = []
        SidecarFrameHeader.append(.serverBytes, flags: SidecarProtocol.flagLZ4, length: payload.count, to: &header)
        return header + payload
    }

    enum Damage: String, CaseIterable, CustomStringConvertible, Sendable {
        case truncated
        case corrupt
        case declaresMoreThanItHolds
        case declaresMoreThanAFrameMayHold
        var description: String { rawValue }
    }

    @Test(arguments: Damage.allCases)
    func aDamagedCompressedFrameIsAnErrorAndNothingOfItIsAnswered(_ damage: Damage) throws {
        try Self.withServe(["--allow-lz4", "--max-frame-mb", "1"]) { socketPath, serve in
            let before = serve.memoryKB("VmRSS")
            let client = try SidecarTestClient(path: socketPath)
            client.send(SidecarHello(capabilities: SidecarProtocol.capabilityLZ4, attributes: [("user", "alice")]).encode())
            client.send(SidecarFrames.data(.clientBytes, Frontend.startup([("user", "alice")]) + Frontend.query("SELECT email")))
            #expect(client.frame()?.kind == SidecarFrameKind.welcome.rawValue)
            var rows = Wire.rowDescription([("email", 25)])
            for i in 0..<400 { rows += Wire.dataRow(["user\(i)@leak.example"]) }
            var compressed: [UInt8] = []
            #expect(rows.withUnsafeBytes { SidecarCompression.compress($0, to: &compressed) })
            switch damage {
            case .truncated: compressed = Array(compressed.prefix(compressed.count / 2))
            case .corrupt: for i in stride(from: 8, to: compressed.count, by: 7) { compressed[i] ^= 0xA5 }
            case .declaresMoreThanItHolds: compressed[2] &+= 1   // 256 bytes more than the block decodes to
            case .declaresMoreThanAFrameMayHold:
                // 13 bytes that claim 64 MiB: refused before anything that large is allocated.
                compressed = [0x04, 0, 0, 0] + Array(compressed[4..<min(13, compressed.count)])
            }
            client.send(Self.compressedFrame(compressed))
            let answer = client.frame()
            #expect(answer?.kind == SidecarFrameKind.error.rawValue, "an error frame, not a masked answer")
            let error = answer.flatMap { $0.payload.withUnsafeBytes { SidecarFrames.decodeError($0) } }
            let expected: Set<SidecarErrorCode> = switch damage {
            case .declaresMoreThanAFrameMayHold: [.frameTooLarge]
            // Flipped bits may still decode to the declared length: then the PostgreSQL messages are
            // what is malformed.
            case .corrupt: [.decompressionFailed, .backendProtocol]
            default: [.decompressionFailed]
            }
            #expect(error.map { expected.contains($0.code) } == true, "\(String(describing: error))")
            #expect(client.frame() == nil, "closed after the error")
            if damage == .declaresMoreThanAFrameMayHold {
                let grew = serve.memoryKB("VmHWM") - before
                #expect(grew < 32 << 10, "a 13-byte frame made the daemon's peak grow by \(grew) kB")
            }
            try Self.expectServed(socketPath)
        }
    }
}
