/// int2/int4/int8 cells in PostgreSQL's binary format: big-endian two's complement of width 2, 4 or 8.
///
/// Why: a client that asks for binary results (pgx, asyncpg, postgres-nio, JDBC with binary transfer) receives
/// an `ssn bigint` or `card int8` column as eight raw bytes, which no text detector can see. The masker turns
/// the cell into the decimal text `int8out` would print, scans that text for SSNs and card numbers, and turns the
/// masked text back into bytes of the original width, so the driver still gets a value of the type it expects.
/// Both directions append into the caller's buffer and allocate nothing of their own.
enum BinaryInteger {
    /// Appends the decimal text of the integer (as int8out prints: optional '-', no leading zeros) to `out`.
    /// Returns false (appending nothing) when bytes.count is not 2, 4 or 8.
    static func appendDecimal(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        let width = bytes.count
        guard width == 2 || width == 4 || width == 8 else { return false }
        var raw: UInt64 = 0
        for byte in bytes { raw = raw << 8 | UInt64(byte) }
        // Sign-extend from the cell's width so that 0xFFFF reads as -1 rather than 65535.
        let shift = UInt64(64 - 8 * width)
        let value = Int64(bitPattern: raw << shift) >> shift
        // The magnitude as UInt64 so that Int64.min needs no special case.
        let magnitude = value.magnitude
        var digitCount = 1
        var rest = magnitude / 10
        while rest > 0 { digitCount += 1; rest /= 10 }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        let first = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digitCount))
        var index = first + digitCount - 1
        rest = magnitude
        while rest > 0 {
            out[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            index -= 1
        }
        return true
    }

    /// Parses ASCII decimal text (optional leading '-', then 1+ digits, nothing else) and appends its big-endian
    /// encoding of `width` bytes (2, 4 or 8). Returns false (appending nothing) if the text is not such a number
    /// or does not fit the width.
    static func appendBinary(decimal: UnsafeBufferPointer<UInt8>, width: Int, to out: inout [UInt8]) -> Bool {
        guard width == 2 || width == 4 || width == 8 else { return false }
        var index = 0
        let negative = !decimal.isEmpty && decimal[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < decimal.count else { return false }
        // Accumulate the magnitude; the most negative value's magnitude is one more than the maximum.
        let maxPositive = UInt64(1) << UInt64(8 * width - 1) - 1
        let limit = negative ? maxPositive + 1 : maxPositive
        var magnitude: UInt64 = 0
        while index < decimal.count {
            let digit = decimal[index] &- UInt8(ascii: "0")
            guard digit <= 9 else { return false }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            guard !o1, !o2, sum <= limit else { return false }
            magnitude = sum
            index += 1
        }
        let bits = negative ? 0 &- magnitude : magnitude
        var shift = 8 * width
        while shift > 0 {
            shift -= 8
            out.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
        }
        return true
    }
}
