/// Who is asking: the attributes a proxy sent for a session (`user`, `database`, `application`,
/// `client_addr`, any number of `group` and `role`, and whatever else its handshake carried), or the
/// startup parameters `maskd proxy` saw. Fixed for the session: a client's later
/// `SET application_name` does not change it, so it cannot talk its way into another rule.
public struct Identity: Sendable, Equatable {
    public struct Attribute: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    public var attributes: [Attribute]

    public init(attributes: [Attribute] = []) { self.attributes = attributes }

    public init(_ pairs: [(key: String, value: String)]) {
        attributes = pairs.map { Attribute($0.key, $0.value) }
    }

    /// No identity was sent (a `session_id` alone says nothing about who asks).
    public static let unknown = Identity()

    /// Whether nothing but a session id was sent.
    public var isUnknown: Bool { attributes.allSatisfy { $0.key == "session_id" || $0.value.isEmpty } }

    /// Every value sent under `key`.
    public func values(_ key: String) -> [String] {
        attributes.compactMap { $0.key == key ? $0.value : nil }
    }

    /// The first value sent under `key`.
    public func value(_ key: String) -> String? {
        attributes.first { $0.key == key }?.value
    }
}
