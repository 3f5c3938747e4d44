/// The hex text form of bytea: `\x` then two hex digits per byte.
enum ByteaHex {
    static func looksLikeHex(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x"), text.count % 2 == 0 else { return false }
        return text[2...].allSatisfy { hexValue($0) != nil }
    }

    static func decode(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        guard looksLikeHex(text) else { return false }
        var i = 2
        while i < text.count {
            out.append(hexValue(text[i])! << 4 | hexValue(text[i + 1])!)
            i += 2
        }
        return true
    }

    /// Decodes `text` (which `looksLikeHex`) to `p`, with room for `(text.count - 2) / 2` bytes; returns
    /// how many it wrote. (Not an overload of `decode(_:to:)`: `&array` would convert to this pointer.)
    static func decodeInPlace(_ text: UnsafeBufferPointer<UInt8>, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var (i, k) = (2, 0)
        // Sound: the caller checked the text's form: an even count of hex digits after `\x`, so k stays
        // below (text.count - 2) / 2 and every digit decodes.
        while i + 1 < text.count {
            p[k] = hexValue(text[i])! << 4 | hexValue(text[i + 1])!
            (i, k) = (i + 2, k + 1)
        }
        return k
    }

    static func encode(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "x"))
        for b in bytes {
            out.append(hexDigit(b >> 4))
            out.append(hexDigit(b & 15))
        }
    }

    /// The lower-case hex digit of `v` (below 16).
    @inline(__always)
    static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x61 + v - 10 }

    /// The value of the hex digit `c` (either case), or nil.
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }

    /// Rewrites a bytea value in hex (`\x…`) whose findings are offsets into the bytes it encodes, as the
    /// wire path rewrites a bytea cell: printable bytes as text, other bytes keeping their length; the
    /// masked bytes are written back as hex to `out`. Used where bytea arrives as hex text: a dump's COPY
    /// rows and PostgreSQL's CSV exports.
    static func rewrite(_ hex: UnsafeBufferPointer<UInt8>, spans: UnsafeBufferPointer<Finding>, rewriter: CellRewriter,
                        actions: ActionTable, into out: inout [UInt8]) -> CellOutcome {
        var bytes: [UInt8] = []
        _ = ByteaHex.decode(hex, to: &bytes)
        var masked: [UInt8] = []
        let outcome = bytes.withUnsafeBufferPointer {
            rewriter.rewrite($0, spans: spans, as: .cell, binaryLayout: !PrintableText.isPrintableUTF8($0), actions: actions,
                             into: &masked)
        }
        if outcome == .rewritten { masked.withUnsafeBufferPointer { ByteaHex.encode($0, to: &out) } }
        return outcome
    }
}
