import Foundation
import MaskEngine

/// Where the token key comes from: `--key-file`, else `MASKD_TOKEN_KEY`, else a key generated once and
/// kept (mode 0600) in `$XDG_CONFIG_HOME/maskd/token.key` (or `~/.config/maskd/token.key`), so tokens
/// stay stable between runs on this machine. If that file cannot be written, a random key is used for
/// this run only: tokens are then not stable, but nothing is ever left unmasked.
enum KeySource {
    struct Resolved {
        var key: TokenKey
        /// A warning for stderr, when the key was not given explicitly.
        var warning: String?
    }

    static func resolve(keyFile: String?) throws -> Resolved {
        if let keyFile {
            guard let data = FileManager.default.contents(atPath: keyFile) else {
                throw ValidationFailure("cannot read the key file \(keyFile)")
            }
            return Resolved(key: try keyFromFile(data), warning: nil)
        }
        if let material = ProcessInfo.processInfo.environment["MASKD_TOKEN_KEY"], !material.isEmpty {
            return Resolved(key: try TokenKey(string: material), warning: nil)
        }
        let path = defaultKeyPath()
        if let data = FileManager.default.contents(atPath: path) {
            return Resolved(key: try keyFromFile(data),
                            warning: "no --key-file or MASKD_TOKEN_KEY given; using the key in \(path)")
        }
        let material = TokenKey.generateMaterial()
        do {
            let directory = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            guard FileManager.default.createFile(atPath: path, contents: Data((material + "\n").utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw ValidationFailure("cannot create \(path)")
            }
            return Resolved(key: try TokenKey(string: material),
                            warning: "no --key-file or MASKD_TOKEN_KEY given; generated a key in \(path) (mode 0600). Tokens are stable only with this key: copy it to wherever the same tokens are needed.")
        } catch {
            return Resolved(key: try TokenKey(string: material),
                            warning: "no --key-file or MASKD_TOKEN_KEY given and \(path) cannot be written; using a random key for this run only (tokens will differ between runs)")
        }
    }

    static func keyFromFile(_ data: Data) throws -> TokenKey {
        if let text = String(data: data, encoding: .utf8) { return try TokenKey(string: text) }
        return try TokenKey(material: data)
    }

    static func defaultKeyPath() -> String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.config")
        return base + "/maskd/token.key"
    }
}

struct ValidationFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
