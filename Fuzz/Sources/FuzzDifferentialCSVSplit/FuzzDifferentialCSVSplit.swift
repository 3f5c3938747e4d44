import FuzzTargets

/// libFuzzer's entry point: one input through `DifferentialCSVSplit`, a disagreement made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDifferentialCSVSplit(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    DifferentialCSVSplit.run(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
