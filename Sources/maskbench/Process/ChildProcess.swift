import Foundation

/// A child process maskbench started (maskd, python3, pg_ctl, …), with the resource use the kernel
/// reports when it is reaped. Spawned with posix_spawn in a process group of its own, so a Ctrl-C on
/// the terminal reaches maskbench alone and maskbench decides how each child is stopped.
final class ChildProcess: @unchecked Sendable {
    // @unchecked: `pid` is set once in init; `exit` and `usage` are written once by `wait()`, which only
    // the thread that owns the child calls.
    let pid: pid_t
    let name: String
    private(set) var exitStatus: Int32?
    /// The child's own CPU time and peak RSS (wait4's rusage), once reaped.
    private(set) var usage = rusage()

    /// Where a standard stream of the child goes.
    enum Stream {
        case inherit
        case null
        case file(path: String, append: Bool)
        case descriptor(Int32)
    }

    /// Starts `arguments[0]` (an absolute path, or a name looked up in PATH) with the given streams and
    /// extra environment variables.
    init(_ arguments: [String], stdin: Stream = .null, stdout: Stream = .null, stderr: Stream = .inherit,
         environment: [String: String] = [:]) throws {
        precondition(!arguments.isEmpty)
        ChildRegistry.shared.parkIfInterrupted()
        name = (arguments[0] as NSString).lastPathComponent
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (fd, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch stream {
            case .inherit: break
            case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
            case .file(let path, let append):
                posix_spawn_file_actions_addopen(&actions, fd, path, fd == 0 ? O_RDONLY : O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0o644)
            case .descriptor(let source): posix_spawn_file_actions_adddup2(&actions, source, fd)
            }
        }
        // The spawning thread may have signals blocked (the signal thread's mask is inherited): the child
        // starts with none blocked and default handlers, in its own process group.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let envStrings = env.map { "\($0.key)=\($0.value)" }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = envStrings.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) }; for p in envp { free(p) } }
        var child: pid_t = 0
        let code = arguments[0].contains("/")
            ? posix_spawn(&child, arguments[0], &actions, &attributes, &argv, &envp)
            : posix_spawnp(&child, arguments[0], &actions, &attributes, &argv, &envp)
        guard code == 0 else {
            throw BenchError.unavailable("cannot run \(arguments[0]): \(String(cString: strerror(code)))")
        }
        pid = child
        ChildRegistry.shared.add(self)
    }

    /// Waits for the child to end; returns its exit status (128 + signal when killed).
    @discardableResult
    func wait() -> Int32 {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        var used = rusage()
        while wait4(pid, &status, 0, &used) < 0 && errno == EINTR {}
        return reaped(status: status, usage: used)
    }

    /// Whether the child has ended (reaps it if so).
    var hasExited: Bool {
        if exitStatus != nil { return true }
        var status: Int32 = 0
        var used = rusage()
        let r = wait4(pid, &status, WNOHANG, &used)
        // ECHILD: another thread reaped it (the work thread, while the signal thread stops it).
        if r < 0 && errno == ECHILD { return true }
        guard r == pid else { return false }
        reaped(status: status, usage: used)
        return true
    }

    /// Records what wait4 reported for the reaped child and forgets it in the registry.
    @discardableResult
    private func reaped(status: Int32, usage used: rusage) -> Int32 {
        usage = used
        let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        exitStatus = code
        ChildRegistry.shared.remove(self)
        ChildRegistry.shared.parkIfInterrupted()
        return code
    }

    /// Sends `signal`, waits up to `grace` seconds, then SIGKILLs and reaps.
    func stop(signal: Int32 = SIGTERM, grace: Double = 5) {
        guard exitStatus == nil else { return }
        kill(pid, signal)
        let deadline = Date().addingTimeInterval(grace)
        while !hasExited && Date() < deadline { usleep(10_000) }
        if !hasExited {
            kill(pid, SIGKILL)
            wait()
        }
    }

    /// CPU seconds (user + system) the child has used so far, from /proc (10 ms resolution).
    func cpuSecondsSoFar() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name: state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The child's peak resident set so far (VmHWM), in bytes.
    func peakRSSSoFar() -> Int? { ResourceUsage.statusField("VmHWM", pid: pid) }
}

/// Runs a command to completion with its output in a temporary file; throws with that output when it
/// fails. For setup steps (initdb, pg_ctl, python3), not for what is measured.
enum SetupCommand {
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let log = NSTemporaryDirectory() + "maskbench-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        defer { unlink(log) }
        // Output goes to a file, not a pipe: `pg_ctl start` leaves the server holding it open.
        let child = try ChildProcess(arguments, stdout: .file(path: log, append: false), stderr: .file(path: log, append: true),
                                     environment: environment)
        let status = child.wait()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw BenchError.failed("\(arguments.joined(separator: " ")) exited \(status):\n\(output)")
        }
        return output
    }
}
