import XCTest
import SERTestSupport
@testable import SERTensor

/// Shape ops (permute, transpose, slice, narrow, concat, stack, pad, indexSelect, gather, expand):
/// exact parity with NumPy fixtures (values and gradients, float32 and float64), finite-difference
/// gradient checks, and naive-loop references for the blocked and parallel kernel paths.
final class ShapeOpsTests: XCTestCase {
    // MARK: NumPy fixtures (Tests/Fixtures/generate_shape_fixtures.py)

    struct Params: Decodable {
        var axes: [Int]?
        var axis: Int?
        var a: Int?
        var b: Int?
        var start: Int?
        var end: Int?
        var step: Int?
        var length: Int?
        var pads: [[Int]]?
        var mode: String?
        var value: Double?
        var indices: [Int]?
        var index: TensorFixture?
        var target: [Int]?
    }
    struct Case: Decodable {
        var op: String
        var inputs: [TensorFixture]
        var params: Params
        var output: TensorFixture
        var gradOutput: TensorFixture
        var gradInputs: [TensorFixture]
    }
    struct File: Decodable { var cases: [Case] }

    func evaluate(_ c: Case, _ x: [Tensor]) -> Tensor {
        let p = c.params
        let pads = (p.pads ?? []).map { ($0[0], $0[1]) }
        let mode = PadMode(rawValue: p.mode ?? "constant") ?? .constant
        switch c.op {
        case "permute": return x[0].permuted(p.axes!)
        case "transpose": return x[0].transposed(p.a!, p.b!)
        case "slice": return x[0].sliced(axis: p.axis!, start: p.start, end: p.end, step: p.step!)
        case "narrow": return x[0].narrowed(axis: p.axis!, start: p.start!, length: p.length!)
        case "concat": return Tensor.concat(x, axis: p.axis!)
        case "stack": return Tensor.stack(x, axis: p.axis!)
        case "pad": return x[0].padded(pads, mode: mode, value: p.value!)
        case "padLast": return x[0].paddedLast(pads, mode: mode, value: p.value!)
        case "indexSelect": return x[0].indexSelect(axis: p.axis!, indices: p.indices!)
        case "gather": return x[0].gather(axis: p.axis!, index: p.index!.tensor.to(x[0].dtype))
        case "expand": return x[0].expanded(to: p.target!)
        default: XCTFail("unknown op \(c.op)"); return x[0]
        }
    }

    /// Runs every case of `family` in float32 and float64 and requires exact equality of the output
    /// and of every input gradient (the gradients use integer-valued upstream gradients, so exact too).
    func checkFixture(_ family: String, minimumCases: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let cases = try Fixtures.json(File.self, "shape/\(family).json").cases
        XCTAssertGreaterThanOrEqual(cases.count, minimumCases, file: file, line: line)
        var compared = 0, mismatches = 0
        for (i, c) in cases.enumerated() {
            for dtype in DType.allCases {
                let x = c.inputs.map { $0.tensor.to(dtype).requiringGrad() }
                let y = evaluate(c, x)
                let label = "\(family) case \(i) \(c.op) \(dtype) \(c.params)"
                XCTAssertEqual(y.dtype, dtype, label, file: file, line: line)
                XCTAssertEqual(y.shape, c.output.shape, label, file: file, line: line)
                guard y.shape == c.output.shape else { continue }
                let expected = c.output.data.map { Double(Float($0)) }
                if y.doubles != expected { mismatches += 1 }
                XCTAssertEqual(y.doubles, expected, "\(label): output", file: file, line: line)
                y.backward(c.gradOutput.tensor.to(dtype))
                for (k, gx) in c.gradInputs.enumerated() {
                    let got = x[k].grad?.doubles ?? []
                    if got != gx.data { mismatches += 1 }
                    XCTAssertEqual(got, gx.data, "\(label): gradient of input \(k)", file: file, line: line)
                }
                compared += 1
            }
        }
        print("NumPy parity shape/\(family): \(compared) case×dtype runs, \(mismatches) mismatches (exact comparison)")
    }

    func testPermuteAndTransposeMatchNumPy() throws { try checkFixture("permute", minimumCases: 12) }
    func testSliceAndNarrowMatchNumPy() throws { try checkFixture("slice", minimumCases: 15) }
    func testConcatAndStackMatchNumPy() throws { try checkFixture("concat", minimumCases: 11) }
    func testPadMatchesNumPy() throws { try checkFixture("pad", minimumCases: 11) }
    func testIndexSelectAndGatherMatchNumPy() throws { try checkFixture("index", minimumCases: 12) }
    func testExpandMatchesNumPy() throws { try checkFixture("expand", minimumCases: 7) }

    // MARK: Finite-difference gradient checks (float64)

    var rng = RandomGenerator(seed: 7)
    let tolerance = 1e-6

    func randn(_ shape: [Int]) -> Tensor { Tensor.randn(shape, dtype: .float64, using: &rng) }

    func check(_ name: String, _ inputs: [Tensor], file: StaticString = #filePath, line: UInt = #line,
               _ f: ([Tensor]) -> Tensor) {
        let r = GradientChecker().check(inputs, f)
        print("gradcheck \(name): \(r)")
        XCTAssertLessThan(r.maxRelativeError, tolerance, "\(name): \(r)", file: file, line: line)
    }

    func testPermuteGradients() {
        check("permute [3,5,2] [2,0,1]", [randn([3, 5, 2])]) { $0[0].permuted([2, 0, 1]) }
        check("permute [2,3,4,5] [3,1,0,2]", [randn([2, 3, 4, 5])]) { $0[0].permuted([3, 1, 0, 2]) }
        check("transpose [3,5,7] (-2,-1)", [randn([3, 5, 7])]) { $0[0].transposed(-2, -1) }
        check("transpose [9,11] tiled", [randn([9, 11])]) { $0[0].transposed(0, 1) }
    }

    func testSliceGradients() {
        check("slice [7,5] axis 0 -6::2", [randn([7, 5])]) { $0[0].sliced(axis: 0, start: -6, step: 2) }
        check("slice [3,9,2] axis 1 1:-1:3", [randn([3, 9, 2])]) { $0[0].sliced(axis: 1, start: 1, end: -1, step: 3) }
        check("slice [3,5,7] axis -1 ::2", [randn([3, 5, 7])]) { $0[0].sliced(axis: -1, step: 2) }
        check("narrow [5,4] axis 1 1+2", [randn([5, 4])]) { $0[0].narrowed(axis: 1, start: 1, length: 2) }
    }

    func testConcatAndStackGradients() {
        check("concat axis 1", [randn([2, 3]), randn([2, 5]), randn([2, 1])]) { Tensor.concat($0, axis: 1) }
        check("concat axis 0 rank 3", [randn([1, 3, 5]), randn([3, 3, 5])]) { Tensor.concat($0, axis: 0) }
        check("stack axis 1", [randn([3, 5]), randn([3, 5]), randn([3, 5])]) { Tensor.stack($0, axis: 1) }
        check("stack axis -1", [randn([3]), randn([3])]) { Tensor.stack($0, axis: -1) }
    }

    func testPadGradients() {
        check("pad reflect [3,5] ((2,1),(4,3))", [randn([3, 5])]) { $0[0].padded([(2, 1), (4, 3)], mode: .reflect) }
        check("pad reflect [7] (3,5)", [randn([7])]) { $0[0].padded([(3, 5)], mode: .reflect) }
        check("pad replicate [2,3,5]", [randn([2, 3, 5])]) { $0[0].padded([(1, 0), (2, 3), (0, 4)], mode: .replicate) }
        check("pad constant [3,4] 0.7", [randn([3, 4])]) { $0[0].padded([(1, 2), (3, 0)], mode: .constant, value: 0.7) }
        check("paddedLast reflect [2,3,5]", [randn([2, 3, 5])]) { $0[0].paddedLast([(2, 4)], mode: .reflect) }
    }

    func testIndexSelectAndGatherGradients() {
        check("indexSelect [5,3] axis 0 repeats", [randn([5, 3])]) { $0[0].indexSelect(axis: 0, indices: [4, 0, 0, 2, 4]) }
        check("indexSelect [2,7,3] axis -2", [randn([2, 7, 3])]) { $0[0].indexSelect(axis: -2, indices: [6, 1, 1, 3]) }
        let index = Tensor(shape: [3, 4], data: [4, 0, 4, 4, 1, 1, 3, 0, 2, 2, 2, 2])
        check("gather [3,5] axis 1 repeats", [randn([3, 5])]) { $0[0].gather(axis: 1, index: index) }
        check("gather [3,4,5] axis 0 smaller index", [randn([3, 4, 5])]) {
            $0[0].gather(axis: 0, indices: [2, 2, 0, 1, 1, 1, 0, 2, 2, 0, 0, 0, 1, 2, 1, 0, 2, 2], shape: [3, 2, 3])
        }
    }

    func testExpandGradients() {
        check("expand [3,1,5] -> [2,3,4,5]", [randn([3, 1, 5])]) { $0[0].expanded(to: [2, 3, 4, 5]) }
        check("expand [] -> [3,2]", [randn([])]) { $0[0].expanded(to: [3, 2]) }
    }

    func testComposedShapeOpsGradient() {
        check("pad→permute→slice→gather→concat", [randn([3, 5, 2]), randn([1, 3, 1])]) { x in
            let p = x[0].padded([(0, 0), (2, 2), (1, 0)], mode: .reflect).permuted([2, 0, 1])  // [3, 3, 9]
            let s = p.sliced(axis: 2, start: -8, step: 3)  // [3, 3, 3]
            let g = s.gather(axis: 0, indices: Array(repeating: 2, count: 6) + [0, 1, 1], shape: [3, 3, 1])
            return Tensor.concat([g, x[1].transposed(0, 1).expanded(to: [3, 3, 1])], axis: 2)
        }
    }

    // MARK: Kernel paths at sizes beyond the fixtures (blocked tiles, parallel splits)

    /// Row-major multi-index of flat position `i` in `shape`.
    func multiIndex(_ i: Int, _ shape: [Int]) -> [Int] {
        var rest = i
        var out = [Int](repeating: 0, count: shape.count)
        for k in stride(from: shape.count - 1, through: 0, by: -1) { out[k] = rest % shape[k]; rest /= shape[k] }
        return out
    }

    func flatIndex(_ index: [Int], _ shape: [Int]) -> Int { zip(index, shape).reduce(0) { $0 * $1.1 + $1.0 } }

    func testLargePermutationsMatchNaiveLoops() {
        // Partial 32×32 tiles, tiles in parallel, non-tiled strided rows, and a permute that keeps the last axis.
        let cases: [([Int], [Int])] = [([70, 45], [1, 0]), ([3, 130, 97], [0, 2, 1]), ([5, 33, 4, 40], [3, 1, 2, 0]),
                                       ([6, 50, 130], [1, 0, 2]), ([41, 3, 37], [2, 1, 0])]
        for (shape, axes) in cases {
            for dtype in DType.allCases {
                let x = Tensor.uniform(shape, low: -1, high: 1, dtype: dtype, using: &rng)
                let y = x.permuted(axes)
                let xs = x.doubles, ys = y.doubles
                var expected = [Double](repeating: .nan, count: xs.count)
                for o in 0..<ys.count {
                    let oi = multiIndex(o, y.shape)
                    var ii = [Int](repeating: 0, count: shape.count)
                    for (k, a) in axes.enumerated() { ii[a] = oi[k] }
                    expected[o] = xs[flatIndex(ii, shape)]
                }
                XCTAssertEqual(ys, expected, "permute \(shape) \(axes) \(dtype)")
            }
        }
    }

    func testLargeExpandMatchesBroadcastAdd() {
        for (shape, target) in [([1, 300, 1], [4, 300, 70]), ([130, 1], [130, 300]), ([7, 1, 9], [7, 600, 9])] {
            for dtype in DType.allCases {
                let x = Tensor.uniform(shape, low: -1, high: 1, dtype: dtype, using: &rng)
                XCTAssertEqual(x.expanded(to: target).doubles, (x + Tensor.zeros(target, dtype: dtype)).doubles,
                               "expand \(shape) -> \(target) \(dtype)")
            }
        }
    }

    func testLargeIndexSelectAndGatherGradientsMatchNaiveScatter() {
        // indexSelect along axis 0 (outer = 1: the scatter-add splits columns into blocks).
        let x = Tensor.uniform([6, 900], low: -1, high: 1, dtype: .float64, using: &rng).requiringGrad()
        let idx = [5, 0, 5, 5, 2, 0, 1]
        let y = x.indexSelect(axis: 0, indices: idx)
        let g = Tensor.uniform(y.shape, low: -1, high: 1, dtype: .float64, using: &rng)
        y.backward(g)
        var expected = [Double](repeating: 0, count: x.count)
        let gs = g.doubles
        for (r, i) in idx.enumerated() { for j in 0..<900 { expected[i * 900 + j] += gs[r * 900 + j] } }
        XCTAssertEqual(x.grad?.doubles ?? [], expected, "indexSelect scatter-add")
        XCTAssertEqual(y.doubles, idx.flatMap { i in Array(x.doubles[(i * 900)..<((i + 1) * 900)]) }, "indexSelect")

        // Gather along a middle axis, large enough to run in parallel blocks.
        let shape = [40, 50, 30], ishape = [40, 60, 30]
        let z = Tensor.uniform(shape, low: -1, high: 1, dtype: .float64, using: &rng).requiringGrad()
        let indices = (0..<(40 * 60 * 30)).map { _ in rng.nextInt(below: 50) }
        let w = z.gather(axis: 1, indices: indices, shape: ishape)
        let gw = Tensor.uniform(ishape, low: -1, high: 1, dtype: .float64, using: &rng)
        w.backward(gw)
        let zs = z.doubles, gws = gw.doubles
        var forward = [Double](repeating: 0, count: indices.count)
        var scatter = [Double](repeating: 0, count: z.count)
        for e in 0..<indices.count {
            var ii = multiIndex(e, ishape)
            ii[1] = indices[e]
            forward[e] = zs[flatIndex(ii, shape)]
            scatter[flatIndex(ii, shape)] += gws[e]
        }
        XCTAssertEqual(w.doubles, forward, "gather")
        // Same additions in the same order per element (rows visited in order), so exact.
        XCTAssertEqual(z.grad?.doubles ?? [], scatter, "gather scatter-add")
    }

    func testLargeReflectPadMatchesNaiveLoop() {
        let x = Tensor.uniform([3, 200, 150], low: -1, high: 1, dtype: .float32, using: &rng)
        let pads = [(0, 1), (7, 9), (149, 3)]
        let y = x.padded(pads, mode: .reflect)
        let xs = x.doubles
        var expected = [Double](repeating: 0, count: y.count)
        for o in 0..<y.count {
            var ii = multiIndex(o, y.shape)
            for d in 0..<3 {
                let n = x.shape[d]
                var i = ii[d] - pads[d].0
                if i < 0 { i = -i } else if i >= n { i = 2 * (n - 1) - i }
                ii[d] = i
            }
            expected[o] = xs[flatIndex(ii, x.shape)]
        }
        XCTAssertEqual(y.shape, [4, 216, 302])
        XCTAssertEqual(y.doubles, expected)
    }

    // MARK: Semantics

    func testSliceBoundsFollowPython() {
        let x = Tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        XCTAssertEqual(x.sliced(axis: 0, start: -3).scalars, [7, 8, 9])
        XCTAssertEqual(x.sliced(axis: 0, start: 1, end: -1, step: 3).scalars, [1, 4, 7])
        XCTAssertEqual(x.sliced(axis: 0, start: 8, end: 100, step: 1).scalars, [8, 9])
        XCTAssertEqual(x.sliced(axis: 0, start: 6, end: 2).shape, [0])
        XCTAssertEqual(x.narrowed(axis: 0, start: -4, length: 2).scalars, [6, 7])
    }

    func testOpsDoNotAliasOrMutateInputs() {
        let x = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let before = x.scalars
        let outs = [x.permuted([1, 0]), x.sliced(axis: 1, step: 2), Tensor.concat([x, x], axis: 0),
                    x.padded([(1, 1), (1, 1)], mode: .reflect), x.indexSelect(axis: 1, indices: [0, 0]),
                    x.gather(axis: 0, indices: [1, 0, 1], shape: [1, 3]), x.unsqueezed(0).expanded(to: [2, 2, 3])]
        for o in outs {
            XCTAssertFalse(o.storage === x.storage)
            o.withUnsafeMutableBuffer(Float.self) { b in for i in b.indices { b[i] = -1 } }
        }
        XCTAssertEqual(x.scalars, before)
    }
}
