/// Why a model cannot be exported to ONNX.
public enum ONNXExportError: Error, CustomStringConvertible, Equatable {
    /// A member kind, channel or setting that ONNX cannot express (or this exporter does not yet write).
    case unsupported(file: String, what: String, why: String)
    /// The model file holds more than one member; export one member at a time.
    case multipleMembers(file: String, count: Int)

    public var description: String {
        switch self {
        case .unsupported(let file, let what, let why):
            return "\(file): cannot export \(what) to ONNX: \(why)"
        case .multipleMembers(let file, let count):
            return "\(file): the model has \(count) members; ONNX export writes single-member models (export each member's model file)"
        }
    }
}
