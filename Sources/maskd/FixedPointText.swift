/// printf's `%.Nf` for the figures maskd prints on stderr (N of 0 to 3), without Foundation's
/// `String(format:)`: its locale lookup and variadic-argument machinery cost ~3 M instructions, a tenth
/// of a `maskd pipe` run on an empty input (Benchmarks/RESULTS.md). The value is scaled and rounded half
/// to even in doubles, so a figure may differ from printf's in its last place where the scaling itself
/// rounds (0.15 shows as 0.2, where printf reads the double's exact 0.1499... as 0.1): these are
/// human-readable rates and durations, not data.
enum FixedPointText {
    static func text(_ x: Double, places: Int) -> String {
        precondition((0...3).contains(places), "0 to 3 decimal places")
        guard x.isFinite else { return x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf") }
        let scale = [1.0, 10.0, 100.0, 1000.0][places]
        let scaled = (x.magnitude * scale).rounded(.toNearestOrEven)
        // Past 2^53 a double has no fractional digits left to show; such figures do not occur here.
        guard scaled < 9_007_199_254_740_992 else { return String(x) }
        var digits = String(UInt64(scaled))
        if places > 0 {
            if digits.count <= places { digits = String(repeating: "0", count: places + 1 - digits.count) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -places))
        }
        return x.sign == .minus ? "-" + digits : digits
    }
}
