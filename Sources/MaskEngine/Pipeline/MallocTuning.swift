#if canImport(Glibc)
import Glibc
#endif

/// glibc allocator settings for a process that masks streams.
///
/// Each job of a stream allocates its input and its masked output (one to a few MB each) and frees them
/// once written. With glibc's defaults such buffers are mmapped or sit at the top of the heap, go back
/// to the kernel when freed, and the next job pays a page fault for every 4 KiB of them again: on a
/// 60 MB wire stream, `maskd pipe --threads 1` took ~18,000 page faults, and ~10,000 with these settings:
/// system time 0.065 → 0.037 s of ~0.65 s CPU, 5 MB more peak RSS (Benchmarks/RESULTS.md).
/// The pipeline's bounded depth bounds what stays in the heap, so memory stays constant in input size.
///
/// Process-wide, so a library does not apply it on its own: `maskd` does at start, and `maskbench`
/// too, so that its in-process engine runs as `maskd` runs it (without it, the reader thread's page
/// faults took a tenth of a core there and held two threads to ~1.5x one on PII-free data).
public enum MallocTuning {
    /// `M_TRIM_THRESHOLD` and `M_MMAP_THRESHOLD` of `<malloc.h>`: macros of negative values, which Swift
    /// does not import.
    private static let trimThreshold: Int32 = -1
    private static let mmapThreshold: Int32 = -3

    /// Keeps buffers below 64 MiB in the heap and up to 256 MiB of free heap before trimming; a gigabyte
    /// cell still gets its own mapping, returned on free. An environment that sets glibc's own
    /// `MALLOC_MMAP_THRESHOLD_` or `MALLOC_TRIM_THRESHOLD_` keeps its choice.
    public static func apply() {
        #if canImport(Glibc)
        // `mallopt` is declared in <malloc.h>, which Glibc's module map leaves out; glibc exports it.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        // Sound: glibc's `int mallopt(int param, int value)` has exactly this C signature.
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        if getenv("MALLOC_TRIM_THRESHOLD_") == nil { _ = mallopt(trimThreshold, 256 << 20) }
        if getenv("MALLOC_MMAP_THRESHOLD_") == nil { _ = mallopt(mmapThreshold, 64 << 20) }
        #endif
    }
}
