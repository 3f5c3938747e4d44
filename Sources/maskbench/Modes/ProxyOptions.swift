import ArgumentParser

/// How the proxy mode sets up PostgreSQL and what it asks.
struct ProxyOptions: ParsableArguments {
    @Option(name: .customLong("postgres-bin"), help: ArgumentHelp("Directory of initdb and pg_ctl (default: the newest under /usr/lib/postgresql).", valueName: "dir"))
    var postgresBin: String?

    @Option(name: .customLong("latency-queries"), help: ArgumentHelp("Small queries (10 rows) timed one at a time for the latency percentiles, through the proxy and straight to PostgreSQL.", valueName: "n"))
    var latencyQueries = 500

    func validate() throws {
        if latencyQueries < 0 { throw ValidationError("--latency-queries must be 0 or more") }
    }
}
