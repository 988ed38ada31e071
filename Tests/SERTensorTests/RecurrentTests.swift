import XCTest
import SERTestSupport
@testable import SERTensor

/// LSTM and GRU sequence ops: finite-difference gradient checks (float64), agreement with a step-by-step
/// composition of existing ops (``RecurrentReference``), PyTorch parity from
/// Tests/Fixtures/generate_rnn_fixtures.py, the float32 fast path against float64, and argument errors.
final class RecurrentTests: XCTestCase {
    let batch = 3, time = 5, input = 4, hidden = 3

    func weights(_ kind: RecurrentKind, layers: Int = 2, bidirectional: Bool = true, bias: Bool = true,
                 input: Int? = nil, hidden: Int? = nil, dtype: DType = .float64, seed: UInt64 = 11) throws -> RecurrentWeights {
        var rng = RandomGenerator(seed: seed)
        return try RecurrentWeights.initialized(kind: kind, inputSize: input ?? self.input, hiddenSize: hidden ?? self.hidden,
                                                layers: layers, bidirectional: bidirectional, bias: bias, dtype: dtype,
                                                using: &rng)
    }

    func randn(_ shape: [Int], seed: UInt64, scale: Double = 1, dtype: DType = .float64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return Tensor.randn(shape, std: scale, dtype: dtype, using: &rng)
    }

    /// Runs the op; on a thrown error fails the test and returns zeros of the right shapes.
    func run(_ x: Tensor, _ w: RecurrentWeights, h0: Tensor? = nil, c0: Tensor? = nil, lengths: [Int]? = nil,
             file: StaticString = #filePath, line: UInt = #line) -> (output: Tensor, h: Tensor, c: Tensor?) {
        do {
            switch w.kind {
            case .lstm:
                let r = try Tensor.lstm(x, weights: w, h0: h0, c0: c0, lengths: lengths)
                return (r.output, r.h, r.c)
            case .gru:
                let r = try Tensor.gru(x, weights: w, h0: h0, lengths: lengths)
                return (r.output, r.h, nil)
            }
        } catch {
            XCTFail("recurrent op threw \(error)", file: file, line: line)
            let z = Tensor.zeros([1], dtype: x.dtype)
            return (z, z, z)
        }
    }

    // MARK: Gradient checks

    /// Checks ∂L/∂(x, every weight, h0, c0) for L = Σ A⊙output + Σ B⊙h_n (+ Σ C⊙c_n).
    func gradientCheck(_ kind: RecurrentKind, layers: Int = 2, bidirectional: Bool = true, initialStates: Bool,
                       lengths: [Int]?, useStates: Bool, wrtInput: Bool = true, bias: Bool = true,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let w = try weights(kind, layers: layers, bidirectional: bidirectional, bias: bias)
        let nParams = w.orderedParameters.count
        let D = bidirectional ? 2 : 1
        let stateShape = [layers * D, batch, hidden]
        var inputs = [randn([batch, time, input], seed: 1)] + w.orderedParameters
        if initialStates {
            inputs.append(randn(stateShape, seed: 2, scale: 0.5))
            if kind == .lstm { inputs.append(randn(stateShape, seed: 3, scale: 0.5)) }
        }
        let a = randn([batch, time, D * hidden], seed: 4), b = randn(stateShape, seed: 5), c = randn(stateShape, seed: 6)
        let wrt = wrtInput ? nil : Array(1..<inputs.count)
        let report = GradientChecker().check(inputs, wrt: wrt) { xs in
            guard let ww = try? RecurrentWeights(kind: kind, layers: layers, bidirectional: bidirectional, bias: bias,
                                                 ordered: Array(xs[1...nParams])) else {
                XCTFail("weights rejected", file: file, line: line)
                return Tensor(scalar: 0, dtype: .float64)
            }
            let h0 = initialStates ? xs[nParams + 1] : nil
            let c0 = initialStates && kind == .lstm ? xs[nParams + 2] : nil
            let r = run(xs[0], ww, h0: h0, c0: c0, lengths: lengths, file: file, line: line)
            var loss = (r.output * a).sum()
            if useStates {
                loss = loss + (r.h * b).sum()
                if let cn = r.c { loss = loss + (cn * c).sum() }
            }
            return loss
        }
        print("gradcheck \(kind) layers \(layers) bi \(bidirectional) h0 \(initialStates) lengths \(lengths ?? []) states \(useStates): \(report)")
        XCTAssertLessThan(report.maxRelativeError, 1e-6, "\(report)", file: file, line: line)
    }

    func testLSTMGradientsPlain() throws {
        try gradientCheck(.lstm, initialStates: false, lengths: nil, useStates: false)
    }

    func testLSTMGradientsWithInitialStatesLengthsAndFinalStates() throws {
        try gradientCheck(.lstm, initialStates: true, lengths: [5, 3, 1], useStates: true)
    }

    func testLSTMGradientsUnsortedLengthsWithoutInitialStates() throws {
        try gradientCheck(.lstm, initialStates: false, lengths: [2, 5, 4], useStates: true)
    }

    func testLSTMGradientsSingleLayerNoBiasWeightsOnly() throws {
        try gradientCheck(.lstm, layers: 1, bidirectional: false, initialStates: true, lengths: [4, 5, 2],
                          useStates: true, wrtInput: false, bias: false)
    }

    func testGRUGradientsPlain() throws {
        try gradientCheck(.gru, initialStates: false, lengths: nil, useStates: false)
    }

    func testGRUGradientsWithInitialStatesLengthsAndFinalStates() throws {
        try gradientCheck(.gru, initialStates: true, lengths: [5, 3, 1], useStates: true)
    }

    func testGRUGradientsUnsortedLengthsWithoutInitialStates() throws {
        try gradientCheck(.gru, initialStates: false, lengths: [2, 5, 4], useStates: true)
    }

    func testGRUGradientsSingleLayerNoBiasWeightsOnly() throws {
        try gradientCheck(.gru, layers: 1, bidirectional: false, initialStates: true, lengths: [4, 5, 2],
                          useStates: true, wrtInput: false, bias: false)
    }

    // MARK: Reference composition

    /// The op against ``RecurrentReference`` (float64): values, and gradients of a random projection of
    /// output, h_n and c_n with respect to every input.
    func compareWithReference(_ kind: RecurrentKind, layers: Int, bidirectional: Bool, lengths: [Int]?,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        let w = try weights(kind, layers: layers, bidirectional: bidirectional, seed: 21)
        let D = bidirectional ? 2 : 1
        let stateShape = [layers * D, batch, hidden]
        let x = randn([batch, time, input], seed: 31).requiringGrad()
        let h0 = randn(stateShape, seed: 32, scale: 0.5).requiringGrad()
        let c0 = randn(stateShape, seed: 33, scale: 0.5).requiringGrad()
        let a = randn([batch, time, D * hidden], seed: 34), b = randn(stateShape, seed: 35), c = randn(stateShape, seed: 36)
        let leaves = [x, h0, c0] + w.orderedParameters

        func gradients(_ make: () -> (Tensor, Tensor, Tensor?)) -> ([Double], [[Double]]) {
            for t in leaves { t.zeroGrad() }
            let (o, h, cn) = make()
            var loss = (o * a).sum() + (h * b).sum()
            if let cn { loss = loss + (cn * c).sum() }
            loss.backward()
            let values = o.doubles + h.doubles + (cn?.doubles ?? [])
            return (values, leaves.map { $0.grad?.doubles ?? [] })
        }
        let c0Used = kind == .lstm ? c0 : nil
        let (opValues, opGrads) = gradients {
            let r = run(x, w, h0: h0, c0: c0Used, lengths: lengths, file: file, line: line)
            return (r.output, r.h, r.c)
        }
        let (refValues, refGrads) = gradients {
            let r = RecurrentReference.run(x, w, h0: h0, c0: c0Used, lengths: lengths)
            return (r.output, r.h, kind == .lstm ? r.c : nil)
        }
        let dv = Discrepancy.between(opValues, refValues)
        print("reference \(kind) layers \(layers) bi \(bidirectional) lengths \(lengths ?? []): values \(dv)")
        XCTAssertLessThan(dv.maxAbsolute, 1e-12, "values \(dv)", file: file, line: line)
        for (i, (g, r)) in zip(opGrads, refGrads).enumerated() {
            if kind == .gru && i == 2 { XCTAssertTrue(g.isEmpty && r.isEmpty, file: file, line: line); continue }
            XCTAssertEqual(g.count, r.count, "gradient \(i) count", file: file, line: line)
            guard g.count == r.count, !g.isEmpty else { XCTFail("gradient \(i) missing", file: file, line: line); continue }
            let d = Discrepancy.between(g, r)
            XCTAssertLessThan(d.maxAbsolute, 1e-11, "gradient of leaf \(i): \(d)", file: file, line: line)
        }
    }

    func testLSTMMatchesStepByStepReference() throws {
        try compareWithReference(.lstm, layers: 1, bidirectional: false, lengths: nil)
        try compareWithReference(.lstm, layers: 1, bidirectional: true, lengths: [5, 3, 1])
        try compareWithReference(.lstm, layers: 2, bidirectional: true, lengths: [2, 5, 4])
    }

    func testGRUMatchesStepByStepReference() throws {
        try compareWithReference(.gru, layers: 1, bidirectional: false, lengths: nil)
        try compareWithReference(.gru, layers: 1, bidirectional: true, lengths: [5, 3, 1])
        try compareWithReference(.gru, layers: 2, bidirectional: true, lengths: [2, 5, 4])
    }

    // MARK: PyTorch parity

    struct TorchCase: Decodable {
        var name: String
        var input: TensorFixture
        var lengths: [Int]?
        var h0: TensorFixture?
        var c0: TensorFixture?
        var output: TensorFixture
        var h_n: TensorFixture
        var c_n: TensorFixture?
        var proj_output: TensorFixture
        var proj_h: TensorFixture
        var proj_c: TensorFixture?
        var grad_input: TensorFixture
        var grad_h0: TensorFixture?
        var grad_c0: TensorFixture?
        var grad_parameters: [String: TensorFixture]
    }

    struct TorchFile: Decodable {
        var kind: String
        var num_layers: Int
        var bidirectional: Bool
        var parameter_order: [String]
        var parameters: [String: TensorFixture]
        var cases: [TorchCase]
    }

    func torchParity(_ kind: RecurrentKind) throws {
        let file = try Fixtures.json(TorchFile.self, "rnn/\(kind.rawValue).json")
        XCTAssertEqual(file.kind, kind.rawValue)
        XCTAssertEqual(file.cases.count, 3)
        let named = file.parameters.mapValues { $0.tensor.requiringGrad() }
        let w = try RecurrentWeights(kind: kind, layers: file.num_layers, bidirectional: file.bidirectional, named: named)
        XCTAssertEqual(w.parameterNames, file.parameter_order, "PyTorch parameter order")
        var worstOverall = 0.0
        for c in file.cases {
            for p in w.orderedParameters { p.zeroGrad() }
            let x = c.input.tensor.requiringGrad()
            let h0 = c.h0?.tensor.requiringGrad(), c0 = c.c0?.tensor.requiringGrad()
            let r = run(x, w, h0: h0, c0: c0, lengths: c.lengths)
            var loss = (r.output * c.proj_output.tensor).sum() + (r.h * c.proj_h.tensor).sum()
            if let cn = r.c, let pc = c.proj_c { loss = loss + (cn * pc.tensor).sum() }
            loss.backward()
            var compared: [(String, Tensor?, TensorFixture?)] = [
                ("output", r.output, c.output), ("h_n", r.h, c.h_n), ("grad input", x.grad, c.grad_input),
                ("grad h0", h0?.grad, c.grad_h0)]
            if kind == .lstm { compared += [("c_n", r.c, c.c_n), ("grad c0", c0?.grad, c.grad_c0)] }
            for n in w.parameterNames { compared.append(("grad \(n)", w.namedParameters[n]?.grad, c.grad_parameters[n])) }
            var worst = (name: "", d: Discrepancy.between([], []))
            for (name, actual, expected) in compared {
                guard let expected else { XCTAssertNil(actual?.grad, "\(c.name) \(name)"); continue }
                guard let actual else { XCTFail("\(c.name): \(name) missing"); continue }
                XCTAssertEqual(actual.shape, expected.shape, "\(c.name) \(name) shape")
                guard actual.shape == expected.shape else { continue }
                // Relative error with a floor of 1e-3: elements near zero are judged by absolute error.
                let d = Discrepancy.between(actual.doubles, expected.data, floor: 1e-3)
                XCTAssertLessThanOrEqual(d.maxRelative, 1e-4, "\(kind) \(c.name) \(name): \(d)")
                if d.maxRelative >= worst.d.maxRelative { worst = (name, d) }
            }
            print("torch parity \(kind) \(c.name): worst \(worst.name): \(worst.d)")
            worstOverall = max(worstOverall, worst.d.maxRelative)
        }
        print("torch parity \(kind): worst relative error \(worstOverall)")
    }

    func testLSTMMatchesPyTorch() throws { try torchParity(.lstm) }
    func testGRUMatchesPyTorch() throws { try torchParity(.gru) }

    /// The PyTorch fixtures again with every product in each ``FloatGEMMKernel``: the input projections, the
    /// weight gradients and the time steps' products (with ``LaneGEMM``, the recurrent weight packed once,
    /// ``RepeatedRightOperand``).
    func testLSTMAndGRUOnEveryGEMMKernelMatchPyTorch() throws {
        for kernel in FloatGEMMKernel.allCases {
            try withEveryProduct(in: kernel) {
                try torchParity(.lstm)
                try torchParity(.gru)
            }
        }
    }

    // MARK: float32 fast path

    /// The float32 kernels (fast activations; batch 48 × hidden 64 puts every per-step loop above
    /// `Parallel`'s threshold, so the batch is split across threads) against the float64 kernels on the
    /// same values, forward and backward, with ragged lengths.
    func float32AgreesWithFloat64(_ kind: RecurrentKind) throws {
        let B = 48, TT = 7, In = 10, H = 64
        let w64 = try weights(kind, layers: 2, bidirectional: true, input: In, hidden: H, seed: 41)
        let x64 = randn([B, TT, In], seed: 42).requiringGrad()
        let lengths = (0..<B).map { 1 + ($0 * 5) % TT }
        let w32 = try RecurrentWeights(kind: kind, layers: 2, bidirectional: true,
                                       ordered: w64.orderedParameters.map { $0.to(.float32).copy().requiringGrad() })
        let x32 = x64.to(.float32).copy().requiringGrad()
        let proj = randn([B, TT, 2 * H], seed: 43)
        let r64 = run(x64, w64, lengths: lengths), r32 = run(x32, w32, lengths: lengths)
        (r64.output * proj).sum().backward()
        (r32.output * proj.to(.float32)).sum().backward()
        // Error relative to each tensor's largest magnitude: float32 rounding gives ~1e-7, while a wrong
        // activation or a wrongly partitioned batch loop gives O(1).
        func scaled(_ a: Tensor?, _ e: Tensor?) -> Double {
            let av = a?.doubles ?? [], ev = e?.doubles ?? []
            guard av.count == ev.count, let scale = ev.map(abs).max(), scale > 0 else { return .infinity }
            return zip(av, ev).map { abs($0 - $1) }.max()! / scale
        }
        let eOut = scaled(r32.output, r64.output), eH = scaled(r32.h, r64.h), eX = scaled(x32.grad, x64.grad)
        let eC = kind == .lstm ? scaled(r32.c, r64.c) : 0
        let eW = zip(w32.orderedParameters, w64.orderedParameters).map { scaled($0.grad, $1.grad) }.max() ?? .infinity
        print("float32 vs float64 \(kind), max error / max magnitude: output \(eOut), h \(eH), c \(eC), grad x \(eX), worst weight grad \(eW)")
        XCTAssertLessThan(eOut, 2e-6)
        XCTAssertLessThan(eH, 2e-6)
        XCTAssertLessThan(eC, 2e-6)
        XCTAssertLessThan(eX, 2e-6)
        XCTAssertLessThan(eW, 2e-6)
    }

    /// A bidirectional stack with its two directions' time loops on one worker each (the default on two or
    /// more cores) and one after the other with all workers (one core): the same outputs and gradients.
    func directionThreadingsAgree(_ kind: RecurrentKind) throws {
        let B = 48, TT = 7, In = 10, H = 64
        let lengths = (0..<B).map { 1 + ($0 * 5) % TT }
        let proj = randn([B, TT, 2 * H], seed: 53, dtype: .float32)
        defer { RecurrentStack.forcedLoopThreading = nil }
        var results: [[Tensor]] = []
        for threading in [RecurrentLoopThreading.shared, .ownWorker] {
            RecurrentStack.forcedLoopThreading = threading
            let w = try weights(kind, layers: 2, bidirectional: true, input: In, hidden: H, dtype: .float32, seed: 51)
            let x = randn([B, TT, In], seed: 52, dtype: .float32).requiringGrad()
            let r = run(x, w, lengths: lengths)
            (r.output * proj).sum().backward()
            results.append([r.output, r.h] + (r.c.map { [$0] } ?? []) + [x.grad].compactMap { $0 }
                           + w.orderedParameters.compactMap(\.grad))
        }
        XCTAssertEqual(results[0].count, results[1].count)
        var worst = 0.0
        for (a, b) in zip(results[0], results[1]) {
            let scale = max(b.doubles.map(abs).max() ?? 0, 1e-30)
            worst = max(worst, (zip(a.doubles, b.doubles).map { abs($0 - $1) }.max() ?? .infinity) / scale)
        }
        print("\(kind): directions on own workers vs shared, worst difference / magnitude \(worst)")
        XCTAssertLessThan(worst, 1e-6)
    }

    func testLSTMDirectionThreadingsAgree() throws { try directionThreadingsAgree(.lstm) }
    func testGRUDirectionThreadingsAgree() throws { try directionThreadingsAgree(.gru) }

    func testLSTMFloat32AgreesWithFloat64() throws { try float32AgreesWithFloat64(.lstm) }
    func testGRUFloat32AgreesWithFloat64() throws { try float32AgreesWithFloat64(.gru) }

    func testFastGateActivationsAreAccurate() {
        var worst = (exp: 0.0, sigmoid: 0.0, tanh: 0.0)
        // A dense grid over [-30, 30] plus tiny magnitudes (where tanh must keep its relative accuracy).
        let grid = (0...600_000).map { Float(-30 + Double($0) * 1e-4) } + (1...2_000).flatMap { i -> [Float] in
            let v = Float(Double(i) * 1e-7); return [v, -v] }
        for x in grid {
            let d = Double(x)
            worst.exp = max(worst.exp, abs(Double(GateActivation.expFloat(x)) - Foundation.exp(d)) / Foundation.exp(d))
            let s = 1 / (1 + Foundation.exp(-d))
            worst.sigmoid = max(worst.sigmoid, abs(Double(GateActivation.sigmoidFloat(x)) - s) / s)
            let t = Foundation.tanh(d)
            worst.tanh = max(worst.tanh, t == 0 ? 0 : abs(Double(GateActivation.tanhFloat(x)) - t) / abs(t))
        }
        print("fast activations, worst relative error: \(worst)")
        XCTAssertLessThan(worst.exp, 4e-7)
        XCTAssertLessThan(worst.sigmoid, 6e-7)
        XCTAssertLessThan(worst.tanh, 6e-7)
        XCTAssertEqual(GateActivation.sigmoidFloat(-200), 0, accuracy: 1e-37)
        XCTAssertEqual(GateActivation.sigmoidFloat(200), 1)
        XCTAssertEqual(GateActivation.tanhFloat(200), 1)
        XCTAssertEqual(GateActivation.tanhFloat(-200), -1)
    }

    // MARK: Behaviour and errors

    func testPaddedFramesAreZeroAndFinalStateIsLastValidFrame() throws {
        let w = try weights(.lstm, layers: 1, bidirectional: true)
        let x = randn([batch, time, input], seed: 51)
        let lengths = [5, 3, 1]
        let r = run(x, w, lengths: lengths)
        for b in 0..<batch {
            for t in 0..<time {
                for j in 0..<(2 * hidden) {
                    if t >= lengths[b] { XCTAssertEqual(r.output[b, t, j], 0) } else { XCTAssertNotEqual(r.output[b, t, j], 0) }
                }
            }
            for j in 0..<hidden {
                // Forward final state = output at the last valid frame; reverse final state = output at frame 0.
                XCTAssertEqual(r.h[0, b, j], r.output[b, lengths[b] - 1, j])
                XCTAssertEqual(r.h[1, b, j], r.output[b, 0, hidden + j])
            }
        }
        // A sequence run alone at its true length gives the same values (padding is invisible).
        let b = 1, len = lengths[b]
        let xb = Tensor(shape: [1, len, input], scalars: (0..<(len * input)).map { x.doubles[b * time * input + $0] })
        let rb = run(xb, w).output.doubles, all = r.output.doubles
        for t in 0..<len {
            for j in 0..<(2 * hidden) {
                XCTAssertEqual(rb[t * 2 * hidden + j], all[(b * time + t) * 2 * hidden + j], accuracy: 1e-14)
            }
        }
    }

    func testWeightsByNameAndOrderAgree() throws {
        let w = try weights(.gru)
        XCTAssertEqual(w.parameterNames.prefix(4), ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"])
        XCTAssertEqual(w.parameterNames[4], "weight_ih_l0_reverse")
        XCTAssertEqual(w.parameterNames.count, 16)
        let again = try RecurrentWeights(kind: .gru, layers: 2, bidirectional: true, named: w.namedParameters)
        XCTAssertTrue(zip(again.orderedParameters, w.orderedParameters).allSatisfy { $0 === $1 })
        XCTAssertEqual(again.inputSize, input)
        XCTAssertEqual(again.hiddenSize, hidden)
        XCTAssertEqual(again.layerInputSize(1), 2 * hidden)
    }

    func testInvalidArgumentsThrowDescriptiveErrors() throws {
        let w = try weights(.lstm)
        var named = w.namedParameters
        named.removeValue(forKey: "bias_hh_l1_reverse")
        XCTAssertThrowsError(try RecurrentWeights(kind: .lstm, layers: 2, bidirectional: true, named: named)) {
            XCTAssertEqual($0 as? RecurrentError, .missingParameter("bias_hh_l1_reverse"))
        }
        named = w.namedParameters
        named["weight_hh_l1"] = Tensor.zeros([12, 4], dtype: .float64)
        XCTAssertThrowsError(try RecurrentWeights(kind: .lstm, layers: 2, bidirectional: true, named: named)) {
            XCTAssertEqual($0 as? RecurrentError, .parameterShape(name: "weight_hh_l1", expected: [12, 3], got: [12, 4]))
            XCTAssertTrue("\($0)".contains("weight_hh_l1"))
        }
        named = w.namedParameters
        named["weight_ih_l2"] = Tensor.zeros([12, 6], dtype: .float64)
        XCTAssertThrowsError(try RecurrentWeights(kind: .lstm, layers: 2, bidirectional: true, named: named)) {
            XCTAssertEqual($0 as? RecurrentError, .unexpectedParameter("weight_ih_l2"))
        }
        XCTAssertThrowsError(try RecurrentWeights(kind: .gru, layers: 2, bidirectional: true, named: w.namedParameters))
        XCTAssertThrowsError(try RecurrentWeights(kind: .lstm, layers: 2, bidirectional: true, ordered: Array(w.orderedParameters.dropLast()))) {
            XCTAssertEqual($0 as? RecurrentError, .wrongParameterCount(expected: 16, got: 15))
        }
        let x = randn([batch, time, input], seed: 61)
        XCTAssertThrowsError(try Tensor.lstm(x, weights: w, lengths: [5, 0, 1])) {
            guard case .invalidLengths = $0 as? RecurrentError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try Tensor.lstm(x, weights: w, lengths: [5, 6, 1]))
        XCTAssertThrowsError(try Tensor.lstm(x, weights: w, lengths: [5, 3]))
        XCTAssertThrowsError(try Tensor.lstm(randn([batch, time, input + 1], seed: 62), weights: w)) {
            guard case .inputShape(let name, _, _) = $0 as? RecurrentError else { return XCTFail("\($0)") }
            XCTAssertEqual(name, "x")
        }
        XCTAssertThrowsError(try Tensor.lstm(x, weights: w, h0: Tensor.zeros([4, batch, hidden + 1], dtype: .float64)))
        XCTAssertThrowsError(try Tensor.lstm(x.to(.float32), weights: w)) {
            guard case .dtypeMismatch = $0 as? RecurrentError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try Tensor.gru(x, weights: w)) {
            guard case .invalidConfiguration = $0 as? RecurrentError else { return XCTFail("\($0)") }
        }
    }

    /// Without recording, each layer's buffers are released early; the values must not change.
    func testInferenceMatchesRecordedForward() throws {
        for kind in RecurrentKind.allCases {
            let w = try weights(kind, layers: 3, bidirectional: true, seed: 81)
            let x = randn([batch, time, input], seed: 82)
            let recorded = run(x, w, lengths: [5, 3, 1])
            XCTAssertTrue(recorded.output.requiresGrad)
            let inferred = withNoGrad { run(x, w, lengths: [5, 3, 1]) }
            XCTAssertFalse(inferred.output.requiresGrad)
            XCTAssertEqual(inferred.output.doubles, recorded.output.doubles)
            XCTAssertEqual(inferred.h.doubles, recorded.h.doubles)
            XCTAssertEqual(inferred.c?.doubles, recorded.c?.doubles)
        }
    }

    func testNoGradientRecordedWithoutRequiresGrad() throws {
        let w = try RecurrentWeights(kind: .gru, layers: 1, bidirectional: false,
                                     ordered: try weights(.gru, layers: 1, bidirectional: false).orderedParameters.map { $0.detach() })
        let r = run(randn([batch, time, input], seed: 71), w)
        XCTAssertFalse(r.output.requiresGrad)
        XCTAssertNil(r.output.gradFn)
    }
}
