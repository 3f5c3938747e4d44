import MaskEngine

/// The per-session wire state machine as the daemons drive it: client bytes (for state: startup,
/// Parse/Bind/Describe/Execute, formats) and server bytes (masked) interleaved in the order and cuts
/// the fuzz data picks.
///
/// Layout: a flag byte (bit 0: the client starts with a startup packet), then segments: a byte whose
/// bit 0 picks the side (0 client, 1 server) and a length byte, then that many bytes. The server
/// segments, joined, form the backend stream into which canaries are spliced (`WireCanarySplicer`);
/// it is then cut again at the segments' sizes.
public enum WireSessionTarget {
    public static func run(_ data: UnsafeRawBufferPointer) -> FuzzVerdict {
        var input = FuzzInput(data)
        let flags = input.byte()
        let segments = Segments(input.rest())
        guard LeakOracle.isFree(segments.server + segments.client) else { return .clean }
        var options = WireSession.Options()
        options.startsWithStartup = flags & 1 != 0
        options.maxMessageBytes = 1 << 20
        options.recordsResultSets = flags & 2 != 0
        let session = WireSession(masking: MaskSession(policy: .default, key: EngineRun.key), options: options)
        var result = MaskedChunk()
        do {
            for (isServer, bytes) in segments.interleaved(server: WireCanarySplicer.splice(segments.server)) {
                try bytes.withUnsafeBufferPointer { b in
                    if isServer { try session.receiveServer(b, into: &result) } else { try session.receiveClient(b) }
                }
            }
        } catch {
            // Errors carry places, never values: the message goes to the client and the logs.
            if case .leak(let v, let o, _) = LeakOracle.check(Array("\(error)".utf8), stage: "") {
                return .leak(canary: v, offset: o, stage: "WireSessionError")
            }
        }
        // Everything appended, also what a failed call appended before its failing message.
        return LeakOracle.check(result.output, stage: "wire session")
    }
}

/// The fuzz data as segments from either side.
struct Segments {
    /// Side and length of each segment, in order.
    var order: [(isServer: Bool, count: Int)] = []
    var client: [UInt8] = []
    var server: [UInt8] = []

    init(_ bytes: [UInt8]) {
        var p = 0
        while p + 2 <= bytes.count {
            let isServer = bytes[p] & 1 == 1
            let n = min(Int(bytes[p + 1]), bytes.count - p - 2)
            let piece = bytes[(p + 2)..<(p + 2 + n)]
            if isServer { server += piece } else { client += piece }
            order.append((isServer, n))
            p += 2 + n
        }
    }

    /// The segments in order, the server's cut from `server` (the spliced stream) at the original
    /// sizes, the last server segment taking what is left.
    func interleaved(server spliced: [UInt8]) -> [(Bool, [UInt8])] {
        var out: [(Bool, [UInt8])] = []
        var c = 0
        var s = 0
        let lastServer = order.lastIndex { $0.isServer }
        for (i, segment) in order.enumerated() {
            if segment.isServer {
                let end = i == lastServer ? spliced.count : min(spliced.count, s + segment.count)
                out.append((true, Array(spliced[s..<end])))
                s = end
            } else {
                out.append((false, Array(client[c..<(c + segment.count)])))
                c += segment.count
            }
        }
        return out
    }
}
