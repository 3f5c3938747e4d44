/// numeric binary, as numeric_send writes it: Int16 ndigits, Int16 weight, UInt16 sign (0x0000 +, 0x4000 -,
/// 0xC000 NaN, 0xD000 +Infinity, 0xF000 -Infinity), Int16 dscale, then ndigits Int16 base-10000 digits;
/// value = sum d[i] * 10000^(weight - i); total length 8 + 2*ndigits.
///
/// Why: a `numeric(16,0)` card column or a `numeric` SSN sent in binary is a list of base-10000 groups, so a
/// card number is split across groups the detectors cannot see. The masker prints the value exactly as
/// `numeric_out` would (so detectors see the same text as in a text-format result), masks it, and parses the
/// masked text back into the bytes `numeric_send` would produce, so binary drivers decode a valid numeric.
enum BinaryNumeric {
    static let positive: UInt16 = 0x0000
    static let negative: UInt16 = 0x4000
    static let nan: UInt16 = 0xC000
    static let plusInfinity: UInt16 = 0xD000
    static let minusInfinity: UInt16 = 0xF000
    /// numeric_in/numeric_recv refuse a display scale above NUMERIC_DSCALE_MAX.
    static let maxDscale = 0x3FFF

    /// Appends the text form exactly as PostgreSQL's numeric_out prints it (e.g. "123.45", "-0.001", "1000000",
    /// "0.00" for dscale 2, "NaN", "Infinity", "-Infinity"). Returns false (appending nothing) on a malformed value
    /// (length != 8 + 2*ndigits, a digit outside 0...9999, an unknown sign, negative ndigits/dscale).
    ///
    /// A value that is valid but not canonical is printed as the server would print it after numeric_recv:
    /// leading zero groups are skipped, digits hidden by dscale are truncated, and a value that truncates to
    /// zero loses its minus sign. A dscale above 0x3FFF (NUMERIC_DSCALE_MAX) is refused, as numeric_recv does.
    static func appendDecimal(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        guard bytes.count >= 8 else { return false }
        let ndigits = Int(int16(bytes, 0))
        var weight = Int(int16(bytes, 2))
        let sign = UInt16(bitPattern: int16(bytes, 4))
        let dscale = Int(int16(bytes, 6))
        guard ndigits >= 0, bytes.count == 8 + 2 * ndigits, dscale >= 0, dscale <= maxDscale else { return false }
        for i in 0..<ndigits {
            let d = int16(bytes, 8 + 2 * i)
            guard d >= 0, d <= 9999 else { return false }
        }
        switch sign {
        case nan: out.append(contentsOf: "NaN".utf8); return true
        case plusInfinity: out.append(contentsOf: "Infinity".utf8); return true
        case minusInfinity: out.append(contentsOf: "-Infinity".utf8); return true
        case positive, negative: break
        default: return false
        }
        // Skip leading zero groups, as make_result does on the server.
        var first = 0
        while first < ndigits, int16(bytes, 8 + 2 * first) == 0 {
            first += 1
            weight -= 1
        }
        let count = ndigits - first
        func digit(_ index: Int) -> Int {
            index >= 0 && index < count ? Int(int16(bytes, 8 + 2 * (first + index))) : 0
        }
        if count == 0 { weight = -1 }
        // After skipping zero groups the weight may fall below Int16.min, which the server would refuse as an
        // overflow; but dscale <= 0x3FFF hides every group below weight -4096, so such a value prints as zero
        // exactly like the server's truncation makes it, and needs no separate check.
        let start = out.count
        var nonzero = false
        if weight < 0 {
            out.append(UInt8(ascii: "0"))
        } else {
            for group in 0...weight {
                let value = digit(group)
                if value != 0 { nonzero = true }
                appendGroup(value, digits: 4, suppressLeadingZeros: group == 0, to: &out)
            }
        }
        if dscale > 0 {
            out.append(UInt8(ascii: "."))
            var written = 0
            var group = weight + 1
            while written < dscale {
                let shown = min(4, dscale - written)
                // Only the first `shown` decimal digits of this group are visible.
                var value = digit(group)
                var drop = 4 - shown
                while drop > 0 { value /= 10; drop -= 1 }
                if value != 0 { nonzero = true }
                appendGroup(value, digits: shown, suppressLeadingZeros: false, to: &out)
                written += shown
                group += 1
            }
        }
        if sign == negative && nonzero { out.insert(UInt8(ascii: "-"), at: start) }
        return true
    }

    /// Parses text of the form produced above ('-'? digits ('.' digits)?, or NaN/Infinity/-Infinity) and appends
    /// the binary numeric that numeric_send would produce for that value with dscale = number of fraction digits
    /// written (strip leading/trailing zero base-10000 groups like PostgreSQL does). Returns false (appending nothing)
    /// on other text.
    static func appendBinary(decimal: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        if equals(decimal, "NaN") { appendHeader(0, 0, nan, 0, to: &out); return true }
        // numeric_send reads the display scale of an infinity through the short-header mask, so the sign bits
        // 0x1000 surface as dscale 32; the golden bytes from PostgreSQL 15 confirm it.
        if equals(decimal, "Infinity") { appendHeader(0, 0, plusInfinity, 32, to: &out); return true }
        if equals(decimal, "-Infinity") { appendHeader(0, 0, minusInfinity, 32, to: &out); return true }

        let n = decimal.count
        let isNegative = n > 0 && decimal[0] == UInt8(ascii: "-")
        let intStart = isNegative ? 1 : 0
        var intEnd = intStart
        while intEnd < n, isDigit(decimal[intEnd]) { intEnd += 1 }
        guard intEnd > intStart else { return false }
        var fracStart = intEnd
        var fracEnd = intEnd
        if intEnd < n {
            guard decimal[intEnd] == UInt8(ascii: ".") else { return false }
            fracStart = intEnd + 1
            fracEnd = fracStart
            while fracEnd < n, isDigit(decimal[fracEnd]) { fracEnd += 1 }
            guard fracEnd > fracStart, fracEnd == n else { return false }
        }
        let dscale = fracEnd - fracStart
        guard dscale <= maxDscale else { return false }

        // Decimal exponent p: the digit worth 10^p.
        func digit(_ p: Int) -> Int {
            if p >= 0 {
                let i = intEnd - 1 - p
                return i >= intStart ? Int(decimal[i] &- UInt8(ascii: "0")) : 0
            }
            let j = fracStart - 1 - p
            return j < fracEnd ? Int(decimal[j] &- UInt8(ascii: "0")) : 0
        }
        var highest: Int? = nil
        var i = intStart
        while highest == nil, i < intEnd {
            if decimal[i] != UInt8(ascii: "0") { highest = intEnd - 1 - i }
            i += 1
        }
        i = fracStart
        while highest == nil, i < fracEnd {
            if decimal[i] != UInt8(ascii: "0") { highest = fracStart - 1 - i }
            i += 1
        }
        guard let highest else {
            appendHeader(0, 0, positive, dscale, to: &out)
            return true
        }
        var lowest = highest
        i = fracEnd
        var found = false
        while !found, i > fracStart {
            i -= 1
            if decimal[i] != UInt8(ascii: "0") { lowest = fracStart - 1 - i; found = true }
        }
        i = intEnd
        while !found, i > intStart {
            i -= 1
            if decimal[i] != UInt8(ascii: "0") { lowest = intEnd - 1 - i; found = true }
        }
        let weight = floorDiv4(highest)
        let lastGroup = floorDiv4(lowest)
        let ndigits = weight - lastGroup + 1
        guard weight <= Int(Int16.max), ndigits <= Int(Int16.max) else { return false }
        appendHeader(ndigits, weight, isNegative ? negative : positive, dscale, to: &out)
        var group = weight
        while group >= lastGroup {
            let base = 4 * group
            let value = digit(base + 3) * 1000 + digit(base + 2) * 100 + digit(base + 1) * 10 + digit(base)
            appendInt16(value, to: &out)
            group -= 1
        }
        return true
    }

    // MARK: - Helpers

    private static func int16(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int16 {
        Int16(bitPattern: UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]))
    }

    private static func appendInt16(_ value: Int, to out: inout [UInt8]) {
        let bits = UInt16(truncatingIfNeeded: value)
        out.append(UInt8(truncatingIfNeeded: bits >> 8))
        out.append(UInt8(truncatingIfNeeded: bits))
    }

    private static func appendHeader(_ ndigits: Int, _ weight: Int, _ sign: UInt16, _ dscale: Int,
                                     to out: inout [UInt8]) {
        appendInt16(ndigits, to: &out)
        appendInt16(weight, to: &out)
        appendInt16(Int(sign), to: &out)
        appendInt16(dscale, to: &out)
    }

    /// Appends `value` as `digits` decimal digits (zero-padded), or without its leading zeros (but at least one
    /// digit) for the first integer group, as get_str_from_var does.
    private static func appendGroup(_ value: Int, digits: Int, suppressLeadingZeros: Bool, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<max(digits, 1) { divisor *= 10 }
        var put = !suppressLeadingZeros
        var rest = value
        while divisor > 0 {
            let d = rest / divisor
            rest -= d * divisor
            put = put || d > 0 || divisor == 1
            if put { out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: d)) }
            divisor /= 10
        }
    }

    private static func floorDiv4(_ p: Int) -> Int { p >= 0 ? p / 4 : -((-p + 3) / 4) }

    private static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") <= 9 }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        let p = text.utf8Start
        for i in 0..<bytes.count where bytes[i] != p[i] { return false }
        return true
    }
}
