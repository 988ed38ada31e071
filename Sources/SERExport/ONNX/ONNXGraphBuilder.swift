import Foundation
import SERTensor

/// Builds one ONNX graph (default domain, opset ``ONNXGraphBuilder/opset``) node by node: weights become
/// float32 initializers, every node output gets a fresh name, and the finished graph is wrapped in a
/// `ModelProto` with its inputs, outputs and metadata.
///
/// Names: initializers are named after the SwiftSER parameter they hold (`members.0.proj.weight`), node
/// outputs `<op>_<n>`; the graph inputs and outputs keep the names given.
struct ONNXGraphBuilder {
    /// The ONNX operator set the exporter targets (17: the first with `STFT` and `LayerNormalization`;
    /// every op used here has had its current signature since opset 13).
    static let opset: Int64 = 17
    /// IR version 8 goes with opset 17.
    static let irVersion: Int64 = 8

    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    private var used: Set<String> = []
    private var counter = 0

    /// Op types used so far, for the documentation and the model's metadata.
    var opTypes: [String] { Array(Set(nodes.map(\.opType))).sorted() }

    // MARK: Initializers

    /// A float32 initializer holding `tensor`'s values with its shape; returns its name.
    mutating func constant(_ tensor: Tensor, name: String) -> String {
        let values = tensor.to(.float32).scalars
        var t = Onnx_TensorProto()
        t.name = unique(name)
        t.dims = tensor.shape.map(Int64.init)
        t.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        t.rawData = values.withUnsafeBufferPointer { Data(buffer: $0) }
        initializers.append(t)
        return t.name
    }

    /// A float32 initializer of shape `shape` from `values` (row-major).
    mutating func constant(_ values: [Float], shape: [Int], name: String) -> String {
        precondition(values.count == shape.reduce(1, *), "ONNXGraphBuilder: \(values.count) values for shape \(shape)")
        return constant(Tensor(shape: shape, data: values), name: name)
    }

    /// A rank-0 float32 initializer.
    mutating func scalar(_ value: Float, name: String) -> String { constant([value], shape: [], name: name) }

    /// A 1-D int64 initializer (shapes, axes, slice bounds).
    mutating func int64s(_ values: [Int], name: String) -> String {
        var t = Onnx_TensorProto()
        t.name = unique(name)
        t.dims = [Int64(values.count)]
        t.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        let v = values.map { Int64($0).littleEndian }
        t.rawData = v.withUnsafeBufferPointer { Data(buffer: $0) }
        initializers.append(t)
        return t.name
    }

    // MARK: Nodes

    /// Adds a node and returns its single output's name.
    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = [], output: String? = nil) -> String {
        node(op, inputs, attributes, outputs: [output ?? fresh(op)])[0]
    }

    /// Adds a node with several outputs (named as given; `""` for an omitted optional output).
    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = [], outputs: [String]) -> [String] {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = fresh("\(op)_node")
        n.input = inputs
        n.output = outputs
        n.attribute = attributes
        nodes.append(n)
        for o in outputs where !o.isEmpty { used.insert(o) }
        return outputs
    }

    /// A fresh value name with the given stem.
    mutating func fresh(_ stem: String) -> String {
        counter += 1
        return unique("\(stem)_\(counter)")
    }

    private mutating func unique(_ name: String) -> String {
        var candidate = name, k = 1
        while used.contains(candidate) { k += 1; candidate = "\(name)_\(k)" }
        used.insert(candidate)
        return candidate
    }

    // MARK: The model

    /// A graph input or output: float32 with the given dimensions (an `Int` is fixed, a `String` a named
    /// dynamic axis such as `"batch"`).
    struct Port {
        var name: String
        var dimensions: [Dimension]
        enum Dimension { case fixed(Int), dynamic(String) }
    }

    /// The serialised `ModelProto`.
    func model(name: String, inputs: [Port], outputs: [Port], metadata: [(String, String)], docString: String) throws -> Data {
        var graph = Onnx_GraphProto()
        graph.name = name
        graph.node = nodes
        graph.initializer = initializers
        graph.input = inputs.map(Self.valueInfo)
        graph.output = outputs.map(Self.valueInfo)
        var model = Onnx_ModelProto()
        model.irVersion = Self.irVersion
        model.producerName = "SwiftSER"
        model.producerVersion = "1"
        model.docString = docString
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Self.opset
        model.opsetImport = [opset]
        model.metadataProps = metadata.map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        model.graph = graph
        return try model.serializedData()
    }

    private static func valueInfo(_ port: Port) -> Onnx_ValueInfoProto {
        var shape = Onnx_TensorShapeProto()
        shape.dim = port.dimensions.map { d in
            var dim = Onnx_TensorShapeProto.Dimension()
            switch d {
            case .fixed(let n): dim.dimValue = Int64(n)
            case .dynamic(let name): dim.dimParam = name
            }
            return dim
        }
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.shape = shape
        var type = Onnx_TypeProto()
        type.tensorType = tensor
        var info = Onnx_ValueInfoProto()
        info.name = port.name
        info.type = type
        return info
    }
}

/// Node attributes.
enum ONNXAttribute {
    static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = Int64(value)
        return a
    }

    static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = values.map(Int64.init)
        return a
    }

    static func float(_ name: String, _ value: Double) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = Float(value)
        return a
    }

    static func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .string
        a.s = Data(value.utf8)
        return a
    }
}
