/// Builders and readers of PostgreSQL messages, shared by the engine's and the daemon's tests.

/// Builds backend messages for tests.
public enum Wire {
    public static func message(_ type: Character, _ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [type.asciiValue!]
        out += int32(Int32(payload.count + 4))
        return out + payload
    }
    public static func int32(_ v: Int32) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }
    public static func int16(_ v: Int16) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }

    public static func rowDescription(_ fields: [(String, UInt32)], format: Int16 = 0) -> [UInt8] {
        var p = int16(Int16(fields.count))
        for (i, (name, oid)) in fields.enumerated() {
            p += Array(name.utf8) + [0] + int32(16384) + int16(Int16(i + 1)) + int32(Int32(bitPattern: oid))
            p += int16(-1) + int32(-1) + int16(format)
        }
        return message("T", p)
    }

    public static func dataRow(_ cells: [String?]) -> [UInt8] {
        var p = int16(Int16(cells.count))
        for cell in cells {
            if let cell { p += int32(Int32(cell.utf8.count)) + Array(cell.utf8) } else { p += int32(-1) }
        }
        return message("D", p)
    }

    public static let commandComplete = message("C", Array("SELECT 2".utf8) + [0])
    public static let readyForQuery = message("Z", [UInt8(ascii: "I")])

    /// Decodes DataRow cells from an output stream (nil = NULL), skipping other messages.
    public static func rows(_ bytes: [UInt8]) -> [[String?]] {
        var rows: [[String?]] = []
        var p = 0
        while p + 5 <= bytes.count {
            let length = Int(Int32(bigEndian: bytes[(p + 1)..<(p + 5)].withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }))
            if bytes[p] == UInt8(ascii: "D") {
                var q = p + 5
                let count = Int(Int16(bigEndian: bytes[q..<(q + 2)].withUnsafeBytes { $0.loadUnaligned(as: Int16.self) }))
                q += 2
                var row: [String?] = []
                for _ in 0..<count {
                    let n = Int(Int32(bigEndian: bytes[q..<(q + 4)].withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }))
                    q += 4
                    if n < 0 { row.append(nil) } else { row.append(String(decoding: bytes[q..<(q + n)], as: UTF8.self)); q += n }
                }
                rows.append(row)
            }
            p += 1 + length
        }
        return rows
    }
}

/// Builds frontend messages for tests.
public enum Frontend {
    public static func cString(_ s: String) -> [UInt8] { Array(s.utf8) + [0] }

    public static func startup(_ parameters: [(String, String)]) -> [UInt8] {
        var p = Wire.int32(196_608)
        for (k, v) in parameters { p += cString(k) + cString(v) }
        p += [0]
        return Wire.int32(Int32(p.count + 4)) + p
    }
    public static func query(_ sql: String) -> [UInt8] { Wire.message("Q", cString(sql)) }
    public static func parse(_ name: String, _ sql: String) -> [UInt8] { Wire.message("P", cString(name) + cString(sql) + Wire.int16(0)) }
    public static func bind(portal: String = "", statement: String, resultFormats: [Int16]) -> [UInt8] {
        var p = cString(portal) + cString(statement) + Wire.int16(0) + Wire.int16(0)
        p += Wire.int16(Int16(resultFormats.count))
        for f in resultFormats { p += Wire.int16(f) }
        return Wire.message("B", p)
    }
    public static func describe(statement: String) -> [UInt8] { Wire.message("D", [UInt8(ascii: "S")] + cString(statement)) }
    public static func describe(portal: String) -> [UInt8] { Wire.message("D", [UInt8(ascii: "P")] + cString(portal)) }
    public static func execute(_ portal: String = "") -> [UInt8] { Wire.message("E", cString(portal) + Wire.int32(0)) }
    public static func close(statement: String) -> [UInt8] { Wire.message("C", [UInt8(ascii: "S")] + cString(statement)) }
    public static let sync = Wire.message("S", [])
}

/// Backend messages beyond those `Wire` builds.
public enum Backend {
    public static let parseComplete = Wire.message("1", [])
    public static let bindComplete = Wire.message("2", [])
    public static let closeComplete = Wire.message("3", [])
    public static let noData = Wire.message("n", [])
    public static func parameterDescription(_ count: Int) -> [UInt8] {
        Wire.message("t", Wire.int16(Int16(count)) + Array(repeating: Wire.int32(25), count: count).flatMap { $0 })
    }
    public static func binaryRow(_ cells: [[UInt8]?]) -> [UInt8] {
        var p = Wire.int16(Int16(cells.count))
        for cell in cells {
            if let cell { p += Wire.int32(Int32(cell.count)) + cell } else { p += Wire.int32(-1) }
        }
        return Wire.message("D", p)
    }
    public static func int8(_ v: Int64) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }
    public static func error(_ fields: [(Character, String)]) -> [UInt8] {
        var p: [UInt8] = []
        for (c, v) in fields { p += [c.asciiValue!] + Frontend.cString(v) }
        return Wire.message("E", p + [0])
    }
    public static func parameterStatus(_ name: String, _ value: String) -> [UInt8] {
        Wire.message("S", Frontend.cString(name) + Frontend.cString(value))
    }
    public static func commandComplete(_ tag: String) -> [UInt8] { Wire.message("C", Frontend.cString(tag)) }
}

/// The binary rows of an output stream, each cell as bytes.
public func binaryRows(_ bytes: [UInt8]) -> [[[UInt8]?]] {
    var rows: [[[UInt8]?]] = []
    var p = 0
    func i32(_ q: Int) -> Int { Int(Int32(bitPattern: UInt32(bytes[q]) << 24 | UInt32(bytes[q + 1]) << 16 | UInt32(bytes[q + 2]) << 8 | UInt32(bytes[q + 3]))) }
    while p + 5 <= bytes.count {
        let length = i32(p + 1)
        if bytes[p] == UInt8(ascii: "D") {
            var q = p + 7
            let count = Int(UInt16(bytes[p + 5]) << 8 | UInt16(bytes[p + 6]))
            var row: [[UInt8]?] = []
            for _ in 0..<count {
                let n = i32(q)
                q += 4
                if n < 0 { row.append(nil) } else { row.append(Array(bytes[q..<(q + n)])); q += n }
            }
            rows.append(row)
        }
        p += 1 + length
    }
    return rows
}

public func int8Value(_ bytes: [UInt8]) -> Int64 {
    bytes.reduce(0) { $0 << 8 | Int64($1) }
}

/// A small seedable generator for tests.
public struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
