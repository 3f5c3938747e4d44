import Foundation
import Testing
@testable import MaskEngine

/// Keys as an operator meets them through the binary: the default key file under a race of first runs,
/// pass-phrases and their salts, `maskd key`, and that no key material reaches any output.
@Suite struct KeyCommandTests {
    static let binary = PipeCommandTests.binary
    // Computed, not stored: under the ASan lane LeakSanitizer reported the storage of a stored static
    // `Data` here as a direct leak (87 bytes); a computed one holds nothing past each use.
    static var csv: Data { Data("email\nann@example.com\n".utf8) }
    static let phrase = "a pass-phrase for the key command tests"
    static let saltHex = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("maskd-key-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func mode(_ path: String) throws -> Int {
        let value = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]
        return (value as? NSNumber)?.intValue ?? (value as? Int) ?? -1
    }

    /// Starts `count` first runs of `maskd pipe` at once on one empty config directory: every run must
    /// use the one key that ends up in the file, so all mask the email alike.
    @Test func aRaceOfFirstRunsEndsWithOneKey() throws {
        let config = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: config) }
        let input = config.appendingPathComponent("input.csv")
        try Self.csv.write(to: input)
        var env = ProcessInfo.processInfo.environment
        env["MASKD_TOKEN_KEY"] = nil
        env["MASKD_TOKEN_SALT"] = nil
        env["XDG_CONFIG_HOME"] = config.path
        let count = 12
        let outputs = (0..<count).map { config.appendingPathComponent("out-\($0).csv") }
        let processes = try outputs.map { output -> Process in
            let process = Process()
            process.executableURL = Self.binary
            process.arguments = ["pipe", "-q"]
            process.environment = env
            process.standardInput = try FileHandle(forReadingFrom: input)
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = FileHandle.nullDevice
            return process
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let masked = try Set(outputs.map { try Data(contentsOf: $0) })
        #expect(masked.count == 1, "\(masked.count) different outputs from \(count) racing first runs")
        let keyPath = config.appendingPathComponent("maskd/token.key").path
        #expect(try mode(keyPath) == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: config.appendingPathComponent("maskd").path)
        #expect(leftovers == ["token.key"], "no temporary files left behind")
        // And the key in the file is the one they used: a later run with it as --key-file agrees.
        let later = try PipeCommandTests.run(["pipe", "-q", "--key-file", keyPath], stdin: Self.csv)
        #expect(masked.first == later.stdout)
    }

    @Test func aPassPhraseInTheEnvironmentNeedsASalt() throws {
        let run = try PipeCommandTests.run(["pipe", "-q"], stdin: Self.csv, environment: ["MASKD_TOKEN_KEY": Self.phrase])
        #expect(run.status == 78)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("MASKD_TOKEN_SALT"), "\(run.stderr)")
        #expect(!run.stderr.contains(Self.phrase))
    }

    /// (That the same phrase and salt give the same tokens on every run is
    /// `aPassPhraseKeyFileGetsItsSaltBesideIt`'s: each pass-phrase run costs a scrypt, so they are few.)
    @Test func anotherSaltGivesOtherTokens() throws {
        let env = ["MASKD_TOKEN_KEY": Self.phrase, "MASKD_TOKEN_SALT": Self.saltHex]
        let a = try PipeCommandTests.run(["pipe", "-q"], stdin: Self.csv, environment: env)
        var otherSalt = env
        otherSalt["MASKD_TOKEN_SALT"] = "00" + Self.saltHex.dropFirst(2)
        let c = try PipeCommandTests.run(["pipe", "-q"], stdin: Self.csv, environment: otherSalt)
        #expect(a.status == 0 && c.status == 0, "\(a.stderr)\(c.stderr)")
        #expect(a.stdout != c.stdout, "the salt is part of the key")
        #expect(!String(decoding: a.stdout, as: UTF8.self).contains("ann@example.com"))
    }

    @Test func aShortPassPhraseIsRefused() throws {
        let run = try PipeCommandTests.run(["pipe", "-q"], stdin: Self.csv,
                                           environment: ["MASKD_TOKEN_KEY": "hunter2hunter2", "MASKD_TOKEN_SALT": Self.saltHex])
        #expect(run.status == 78)
        #expect(run.stderr.contains("at least 16"), "\(run.stderr)")
        #expect(!run.stderr.contains("hunter2"))
    }

    @Test func aPassPhraseKeyFileGetsItsSaltBesideIt() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyFile = directory.appendingPathComponent("phrase.key").path
        try Data((Self.phrase + "\n").utf8).write(to: URL(fileURLWithPath: keyFile))
        let first = try PipeCommandTests.run(["pipe", "--key-file", keyFile], stdin: Self.csv)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("phrase.key.salt"), "a warning names the new salt file")
        let saltFile = keyFile + ".salt"
        #expect(try mode(saltFile) == 0o600)
        let second = try PipeCommandTests.run(["pipe", "--key-file", keyFile], stdin: Self.csv)
        #expect(second.stdout == first.stdout)
        #expect(!second.stderr.contains("generated"), "the salt is made once")
        // The same phrase and salt through the environment: the same tokens on another machine.
        let salt = try String(contentsOfFile: saltFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let viaEnvironment = try PipeCommandTests.run(["pipe", "-q"], stdin: Self.csv,
                                                      environment: ["MASKD_TOKEN_KEY": Self.phrase, "MASKD_TOKEN_SALT": salt])
        #expect(viaEnvironment.stdout == first.stdout)
    }

    @Test func keyNewWritesAFreshKeyOnceWithMode0600() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let printed = try PipeCommandTests.run(["key", "new"], stdin: Data())
        let text = String(decoding: printed.stdout, as: UTF8.self).trimmingCharacters(in: .newlines)
        #expect(printed.status == 0 && text.count == 64 && TokenKey.hexDecode(text) != nil)
        let out = directory.appendingPathComponent("token.key").path
        let made = try PipeCommandTests.run(["key", "new", "--out", out], stdin: Data())
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try mode(out) == 0o600)
        let before = try Data(contentsOf: URL(fileURLWithPath: out))
        let again = try PipeCommandTests.run(["key", "new", "--out", out], stdin: Data())
        #expect(again.status == 73)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == before, "never overwritten")
        let masked = try PipeCommandTests.run(["pipe", "-q", "--key-file", out], stdin: Self.csv)
        #expect(masked.status == 0 && masked.stderr.isEmpty, "a new key file is a key, no salt needed: \(masked.stderr)")
        let salt = try PipeCommandTests.run(["key", "salt"], stdin: Data())
        #expect(String(decoding: salt.stdout, as: UTF8.self).trimmingCharacters(in: .newlines).count == 32)
    }

    /// Runs `maskd pipe` with known keys, with a report and every warning, and looks for the key, the
    /// phrase, the salt and the derived key in every byte that comes out.
    @Test func keyMaterialNeverReachesAnyOutput() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let hexKey = "5e2e0c1d9a7b4f3e8d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706"
        let input = Data("email,note\nann@example.com,card 4111 1111 1111 1111\n".utf8)
        let cases: [([String: String], TokenKey, [String])] = [
            (["MASKD_TOKEN_KEY": hexKey], try TokenKey(string: hexKey), [hexKey]),
            (["MASKD_TOKEN_KEY": Self.phrase, "MASKD_TOKEN_SALT": Self.saltHex],
             try TokenKey(string: Self.phrase, salt: TokenKey.hexDecode(Self.saltHex)), [Self.phrase]),
        ]
        for (env, key, given) in cases {
            let report = directory.appendingPathComponent("report-\(UUID()).jsonl").path
            let run = try PipeCommandTests.run(["pipe", "--report", report], stdin: input, environment: env)
            #expect(run.status == 0, "\(run.stderr)")
            let derived = TokenKey.hexEncode(key.bytes)
            let secrets = given + [derived, String(derived.prefix(16)), derived.uppercased()]
            let outputs = [String(decoding: run.stdout, as: UTF8.self), run.stderr,
                           try String(contentsOfFile: report, encoding: .utf8)]
            for output in outputs {
                for secret in secrets { #expect(!output.contains(secret)) }
            }
        }
        // A refused key: the error names the variable, never the value.
        let refused = try PipeCommandTests.run(["pipe"], stdin: input, environment: ["MASKD_TOKEN_KEY": Self.phrase, "MASKD_TOKEN_SALT": "zz"])
        #expect(refused.status == 78 && !refused.stderr.contains(Self.phrase) && !refused.stderr.contains("zz"), "\(refused.stderr)")
    }
}
