import Glibc

/// Keys that vendors print in their documentation (`AKIAIOSFODNN7EXAMPLE`, Stripe's `sk_test_4eC39…`).
/// They are reported as `documented_example` and kept by default (`MaskPolicy.maskDocumentedExamples`
/// masks them too): masking them hides nothing and breaks documentation and test fixtures.
///
/// A catalogue token is an example when it contains `EXAMPLE` (AWS's convention, followed by others) or
/// is one of the listed keys; an assignment's value only when it is a listed key.
enum DocumentedExamples {
    static let keys: [StaticString] = [
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AKIAI44QH8DHBEXAMPLE",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
        "sk_test_26PHem9AhJZvU623DfE1x4sd",
        "rk_test_26PHem9AhJZvU623DfE1x4sd",
        "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe",
    ]

    /// Whether the token `bytes[start..<end]` (a catalogue match, whose shape is a vendor's) is an
    /// example: listed, or holding `EXAMPLE`.
    static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard let base = bytes.baseAddress, start >= 0, end <= bytes.count else { return false }
        // Each `E` where `EXAMPLE` fits found by memchr (a vector scan): a byte loop over every catalogue
        // match was a twentieth of the time on a table of API keys.
        var i = start
        while i + 7 <= end {
            // Sound: `i ..< end - 6` lies inside `bytes` (checked above).
            guard let hit = memchr(base + i, Int32(UInt8(ascii: "E")), end - 6 - i) else { break }
            let at = i + (UnsafeRawPointer(hit) - UnsafeRawPointer(base + i))
            if SecretDetector.has(bytes, at, "EXAMPLE", upper: end) { return true }
            i = at + 1
        }
        return isListed(bytes, start, end)
    }

    /// Whether `bytes[start..<end]` is one of the listed keys exactly. Assignment values use this
    /// alone: a password that merely contains `EXAMPLE` (`password=EXAMPLEs3cret`) is a password.
    static func isListed(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        for key in keys where key.utf8CodeUnitCount == end - start {
            if SecretDetector.has(bytes, start, key, upper: end) { return true }
        }
        return false
    }
}
