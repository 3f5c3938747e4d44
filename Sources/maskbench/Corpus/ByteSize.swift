import ArgumentParser
import Foundation

/// A size on the command line: `64MB`, `1.5GB`, `512KiB`, `1000000` (bytes). KB, MB and GB are
/// decimal (10^3, 10^6, 10^9), as Corpora/generate.py counts; KiB, MiB and GiB are binary.
struct ByteSize: ExpressibleByArgument, Codable, CustomStringConvertible, Comparable {
    var bytes: Int

    init(bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("KIB", 1024), ("MIB", 1_048_576), ("GIB", 1_073_741_824),
                                         ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("K", 1e3), ("M", 1e6), ("G", 1e9), ("B", 1)]
        let upper = text.uppercased()
        var scale = 1.0
        var number = Substring(upper)
        for (suffix, factor) in units where upper.hasSuffix(suffix) {
            scale = factor
            number = upper.dropLast(suffix.count)
            break
        }
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value > 0, value.isFinite else { return nil }
        bytes = Int((value * scale).rounded())
        guard bytes > 0 else { return nil }
    }

    static func < (a: ByteSize, b: ByteSize) -> Bool { a.bytes < b.bytes }

    /// `64MB`, `1.5GB`, `900KB`: decimal units, as short as exact.
    var description: String {
        for (unit, factor) in [("GB", 1e9), ("MB", 1e6), ("KB", 1e3)] where Double(bytes) >= factor {
            let v = Double(bytes) / factor
            return v == v.rounded() ? "\(Int(v))\(unit)" : "\(String(format: "%.3g", v))\(unit)"
        }
        return "\(bytes)B"
    }

    static func * (size: ByteSize, factor: Int) -> ByteSize { ByteSize(bytes: size.bytes * factor) }
}
