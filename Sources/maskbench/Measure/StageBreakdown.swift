/// Time per stage by subtraction. The engine runs the same input stopped after each stage in turn
/// (decode; + stage 1; + detection; + tokens and encoding); each stage's cost is its run's median
/// minus the previous one's. Stages are cumulative, so the differences add up to the full run; noise
/// can make a tiny stage come out negative, which is reported as 0 rather than hidden in a neighbour.
enum StageBreakdown {
    /// `medians[i]`: median seconds of the runs stopped after `names[i]`, in pipeline order.
    static func stages(names: [String], medians: [Double], bytes: Int) -> [StageTime] {
        precondition(names.count == medians.count && !medians.isEmpty)
        let total = max(medians.last!, 1e-12)
        var previous = 0.0
        return zip(names, medians).map { name, cumulative in
            let seconds = max(0, cumulative - previous)
            previous = cumulative
            return StageTime(stage: name, seconds: seconds, share: seconds / total, nsPerByte: seconds / Double(max(bytes, 1)) * 1e9)
        }
    }
}
