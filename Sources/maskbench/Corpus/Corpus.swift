/// The bytes one benchmark runs on: a generated corpus in one or more forms, or the user's file.
struct Corpus {
    /// How reports name it: `dense 64MB seed 42`, or the file's name.
    var label: String
    var density: Density?
    /// The table the rows belong to (generated corpora; `--input` CSV gets its file name).
    var table: String
    /// Plain (uncompressed) files per form.
    var files: [CorpusFormat: String]
    /// The file as the user gave it when it is LZ4: engine and pipe read it compressed, as maskd would.
    var compressedFile: String?
    /// Ground truth for detection quality (generated corpora).
    var labelsPath: String?
    /// Data rows, the same in every form.
    var rows: Int
    /// Plain bytes per form.
    var bytes: [CorpusFormat: Int]

    var formats: [CorpusFormat] { files.keys.sorted() }
}
