/// A phone number in E.164 form: `+`, the country code and the subscriber number, at most 15 digits
/// with nothing between them (`+4917612345678`, `+675428585813`).
///
/// Such numbers are 11 to 15 digits, and a card may have 12 to 15: a German mobile number
/// (`+49 1…`, 13 digits) is a 13-digit Visa by its first digit, so one in ten, passing Luhn by chance,
/// was masked as a card; likewise `+67…` as Maestro. Nobody writes a card number after a `+`, so
/// this only removes false findings. A `+` after a letter or digit is not a phone's: in a form-encoded
/// URL it is a space (`card+378282246310005`), and the number after it is still read as a card.
enum PhoneNumberShape {
    static let maxDigits = 15

    /// Whether the digit run `start..<end` (within `lower..<…`) is an E.164 number: at most 15 digits
    /// right after a `+` that starts the text or follows a byte that is no letter or digit.
    @inline(__always)
    static func isE164(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, lower: Int) -> Bool {
        end - start <= maxDigits && start > lower && bytes[start - 1] == UInt8(ascii: "+")
            && (start - 1 == lower || !ASCII.isAlnum(bytes[start - 2]))
    }
}
