import MaskEngine

/// `maskd serve`'s socket protocol as its session handler runs it (`SidecarSessionHandler`, without
/// NIO): 8-byte frame headers, Hello and its attributes, LZ4 payloads, client and server bytes into a
/// `WireSession`, End; the replies (Welcome, Masked, Error, Ended) are the output.
///
/// Layout: cut seed, then the bytes a proxy writes to the socket. The server bytes of all `S` frames
/// (decompressed where flagged), joined, form the backend stream into which canaries are spliced; the
/// frames are then written again at their original sizes (compressed again where they were).
public enum SidecarTarget {
    static let maxFramePayload = 1 << 16

    public static func run(_ data: UnsafeRawBufferPointer) -> FuzzVerdict {
        var input = FuzzInput(data)
        var cuts = CutSizes(seed: input.byte())
        let socket = input.rest()
        guard LeakOracle.isFree(socket) else { return .clean }
        var handler = SidecarReplay()
        var buffer: [UInt8] = []
        for piece in cuts.pieces(of: SidecarCanarySplicer.splice(socket)) {
            buffer += piece
            handler.read(&buffer)
            if handler.closed { break }
        }
        return LeakOracle.check(handler.replies, stage: "sidecar replies")
    }
}

/// The daemon's handling of one connection, frame by frame, its replies kept as bytes.
struct SidecarReplay {
    var replies: [UInt8] = []
    var closed = false
    private var session: WireSession?
    private var compress = false

    /// Handles every whole frame at the front of `buffer` (removing it), as the frame decoder and the
    /// session handler do.
    mutating func read(_ buffer: inout [UInt8]) {
        while !closed && buffer.count >= SidecarProtocol.headerSize {
            do {
                let header = try buffer.withUnsafeBytes { b in
                    try SidecarFrameHeader.decode(UnsafeRawBufferPointer(rebasing: b[0..<SidecarProtocol.headerSize]),
                                                  maxPayload: SidecarTarget.maxFramePayload)
                }
                guard buffer.count >= SidecarProtocol.headerSize + header.length else { return }
                var payload = Array(buffer[SidecarProtocol.headerSize..<(SidecarProtocol.headerSize + header.length)])
                buffer.removeFirst(SidecarProtocol.headerSize + header.length)
                if header.flags & SidecarProtocol.flagLZ4 != 0 {
                    guard compress else { throw SidecarError(.malformedFrame, "a compressed frame before LZ4 was granted") }
                    var scratch: [UInt8] = []
                    try payload.withUnsafeBytes { p in try SidecarCompression.decompress(p, into: &scratch) }
                    guard scratch.count <= SidecarTarget.maxFramePayload else { throw SidecarError(.frameTooLarge, "expands past the limit") }
                    payload = scratch
                }
                try handle(header.kind, payload)
            } catch let error as SidecarError {
                replies += SidecarFrames.error(error.code, error.message)
                closed = true
            } catch {
                replies += SidecarFrames.error(.internalError, "\(error)")
                closed = true
            }
        }
    }

    private mutating func handle(_ kind: SidecarFrameKind, _ payload: [UInt8]) throws {
        switch (session, kind) {
        case (nil, .hello):
            let hello = try payload.withUnsafeBytes { p in try SidecarHello.decode(p) }
            guard hello.major == SidecarProtocol.major else { throw SidecarError(.unsupportedVersion, "major \(hello.major)") }
            let granted = hello.capabilities & SidecarProtocol.capabilityLZ4
            compress = granted != 0
            var options = WireSession.Options()
            options.maxMessageBytes = 1 << 20
            session = WireSession(masking: MaskSession(policy: .default, key: EngineRun.key), options: options)
            replies += SidecarWelcome(major: SidecarProtocol.major, minor: min(hello.minor, SidecarProtocol.minor),
                                      capabilities: granted, maxFramePayload: UInt32(SidecarTarget.maxFramePayload),
                                      maxInFlightBytes: 1 << 20, sessionID: hello.value("session_id") ?? "fuzz").encode()
        case (let session?, .clientBytes):
            do {
                try payload.withUnsafeBufferPointer { b in try session.receiveClient(b) }
            } catch let error as WireSessionError {
                throw SidecarError(SidecarErrorCode(error.kind), error.description)
            }
        case (let session?, .serverBytes):
            var masked = MaskedChunk()
            do {
                try payload.withUnsafeBufferPointer { b in try session.receiveServer(b, into: &masked) }
            } catch let error as WireSessionError {
                throw SidecarError(SidecarErrorCode(error.kind), error.description)
            }
            var compressed: [UInt8] = []
            if compress, masked.output.count >= 4096, masked.output.withUnsafeBytes({ SidecarCompression.compress($0, to: &compressed) }) {
                // What the proxy would see is the decompressed bytes: the oracle reads those.
                var back: [UInt8] = []
                try compressed.withUnsafeBytes { p in try SidecarCompression.decompress(p, into: &back) }
                replies += back
            } else {
                replies += SidecarFrames.data(.masked, masked.output)
            }
        case (let session?, .end):
            guard payload.isEmpty else { throw SidecarError(.malformedFrame, "an End frame has no payload") }
            guard session.pendingServerBytes == 0 else { throw SidecarError(.backendProtocol, "ended inside a server message") }
            replies += SidecarFrames.ended(rows: UInt64(session.rows), findings: UInt64(session.findingCounts.reduce(0, +)))
            closed = true
        case (_, let kind):
            throw SidecarError(.unexpectedFrame, "a \(kind) frame is not allowed here")
        }
    }
}

/// Splices canaries into the server bytes that `S` frames carry.
enum SidecarCanarySplicer {
    static func splice(_ socket: [UInt8]) -> [UInt8] {
        // The frames as written: header fields and decoded payload, up to the first one that does not decode.
        var frames: [(kind: UInt8, flags: UInt8, reserved: [UInt8], payload: [UInt8])] = []
        var p = 0
        while socket.count - p >= SidecarProtocol.headerSize {
            let length = Int(readUInt32(socket[...], p + 4))
            guard socket.count - p - SidecarProtocol.headerSize >= length else { break }
            var payload = Array(socket[(p + 8)..<(p + 8 + length)])
            if socket[p] == SidecarFrameKind.serverBytes.rawValue && socket[p + 1] & SidecarProtocol.flagLZ4 != 0 {
                var plain: [UInt8] = []
                guard (try? payload.withUnsafeBytes { try SidecarCompression.decompress($0, into: &plain) }) != nil else { break }
                payload = plain
            }
            frames.append((socket[p], socket[p + 1], Array(socket[(p + 2)..<(p + 4)]), payload))
            p += SidecarProtocol.headerSize + length
        }
        let isServer = frames.map { $0.kind == SidecarFrameKind.serverBytes.rawValue }
        let stream = WireCanarySplicer.splice(frames.indices.filter { isServer[$0] }.flatMap { frames[$0].payload })
        var out: [UInt8] = []
        var s = 0
        let lastServer = isServer.lastIndex(of: true)
        for (i, frame) in frames.enumerated() {
            var payload = frame.payload
            if isServer[i] {
                let end = i == lastServer ? stream.count : min(stream.count, s + payload.count)
                payload = Array(stream[s..<end])
                s = end
            }
            var flags = frame.flags
            if isServer[i] && flags & SidecarProtocol.flagLZ4 != 0 {
                var compressed: [UInt8] = []
                if payload.withUnsafeBytes({ SidecarCompression.compress($0, to: &compressed) }) { payload = compressed } else { flags &= ~SidecarProtocol.flagLZ4 }
            }
            out += [frame.kind, flags] + frame.reserved
            appendUInt32(UInt32(payload.count), to: &out)
            out += payload
        }
        out += socket[p...]
        return out
    }
}
