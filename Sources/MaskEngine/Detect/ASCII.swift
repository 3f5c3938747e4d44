/// Byte classes of ASCII used by the validators. A table lookup per byte keeps each test one load,
/// with no branches that depend on the data.
enum ASCII {
    static let digitFlag: UInt8 = 1
    static let lowerFlag: UInt8 = 2
    static let upperFlag: UInt8 = 4
    static let emailLocalFlag: UInt8 = 8
    static let base64URLFlag: UInt8 = 16
    static let identifierFlag: UInt8 = 32
    static let base64Flag: UInt8 = 64

    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { t[Int(b)] |= digitFlag }
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { t[Int(b)] |= lowerFlag }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { t[Int(b)] |= upperFlag }
        for i in 0..<256 where t[i] & (digitFlag | lowerFlag | upperFlag) != 0 {
            t[i] |= emailLocalFlag | base64URLFlag | identifierFlag | base64Flag
        }
        for c in "._%+-" { t[Int(c.asciiValue!)] |= emailLocalFlag }
        for c in "_-" { t[Int(c.asciiValue!)] |= base64URLFlag }
        for c in "_-." { t[Int(c.asciiValue!)] |= identifierFlag }
        for c in "+/" { t[Int(c.asciiValue!)] |= base64Flag }
        return t
    }()

    @inline(__always) static func flags(_ b: UInt8) -> UInt8 {
        table.withUnsafeBufferPointer { $0[Int(b)] }
    }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- 97 < 26 }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isAlpha(b) }
    @inline(__always) static func isUpperOrDigit(_ b: UInt8) -> Bool { b &- 65 < 26 || b &- 48 < 10 }
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b &- 65 < 26 ? b | 0x20 : b }
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 }
    @inline(__always) static func isBase64URL(_ b: UInt8) -> Bool { flags(b) & base64URLFlag != 0 }
}
