/// Splices canaries into the text formats, each encoded as the format writes a value.
enum TextCanarySplicer {
    /// CSV: a marker between delimiters, line ends or quotes. A canary with a line break (the PEM key)
    /// only where both neighbours are quotes, so that the break stays inside a quoted field; elsewhere
    /// the email stands in for it.
    static func csv(_ bytes: [UInt8], delimiter: UInt8) -> [UInt8] {
        CanaryMarker.splice(bytes[...], isBoundary: { $0 == delimiter || $0 == 10 || $0 == 13 || $0 == 34 }) { selector, before, after in
            let canary = Canary.pick(selector)
            if canary.text.contains(10) && !(before == 34 && after == 34) { return Canary.all[0].text }
            return canary.text
        }
    }

    /// COPY text rows: a marker between tabs or line ends, in a field `fieldScanned` allows (by its
    /// position in the row), the canary escaped as COPY writes it. After a backslash in a row, a tab may
    /// be data rather than a boundary: the rest of that row gets no canary.
    static func copyRows(_ bytes: ArraySlice<UInt8>, endIsBoundary: Bool = true, fieldScanned: (Int) -> Bool = { _ in true }) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 256)
        var field = 0
        var escaped = false
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            switch b {
            case 10: field = 0; escaped = false
            case 9: field += 1
            case 92: escaped = true
            default: break
            }
            if b == CanaryMarker.lead, i + 1 < bytes.endIndex, !escaped,
               i == bytes.startIndex || bytes[i - 1] == 9 || bytes[i - 1] == 10,
               i + 2 == bytes.endIndex ? endIsBoundary : bytes[i + 2] == 9 || bytes[i + 2] == 10, fieldScanned(field) {
                out.append(contentsOf: copyEscaped(Canary.pick(bytes[i + 1]).text))
                i += 2
                continue
            }
            out.append(b)
            i += 1
        }
        return out
    }

    /// A dump's script text: a marker between spaces, quotes, parentheses, commas or line ends. The
    /// engine does not look for cards and SSNs there, so the email stands in for those.
    static func scriptText(_ bytes: ArraySlice<UInt8>, endIsBoundary: Bool = true) -> [UInt8] {
        let boundaries: Set<UInt8> = [9, 10, 13, 32, 39, 34, 40, 41, 44, 59]
        return CanaryMarker.splice(bytes, endIsBoundary: endIsBoundary, isBoundary: { boundaries.contains($0) }) { selector, _, _ in
            Canary.pick(selector, digitsScanned: false).text
        }
    }

    /// A value as COPY's text format writes it: backslash, tab, line feed and carriage return escaped.
    static func copyEscaped(_ value: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for b in value {
            switch b {
            case 92: out += [92, 92]
            case 9: out += [92, UInt8(ascii: "t")]
            case 10: out += [92, UInt8(ascii: "n")]
            case 13: out += [92, UInt8(ascii: "r")]
            default: out.append(b)
            }
        }
        return out
    }
}
