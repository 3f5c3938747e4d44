/// The Luhn (mod 10) checksum of payment card numbers.
enum Luhn {
    /// Whether `count` digit values (0...9, not ASCII), the last being the check digit, are Luhn-valid.
    @inline(__always)
    static func isValid(digits: UnsafeBufferPointer<UInt8>, count: Int) -> Bool {
        sum(digits, count: count, doubleRightmost: false) % 10 == 0
    }

    /// The check digit that makes `count` payload digits (values 0...9) Luhn-valid.
    static func checkDigit(payload: UnsafeBufferPointer<UInt8>, count: Int) -> UInt8 {
        // Once a check digit is appended, the payload's rightmost digit is the first one doubled.
        UInt8((10 - sum(payload, count: count, doubleRightmost: true) % 10) % 10)
    }

    /// The Luhn sum: every second digit from the right doubled (minus 9 above 9), starting with the
    /// rightmost when `doubleRightmost`.
    @inline(__always)
    static func sum(_ digits: UnsafeBufferPointer<UInt8>, count: Int, doubleRightmost: Bool) -> Int {
        var total = 0
        var double = doubleRightmost
        var i = count - 1
        while i >= 0 {
            var d = Int(digits[i])
            if double { d &*= 2; if d > 9 { d &-= 9 } }
            total &+= d
            double.toggle()
            i -= 1
        }
        return total
    }
}
