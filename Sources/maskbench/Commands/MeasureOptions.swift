import ArgumentParser

/// How to measure and how to report: runs, warm-up, the maskd binary, the output form.
struct MeasureOptions: ParsableArguments {
    @Option(help: "Measured runs per figure (the median is reported, with the spread).")
    var runs = 5

    @Option(help: "Unmeasured runs first, to warm caches, page tables and the CPU's clock.")
    var warmup = 1

    @Option(help: ArgumentHelp("The maskd binary for the pipe, socket and proxy modes (default: the one beside maskbench).", valueName: "path"))
    var maskd: String?

    @Flag(help: "Print one JSON object (header and every measurement) on stdout instead of tables.")
    var json = false

    @Flag(name: .customLong("no-progress"), help: "No progress bar on stderr (it is drawn only on a terminal, for phases over a second).")
    var noProgress = false

    @Flag(name: .customLong("allow-debug"), help: "Measure even when maskbench or maskd is a debug build (the report says so loudly).")
    var allowDebug = false

    @Flag(name: .shortAndLong, help: "No notes on stderr (warnings and errors still).")
    var quiet = false

    func validate() throws {
        if runs < 1 { throw ValidationError("--runs must be at least 1") }
        if warmup < 0 { throw ValidationError("--warmup must be 0 or more") }
    }

    func apply() {
        if noProgress { ProgressBar.enabled = false }
        Diagnostics.quiet = quiet
    }
}
