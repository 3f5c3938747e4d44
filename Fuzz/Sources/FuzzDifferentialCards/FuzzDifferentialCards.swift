import FuzzTargets

/// libFuzzer's entry point: one input through `DifferentialCards`, a disagreement made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDifferentialCards(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    DifferentialCards.run(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
