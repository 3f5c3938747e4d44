import FuzzTargets

/// libFuzzer's entry point: one input through `DifferentialEmail`, a disagreement made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDifferentialEmail(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    DifferentialEmail.run(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
