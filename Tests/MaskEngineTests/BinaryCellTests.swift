import WireTestSupport
import XCTest
@testable import MaskEngine


private func hex(_ s: String) -> [UInt8] {
    let chars = Array(s.utf8)
    precondition(chars.count % 2 == 0)
    func nibble(_ c: UInt8) -> UInt8 { c <= UInt8(ascii: "9") ? c - UInt8(ascii: "0") : (c | 0x20) - UInt8(ascii: "a") + 10 }
    return stride(from: 0, to: chars.count, by: 2).map { nibble(chars[$0]) << 4 | nibble(chars[$0 + 1]) }
}

private func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
    return String(decoding: out, as: UTF8.self)
}

// Small wrappers: each decoder/encoder must append nothing when it fails, which they all check.
private let sentinel: [UInt8] = [0xAA, 0xBB]

private func numericText(_ bytes: [UInt8]) -> String? {
    var out = sentinel
    let ok = bytes.withUnsafeBufferPointer { BinaryNumeric.appendDecimal($0, to: &out) }
    guard ok else { XCTAssertEqual(out, sentinel, "appended on failure"); return nil }
    XCTAssertEqual(Array(out.prefix(2)), sentinel)
    return String(decoding: out.dropFirst(2), as: UTF8.self)
}

private func numericBytes(_ text: String) -> [UInt8]? {
    var out = sentinel
    let ok = Array(text.utf8).withUnsafeBufferPointer { BinaryNumeric.appendBinary(decimal: $0, to: &out) }
    guard ok else { XCTAssertEqual(out, sentinel, "appended on failure"); return nil }
    XCTAssertEqual(Array(out.prefix(2)), sentinel)
    return Array(out.dropFirst(2))
}

private func integerText(_ bytes: [UInt8]) -> String? {
    var out = sentinel
    let ok = bytes.withUnsafeBufferPointer { BinaryInteger.appendDecimal($0, to: &out) }
    guard ok else { XCTAssertEqual(out, sentinel, "appended on failure"); return nil }
    return String(decoding: out.dropFirst(2), as: UTF8.self)
}

private func integerBytes(_ text: String, width: Int) -> [UInt8]? {
    var out = sentinel
    let ok = Array(text.utf8).withUnsafeBufferPointer { BinaryInteger.appendBinary(decimal: $0, width: width, to: &out) }
    guard ok else { XCTAssertEqual(out, sentinel, "appended on failure"); return nil }
    return Array(out.dropFirst(2))
}

private func parseArray(_ bytes: [UInt8]) -> BinaryArray? {
    bytes.withUnsafeBufferPointer { BinaryArray.parse($0) }
}

private func reencode(_ bytes: [UInt8], _ array: BinaryArray, element: (Int) -> [UInt8]?) -> [UInt8] {
    var out: [UInt8] = sentinel
    bytes.withUnsafeBufferPointer { array.appendEncoded(header: $0, to: &out, element: element) }
    XCTAssertEqual(Array(out.prefix(2)), sentinel)
    return Array(out.dropFirst(2))
}

final class BinaryCellTests: XCTestCase {
    // MARK: Golden values

    /// (numeric_out text, numeric_send bytes), captured from a PostgreSQL 15.18 server with
    /// `select numeric_send('<text>'::numeric), '<text>'::numeric::text`.
    static let numericGoldens: [(String, String)] = [
        ("0", "0000000000000000"),
        ("0.00", "0000000000000002"),
        ("-0.001", "0001ffff40000003000a"),
        ("1000000", "00010001000000000064"),
        ("536904399", "000300020000000000050e6a112f"),
        ("4111111111111111", "0004000300000000100f045704570457"),
        ("10000", "00010001000000000001"),
        ("9999.9999", "0002000000000004270f270f"),
        ("-9999.9999", "0002000040000004270f270f"),
        ("NaN", "00000000c0000000"),
        // The infinities carry dscale 32: numeric_send reads their header through the short-format dscale mask.
        ("Infinity", "00000000d0000020"),
        ("-Infinity", "00000000f0000020"),
        ("0.00000000000000000001", "0001fffb000000140001"),  // 1e-20
        ("1000000000000000000000000000000", "00010007000000000064"),  // 1e30
        ("123456789012345678901234567890.123", "0009000700000003000c0d801ed204d2162e23340d801ed204ce"),
        ("123.45", "0002000000000002007b1194"),
        ("-123.45", "0002000040000002007b1194"),
        ("0.1", "0001ffff0000000103e8"),
        ("0.5", "0001ffff000000011388"),
        ("1.10", "0002000000000002000103e8"),
        ("0.0001", "0001ffff000000040001"),
        ("100000000", "00010002000000000001"),
        ("12345678.9", "000300010000000104d2162e2328"),
        ("0.00001234", "0001fffe0000000804d2"),
        ("99999999.99999999", "0004000100000008270f270f270f270f"),
        ("0." + String(repeating: "0", count: 71) + "1", "0001ffee000000480001"),  // 1e-72
    ]

    /// (text, width, int2send/int4send/int8send bytes) from the same PostgreSQL 15 server.
    static let integerGoldens: [(String, Int, String)] = [
        ("0", 2, "0000"), ("-1", 2, "ffff"), ("32767", 2, "7fff"), ("-32768", 2, "8000"),
        ("0", 4, "00000000"), ("1", 4, "00000001"), ("-1", 4, "ffffffff"), ("536904399", 4, "200082cf"),
        ("2147483647", 4, "7fffffff"), ("-2147483648", 4, "80000000"),
        ("0", 8, "0000000000000000"), ("-1", 8, "ffffffffffffffff"), ("123456789", 8, "00000000075bcd15"),
        ("4111111111111111", 8, "000e9b08a568f1c7"), ("9223372036854775807", 8, "7fffffffffffffff"),
        ("-9223372036854775808", 8, "8000000000000000"),
    ]

    /// array_send output from PostgreSQL 15.
    static let arrayGoldens: [String: String] = [
        "text {a,NULL,b}": "00000001000000010000001900000003000000010000000161ffffffff0000000162",
        "text {a,x,b}": "0000000100000000000000190000000300000001000000016100000001780000000162",
        "text {'ssn 123-45-6789',NULL,z}":
            "00000001000000010000001900000003000000010000000f73736e203132332d34352d36373839ffffffff000000017a",
        "text {'ssn XXX-XX-XXXX (masked)',NULL,z}":
            "00000001000000010000001900000003000000010000001873736e205858582d58582d5858585820286d61736b656429ffffffff000000017a",
        "text {}": "000000000000000000000019",
        "int4 {1,NULL}": "00000001000000010000001700000002000000010000000400000001ffffffff",
        "int2 [0:1]={7,8}": "0000000100000000000000150000000200000000000000020007000000020008",
        "int8 {{1,2,3},{4,-5,max}}":
            "0000000200000000000000140000000200000001000000030000000100000008000000000000000100000008000000000000000200000008000000000000000300000008000000000000000400000008fffffffffffffffb000000087fffffffffffffff",
        "int8 {{536904399,NULL},{4111111111111111,0}}":
            "000000020000000100000014000000020000000100000002000000010000000800000000200082cfffffffff00000008000e9b08a568f1c7000000080000000000000000",
        "int8 {{999999999,NULL},{4111111111111111,0}}":
            "0000000200000001000000140000000200000001000000020000000100000008000000003b9ac9ffffffffff00000008000e9b08a568f1c7000000080000000000000000",
        "numeric {1.5,NULL,-0.001}":
            "0000000100000001000006a400000003000000010000000c000200000000000100011388ffffffff0000000a0001ffff40000003000a",
        "numeric {0.00,NaN,Infinity}":
            "0000000100000000000006a400000003000000010000000800000000000000020000000800000000c00000000000000800000000d0000020",
    ]

    func testNumericGoldens() {
        for (text, bytesHex) in Self.numericGoldens {
            let golden = hex(bytesHex)
            XCTAssertEqual(numericText(golden), text, bytesHex)
            XCTAssertEqual(numericBytes(text).map(hexString), bytesHex, text)
        }
        // Text numeric_in accepts and numeric_send canonicalises (captured from the same server).
        XCTAssertEqual(numericBytes("-0").map(hexString), "0000000000000000")
        XCTAssertEqual(numericBytes("-0.00").map(hexString), "0000000000000002")
        XCTAssertEqual(numericBytes("00012.3400").map(hexString), "0002000000000004000c0d48")
        // 1e131071 has the largest weight a numeric can carry; 1e-16383 the largest dscale.
        XCTAssertEqual(numericBytes("1" + String(repeating: "0", count: 131071)).map(hexString), "00017fff0000000003e8")
        XCTAssertEqual(numericBytes("0." + String(repeating: "0", count: 16382) + "1").map(hexString), "0001f00000003fff000a")
        XCTAssertNil(numericBytes("1" + String(repeating: "0", count: 131072)))  // weight 32768
        XCTAssertNil(numericBytes("0." + String(repeating: "0", count: 16383) + "1"))  // dscale 16384
    }

    func testNumericNonCanonicalBinaryPrintsLikeServer() {
        // Leading zero groups are skipped, digits hidden by dscale are truncated (numeric_recv), and a value
        // that truncates to zero loses its sign.
        XCTAssertEqual(numericText(hex("000200010000000000000005")), "5")  // {0, 5} weight 1
        XCTAssertEqual(numericText(hex("0001ffff4000000203e8")), "-0.10")
        XCTAssertEqual(numericText(hex("0001ffff40000002000a")), "0.00")  // -0.001 shown with dscale 2
        XCTAssertEqual(numericText(hex("0001ffff40000000000a")), "0")
        XCTAssertEqual(numericText(hex("0002000000000000007b1194")), "123")  // 123.45 with dscale 0
        XCTAssertNil(numericText(hex("0000000040000000") + [0]))  // a byte too many
        XCTAssertEqual(numericText(hex("0000000040000000")), "0")  // negative zero
        XCTAssertEqual(numericText(hex("0001000500000000000a")), "10" + String(repeating: "0", count: 20))
        // The most negative weight with the largest dscale still prints (as zero) instead of trapping.
        XCTAssertEqual(numericText(hex("000280000000" + "3fff" + "00000001")), "0." + String(repeating: "0", count: 16383))
    }

    func testNumericRejectsMalformedBinary() {
        XCTAssertNil(numericText([]))
        XCTAssertNil(numericText(hex("00010000000000002710")))  // digit 10000
        XCTAssertNil(numericText(hex("0001000000000000ffff")))  // digit -1
        XCTAssertNil(numericText(hex("0000000080000000")))  // unknown sign
        XCTAssertNil(numericText(hex("0000000010000000")))  // unknown sign
        XCTAssertNil(numericText(hex("ffff000000000000")))  // negative ndigits
        XCTAssertNil(numericText(hex("000000000000ffff")))  // negative dscale
        XCTAssertNil(numericText(hex("0000000000004000")))  // dscale above NUMERIC_DSCALE_MAX
        XCTAssertNil(numericText(hex("000100000000000000")))  // too short for its ndigits
        XCTAssertNil(numericText(hex("00000000000000000001")))  // trailing bytes
    }

    func testNumericRejectsJunkText() {
        for junk in ["", "-", "+1", "--1", "1.", ".5", "1e5", "1.2.3", " 1", "1 ", "nan", "NAN", "inf", "+Infinity",
                     "Infinity ", "-NaN", "12a", "0x10", "１", "-.", "1,5"] {
            XCTAssertNil(numericBytes(junk), junk)
        }
    }

    func testIntegerGoldens() {
        for (text, width, bytesHex) in Self.integerGoldens {
            XCTAssertEqual(integerText(hex(bytesHex)), text, bytesHex)
            XCTAssertEqual(integerBytes(text, width: width).map(hexString), bytesHex, text)
        }
        XCTAssertEqual(integerBytes("-0", width: 4).map(hexString), "00000000")
        XCTAssertEqual(integerBytes("007", width: 2).map(hexString), "0007")
    }

    func testIntegerRejectsOverflowAndJunk() {
        XCTAssertNil(integerBytes("9223372036854775808", width: 8))
        XCTAssertNil(integerBytes("-9223372036854775809", width: 8))
        XCTAssertNil(integerBytes("99999999999999999999999", width: 8))
        XCTAssertNil(integerBytes("2147483648", width: 4))
        XCTAssertNil(integerBytes("-2147483649", width: 4))
        XCTAssertNil(integerBytes("32768", width: 2))
        XCTAssertNil(integerBytes("-32769", width: 2))
        for junk in ["", "-", "12a", "+1", "--1", " 1", "1 ", "1.0", "-a", "１"] {
            for width in [2, 4, 8] { XCTAssertNil(integerBytes(junk, width: width), junk) }
        }
        for width in [0, 1, 3, 16, -8] { XCTAssertNil(integerBytes("1", width: width)) }
        for count in [0, 1, 3, 5, 7, 9, 16] { XCTAssertNil(integerText([UInt8](repeating: 0, count: count))) }
    }

    // MARK: Properties

    func testIntegerRoundTripProperty() {
        var rng = SplitMix(seed: 0x5EED_0001)
        var values: [Int64] = [0, -1, 1, Int64(Int16.min), Int64(Int16.max), Int64(Int32.min), Int64(Int32.max),
                               Int64.min, Int64.max]
        for _ in 0..<100_000 { values.append(Int64(bitPattern: rng.next())) }
        var bytes: [UInt8] = []
        var text: [UInt8] = []
        var back: [UInt8] = []
        for (i, raw) in values.enumerated() {
            let width = [2, 4, 8][i % 3]
            // Narrow to the width by truncation, so the extremes of each type appear too.
            let value: Int64 = switch width {
            case 2: Int64(Int16(truncatingIfNeeded: raw))
            case 4: Int64(Int32(truncatingIfNeeded: raw))
            default: raw
            }
            bytes.removeAll(keepingCapacity: true)
            for shift in stride(from: 8 * (width - 1), through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: value >> Int64(shift)))
            }
            text.removeAll(keepingCapacity: true)
            back.removeAll(keepingCapacity: true)
            let decoded = bytes.withUnsafeBufferPointer { BinaryInteger.appendDecimal($0, to: &text) }
            let encoded = text.withUnsafeBufferPointer { BinaryInteger.appendBinary(decimal: $0, width: width, to: &back) }
            if !decoded || !encoded || back != bytes || i % 97 == 0 && String(decoding: text, as: UTF8.self) != String(value) {
                XCTFail("round trip of \(value) width \(width): \(String(decoding: text, as: UTF8.self))")
                return
            }
        }
        for extreme in [Int64.min, Int64.max, Int64(Int32.min), Int64(Int16.max)] {
            XCTAssertEqual(integerBytes(String(extreme), width: 8).flatMap(integerText), String(extreme))
        }
    }

    /// Canonical numeric_out text: no leading zeros, '-' only on nonzero values.
    private func randomDecimal(_ rng: inout SplitMix) -> String {
        var s = ""
        let intDigits = Int.random(in: 0...24, using: &rng)
        if intDigits == 0 {
            s = "0"
        } else {
            s.append(Character(String(Int.random(in: 1...9, using: &rng))))
            for _ in 1..<intDigits { s.append(Character(String(Int.random(in: 0...9, using: &rng)))) }
        }
        let scale = Int.random(in: 0...20, using: &rng)
        var frac = ""
        // Zero-heavy digits, so that zero groups and long runs of zeros are common.
        for _ in 0..<scale { frac.append(Character(String(rng.next() % 3 == 0 ? Int.random(in: 0...9, using: &rng) : 0))) }
        if scale > 0 { s += "." + frac }
        let isZero = !s.contains { $0 != "0" && $0 != "." }
        if !isZero && rng.next() % 2 == 0 { s = "-" + s }
        return s
    }

    func testNumericRoundTripProperty() {
        var rng = SplitMix(seed: 0x5EED_0002)
        for _ in 0..<5_000 {
            let text = randomDecimal(&rng)
            guard let bytes = numericBytes(text) else { XCTFail("rejected \(text)"); return }
            // Canonical form: no leading or trailing zero groups, and a zero has no digits.
            let ndigits = Int(Int16(bitPattern: UInt16(bytes[0]) << 8 | UInt16(bytes[1])))
            XCTAssertEqual(bytes.count, 8 + 2 * ndigits)
            if ndigits > 0 {
                XCTAssertFalse(bytes[8] == 0 && bytes[9] == 0, text)
                XCTAssertFalse(bytes[bytes.count - 2] == 0 && bytes[bytes.count - 1] == 0, text)
            }
            guard numericText(bytes) == text else { XCTFail("\(text) -> \(hexString(bytes)) -> \(numericText(bytes) ?? "nil")"); return }
        }
        // Random (often non-canonical) binary values: whatever decodes re-encodes to something that decodes the same.
        for _ in 0..<5_000 {
            let ndigits = Int.random(in: 0...6, using: &rng)
            var bytes: [UInt8] = []
            func put(_ v: Int) { bytes.append(UInt8(truncatingIfNeeded: v >> 8)); bytes.append(UInt8(truncatingIfNeeded: v)) }
            put(ndigits)
            put(Int.random(in: -8...8, using: &rng))
            put(rng.next() % 2 == 0 ? 0 : 0x4000)
            put(Int.random(in: 0...30, using: &rng))
            for _ in 0..<ndigits { put(rng.next() % 3 == 0 ? 0 : Int.random(in: 0...9999, using: &rng)) }
            guard let text = numericText(bytes) else { XCTFail("rejected \(hexString(bytes))"); return }
            guard let again = numericBytes(text), numericText(again) == text else {
                XCTFail("\(hexString(bytes)) -> \(text) did not round trip"); return
            }
        }
    }

    // MARK: Malformed input

    func testTruncationsNeverDecode() {
        for (_, bytesHex) in Self.numericGoldens {
            let golden = hex(bytesHex)
            for n in 0..<golden.count { XCTAssertNil(numericText(Array(golden.prefix(n))), "\(bytesHex) prefix \(n)") }
        }
        for (_, _, bytesHex) in Self.integerGoldens {
            let golden = hex(bytesHex)
            for n in 0..<golden.count where n != 2 && n != 4 {
                XCTAssertNil(integerText(Array(golden.prefix(n))), "\(bytesHex) prefix \(n)")
            }
        }
        for (name, bytesHex) in Self.arrayGoldens {
            let golden = hex(bytesHex)
            XCTAssertNotNil(parseArray(golden), name)
            for n in 0..<golden.count { XCTAssertNil(parseArray(Array(golden.prefix(n))), "\(name) prefix \(n)") }
            XCTAssertNil(parseArray(golden + [0]), "\(name) with a trailing byte")
        }
    }

    func testRandomBytesNeverTrap() {
        var rng = SplitMix(seed: 0x5EED_0003)
        var out: [UInt8] = []
        for i in 0..<10_000 {
            let count = i < 5_000 ? Int.random(in: 0...12, using: &rng) : Int.random(in: 0...64, using: &rng)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            bytes.withUnsafeBufferPointer { buffer in
                out.removeAll(keepingCapacity: true)
                if !BinaryInteger.appendDecimal(buffer, to: &out) { XCTAssertTrue(out.isEmpty) }
                out.removeAll(keepingCapacity: true)
                if !BinaryNumeric.appendDecimal(buffer, to: &out) { XCTAssertTrue(out.isEmpty) }
                for width in [2, 4, 8] {
                    out.removeAll(keepingCapacity: true)
                    if !BinaryInteger.appendBinary(decimal: buffer, width: width, to: &out) { XCTAssertTrue(out.isEmpty) }
                }
                out.removeAll(keepingCapacity: true)
                if !BinaryNumeric.appendBinary(decimal: buffer, to: &out) { XCTAssertTrue(out.isEmpty) }
                if let array = BinaryArray.parse(buffer) {
                    out.removeAll(keepingCapacity: true)
                    array.appendEncoded(header: buffer, to: &out) { array.elements[$0].map { Array(buffer[$0]) } }
                    XCTAssertNotNil(parseArray(out))
                }
            }
        }
        // Mutated goldens reach deeper into the array parser than random bytes do.
        let goldens = Self.arrayGoldens.keys.sorted().map { hex(Self.arrayGoldens[$0]!) }
        for i in 0..<10_000 {
            var bytes = goldens[i % goldens.count]
            let flips = Int.random(in: 1...3, using: &rng)
            for _ in 0..<flips {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[at] = rng.next() % 2 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : bytes[at] ^ 0x80
            }
            guard let array = parseArray(bytes) else { continue }
            let again = reencode(bytes, array) { array.elements[$0].map { Array(bytes[$0]) } }
            XCTAssertEqual(parseArray(again)?.elements.count, array.elements.count)
        }
    }

    func testArrayDimensionProductOverflowIsRejected() {
        func array(_ dims: [(Int32, Int32)], tail: [UInt8] = []) -> [UInt8] {
            var b = hex("00000000" + "00000000" + "00000019")
            b[3] = UInt8(dims.count)
            for (size, lower) in dims {
                b += withUnsafeBytes(of: size.bigEndian, Array.init) + withUnsafeBytes(of: lower.bigEndian, Array.init)
            }
            return b + tail
        }
        XCTAssertNil(parseArray(array([(Int32.max, 1), (Int32.max, 1)])))
        XCTAssertNil(parseArray(array(Array(repeating: (Int32.max, 1), count: 6))))
        XCTAssertNil(parseArray(array([(65536, 1), (32768, 1)])))  // 2^31 elements
        XCTAssertNil(parseArray(array([(-1, 1)])))
        XCTAssertNil(parseArray(array([(1, Int32.max)], tail: hex("ffffffff"))))  // upper bound overflows
        XCTAssertNil(parseArray(array(Array(repeating: (1, 1), count: 7), tail: hex("ffffffff"))))  // ndim 7
        XCTAssertNil(parseArray(hex("ffffffff" + "00000000" + "00000019")))  // negative ndim
        XCTAssertNil(parseArray(hex("00000000" + "00000002" + "00000019")))  // flag 2
        XCTAssertNil(parseArray(array([(1, 1)], tail: hex("fffffffe"))))  // length -2
        XCTAssertNil(parseArray(array([(1, 1)], tail: hex("00000005616263"))))  // runs past the end
        XCTAssertNotNil(parseArray(array([(1, 1), (0, 1)])))  // zero-size dimension: no elements
        XCTAssertNotNil(parseArray(array(Array(repeating: (1, 1), count: 6), tail: hex("ffffffff"))))
    }

    // MARK: Arrays

    func testTextArrayElementReplacedByLongerString() throws {
        let original = hex(Self.arrayGoldens["text {'ssn 123-45-6789',NULL,z}"]!)
        let array = try XCTUnwrap(parseArray(original))
        XCTAssertEqual(array.elementOID, 25)
        XCTAssertEqual(array.headerEnd, 20)
        XCTAssertEqual(array.elements.count, 3)
        XCTAssertNil(array.elements[1])
        let first = try XCTUnwrap(array.elements[0])
        XCTAssertEqual(String(decoding: original[first], as: UTF8.self), "ssn 123-45-6789")
        let masked = Array("ssn XXX-XX-XXXX (masked)".utf8)
        let encoded = reencode(original, array) { $0 == 0 ? masked : array.elements[$0].map { Array(original[$0]) } }
        let reparsed = try XCTUnwrap(parseArray(encoded))
        XCTAssertEqual(reparsed.elements.map { $0?.count }, [masked.count, nil, 1])
        XCTAssertEqual(hexString(encoded), Self.arrayGoldens["text {'ssn XXX-XX-XXXX (masked)',NULL,z}"])
    }

    func testArrayNullFlagFollowsElements() throws {
        let withNull = hex(Self.arrayGoldens["text {a,NULL,b}"]!)
        let array = try XCTUnwrap(parseArray(withNull))
        let filled = reencode(withNull, array) { $0 == 1 ? Array("x".utf8) : array.elements[$0].map { Array(withNull[$0]) } }
        XCTAssertEqual(hexString(filled), Self.arrayGoldens["text {a,x,b}"])
        let noNull = hex(Self.arrayGoldens["text {a,x,b}"]!)
        let array2 = try XCTUnwrap(parseArray(noNull))
        let nulled = reencode(noNull, array2) { $0 == 1 ? nil : array2.elements[$0].map { Array(noNull[$0]) } }
        XCTAssertEqual(hexString(nulled), Self.arrayGoldens["text {a,NULL,b}"])
    }

    func testInt8MatrixMaskedThroughIntegerCodec() throws {
        let original = hex(Self.arrayGoldens["int8 {{536904399,NULL},{4111111111111111,0}}"]!)
        let array = try XCTUnwrap(parseArray(original))
        XCTAssertEqual(array.elementOID, BinaryArray.elementOIDs[1016])
        XCTAssertEqual(array.headerEnd, 28)
        let texts = array.elements.map { $0.flatMap { integerText(Array(original[$0])) } }
        XCTAssertEqual(texts, ["536904399", nil, "4111111111111111", "0"])
        // Mask the SSN-shaped value and re-encode every element through text, as the masker does.
        let encoded = reencode(original, array) { i in
            texts[i].flatMap { integerBytes($0 == "536904399" ? "999999999" : $0, width: 8) }
        }
        XCTAssertEqual(hexString(encoded), Self.arrayGoldens["int8 {{999999999,NULL},{4111111111111111,0}}"])

        let matrix = hex(Self.arrayGoldens["int8 {{1,2,3},{4,-5,max}}"]!)
        let parsed = try XCTUnwrap(parseArray(matrix))
        XCTAssertEqual(parsed.elements.map { $0.flatMap { integerText(Array(matrix[$0])) } },
                       ["1", "2", "3", "4", "-5", "9223372036854775807"])
        XCTAssertEqual(reencode(matrix, parsed) { parsed.elements[$0].map { Array(matrix[$0]) } }, matrix)
    }

    func testOtherArrayGoldens() throws {
        let numeric = hex(Self.arrayGoldens["numeric {1.5,NULL,-0.001}"]!)
        let n = try XCTUnwrap(parseArray(numeric))
        XCTAssertEqual(n.elementOID, 1700)
        XCTAssertEqual(n.elements.map { $0.flatMap { numericText(Array(numeric[$0])) } }, ["1.5", nil, "-0.001"])
        let specials = hex(Self.arrayGoldens["numeric {0.00,NaN,Infinity}"]!)
        let s = try XCTUnwrap(parseArray(specials))
        let texts = s.elements.map { $0.flatMap { numericText(Array(specials[$0])) } }
        XCTAssertEqual(texts, ["0.00", "NaN", "Infinity"])
        XCTAssertEqual(reencode(specials, s) { texts[$0].flatMap(numericBytes) }, specials)

        let empty = try XCTUnwrap(parseArray(hex(Self.arrayGoldens["text {}"]!)))
        XCTAssertEqual(empty.elements.count, 0)
        XCTAssertEqual(empty.headerEnd, 12)
        let shifted = hex(Self.arrayGoldens["int2 [0:1]={7,8}"]!)
        let int2 = try XCTUnwrap(parseArray(shifted))
        XCTAssertEqual(int2.elements.map { $0.flatMap { integerText(Array(shifted[$0])) } }, ["7", "8"])
        let int4 = hex(Self.arrayGoldens["int4 {1,NULL}"]!)
        XCTAssertEqual(try XCTUnwrap(parseArray(int4)).elementOID, 23)
    }

    func testElementOIDTable() {
        // From pg_type of PostgreSQL 15: select oid, typelem from pg_type where oid in (...).
        let expected: [UInt32: UInt32] = [143: 142, 199: 114, 1001: 17, 1003: 19, 1005: 21, 1007: 23, 1009: 25,
                                          1014: 1042, 1015: 1043, 1016: 20, 1231: 1700, 3807: 3802]
        XCTAssertEqual(BinaryArray.elementOIDs, expected)
    }
}
