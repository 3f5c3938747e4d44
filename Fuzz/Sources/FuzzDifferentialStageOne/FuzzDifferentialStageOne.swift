import FuzzTargets

/// libFuzzer's entry point: one input through `DifferentialStageOne`, a disagreement made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDifferentialStageOne(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    DifferentialStageOne.run(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
