/// The Luhn (mod 10) checksum of payment card numbers.
enum Luhn {
    /// The Luhn sum of the digits (ASCII) of `bytes` at `positions`, where the last digit is the check
    /// digit; a number is valid when the result is divisible by 10.
    @inline(__always)
    static func isValid(digits: UnsafeBufferPointer<UInt8>, count: Int) -> Bool {
        checksum(digits: digits, count: count) % 10 == 0
    }

    /// The Luhn sum of `count` digit values (0...9, not ASCII), the last being the check digit.
    @inline(__always)
    static func checksum(digits: UnsafeBufferPointer<UInt8>, count: Int) -> Int {
        var sum = 0
        var double = false
        var i = count - 1
        while i >= 0 {
            var d = Int(digits[i])
            if double { d &*= 2; if d > 9 { d &-= 9 } }
            sum &+= d
            double.toggle()
            i -= 1
        }
        return sum
    }

    /// The check digit that makes `count` payload digits (values 0...9) Luhn-valid.
    static func checkDigit(payload: UnsafeBufferPointer<UInt8>, count: Int) -> UInt8 {
        // The payload's rightmost digit is doubled once a check digit is appended.
        var sum = 0
        var double = true
        var i = count - 1
        while i >= 0 {
            var d = Int(payload[i])
            if double { d &*= 2; if d > 9 { d &-= 9 } }
            sum &+= d
            double.toggle()
            i -= 1
        }
        return UInt8((10 - sum % 10) % 10)
    }
}
