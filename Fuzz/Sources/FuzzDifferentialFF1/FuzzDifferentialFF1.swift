import FuzzTargets

/// libFuzzer's entry point: one input through `DifferentialFF1`, a disagreement made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDifferentialFF1(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    DifferentialFF1.run(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
