/// The actions one policy entry sets (`defaults`, a column rule, an identity rule): per type, and for
/// every type with `"*"`. A type the entry does not name is left to the next entry in precedence.
public struct TypeActions: Sendable, Equatable {
    public var byType: [EntityType: MaskAction]
    /// The `"*"` entry: every type this entry does not name.
    public var any: MaskAction?

    public init(byType: [EntityType: MaskAction] = [:], any: MaskAction? = nil) {
        self.byType = byType
        self.any = any
    }

    /// The type's own entry, else `"*"`, else nil (this entry says nothing of the type).
    public func action(for type: EntityType) -> MaskAction? { byType[type] ?? any }

    public var isEmpty: Bool { byType.isEmpty && any == nil }
}
