import Foundation

/// maskbench's lines on stderr: notes about what it is doing, warnings, errors. Figures go to stdout.
enum Diagnostics {
    nonisolated(unsafe) static var quiet = false

    static func note(_ message: String) {
        guard !quiet else { return }
        ProgressBar.clearLine()
        FileHandle.standardError.write(Data("maskbench: \(message)\n".utf8))
    }

    static func warning(_ message: String) {
        ProgressBar.clearLine()
        FileHandle.standardError.write(Data("maskbench: warning: \(message)\n".utf8))
    }

    static func error(_ message: String) {
        ProgressBar.clearLine()
        FileHandle.standardError.write(Data("maskbench: error: \(message)\n".utf8))
    }
}
