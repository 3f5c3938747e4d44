import MaskEngine
import Prometheus

/// The daemon's Prometheus metrics. Counters and histograms only ever hold counts and durations: no
/// label carries a value, a user name or a session id (cardinality stays fixed).
public final class ServeMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let sessionsStarted: Counter
    let sessionsActive: Gauge
    let sessionsRefused: Counter
    let bytesIn: Counter
    let bytesOut: Counter
    let rows: Counter
    let findings: [Counter]
    let errors: [SidecarErrorCode: Counter]
    /// Time from an S frame's arrival to its M frame being written.
    let frameLatency: DurationHistogram

    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        func name(_ n: String, _ help: String) -> MetricNameDescriptor { MetricNameDescriptor(metricName: n, unitName: "", helpText: help) }
        sessionsStarted = registry.makeCounter(descriptor: name("maskd_sessions_started_total", "Sessions that completed the handshake."))
        sessionsActive = registry.makeGauge(descriptor: name("maskd_sessions_active", "Sessions connected now."))
        sessionsRefused = registry.makeCounter(descriptor: name("maskd_sessions_refused_total",
                                                                "Connections refused (peer credentials, session limit)."))
        bytesIn = registry.makeCounter(descriptor: name("maskd_server_bytes_in_total", "Server bytes received to mask."))
        bytesOut = registry.makeCounter(descriptor: name("maskd_masked_bytes_out_total", "Masked bytes sent back."))
        rows = registry.makeCounter(descriptor: name("maskd_rows_total", "DataRow and COPY rows masked."))
        let findingsName = name("maskd_findings_total", "Values masked, by type.")
        // Custom types share one `custom` series: their names come from a policy file and change with it,
        // and a label per name would grow without bound across reloads.
        let custom = registry.makeCounter(descriptor: findingsName, labels: [("type", "custom")])
        findings = EntityType.builtIns.map { registry.makeCounter(descriptor: findingsName, labels: [("type", $0.name)]) }
            + Array(repeating: custom, count: EntityType.maxCustom)
        var errors: [SidecarErrorCode: Counter] = [:]
        let errorsName = name("maskd_session_errors_total", "Sessions stopped by an error, by code.")
        for code in SidecarErrorCode.allCases {
            errors[code] = registry.makeCounter(descriptor: errorsName, labels: [("code", code.name)])
        }
        self.errors = errors
        frameLatency = registry.makeDurationHistogram(
            descriptor: name("maskd_frame_seconds", "Time to mask one S frame, from its arrival to its M frame being written."),
            buckets: [.microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
                      .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(50),
                      .milliseconds(250), .seconds(1)])
    }
}
