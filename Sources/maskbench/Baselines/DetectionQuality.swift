/// How well a detector's spans agree with a corpus's labelled spans (`SpanScorer` computes it).
///
/// The rule: a found span *hits* a label when both lie in the same cell (row and column), have the
/// same type, and overlap by at least one byte. `truePositives` counts labels hit by at least one
/// found span, `falseNegatives` labels hit by none, `falsePositives` found spans that hit no label.
/// So recall = truePositives / labelled, and precision = (found - falsePositives) / found: a label
/// found as two pieces costs neither, one span across two labels hits both.
/// Only the built-in types are scored (`ScoredType`); spans of any other type are ignored.
struct DetectionQuality: Codable {
    var truePositives, falsePositives, falseNegatives: Int
    var precision, recall, f1: Double
    /// Labelled spans scored (the labels of the rows the detector saw).
    var labelled = 0
    /// Found spans scored (of the scored types).
    var found = 0
    /// The same figures per type, keyed by the labels' type names (`email`, `credit_card`, `us_ssn`,
    /// `secret`); empty inside a per-type entry.
    var byType: [String: DetectionQuality] = [:]

    /// Quality from the counts, with precision 1 when nothing was found and recall 1 when nothing
    /// was labelled (no wrong claim, nothing missed), and F1 their harmonic mean (0 when both are 0).
    init(labelled: Int, found: Int, labelsHit: Int, foundHitting: Int) {
        self.labelled = labelled
        self.found = found
        truePositives = labelsHit
        falseNegatives = labelled - labelsHit
        falsePositives = found - foundHitting
        precision = found == 0 ? 1 : Double(foundHitting) / Double(found)
        recall = labelled == 0 ? 1 : Double(labelsHit) / Double(labelled)
        f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }
}
