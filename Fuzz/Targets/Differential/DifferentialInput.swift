/// The fuzzer's bytes read as the parameters of one differential case: numbers, choices and runs of
/// bytes taken from the front, zeros once the input runs out, so every input (even an empty one) is a
/// valid case and a longer input only refines it.
struct DifferentialInput {
    private let data: UnsafeRawBufferPointer
    private var offset = 0

    init(_ data: UnsafeRawBufferPointer) { self.data = data }

    var isExhausted: Bool { offset >= data.count }

    /// The bytes not read yet.
    var rest: [UInt8] { offset < data.count ? Array(data[offset...]) : [] }

    mutating func byte() -> UInt8 {
        guard offset < data.count else { return 0 }
        defer { offset += 1 }
        return data[offset]
    }

    /// A number in `range` (two bytes of entropy; the low end when the input is exhausted).
    mutating func number(in range: ClosedRange<Int>) -> Int {
        let raw = Int(byte()) << 8 | Int(byte())
        return range.lowerBound + raw % (range.count)
    }

    /// One of `choices` (the first when the input is exhausted).
    mutating func choice<T>(_ choices: [T]) -> T { choices[Int(byte()) % choices.count] }

    /// `count` bytes (zeros past the end of the input).
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in byte() } }
}

/// A disagreement between two implementations that must agree: what was compared and where, never
/// more than the fuzzer's own bytes. The libFuzzer shims trap on it; the plain test run's replay of
/// `Fuzz/FailCases/<target>/` expects none.
public struct DifferentialMismatch: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A differential fuzz target: one case per input, a mismatch when the two sides disagree.
public protocol DifferentialTarget {
    /// The target's name: its directory under `Fuzz/Corpus/` and `Fuzz/FailCases/`.
    static var name: String { get }
    /// Runs the case the input describes; nil when both sides agree.
    static func mismatch(in data: UnsafeRawBufferPointer) -> DifferentialMismatch?
}

extension DifferentialTarget {
    /// The libFuzzer entry: traps (a crash libFuzzer keeps) on a mismatch.
    public static func run(_ data: UnsafeRawBufferPointer) {
        if let mismatch = mismatch(in: data) { fatalError("\(name): \(mismatch)") }
    }
}

/// Every differential target, for the replay of their corpora and fail cases.
public var differentialTargets: [any DifferentialTarget.Type] { [
    DifferentialStageOne.self, DifferentialCSVSplit.self, DifferentialFF1.self,
    DifferentialCards.self, DifferentialSSN.self, DifferentialEmail.self, DifferentialSecrets.self,
] }
