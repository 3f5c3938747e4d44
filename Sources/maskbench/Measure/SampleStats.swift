/// Median and spread of repeated measurements: what a report prints for a figure measured several
/// times on a noisy machine.
struct SampleStats: Codable, Equatable {
    var median: Double
    var min: Double
    var max: Double
    /// First and third quartiles (linear interpolation between order statistics).
    var q1: Double
    var q3: Double
    /// Every sample, in run order.
    var samples: [Double]

    init(_ samples: [Double]) {
        precondition(!samples.isEmpty, "a figure needs at least one sample")
        self.samples = samples
        let sorted = samples.sorted()
        median = Self.quantile(sorted, 0.5)
        q1 = Self.quantile(sorted, 0.25)
        q3 = Self.quantile(sorted, 0.75)
        min = sorted.first!
        max = sorted.last!
    }

    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = Swift.min(low + 1, sorted.count - 1)
        let fraction = position - Double(low)
        return sorted[low] + (sorted[high] - sorted[low]) * fraction
    }

    /// The spread relative to the median ((max − min) / median), to flag noisy figures.
    var relativeSpread: Double { median > 0 ? (max - min) / median : 0 }
}
