import ArgumentParser
import Foundation
import MaskEngine

/// `maskd key`: making token keys and pass-phrase salts, so no one needs a hand-rolled `openssl` line.
struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Make a token key or a pass-phrase salt.",
        discussion: """
            A key is 64 hex digits (256 random bits); tokens for a key are the same on every machine that has \
            it. A pass-phrase (any other --key-file content or MASKD_TOKEN_KEY value) is stretched with \
            scrypt under a salt: FILE.salt beside a key file, MASKD_TOKEN_SALT beside MASKD_TOKEN_KEY. \
            docs/keys.md explains the derivation and how to rotate.
            """,
        subcommands: [KeyNew.self, KeySalt.self]
    )
}

/// `maskd key new [--out FILE]`.
struct KeyNew: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Print a fresh random key (64 hex digits), or write it to a new file (mode 0600).",
        discussion: """
            With --out, the file is created with mode 0600 and never overwritten: if FILE exists, nothing is \
            written and the exit status is 73. Two commands racing on the same FILE end with one key.

            Examples:
              maskd key new --out /etc/maskd/token.key
              MASKD_TOKEN_KEY=$(maskd key new) maskd pipe < rows.csv
            """
    )

    @Option(help: ArgumentHelp("Write the key to this new file instead of standard output.", valueName: "file"))
    var out: String?

    func run() throws {
        try KeyOutput.emit(TokenKey.generateMaterial(), to: out)
    }
}

/// `maskd key salt [--out FILE]`.
struct KeySalt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "salt",
        abstract: "Print a fresh salt for a pass-phrase (32 hex digits), or write it to a new file (mode 0600).",
        discussion: """
            Give it to every maskd that uses the pass-phrase, as MASKD_TOKEN_SALT or as the KEYFILE.salt \
            beside a --key-file: the same pass-phrase and salt give the same tokens everywhere.

            Examples:
              export MASKD_TOKEN_SALT=$(maskd key salt)
              maskd key salt --out /etc/maskd/phrase.key.salt
            """
    )

    @Option(help: ArgumentHelp("Write the salt to this new file instead of standard output.", valueName: "file"))
    var out: String?

    func run() throws {
        try KeyOutput.emit(TokenKey.generateSalt(), to: out)
    }
}

/// Where a new key or salt goes: stdout, or a file that must not exist yet.
enum KeyOutput {
    static func emit(_ value: String, to path: String?) throws {
        guard let path else {
            print(value)
            return
        }
        do {
            if try CreateOnceFile.read(path: path) != nil {
                Diagnostics.error("\(path) exists; not overwritten (a key in use must be rotated on purpose, docs/keys.md)")
                throw ExitCode(73)
            }
            let result = try CreateOnceFile.readOrCreate(path: path) { Data((value + "\n").utf8) }
            guard result.created else {
                Diagnostics.error("\(path) was created by another process meanwhile; not overwritten")
                throw ExitCode(73)
            }
        } catch let failure as CreateOnceFile.Failure {
            Diagnostics.error("\(failure)")
            throw ExitCode(73)
        }
    }
}
