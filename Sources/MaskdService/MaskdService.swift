/// The daemon (`maskd serve`) and the reference proxy (`maskd proxy`).
public enum MaskdService {}
