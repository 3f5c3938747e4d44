import MaskEngine

/// `maskd pipe --format copy` on a COPY text stream (`COPY … TO STDOUT`): the dump splitter started
/// inside its one block, which ends at the input's end or at a `\.` line (script text after it).
///
/// Layout: cut seed, chunk size, report flag, then the rows. Canaries go in whole fields of the rows
/// before the first line that starts with `\.`; after it the engine reads script text, where it does
/// not look for cards and SSNs.
public enum CopyStreamTarget {
    public static func run(_ data: UnsafeRawBufferPointer) -> FuzzVerdict {
        EngineRun.pipeTarget(data, format: .copy, stage: "COPY stream", configure: { $0.maxRecordBytes = 1 << 20 },
                             splice: splice)
    }

    static func splice(_ bytes: [UInt8]) -> [UInt8] {
        var lineStart = 0
        while lineStart < bytes.count {
            if bytes[lineStart] == 92, lineStart + 1 < bytes.count, bytes[lineStart + 1] == 46 {
                return TextCanarySplicer.copyRows(bytes[..<lineStart]) + bytes[lineStart...]
            }
            guard let end = bytes[lineStart...].firstIndex(of: 10) else { break }
            lineStart = end + 1
        }
        return TextCanarySplicer.copyRows(bytes[...])
    }
}
