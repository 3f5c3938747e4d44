import FuzzTargets

/// libFuzzer's entry point: one input through `DifferentialSecrets`, a disagreement made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDifferentialSecrets(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    DifferentialSecrets.run(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
