/// One field of a RowDescription ('T') message.
public struct FieldDescription: Sendable, Equatable {
    public var name: String
    public var tableOID: UInt32
    public var columnAttribute: Int16
    public var typeOID: UInt32
    public var typeSize: Int16
    public var typeModifier: Int32
    /// 0 = text, 1 = binary.
    public var formatCode: Int16
    /// What the query's text says the column's value was read from when it renamed it (`SELECT password
    /// AS p`: a credential column's context; `SelectListAliases`), nil otherwise.
    public var aliasSource: ColumnContext? = nil
}

/// A decoded RowDescription, shared read-only by every DataRow that follows it (`ResultColumns` derives
/// each column's scan context from it).
public final class RowDescription: Sendable {
    public let fields: [FieldDescription]

    public init(fields: [FieldDescription]) {
        self.fields = fields
    }

    /// Decodes a RowDescription payload (the bytes after the 5-byte header). `offset` is the payload's
    /// offset in the stream, for errors.
    public static func decode(_ payload: UnsafeBufferPointer<UInt8>, at location: StreamLocation) throws(StreamError) -> RowDescription {
        var reader = PayloadReader(payload)
        func fail(_ why: String) -> StreamError {
            var l = location
            l.byteOffset += reader.position
            return StreamError(.malformedRowDescription(why), at: l)
        }
        guard let count = reader.int16(), count >= 0 else { throw fail("missing or negative field count") }
        var fields: [FieldDescription] = []
        fields.reserveCapacity(Int(count))
        for _ in 0..<Int(count) {
            guard let name = reader.cString() else { throw fail("field name is not NUL-terminated") }
            guard let table = reader.int32(), let attribute = reader.int16(), let type = reader.int32(),
                  let size = reader.int16(), let modifier = reader.int32(), let format = reader.int16()
            else { throw fail("field description runs past the end of the message") }
            guard format == 0 || format == 1 else { throw fail("format code \(format) is neither 0 nor 1") }
            fields.append(FieldDescription(name: name, tableOID: UInt32(bitPattern: table), columnAttribute: attribute,
                                           typeOID: UInt32(bitPattern: type), typeSize: size, typeModifier: modifier,
                                           formatCode: format))
        }
        guard reader.atEnd else { throw fail("\(reader.remaining) bytes after the last field") }
        return RowDescription(fields: fields)
    }
}

/// Big-endian reads over a payload, each returning nil rather than reading past the end.
struct PayloadReader {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }
    var remaining: Int { bytes.count - position }

    mutating func int16() -> Int16? {
        guard remaining >= 2 else { return nil }
        defer { position += 2 }
        return Int16(bitPattern: UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1]))
    }

    mutating func int32() -> Int32? {
        guard remaining >= 4 else { return nil }
        defer { position += 4 }
        return Int32(bitPattern: UInt32(bytes[position]) << 24 | UInt32(bytes[position + 1]) << 16
            | UInt32(bytes[position + 2]) << 8 | UInt32(bytes[position + 3]))
    }

    mutating func byte() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    /// Moves past `count` bytes; false (without moving) when fewer remain.
    mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, remaining >= count else { return false }
        position += count
        return true
    }

    /// The bytes up to the next zero (which is passed), without copying them.
    mutating func cStringBytes() -> UnsafeBufferPointer<UInt8>? {
        guard let nul = bytes[position...].firstIndex(of: 0) else { return nil }
        defer { position = nul + 1 }
        return UnsafeBufferPointer(rebasing: bytes[position..<nul])
    }

    mutating func cString() -> String? {
        guard let nul = bytes[position...].firstIndex(of: 0) else { return nil }
        defer { position = nul + 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<nul]), as: UTF8.self)
    }
}
