/// One field of the record or row being masked: its raw bytes (with quotes or escapes), its value, its
/// findings. `needsDecoding` marks a value that must be decoded before it is scanned (CSV doubled
/// quotes, COPY backslash escapes); `quoted` is CSV's.
struct FieldSpan {
    var rawStart: Int
    var rawEnd: Int
    var valueStart: Int
    var valueEnd: Int
    var quoted: Bool
    var needsDecoding: Bool
    var findingsEnd: Int

    init(rawStart: Int, rawEnd: Int, valueStart: Int, valueEnd: Int, quoted: Bool, needsDecoding: Bool, findingsEnd: Int) {
        self.rawStart = rawStart
        self.rawEnd = rawEnd
        self.valueStart = valueStart
        self.valueEnd = valueEnd
        self.quoted = quoted
        self.needsDecoding = needsDecoding
        self.findingsEnd = findingsEnd
    }

    /// The empty last field of a record that ends in a comma at the end of input.
    init(empty at: Int, findingsEnd: Int) {
        self.init(rawStart: at, rawEnd: at, valueStart: at, valueEnd: at, quoted: false, needsDecoding: false,
                  findingsEnd: findingsEnd)
    }
}
