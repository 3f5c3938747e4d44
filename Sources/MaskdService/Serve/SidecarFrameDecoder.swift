import MaskEngine
import NIOCore

/// One frame of the socket protocol, its payload still in the channel's buffer (no copy).
struct SidecarFrame {
    var kind: SidecarFrameKind
    var flags: UInt8
    var payload: ByteBuffer
}

/// Cuts the socket's bytes into frames. The header is checked as soon as its 8 bytes are there (unknown
/// kind, reserved bits, a length over the limit), so a hostile length never makes the daemon wait for
/// or reserve its bytes.
struct SidecarFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = SidecarFrame
    let maxPayload: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard buffer.readableBytes >= SidecarProtocol.headerSize else { return .needMoreData }
        let header = try buffer.withUnsafeReadableBytes { bytes throws(SidecarError) in
            try SidecarFrameHeader.decode(UnsafeRawBufferPointer(rebasing: bytes[0..<SidecarProtocol.headerSize]),
                                          maxPayload: maxPayload)
        }
        guard buffer.readableBytes >= SidecarProtocol.headerSize + header.length else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: SidecarProtocol.headerSize)
        let payload = buffer.readSlice(length: header.length)!
        context.fireChannelRead(wrapInboundOut(SidecarFrame(kind: header.kind, flags: header.flags, payload: payload)))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A frame cut off by the peer's close is dropped: nothing of it was masked, so nothing leaks.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
