import Benchmark
import CMaskKernels
import MaskEngine

/// Stage 1 alone: the C classify kernel over 1,000,000 bytes of the dense mixed table as CSV (so the
/// scaled figures are per byte), once as dispatched on this CPU (AVX2 when it has it) and once with the
/// scalar twin.
enum StageOneBenchmarks {
    final class State {
        let bytes: UnsafeBufferPointer<UInt8>
        let masks: UnsafeMutablePointer<mk_block_masks>
        let structural: UnsafeMutablePointer<UInt8>

        init() {
            let csv = SampleTable.mixed(targetBytes: 1_100_000).csv
            bytes = CellBatch.permanentCopy(Array(csv.prefix(1_000_000)))
            masks = .allocate(capacity: (bytes.count + 63) / 64)
            structural = .allocate(capacity: 4)
            for (i, b) in [UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r")].enumerated() {
                structural[i] = b
            }
        }
    }

    static func register() {
        // Named for the path the process dispatches to (each name has its own allocation threshold).
        let dispatched = switch StageOneIndex.kernelName {
        case "AVX-512BW": "AVX512BW"
        case "AVX2": "AVX2"
        default: "DispatchedScalar"
        }
        Benchmark("StageOne.Classify.\(dispatched).1MB", configuration: SuiteConfiguration.make(units: .mega)) { (_, state: State) in
            mk_classify(state.bytes.baseAddress, state.bytes.count, 0, state.bytes.count, state.structural, state.masks, StageOneIndex.tokenPrefixes)
            blackHole(state.masks.pointee)
        } setup: {
            State()
        }

        Benchmark("StageOne.Classify.Scalar.1MB", configuration: SuiteConfiguration.make(units: .mega)) { (_, state: State) in
            mk_classify_scalar(state.bytes.baseAddress, state.bytes.count, 0, state.bytes.count, state.structural, state.masks, StageOneIndex.tokenPrefixes)
            blackHole(state.masks.pointee)
        } setup: {
            State()
        }
    }
}
