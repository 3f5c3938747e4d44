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

    static func appendInt32(_ v: Int32, to out: inout [UInt8]) {
        let u = UInt32(bitPattern: v)
        out.append(UInt8(truncatingIfNeeded: u >> 24))
        out.append(UInt8(truncatingIfNeeded: u >> 16))
        out.append(UInt8(truncatingIfNeeded: u >> 8))
        out.append(UInt8(truncatingIfNeeded: u))
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
        let bits = UInt32(length)
        out[messageStart + 1] = UInt8(truncatingIfNeeded: bits >> 24)
        out[messageStart + 2] = UInt8(truncatingIfNeeded: bits >> 16)
        out[messageStart + 3] = UInt8(truncatingIfNeeded: bits >> 8)
        out[messageStart + 4] = UInt8(truncatingIfNeeded: bits)
    }
}
