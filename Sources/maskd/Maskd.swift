import ArgumentParser
import MaskEngine

/// The `maskd` command: masking of PostgreSQL result streams, CSV and dumps.
@main
struct Maskd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maskd",
        abstract: "Mask PII and secrets in database result streams.",
        discussion: """
            maskd finds emails, payment card numbers, US SSNs and secrets (cloud keys, tokens, private keys, \
            password assignments) and replaces them with deterministic keyed tokens that keep their format, \
            so that joins still work. Nothing to configure: the default policy masks all of them. A policy \
            file (--policy, docs/policy.md) sets other actions per type, column and identity, and adds \
            detectors of your own; `maskd audit summarize` reads the audit records it leaves.
            """,
        version: "0.1.0",
        subcommands: [Pipe.self, Serve.self, Proxy.self, Audit.self, KeyCommand.self],
        defaultSubcommand: nil
    )

    static func main() {
        MallocTuning.apply()
        Self.main(nil)
    }
}
