import ArgumentParser
import Foundation
import MaskEngine

/// `maskd pipe`: stdin to stdout.
struct Pipe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipe",
        abstract: "Mask CSV, a pg_dump script, a PostgreSQL backend message stream, COPY text or text lines from stdin to stdout.",
        discussion: """
            The format is detected from the first bytes (override with --format); a first line that is a JSON object reads as JSON Lines. CSV follows RFC 4180; its \
            first row names the columns unless --no-header. A pg_dump or pg_dumpall plain-SQL script (its \
            lines LF or CR LF) has the rows of its COPY blocks (and of its INSERT statements, with --inserts) masked and everything else passed through. A wire stream is a sequence of \
            PostgreSQL backend messages (RowDescription, DataRow, CommandComplete, ...). --format copy reads \
            the text format of COPY ... TO STDOUT (tab-separated, \\N for NULL, backslash escapes), which \
            COPY ... FROM STDIN reads back; --header when the first line names the columns. --format lines masks any \
            other text, each line as one value (JSON Lines, psql -At output, logs). Input compressed \
            as LZ4 frames is detected and decompressed; --lz4 compresses the output.

            With --policy, the output is masked for the identity given with --identity (user=…, group=…, \
            application=…, any attribute the policy matches on); with none, for the unknown identity. \
            Column rules match CSV header names (with --table, the table too) and the tables and columns of \
            a dump's COPY blocks and INSERT statements.

            Exit status: 0 success, 64 bad usage, 65 malformed input (nothing of the failing row or after \
            it is written), 74 an I/O error, 78 a key or policy problem, 141 the output was closed early \
            (as SIGPIPE).

            Examples:
              maskd pipe < users.csv > users.masked.csv
              pg_dump prod | maskd pipe | psql staging
              psql prod -c "COPY users TO STDOUT" | maskd pipe --format copy --schema users.sql
              psql prod -At -c "select to_jsonb(e) from events e" | maskd pipe --format lines
              pg_dump prod | lz4 | maskd pipe --lz4 > masked.sql.lz4
              maskd pipe --report findings.jsonl --key-file prod.key < capture.wire > masked.wire
              maskd pipe --action credit_card=partial:4 --action email=hash < payments.csv
              maskd pipe --policy policy.yaml --identity user=ana --identity group=fraud < payments.csv
            """
    )

    @Option(help: "Input format: auto, csv, wire, pgdump, copy (COPY's text format) or lines (one value per line: JSON Lines, psql -At output, logs); copy is never detected, lines only for JSON Lines.")
    var format: String = "auto"

    @Flag(name: .customLong("no-header"), help: "CSV: the first row is data, not column names.")
    var noHeader = false

    @Flag(name: .customLong("header"), help: "COPY text: the first line names the columns, as COPY … TO STDOUT (HEADER) writes it.")
    var header = false

    @Option(help: ArgumentHelp(
        "COPY text: a SQL file that declares the table (pg_dump --schema-only -t TABLE), so that masked values fit their columns' types; --table picks one of several.",
        valueName: "file"))
    var schema: String?

    @Option(help: ArgumentHelp("CSV field separator: one character, or 'tab'.", valueName: "char"))
    var delimiter: String = ","

    @Option(help: ArgumentHelp("Write findings as JSON Lines to this file.", valueName: "file"))
    var report: String?

    @Option(help: ArgumentHelp("Append a result_set audit record (JSON Lines, never a value) per CSV input, dump table or capture to this file (docs/policy.md).", valueName: "file"))
    var audit: String?

    @Option(name: .customLong("identity"), help: ArgumentHelp(
        "Who the output is for, as the policy's identity rules match it: KEY=VALUE with KEY user, group, role, application, database or any attribute. Repeatable.",
        valueName: "key=value"))
    var identity: [String] = []

    @Option(help: ArgumentHelp("CSV: the table the rows come from (schema.table), for policy column rules that name a table.", valueName: "name"))
    var table: String?

    @OptionGroup var masking: MaskingOptions

    @Option(name: .customLong("max-record-mb"), help: ArgumentHelp(
        "Longest CSV record or dump line held in memory, in MB; longer input fails (exit 65).", valueName: "mb"))
    var maxRecordMB: Int = 256

    @Flag(help: "Write the output as an LZ4 frame (input in LZ4 is detected and decompressed by itself).")
    var lz4 = false

    @Option(help: "Worker threads (default: the number of cores).")
    var threads: Int?

    @Flag(name: .shortAndLong, help: "Print no summary or progress on stderr.")
    var quiet = false

    /// The table a `--schema` file declares (the one `table` names, or its only one), and its columns.
    static func declaredTable(schemaFile path: String, table: String?) throws -> (String, [DumpColumn]) {
        // Read to its end through a handle: a pipe (`--schema <(pg_restore -s …)`) has no size to read by.
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ValidationError("--schema \(path): cannot open it") }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd(), let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("--schema \(path): cannot read it as UTF-8 text")
        }
        var schema = DumpSchema()
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            _ = schema.read(line: String(line).trimmingCharacters(in: .newlines))
        }
        let declared = schema.tables.keys.sorted()
        guard !declared.isEmpty else {
            throw ValidationError("--schema \(path) declares no table (CREATE TABLE as pg_dump --schema-only writes it)")
        }
        if let table {
            guard let name = schema.table(named: table) else {
                throw ValidationError("--schema \(path) does not declare \(table); it declares \(declared.joined(separator: ", "))")
            }
            return (name, schema.tables[name]!)
        }
        guard declared.count == 1 else {
            throw ValidationError("--schema \(path) declares \(declared.count) tables (\(declared.joined(separator: ", "))): name one with --table")
        }
        return (declared[0], schema.tables[declared[0]]!)
    }

    func run() throws {
        let policy = try masking.policy()
        var options = StreamMasker.Options()
        switch format {
        case "auto": options.format = nil
        case "csv": options.format = .csv
        case "wire": options.format = .wire
        case "pgdump": options.format = .pgdump
        case "copy": options.format = .copy
        case "lines": options.format = .lines
        default: throw ValidationError("--format must be auto, csv, wire, pgdump, copy or lines")
        }
        options.csvHeader = !noHeader
        options.copyHeader = header
        if header && options.format != .copy {
            throw ValidationError("--header is for --format copy (a CSV's first row names its columns unless --no-header)")
        }
        options.csvTable = table
        if let schema {
            guard options.format == .copy else { throw ValidationError("--schema is for --format copy (a dump declares its own tables)") }
            let (name, columns) = try Self.declaredTable(schemaFile: schema, table: table)
            options.csvTable = PgDumpSplitter.unquotedName(name)
            options.copyColumns = columns
        }
        var attributes: [Identity.Attribute] = []
        for spec in identity {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--identity \(spec): expected KEY=VALUE, e.g. user=ana") }
            attributes.append(Identity.Attribute(parts[0] == "application_name" ? "application" : parts[0], parts[1]))
        }
        options.identity = Identity(attributes: attributes)
        let separator = delimiter == "tab" || delimiter == "\\t" ? "\t" : delimiter
        guard separator.utf8.count == 1, let byte = separator.utf8.first, byte != UInt8(ascii: "\""), byte != 10, byte != 13 else {
            throw ValidationError("--delimiter must be one ASCII character other than a quote or a line break, or 'tab'")
        }
        options.csvDelimiter = byte
        options.lz4Output = lz4
        guard maxRecordMB >= 1 else { throw ValidationError("--max-record-mb must be at least 1") }
        options.maxRecordBytes = maxRecordMB << 20
        if let threads {
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
            options.workers = threads
        }
        let key = try masking.key(quiet: quiet)
        // With stdin or stdout closed (`>&-`), the next open(2) would get its descriptor: the masked rows
        // would go into the report file, or the report would be read as input.
        for (fd, name) in [(Int32(0), "stdin"), (1, "stdout")] where fcntl(fd, F_GETFD) < 0 {
            Diagnostics.error("\(name) is closed; give maskd pipe an input and an output (< file, > file or a pipe)")
            throw ExitCode(74)
        }

        // The report is this run's (truncated); the audit file is a log that runs append to.
        let reportFD = try Self.openOutput(report, what: "report", flags: O_TRUNC)
        defer { if reportFD >= 0 { close(reportFD) } }
        let auditFD = try Self.openOutput(audit, what: "audit", flags: O_APPEND)
        defer { if auditFD >= 0 { close(auditFD) } }
        signal(SIGPIPE, SIG_IGN)
        if isatty(0) == 1 && !quiet {
            Diagnostics.warning("reading from the terminal; pipe the input in, e.g. `maskd pipe < data.csv` (Ctrl-D ends)")
        }

        let progress = ProgressLine(enabled: !quiet && isatty(2) == 1)
        options.progress = { summary in progress.update(summary) }
        let started = Date()
        let masker = StreamMasker(policy: policy, key: key, options: options)
        let fd = reportFD
        var reportSink: StreamMasker.Sink? = nil
        let reportName = "the report file \(report ?? "")"
        if fd >= 0 { reportSink = { @Sendable bytes in try FileDescriptorIO.writeAll(fd, bytes, file: reportName) } }
        let auditDescriptor = auditFD
        let auditName = "the audit file \(audit ?? "")"
        // The audit's closing record is written by the masker whatever the outcome, and its error is not
        // the run's: kept here, so that an audit that could not be written fails the run.
        let auditFailure = FirstFailure()
        let auditSink: StreamMasker.Sink? = auditDescriptor >= 0 ? { @Sendable bytes in
            do { try FileDescriptorIO.writeAll(auditDescriptor, bytes, file: auditName) } catch { auditFailure.record(error); throw error }
        } : nil
        let source: StreamMasker.Source = { buffer in try FileDescriptorIO.read(0, into: buffer) }
        let sink: StreamMasker.Sink = { bytes in try FileDescriptorIO.writeAll(1, bytes) }
        do {
            let summary = try masker.run(source: source, sink: sink, report: reportSink, audit: auditSink)
            if let error = auditFailure.error { throw error }
            progress.clear()
            if !quiet { Diagnostics.summary(summary, seconds: Date().timeIntervalSince(started), policy: policy) }
            if summary.outsideRowFindings > 0 {
                Diagnostics.warning("\(summary.outsideRowFindings) values outside data rows (a CSV header, or dump text outside COPY blocks) were masked; they are not in the report")
            }
        } catch is OutputClosed {
            // As if killed by SIGPIPE, the way `cat` or `grep` end under `| head`, but without the signal.
            progress.clear()
            throw ExitCode(141)
        } catch let error as StreamError {
            progress.clear()
            Diagnostics.error("\(error); nothing of that row or after it was written")
            throw ExitCode(65)
        } catch {
            progress.clear()
            Diagnostics.error("\(error)")
            throw ExitCode(74)
        }
    }

    /// Opens `path` for writing (mode 0600), or returns -1 when there is none; exit 74 when it cannot.
    static func openOutput(_ path: String?, what: String, flags: Int32) throws -> Int32 {
        guard let path else { return -1 }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0o600)
        guard fd >= 0 else {
            Diagnostics.error("cannot open the \(what) file \(path): \(String(cString: strerror(errno)))")
            throw ExitCode(74)
        }
        return fd
    }
}
