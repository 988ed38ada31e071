import XCTest
import SERTestSupport
@testable import SERTensor

/// Float32 results of the elementwise ops, reductions, softmax and matmul against NumPy (computed in
/// float64 from the same float32 inputs and rounded), from Tests/Fixtures/generate_tensor_fixtures.py.
final class NumPyParityTests: XCTestCase {
    struct Case: Decodable {
        var op: String
        var inputs: [TensorFixture]
        var params: [String: JSONValue]
        var output: TensorFixture
    }
    struct File: Decodable { var cases: [Case] }

    enum JSONValue: Decodable {
        case number(Double), bool(Bool), array([Int]), null
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let d = try? c.decode(Double.self) { self = .number(d) } else { self = .array(try c.decode([Int].self)) }
        }
        var double: Double { if case .number(let d) = self { return d }; return .nan }
        var int: Int { Int(double) }
        var bool: Bool { if case .bool(let b) = self { return b }; return false }
        var axes: [Int]? { if case .array(let a) = self { return a }; return nil }
    }

    func evaluate(_ c: Case) -> Tensor {
        let x = c.inputs.map(\.tensor)
        let p = c.params
        let axes = p["axes"]?.axes
        let keep = p["keepDims"]?.bool ?? false
        switch c.op {
        case "add": return x[0] + x[1]
        case "sub": return x[0] - x[1]
        case "mul": return x[0] * x[1]
        case "div": return x[0] / x[1]
        case "maximum": return Tensor.maximum(x[0], x[1])
        case "minimum": return Tensor.minimum(x[0], x[1])
        case "pow": return x[0].pow(x[1])
        case "neg": return -x[0]
        case "exp": return x[0].exp()
        case "log": return x[0].log()
        case "log1p": return x[0].log1p()
        case "sqrt": return x[0].sqrt()
        case "abs": return x[0].abs()
        case "sin": return x[0].sin()
        case "cos": return x[0].cos()
        case "tanh": return x[0].tanh()
        case "sigmoid": return x[0].sigmoid()
        case "relu": return x[0].relu()
        case "leakyRelu": return x[0].leakyRelu(slope: p["slope"]!.double)
        case "clamp": return x[0].clamp(min: p["low"]!.double, max: p["high"]!.double)
        case "powScalar": return x[0].pow(p["exponent"]!.double)
        case "where": return Tensor.where(x[0], x[1], x[2])
        case "sum": return x[0].sum(axes: axes, keepDims: keep)
        case "mean": return x[0].mean(axes: axes, keepDims: keep)
        case "max": return x[0].max(axes: axes, keepDims: keep)
        case "min": return x[0].min(axes: axes, keepDims: keep)
        case "variance": return x[0].variance(axes: axes, keepDims: keep)
        case "logSumExp": return x[0].logSumExp(axes: axes, keepDims: keep)
        case "argmax": return x[0].argmax(axis: p["axis"]!.int)
        case "softmax": return x[0].softmax(axis: p["axis"]!.int)
        case "logSoftmax": return x[0].logSoftmax(axis: p["axis"]!.int)
        case "matmul": return x[0].matmul(x[1], transposeA: p["transposeA"]!.bool, transposeB: p["transposeB"]!.bool)
        default: XCTFail("unknown op \(c.op)"); return x[0]
        }
    }

    func testAllOpsMatchNumPy() throws {
        let file = try Fixtures.json(File.self, "tensor/ops.json")
        XCTAssertGreaterThan(file.cases.count, 100)
        var worstByOp: [String: Discrepancy] = [:]
        for (i, c) in file.cases.enumerated() {
            let y = evaluate(c)
            XCTAssertEqual(y.shape, c.output.shape, "case \(i) \(c.op) shape")
            guard y.shape == c.output.shape else { continue }
            // Relative error floor 1e-3: near-zero outputs of sums/variances are judged by absolute error.
            let d = Discrepancy.between(y.doubles, c.output.data, floor: 1e-3)
            if d.maxRelative >= (worstByOp[c.op]?.maxRelative ?? -1) { worstByOp[c.op] = d }
            // float32: a few ulps for elementwise ops; sums of up to ~1000 terms and GEMM stay below 1e-5.
            XCTAssertLessThan(d.maxRelative, 2e-6 * (c.op == "sum" || c.op == "matmul" || c.op == "mean" || c.op == "variance" ? 5 : 1),
                              "case \(i) \(c.op) \(c.params): \(d)")
        }
        for (op, d) in worstByOp.sorted(by: { $0.key < $1.key }) { print("NumPy parity \(op): \(d)") }
    }
}
