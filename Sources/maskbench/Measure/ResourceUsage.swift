import Foundation

/// The clock and the kernel's accounting that every mode measures with.
enum ResourceUsage {
    /// Monotonic seconds.
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// User + system CPU seconds of this process, every thread included.
    static func selfCPUSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return seconds(u.ru_utime) + seconds(u.ru_stime)
    }

    static func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }

    /// CPU seconds and peak RSS (bytes) of a reaped child, from wait4's rusage.
    static func childFigures(_ u: rusage) -> (cpu: Double, peakRSS: Int) {
        (seconds(u.ru_utime) + seconds(u.ru_stime), Int(u.ru_maxrss) * 1024)
    }

    /// A `kB` field of /proc/PID/status (VmRSS, VmHWM, RssAnon, …), in bytes.
    static func statusField(_ name: String, pid: pid_t? = nil) -> Int? {
        let path = pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let digits = line.dropFirst(name.count + 1).filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }

    /// Resets this process's peak RSS (VmHWM) to its current RSS (Linux: `5` into clear_refs), so the
    /// next reading is the peak of what follows. Returns false where the kernel does not allow it.
    @discardableResult
    static func resetPeakRSS() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }
}
