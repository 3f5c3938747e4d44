/// The frames of maskd's socket protocol (docs/protocol.md): an 8-byte header — kind, flags, two
/// reserved bytes, a big-endian payload length — then the payload. No I/O here: `maskd serve`, `maskd
/// proxy` and the tests encode and decode with these types.
public enum SidecarProtocol {
    public static let major: UInt16 = 1
    public static let minor: UInt16 = 0
    public static let headerSize = 8
    /// Capability bit: payloads may be LZ4 blocks (flag bit 0).
    public static let capabilityLZ4: UInt32 = 1
    /// Flag bit 0: the payload is a u32 uncompressed length, then one LZ4 block.
    public static let flagLZ4: UInt8 = 1
}

/// A frame's kind byte.
public enum SidecarFrameKind: UInt8, Sendable, CustomStringConvertible {
    // Proxy → maskd.
    case hello = 0x48        // 'H'
    case clientBytes = 0x43  // 'C'
    case serverBytes = 0x53  // 'S'
    case end = 0x58          // 'X'
    // maskd → proxy.
    case welcome = 0x68      // 'h'
    case masked = 0x4D       // 'M'
    case error = 0x45        // 'E'
    case ended = 0x78        // 'x'

    public var description: String { "'\(Character(Unicode.Scalar(rawValue)))'" }
}

/// Error codes of an `E` frame.
public enum SidecarErrorCode: UInt16, Sendable, CaseIterable {
    case unsupportedVersion = 1
    case malformedFrame = 2
    case frameTooLarge = 3
    case unexpectedFrame = 4
    case backendProtocol = 5
    case frontendProtocol = 6
    case unsupportedSession = 7
    case limitExceeded = 8
    case shuttingDown = 9
    case internalError = 10
    case decompressionFailed = 11
    case peerRefused = 12

    /// The name used in logs and metrics.
    public var name: String {
        switch self {
        case .unsupportedVersion: "unsupported_version"
        case .malformedFrame: "malformed_frame"
        case .frameTooLarge: "frame_too_large"
        case .unexpectedFrame: "unexpected_frame"
        case .backendProtocol: "backend_protocol"
        case .frontendProtocol: "frontend_protocol"
        case .unsupportedSession: "unsupported_session"
        case .limitExceeded: "limit_exceeded"
        case .shuttingDown: "shutting_down"
        case .internalError: "internal"
        case .decompressionFailed: "decompression_failed"
        case .peerRefused: "peer_refused"
        }
    }

    public init(_ kind: WireSessionError.Kind) {
        switch kind {
        case .backendProtocol: self = .backendProtocol
        case .frontendProtocol: self = .frontendProtocol
        case .unsupportedSession: self = .unsupportedSession
        case .limitExceeded: self = .limitExceeded
        }
    }
}

/// A protocol violation found while decoding frames; answered with an `E` frame of `code`.
public struct SidecarError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: SidecarErrorCode
    public var message: String

    public init(_ code: SidecarErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.name): \(message)" }
}

/// A decoded frame header.
public struct SidecarFrameHeader: Sendable, Equatable {
    public var kind: SidecarFrameKind
    public var flags: UInt8
    public var length: Int

    /// Decodes the 8 header bytes at `bytes[offset...]`, checking the reserved bits and the limit.
    public static func decode(_ bytes: UnsafeRawBufferPointer, maxPayload: Int) throws(SidecarError) -> SidecarFrameHeader {
        precondition(bytes.count >= SidecarProtocol.headerSize)
        guard let kind = SidecarFrameKind(rawValue: bytes[0]) else {
            throw SidecarError(.malformedFrame, "unknown frame kind 0x\(String(bytes[0], radix: 16))")
        }
        let flags = bytes[1]
        guard flags & ~SidecarProtocol.flagLZ4 == 0, bytes[2] == 0, bytes[3] == 0 else {
            throw SidecarError(.malformedFrame, "reserved header bits are set in a \(kind) frame")
        }
        let length = Int(UInt32(bytes[4]) << 24 | UInt32(bytes[5]) << 16 | UInt32(bytes[6]) << 8 | UInt32(bytes[7]))
        guard length <= maxPayload else {
            throw SidecarError(.frameTooLarge, "\(kind) frame of \(length) bytes exceeds the limit of \(maxPayload)")
        }
        return SidecarFrameHeader(kind: kind, flags: flags, length: length)
    }

    /// Appends a header for a payload of `length` bytes.
    public static func append(_ kind: SidecarFrameKind, flags: UInt8 = 0, length: Int, to out: inout [UInt8]) {
        precondition(length >= 0 && length <= Int(UInt32.max), "a frame payload fits in 32 bits")
        let l = UInt32(length)
        out.append(kind.rawValue)
        out.append(flags)
        out.append(0)
        out.append(0)
        out.append(UInt8(truncatingIfNeeded: l >> 24))
        out.append(UInt8(truncatingIfNeeded: l >> 16))
        out.append(UInt8(truncatingIfNeeded: l >> 8))
        out.append(UInt8(truncatingIfNeeded: l))
    }
}

/// The proxy's `H` frame: version, wanted capabilities, and the session's identity.
public struct SidecarHello: Sendable, Equatable {
    public var major: UInt16
    public var minor: UInt16
    public var capabilities: UInt32
    /// Identity attributes in the order sent; keys may repeat (`group`, `role`).
    public var attributes: [(key: String, value: String)]

    public init(major: UInt16 = SidecarProtocol.major, minor: UInt16 = SidecarProtocol.minor, capabilities: UInt32 = 0,
                attributes: [(key: String, value: String)] = []) {
        self.major = major
        self.minor = minor
        self.capabilities = capabilities
        self.attributes = attributes
    }

    public static func == (a: SidecarHello, b: SidecarHello) -> Bool {
        a.major == b.major && a.minor == b.minor && a.capabilities == b.capabilities
            && a.attributes.map { $0.key } == b.attributes.map { $0.key } && a.attributes.map { $0.value } == b.attributes.map { $0.value }
    }

    /// The first value of `key`, if sent.
    public func value(_ key: String) -> String? { attributes.first { $0.key == key }?.value }
    /// Every value of a repeatable key.
    public func values(_ key: String) -> [String] { attributes.filter { $0.key == key }.map { $0.value } }

    public static func decode(_ payload: UnsafeRawBufferPointer) throws(SidecarError) -> SidecarHello {
        guard payload.count >= 9 else { throw SidecarError(.malformedFrame, "Hello shorter than 9 bytes") }
        let major = UInt16(payload[0]) << 8 | UInt16(payload[1])
        let minor = UInt16(payload[2]) << 8 | UInt16(payload[3])
        let capabilities = UInt32(payload[4]) << 24 | UInt32(payload[5]) << 16 | UInt32(payload[6]) << 8 | UInt32(payload[7])
        var attributes: [(key: String, value: String)] = []
        var p = 8
        func cString() -> String? {
            guard let nul = payload[p...].firstIndex(of: 0) else { return nil }
            defer { p = nul + 1 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: payload[p..<nul]), as: UTF8.self)
        }
        while true {
            guard let key = cString() else { throw SidecarError(.malformedFrame, "Hello attributes are not ended by an empty key") }
            if key.isEmpty { break }
            guard let value = cString() else { throw SidecarError(.malformedFrame, "Hello attribute \(attributes.count) has no value") }
            attributes.append((key, value))
        }
        guard p == payload.count else { throw SidecarError(.malformedFrame, "\(payload.count - p) bytes after the Hello attributes") }
        return SidecarHello(major: major, minor: minor, capabilities: capabilities, attributes: attributes)
    }

    public func encode() -> [UInt8] {
        var payload: [UInt8] = [UInt8(major >> 8), UInt8(major & 0xFF), UInt8(minor >> 8), UInt8(minor & 0xFF),
                                UInt8(capabilities >> 24), UInt8((capabilities >> 16) & 0xFF),
                                UInt8((capabilities >> 8) & 0xFF), UInt8(capabilities & 0xFF)]
        for (key, value) in attributes {
            payload.append(contentsOf: key.utf8.filter { $0 != 0 })
            payload.append(0)
            payload.append(contentsOf: value.utf8.filter { $0 != 0 })
            payload.append(0)
        }
        payload.append(0)
        var out: [UInt8] = []
        SidecarFrameHeader.append(.hello, length: payload.count, to: &out)
        out.append(contentsOf: payload)
        return out
    }
}

/// maskd's `h` frame.
public struct SidecarWelcome: Sendable, Equatable {
    public var major: UInt16
    public var minor: UInt16
    public var capabilities: UInt32
    public var maxFramePayload: UInt32
    public var maxInFlightBytes: UInt32
    public var sessionID: String

    public init(major: UInt16, minor: UInt16, capabilities: UInt32, maxFramePayload: UInt32, maxInFlightBytes: UInt32,
                sessionID: String) {
        self.major = major
        self.minor = minor
        self.capabilities = capabilities
        self.maxFramePayload = maxFramePayload
        self.maxInFlightBytes = maxInFlightBytes
        self.sessionID = sessionID
    }

    public func encode() -> [UInt8] {
        var payload: [UInt8] = []
        func u16(_ v: UInt16) { payload.append(UInt8(v >> 8)); payload.append(UInt8(v & 0xFF)) }
        func u32(_ v: UInt32) { for s in stride(from: 24, through: 0, by: -8) { payload.append(UInt8((v >> UInt32(s)) & 0xFF)) } }
        u16(major); u16(minor); u32(capabilities); u32(maxFramePayload); u32(maxInFlightBytes)
        payload.append(contentsOf: sessionID.utf8.filter { $0 != 0 })
        payload.append(0)
        var out: [UInt8] = []
        SidecarFrameHeader.append(.welcome, length: payload.count, to: &out)
        out.append(contentsOf: payload)
        return out
    }

    public static func decode(_ payload: UnsafeRawBufferPointer) throws(SidecarError) -> SidecarWelcome {
        guard payload.count >= 17, payload.last == 0 else { throw SidecarError(.malformedFrame, "Welcome shorter than 17 bytes or not NUL-terminated") }
        func u16(_ p: Int) -> UInt16 { UInt16(payload[p]) << 8 | UInt16(payload[p + 1]) }
        func u32(_ p: Int) -> UInt32 { UInt32(u16(p)) << 16 | UInt32(u16(p + 2)) }
        let id = String(decoding: UnsafeRawBufferPointer(rebasing: payload[16..<(payload.count - 1)]), as: UTF8.self)
        return SidecarWelcome(major: u16(0), minor: u16(2), capabilities: u32(4), maxFramePayload: u32(8), maxInFlightBytes: u32(12),
                              sessionID: id)
    }
}

/// Encoders of the remaining frames.
public enum SidecarFrames {
    /// An `E` frame. The message must name positions and kinds only, never a value.
    public static func error(_ code: SidecarErrorCode, _ message: String) -> [UInt8] {
        var payload: [UInt8] = [UInt8(code.rawValue >> 8), UInt8(code.rawValue & 0xFF)]
        payload.append(contentsOf: message.utf8.filter { $0 != 0 })
        payload.append(0)
        var out: [UInt8] = []
        SidecarFrameHeader.append(.error, length: payload.count, to: &out)
        out.append(contentsOf: payload)
        return out
    }

    public static func decodeError(_ payload: UnsafeRawBufferPointer) -> SidecarError? {
        guard payload.count >= 3, payload.last == 0 else { return nil }
        let raw = UInt16(payload[0]) << 8 | UInt16(payload[1])
        let message = String(decoding: UnsafeRawBufferPointer(rebasing: payload[2..<(payload.count - 1)]), as: UTF8.self)
        return SidecarError(SidecarErrorCode(rawValue: raw) ?? .internalError, message)
    }

    /// An `x` frame: rows and findings of the session.
    public static func ended(rows: UInt64, findings: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        SidecarFrameHeader.append(.ended, length: 16, to: &out)
        for v in [rows, findings] { for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8((v >> UInt64(s)) & 0xFF)) } }
        return out
    }

    /// A frame whose payload is `bytes` as they are (C, S, M).
    public static func data(_ kind: SidecarFrameKind, _ bytes: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(SidecarProtocol.headerSize + bytes.count)
        SidecarFrameHeader.append(kind, length: bytes.count, to: &out)
        out.append(contentsOf: bytes)
        return out
    }
}
