/// Forward + backward time of the paper's single layers, at the shapes the PyTorch reference
/// (`scripts/bench_torch_layers.py`, 2 threads) times in the same session:
///
/// - conv1d 512→512, kernel 4, stride 2, input `[64, 512, 300]`;
/// - 5-layer BiLSTM, 256 hidden per direction, input `[64, 75, 512]`;
/// - 1-layer BiGRU, 256 hidden per direction, input `[64, 150, 256]`;
/// - conv2d 1→64, 3×3, padding 1, input `[64, 1, 300, 30]`;
/// - batch norm (training, batch statistics) with LeakyReLU (slope 0.01) as one op over `[64, 32, 300, 15]` (the paper
///   STRFNet's residual stage), against the same two as separate ops in the same run (no PyTorch counterpart).
///
/// Each call computes the output, then back-propagates a gradient of ones, filling the gradients of
/// the input and of every weight. Throughput is reported as calls per second ("steps/s"), and the
/// median seconds per call is what `scripts/bench_vs_torch.py` compares with PyTorch's.
package struct LayerBenchmark: BenchSection {
    package enum Case: String, CaseIterable, Sendable {
        case conv1d = "conv1d_512_k4_s2_b64x300"
        case bilstm = "bilstm5_256_in512_b64x75"
        case bigru = "bigru1_256_in256_b64x150"
        case conv2d = "conv2d_1to64_3x3_b64x300x30"
        case batchNormLeakyRelu = "batchnorm_leaky_train_b64x32x300x15"
    }

    package var cases: [Case]
    package var seed: UInt64

    package init(cases: [Case] = Case.allCases, seed: UInt64 = 1) {
        self.cases = cases
        self.seed = seed
    }

    package var name: String { "layers" }
    package var summary: String { "forward + backward of single layers at the paper's shapes, steps/s (compare with bench_torch_layers.py)" }

    package func run(timer: BenchmarkTimer, progress: (String) -> Void) -> BenchSectionResult {
        var rng = RandomGenerator(seed: seed)
        var results: [BenchMeasurement] = []
        for c in cases {
            progress(c.rawValue)
            let step = makeStep(c, rng: &rng)
            // The fused batch norm is timed against its two ops in the same run.
            let baseline = c == .batchNormLeakyRelu ? timer.measure(batchNormLeakyReluStep(fused: false, rng: &rng)) : nil
            let timing = timer.measure(step)
            results.append(BenchMeasurement(name: c.rawValue, subject: "forward+backward", unit: "steps/s",
                                            workPerCall: 1, timing: timing, baselineName: baseline.map { _ in "two ops" },
                                            baselineTiming: baseline, scale: 1))
        }
        return BenchSectionResult(section: name, summary: summary, measurements: results)
    }

    private func makeStep(_ c: Case, rng: inout RandomGenerator) -> () -> Void {
        func param(_ shape: [Int], fanIn: Int) -> Tensor {
            let k = 1 / Double(fanIn).squareRoot()
            return Tensor.uniform(shape, low: -k, high: k, using: &rng).requiringGrad()
        }
        switch c {
        case .conv1d:
            let x = Tensor.randn([64, 512, 300], using: &rng).requiringGrad()
            let w = param([512, 512, 4], fanIn: 2048), b = param([512], fanIn: 2048)
            return {
                x.grad = nil; w.grad = nil; b.grad = nil
                let y = Tensor.conv1d(x, weight: w, bias: b, stride: 2)
                y.backward(Tensor.ones(y.shape))
            }
        case .conv2d:
            let x = Tensor.randn([64, 1, 300, 30], using: &rng).requiringGrad()
            let w = param([64, 1, 3, 3], fanIn: 9), b = param([64], fanIn: 9)
            return {
                x.grad = nil; w.grad = nil; b.grad = nil
                let y = Tensor.conv2d(x, weight: w, bias: b, padding: (1, 1, 1, 1))
                y.backward(Tensor.ones(y.shape))
            }
        case .batchNormLeakyRelu:
            return batchNormLeakyReluStep(fused: true, rng: &rng)
        case .bilstm, .bigru:
            let lstm = c == .bilstm
            let (input, time) = lstm ? (512, 75) : (256, 150)
            let x = Tensor.randn([64, time, input], using: &rng).requiringGrad()
            guard let w = try? RecurrentWeights.initialized(kind: lstm ? .lstm : .gru, inputSize: input, hiddenSize: 256,
                                                            layers: lstm ? 5 : 1, bidirectional: true, using: &rng)
            else { preconditionFailure("LayerBenchmark: fixed, valid recurrent configuration was rejected") }
            return {
                x.grad = nil
                for p in w.orderedParameters { p.grad = nil }
                let y = lstm ? (try? Tensor.lstm(x, weights: w))?.output : (try? Tensor.gru(x, weights: w))?.output
                if let y { y.backward(Tensor.ones(y.shape)) }
            }
        }
    }

    /// Training-mode batch norm then LeakyReLU (slope 0.01) over `[64, 32, 300, 15]`, as one op (`fused`) or two,
    /// back-propagating a fixed random gradient.
    private func batchNormLeakyReluStep(fused: Bool, rng: inout RandomGenerator) -> () -> Void {
        let x = Tensor.randn([64, 32, 300, 15], using: &rng).requiringGrad()
        let gamma = Tensor.ones([32]).requiringGrad(), beta = Tensor.zeros([32]).requiringGrad()
        let runningMean = Tensor.zeros([32]), runningVar = Tensor.ones([32])
        let g = Tensor.randn(x.shape, using: &rng)
        return {
            x.grad = nil; gamma.grad = nil; beta.grad = nil
            let y = fused
                ? x.batchNorm(runningMean: runningMean, runningVar: runningVar, weight: gamma, bias: beta, training: true,
                              negativeSlope: 0.01)
                : x.batchNorm(runningMean: runningMean, runningVar: runningVar, weight: gamma, bias: beta, training: true)
                    .leakyRelu(slope: 0.01)
            y.backward(g)
        }
    }
}
