import ArgumentParser
import Foundation
import Logging
import MaskEngine

/// The options every masking command shares: the token key and the action per type.
struct MaskingOptions: ParsableArguments {
    @Option(name: .customLong("key-file"), help: ArgumentHelp(
        "Token key file: 64 hex digits (`maskd key new --out FILE`) or 32+ binary bytes; any other content is a pass-phrase (16+ bytes), stretched with scrypt under the salt in FILE.salt (created if missing). Default: MASKD_TOKEN_KEY (a pass-phrase there needs MASKD_TOKEN_SALT), else a key generated once in ~/.config/maskd/token.key.",
        valueName: "file"))
    var keyFile: String?

    @Option(name: .customLong("policy"), help: ArgumentHelp(
        "A policy file (YAML, docs/policy.md): defaults, column rules, identity rules, custom detectors. Without it every type is tokenized for everyone.",
        valueName: "file"))
    var policyFile: String?

    @Option(name: .customLong("action"), help: ArgumentHelp(
        "Set the default action for a type: TYPE=ACTION with TYPE email|credit_card|us_ssn|secret (or a policy's custom type) and ACTION tokenize|redact|partial[:N]|hash|null|keep. Repeatable; applied over the policy file's defaults.",
        valueName: "type=action"))
    var actions: [String] = []

    @Flag(name: .customLong("mask-documented-examples"), help: ArgumentHelp(
        "Mask keys from vendors' documentation (AKIAIOSFODNN7EXAMPLE…) like live ones. By default they are reported as documented_example and kept."))
    var maskDocumentedExamples = false

    @Option(name: .customLong("email-case"), help: ArgumentHelp(
        "keep: Ann@x.com and ann@x.com get different email tokens, so UNIQUE(email) columns restore (default). fold: they get the same token, for case-insensitive joins.",
        valueName: "keep|fold"))
    var emailCase: String = EmailCase.keep.rawValue

    /// The policy file (if any) with the command line's actions over its defaults; a file that cannot
    /// be used throws `PolicyError` (the caller exits 78, or keeps its old policy on a reload).
    func loadPolicy() throws -> MaskPolicy {
        var policy = try policyFile.map { path throws(PolicyError) in try PolicyFile.load(path: path) } ?? MaskPolicy.default
        if maskDocumentedExamples { policy.maskDocumentedExamples = true }
        var overrides: [String] = []
        for spec in actions {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let type = policy.type(named: parts[0]), let action = MaskAction(name: parts[1]) else {
                throw ValidationError("--action \(spec): expected TYPE=ACTION, e.g. credit_card=partial:4")
            }
            policy.set(action, for: type)
            overrides.append(spec)
        }
        if !overrides.isEmpty { policy.version += "+" + overrides.joined(separator: ",") }
        return policy
    }

    /// `loadPolicy()`, or exit 78 with the file's error (`maskd: error: policy.yaml:12:5: …`).
    func policy() throws -> MaskPolicy {
        do {
            return try loadPolicy()
        } catch let error as PolicyError {
            Diagnostics.error("\(error)")
            throw ExitCode(78)
        }
    }

    /// The key, or exit 78 with the reason.
    func key(quiet: Bool) throws -> TokenKey {
        let resolved: KeySource.Resolved
        do {
            resolved = try KeySource.resolve(keyFile: keyFile)
        } catch {
            Diagnostics.error("\(error)")
            throw ExitCode(78)
        }
        if let warning = resolved.warning, !quiet { Diagnostics.warning(warning) }
        var key = resolved.key
        key.emailCase = try tokenEmailCase()
        return key
    }

    /// The `--email-case` setting.
    func tokenEmailCase() throws -> EmailCase {
        guard let setting = EmailCase(rawValue: emailCase) else {
            throw ValidationError("--email-case must be keep or fold, not \(emailCase)")
        }
        return setting
    }
}

/// Logging for the daemons: structured lines on stderr.
enum DaemonLogging {
    static func bootstrap(level: String) throws -> Logger {
        guard let level = Logger.Level(rawValue: level) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "maskd")
        logger.logLevel = level
        return logger
    }
}

/// Blocks until SIGTERM or SIGINT; SIGHUP calls `reload`.
enum SignalWaiter {
    static func waitForTermination(reload: @escaping @Sendable () -> Void) -> Int32 {
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, s) }
        // Blocked in every thread created after this (the event loops are created later or inherit it).
        pthread_sigmask(SIG_BLOCK, &set, nil)
        while true {
            var received: Int32 = 0
            sigwait(&set, &received)
            if received == SIGHUP { reload(); continue }
            return received
        }
    }

    /// Blocks the signals in the calling thread (and threads it creates later), before any event loop starts.
    static func blockSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
    }
}

/// SIGHUP for the daemons: read the policy file again; keep the old policy when the new one is invalid.
enum PolicyReload {
    static func reload(_ masking: MaskingOptions, logger: Logger, apply: (MaskPolicy) -> Void) {
        guard masking.policyFile != nil else {
            return logger.notice("SIGHUP: no policy file was given (--policy), nothing to reload")
        }
        do {
            let policy = try masking.loadPolicy()
            apply(policy)
            logger.notice("policy reloaded", metadata: ["version": "\(policy.version)"])
        } catch {
            logger.error("policy reload refused, the old policy stays", metadata: ["error": "\(error)"])
        }
    }
}
