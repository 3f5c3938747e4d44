import ArgumentParser

/// maskbench's failures, each with the exit status the command ends with (docs/maskbench.md):
/// 66 an input file is missing or unreadable, 69 something maskbench needs is missing (the maskd
/// binary, python3, PostgreSQL) or is a debug build, 70 a measurement failed (a child crashed, maskd
/// refused the input).
enum BenchError: Error, CustomStringConvertible {
    case noInput(String)
    case unavailable(String)
    case failed(String)

    var description: String {
        switch self {
        case .noInput(let m), .unavailable(let m), .failed(let m): m
        }
    }

    var exitCode: ExitCode {
        switch self {
        case .noInput: ExitCode(66)
        case .unavailable: ExitCode(69)
        case .failed: ExitCode(70)
        }
    }
}
