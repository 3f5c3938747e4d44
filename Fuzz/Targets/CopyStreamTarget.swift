import MaskEngine

/// `maskd pipe --format copy` on a COPY text stream (`COPY … TO STDOUT`): the dump splitter started
/// inside its one block; a `\.` line ends a block, and rows of unknown columns follow it.
///
/// Layout: cut seed, chunk size, report flag, then the rows. Canaries go in whole fields of every row,
/// also after a `\.` line: a stream's rows go on after one (data files put end to end).
public enum CopyStreamTarget {
    public static func run(_ data: UnsafeRawBufferPointer) -> FuzzVerdict {
        EngineRun.pipeTarget(data, format: .copy, stage: "COPY stream", configure: { $0.maxRecordBytes = 1 << 20 },
                             splice: { TextCanarySplicer.copyRows($0[...]) })
    }
}
