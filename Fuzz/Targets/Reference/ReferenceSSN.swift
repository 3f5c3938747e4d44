/// A US SSN written with separators as docs/detection/cards-and-ssns.md defines one, with no
/// announcement (no keyword before it, a column that names nothing): three digits, a hyphen or a space,
/// two digits, a hyphen or a space, four digits; never area 000, 666 or 900-999, group 00 or serial
/// 0000. Dots and bare nine digits need an announcement, so they are never SSNs here.
enum ReferenceSSN {
    static func isSSN(area: String, group: String, serial: String, separators: (String, String)) -> Bool {
        let joining: Set<String> = ["-", " "]
        guard joining.contains(separators.0), joining.contains(separators.1) else { return false }
        let a = Int(area)!, g = Int(group)!, s = Int(serial)!
        return a != 0 && a != 666 && a < 900 && g != 0 && s != 0
    }
}
