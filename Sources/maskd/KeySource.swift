import Foundation
import MaskEngine

/// Where the token key comes from: `--key-file`, else `MASKD_TOKEN_KEY`, else a key generated once and
/// kept (mode 0600) in `$XDG_CONFIG_HOME/maskd/token.key` (or `~/.config/maskd/token.key`), so tokens
/// stay stable between runs on this machine. If that file cannot be written, a random key is used for
/// this run only: tokens are then not stable, but nothing is ever left unmasked.
///
/// A pass-phrase (anything but a key, `KeyMaterial`) needs a salt: beside a key file in `FILE.salt`
/// (created on first use, race-free, like the default key), and with `MASKD_TOKEN_KEY` in
/// `MASKD_TOKEN_SALT`. There is no default salt: the same phrase with two salts gives two sets of tokens,
/// so a salt made up silently on each machine would break joins between machines without a word.
///
/// No message here ever includes key material, a salt or the derived key: only paths and variable names.
enum KeySource {
    struct Resolved {
        var key: TokenKey
        /// A warning for stderr, when the key was not given explicitly or a salt was created.
        var warning: String?
    }

    static let keyVariable = "MASKD_TOKEN_KEY"
    static let saltVariable = "MASKD_TOKEN_SALT"

    static func resolve(keyFile: String?) throws -> Resolved {
        let environment = ProcessInfo.processInfo.environment
        if let keyFile {
            guard let data = try CreateOnceFile.read(path: keyFile) else {
                throw ValidationFailure("cannot read the key file \(keyFile): no such file (`maskd key new --out \(keyFile)` makes one)")
            }
            return try resolveFile(path: keyFile, material: KeyMaterial(file: data))
        }
        if let text = environment[keyVariable], !text.isEmpty {
            return Resolved(key: try keyFromEnvironment(text, salt: environment[saltVariable]), warning: nil)
        }
        return try resolveDefault()
    }

    /// A key file's key; a pass-phrase file's salt is read from, or created in, `FILE.salt`.
    static func resolveFile(path: String, material: KeyMaterial) throws -> Resolved {
        guard material.isPassPhrase else { return Resolved(key: try keyed(material, salt: nil, source: path), warning: nil) }
        let saltPath = path + ".salt"
        let salt = try CreateOnceFile.readOrCreate(path: saltPath) { Data((TokenKey.generateSalt() + "\n").utf8) }
        let saltBytes: [UInt8]
        do {
            saltBytes = try TokenKey.salt(hex: String(decoding: salt.data, as: UTF8.self))
        } catch {
            throw ValidationFailure("\(saltPath): \(error)")
        }
        let warning = salt.created
            ? "\(path) holds a pass-phrase; generated its salt in \(saltPath) (mode 0600). The same tokens need the same pass-phrase and salt: copy both."
            : nil
        return Resolved(key: try keyed(material, salt: saltBytes, source: path), warning: warning)
    }

    static func keyFromEnvironment(_ text: String, salt: String?) throws -> TokenKey {
        let material = KeyMaterial(text: text)
        guard material.isPassPhrase else { return try keyed(material, salt: nil, source: keyVariable) }
        guard let salt, !salt.isEmpty else {
            throw ValidationFailure("\(keyVariable) is not 64 hex digits, so it is read as a pass-phrase, and a pass-phrase needs a salt: set \(saltVariable) to \(2 * TokenKey.minimumSaltBytes)+ hex digits (`maskd key salt` prints one; every machine that must give the same tokens needs the same salt), or set \(keyVariable) to a key from `maskd key new`")
        }
        let saltBytes: [UInt8]
        do {
            saltBytes = try TokenKey.salt(hex: salt)
        } catch {
            throw ValidationFailure("\(saltVariable): \(error)")
        }
        return try keyed(material, salt: saltBytes, source: keyVariable)
    }

    /// The default key file: read it, or create it race-free with a fresh random key.
    static func resolveDefault() throws -> Resolved {
        let path = defaultKeyPath()
        let created: (data: Data, created: Bool)
        do {
            created = try CreateOnceFile.readOrCreate(path: path) { Data((TokenKey.generateMaterial() + "\n").utf8) }
        } catch {
            return Resolved(key: try TokenKey(string: TokenKey.generateMaterial()),
                            warning: "no --key-file or \(keyVariable) given and \(path) cannot be used (\(error)); using a random key for this run only (tokens will differ between runs)")
        }
        let material = KeyMaterial(file: created.data)
        if material.isPassPhrase {
            // Written by hand: treat it like any key file, salt beside it.
            var resolved = try resolveFile(path: path, material: material)
            resolved.warning = "no --key-file or \(keyVariable) given; using the pass-phrase in \(path)" + (resolved.warning.map { ". " + $0 } ?? "")
            return resolved
        }
        let key = try keyed(material, salt: nil, source: path)
        return Resolved(key: key, warning: created.created
            ? "no --key-file or \(keyVariable) given; generated a key in \(path) (mode 0600). Tokens are stable only with this key: copy it to wherever the same tokens are needed."
            : "no --key-file or \(keyVariable) given; using the key in \(path)")
    }

    /// `TokenKey(material:salt:)` with the source named in the error (never the material).
    static func keyed(_ material: KeyMaterial, salt: [UInt8]?, source: String) throws -> TokenKey {
        do {
            return try TokenKey(material: material, salt: salt)
        } catch {
            throw ValidationFailure("\(source): \(error)")
        }
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
