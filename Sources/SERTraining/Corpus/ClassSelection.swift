/// Which emotion classes to keep, and how to rename labels first.
///
/// A label is first renamed through ``mapping`` (labels not in it keep their name), then kept if
/// ``classes`` is nil or contains the renamed label. Importers drop the other rows and count them in
/// their report.
public struct ClassSelection: Codable, Equatable, Sendable {
    /// The classes to keep, in the order a model's outputs will use; nil keeps every label.
    public var classes: [String]?
    /// Renamings applied before selection, e.g. `["excited": "happy"]`.
    public var mapping: [String: String]

    public init(classes: [String]? = nil, mapping: [String: String] = [:]) {
        self.classes = classes
        self.mapping = mapping
    }

    /// Keep every label unchanged.
    public static let all = ClassSelection()

    /// The four classes most SER work on IEMOCAP uses: neutral, happy, sad, angry, with excited merged
    /// into happy.
    public static let fourClass = ClassSelection(classes: ["neutral", "happy", "sad", "angry"],
                                                 mapping: ["excited": "happy"])

    /// The label `label` becomes, or nil when it is not selected.
    public func apply(_ label: String) -> String? {
        let mapped = mapping[label] ?? label
        if let classes, !classes.contains(mapped) { return nil }
        return mapped
    }
}
