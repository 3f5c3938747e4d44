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
    /// rightmost when `doubleRightmost`. Two digits a step, one doubled and one not: no flag to toggle
    /// and test per digit (it ran on every card-shaped number stage 1 lets through).
    @inline(__always)
    static func sum(_ digits: UnsafeBufferPointer<UInt8>, count: Int, doubleRightmost: Bool) -> Int {
        var total = 0
        var i = count - 1
        if doubleRightmost {
            while i >= 1 {
                total &+= doubled(digits[i]) &+ Int(digits[i - 1])
                i -= 2
            }
            if i == 0 { total &+= doubled(digits[0]) }
        } else {
            while i >= 1 {
                total &+= Int(digits[i]) &+ doubled(digits[i - 1])
                i -= 2
            }
            if i == 0 { total &+= Int(digits[0]) }
        }
        return total
    }

    /// A digit doubled, minus 9 when that passes 9 (the sum of the product's digits).
    @inline(__always)
    static func doubled(_ digit: UInt8) -> Int {
        let twice = Int(digit) &* 2
        return twice > 9 ? twice &- 9 : twice
    }
}
