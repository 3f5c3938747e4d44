import FuzzTargets

/// libFuzzer's entry point: one input through `DifferentialSSN`, a disagreement made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDifferentialSSN(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    DifferentialSSN.run(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
