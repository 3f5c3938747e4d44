import Benchmark
import MaskEngine

/// Decoding without masking: a ~1 MB chunk of rows with no PII through the wire and CSV chunk maskers.
/// There is no public decode-only entry point, so this is the masker on input that yields no finding:
/// framing, cell bounds, column contexts and the stage-1 pass, and every row copied out unchanged.
enum DecodeBenchmarks {
    final class State {
        let chunk: UnsafeBufferPointer<UInt8>
        let session = MaskSession(policy: .default, key: BenchmarkKey.key)
        let header: CSVHeader?

        init(chunk: [UInt8], header: CSVHeader?) {
            self.chunk = CellBatch.permanentCopy(chunk)
            self.header = header
        }
    }

    static func register() {
        Benchmark("Decode.Wire.NoPII.1MB", configuration: SuiteConfiguration.make(units: .one)) { (_, state: State) in
            let masked = WireChunkMasker().mask(state.chunk, start: WireChunkStart(), session: state.session)
            blackHole(masked.output.count)
        } setup: {
            let state = State(chunk: SampleTable.plain(targetBytes: 1_000_000).wire, header: nil)
            let masked = WireChunkMasker().mask(state.chunk, start: WireChunkStart(), session: state.session)
            precondition(masked.error == nil && masked.output.elementsEqual(state.chunk),
                         "a chunk without PII must come out unchanged")
            return state
        }

        Benchmark("Decode.CSV.NoPII.1MB", configuration: SuiteConfiguration.make(units: .one)) { (_, state: State) in
            let masked = CSVChunkMasker().mask(state.chunk, start: CSVChunkStart(header: state.header!), session: state.session)
            blackHole(masked.output.count)
        } setup: {
            let table = SampleTable.plain(targetBytes: 1_000_000)
            var csv = table.csv
            // The header is the stream's business (StreamMasker parses it once); the chunk is rows only.
            let headerEnd = csv.firstIndex(of: UInt8(ascii: "\n"))! + 1
            let header = CSVHeader.parse(csv[..<headerEnd].dropLast())
            csv.removeFirst(headerEnd)
            let state = State(chunk: csv, header: header)
            let masked = CSVChunkMasker().mask(state.chunk, start: CSVChunkStart(header: header), session: state.session)
            precondition(masked.error == nil && masked.output.elementsEqual(state.chunk),
                         "a chunk without PII must come out unchanged")
            return state
        }
    }
}
