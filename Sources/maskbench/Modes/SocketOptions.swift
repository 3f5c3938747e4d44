import ArgumentParser

/// How the socket mode drives `maskd serve`.
struct SocketOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Sessions streaming at once, each the whole wire corpus (default: --threads).", valueName: "n"))
    var sessions: Int?

    @Option(help: ArgumentHelp("Bytes per S frame (a proxy's read size).", valueName: "size"))
    var cut = ByteSize(bytes: 64 * 1024)

    @Option(help: ArgumentHelp("S frames a session has sent and not yet seen answered (pipelining depth; 1 = one round trip at a time).", valueName: "n"))
    var depth = 4

    func validate() throws {
        if let sessions, sessions < 1 { throw ValidationError("--sessions must be at least 1") }
        if depth < 1 { throw ValidationError("--depth must be at least 1") }
        if cut.bytes < 1 { throw ValidationError("--cut must be at least 1 byte") }
    }
}
