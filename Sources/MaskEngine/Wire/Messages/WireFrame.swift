/// The frame of one backend message: a type byte, a big-endian Int32 length that counts itself, then
/// the payload.
public struct WireFrame: Sendable {
    public var type: UInt8
    /// Offset of the type byte.
    public var start: Int
    /// Offset of the first payload byte.
    public var payloadStart: Int { start + 5 }
    /// Offset just past the message.
    public var end: Int

    /// Reads the frame at `position`, checking that its length is at least 4, within `limit`, and inside
    /// `bytes`. Framing errors mean lost synchronisation: nothing after them can be trusted.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int, limit: Int,
                            location: StreamLocation) throws(StreamError) -> WireFrame {
        let available = bytes.count - position
        guard available >= 5 else {
            let type = available > 0 ? bytes[position] : 0
            throw StreamError(.truncatedMessage(type: type, declared: 5, available: available), at: location)
        }
        let type = bytes[position]
        let length = Int(Int32(bitPattern: UInt32(bytes[position + 1]) << 24 | UInt32(bytes[position + 2]) << 16
            | UInt32(bytes[position + 3]) << 8 | UInt32(bytes[position + 4])))
        guard length >= 4 else { throw StreamError(.invalidMessageLength(type: type, length: length), at: location) }
        guard length <= limit else { throw StreamError(.messageTooLarge(type: type, length: length, limit: limit), at: location) }
        guard length + 1 <= available else {
            throw StreamError(.truncatedMessage(type: type, declared: length + 1, available: available), at: location)
        }
        return WireFrame(type: type, start: position, end: position + 1 + length)
    }

    /// Stores `v` big-endian in the 4 bytes at `out`: the one writer of the wire's Int32 words (message
    /// lengths, cell lengths, array headers).
    @inline(__always)
    static func storeInt32(_ v: Int32, at out: UnsafeMutablePointer<UInt8>) {
        UnsafeMutableRawPointer(out).storeBytes(of: UInt32(bitPattern: v).bigEndian, as: UInt32.self)
    }

    /// Appends `v` as a big-endian Int32 (a length, or -1 for a NULL cell).
    @inline(__always)
    static func appendInt32(_ v: Int32, to out: inout [UInt8]) {
        out.append(writing: 4) { storeInt32(v, at: $0) }
    }

    /// Appends `bytes` as DataRows and binary COPY tuples frame a cell: its Int32 length, then the bytes,
    /// in one append. The caller checks that the count fits a length word.
    @inline(__always)
    static func appendCell(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(writing: 4 + bytes.count) { at in
            storeInt32(Int32(bytes.count), at: at)
            if let source = bytes.baseAddress, bytes.count > 0 { (at + 4).update(from: source, count: bytes.count) }
        }
    }

    /// The largest length a length word can hold: it is a signed Int32, so a length of 2^31 or more
    /// would be read as negative by every PostgreSQL client.
    static let maxEncodableLength = Int(Int32.max)

    /// Writes the length of the message whose type byte is at `messageStart`, now that it is complete.
    /// A masked message can be longer than the one it replaces (a `hash` is 32 digits where an SSN was
    /// 11): past `limit` (the length word's range; lower only in tests) the unfinished message is removed
    /// from `out` and `messageTooLarge` is thrown at `location`, so no length is ever written wrapped or
    /// negative and nothing of the message leaves.
    static func patchLength(of messageStart: Int, in out: inout [UInt8], limit: Int = maxEncodableLength,
                            location: StreamLocation) throws(StreamError) {
        let length = out.count - messageStart - 1
        guard length <= min(limit, maxEncodableLength) else {
            let type = out[messageStart]
            out.removeSubrange(messageStart...)
            throw StreamError(.messageTooLarge(type: type, length: length, limit: min(limit, maxEncodableLength)), at: location)
        }
        out.withUnsafeMutableBufferPointer { bytes in
            // Sound: the message's type byte and length word were appended at `messageStart` (they are
            // inside the array, which the length computed above covers).
            storeInt32(Int32(length), at: bytes.baseAddress! + messageStart + 1)
        }
    }
}
