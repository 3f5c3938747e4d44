import MaskEngine

/// Nanoseconds per token through MaskEngine's public `Tokenizer`, per type: on distinct generated
/// values with the tokenizer's cache off (the cost of the ciphers and encodings themselves), and on a
/// repeated working set of 1,000 of them with the cache a session has (a value seen again, as in a
/// table that repeats a customer's email in every order), apart from detection; and on the distinct
/// values as a column (`Tokenizer.appendTokens`, cache off): the amortised cost, where cards, SSNs and
/// secrets run their FF1 rounds several values side by side, and emails their MACs two at a time, as the
/// engine's column batches do.
enum TokenTiming {
    struct Result: Codable {
        var type: String
        var tokens: Int
        /// Median over runs of the mean nanoseconds per token, every value distinct, no cache.
        var nsPerToken: SampleStats
        /// The same, when each value was tokenized before by the same tokenizer (cache hits).
        var repeatedNsPerToken: SampleStats?
        /// The distinct values tokenized as one column (`appendTokens`), no cache.
        var columnNsPerToken: SampleStats?
        var example: String
    }

    /// How many distinct values the repeated figure cycles through: well inside the session cache.
    static let repeatedWorkingSet = 1_000

    static func measure(valuesPerType: Int, runs: Int, warmup: Int) -> [Result] {
        let tokenizer = Tokenizer(key: BenchKey.tokenKey(), cachedTokens: 0)
        let columnTokenizer = Tokenizer(key: BenchKey.tokenKey(), cachedTokens: 0)
        let cached = Tokenizer(key: BenchKey.tokenKey())
        let kinds: [(String, EntityType, (Int) -> String)] = [
            ("email", .email, { "user.\($0)@mail.example.com" }),
            ("credit_card", .creditCard, { cardNumber($0) }),
            ("us_ssn", .usSSN, { ssn($0) }),
            ("secret (40 chars)", .secret, { secret($0) }),
        ]
        return kinds.map { name, type, make in
            // The values are laid out in one buffer first, so the loop times tokens, not string building.
            var values: [UInt8] = []
            var ranges: [Range<Int>] = []
            for i in 0..<valuesPerType {
                let start = values.count
                values.append(contentsOf: make(i).utf8)
                ranges.append(start..<values.count)
            }
            var out: [UInt8] = []
            out.reserveCapacity(values.count * 2 + 64)
            var perToken: [Double] = []
            values.withUnsafeBufferPointer { all in
                for run in 0..<(warmup + runs) {
                    out.removeAll(keepingCapacity: true)
                    let t0 = ResourceUsage.now()
                    for r in ranges { tokenizer.appendToken(type, UnsafeBufferPointer(rebasing: all[r]), to: &out) }
                    let seconds = ResourceUsage.now() - t0
                    if run >= warmup { perToken.append(seconds / Double(ranges.count) * 1e9) }
                }
            }
            // The same distinct values as one column.
            var column: [Double] = []
            var ends: [Int] = []
            ends.reserveCapacity(ranges.count)
            values.withUnsafeBufferPointer { all in
                for run in 0..<(warmup + runs) {
                    out.removeAll(keepingCapacity: true)
                    ends.removeAll(keepingCapacity: true)
                    let t0 = ResourceUsage.now()
                    columnTokenizer.appendTokens(type, of: ranges, in: all, to: &out, ends: &ends)
                    let seconds = ResourceUsage.now() - t0
                    if run >= warmup { column.append(seconds / Double(ranges.count) * 1e9) }
                }
            }
            // Cache hits: the first `repeatedWorkingSet` values, tokenized once, then timed as often as
            // there were distinct values.
            var repeated: [Double] = []
            let working = Array(ranges.prefix(repeatedWorkingSet))
            values.withUnsafeBufferPointer { all in
                for r in working { cached.appendToken(type, UnsafeBufferPointer(rebasing: all[r]), to: &out) }
                for run in 0..<(warmup + runs) {
                    out.removeAll(keepingCapacity: true)
                    let t0 = ResourceUsage.now()
                    var done = 0
                    while done < ranges.count {
                        for r in working { cached.appendToken(type, UnsafeBufferPointer(rebasing: all[r]), to: &out) }
                        done += working.count
                        out.removeAll(keepingCapacity: true)
                    }
                    let seconds = ResourceUsage.now() - t0
                    if run >= warmup { repeated.append(seconds / Double(done) * 1e9) }
                }
            }
            var sample: [UInt8] = []
            values.withUnsafeBufferPointer { tokenizer.appendToken(type, UnsafeBufferPointer(rebasing: $0[ranges[0]]), to: &sample) }
            return Result(type: name, tokens: valuesPerType, nsPerToken: SampleStats(perToken),
                          repeatedNsPerToken: repeated.isEmpty ? nil : SampleStats(repeated),
                          columnNsPerToken: column.isEmpty ? nil : SampleStats(column),
                          example: "\(make(0)) → \(String(decoding: sample, as: UTF8.self))")
        }
    }

    /// A Luhn-valid 16-digit Visa-range number, distinct per i.
    static func cardNumber(_ i: Int) -> String {
        var digits = Array("4" + String(100_000_000_000_000 + i * 7919 % 899_999_999_999_999).prefix(14))
        var sum = 0
        for (k, c) in digits.reversed().enumerated() {
            var d = Int(c.asciiValue! - 48)
            if k % 2 == 0 { d *= 2; if d > 9 { d -= 9 } }
            sum += d
        }
        digits.append(Character(String((10 - sum % 10) % 10)))
        return String(digits)
    }

    /// An SSN in issued ranges (area 100–665, group 10–98, serial 1000–9998), distinct per i below 10^6.
    static func ssn(_ i: Int) -> String {
        "\(100 + i % 566)-\(10 + (i / 566) % 89)-\(1000 + (i / 50_374) % 8999)"
    }

    /// A 40-character key-like secret, distinct per i.
    static func secret(_ i: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var state = UInt64(i) &* 0x9E37_79B9_7F4A_7C15 | 1
        return String((0..<40).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return alphabet[Int(state % UInt64(alphabet.count))]
        })
    }
}
