import SERTensor

/// The paper's wav2vec-feature classifier (Fig. 1) with `N_s` segment-based classifiers (Eq. 3).
///
/// - CNN block: `Conv1d(inputSize → 512, k, s) + ReLU` for `(k, s)` in (4,2), (4,2), (3,1), (3,1),
///   no padding;
/// - a 5-layer BiLSTM (256 hidden per direction) over the CNN frames, global average pooling over the
///   real (unpadded) frames, and position-wise linear layers `Linear(512, 512) → ReLU → Linear(512, C)`;
/// - `N_s` segment classifiers, each an independent `Linear(512, 512) → ReLU → Linear(512, C)` applied
///   to every CNN output frame `x_t`, predicting the utterance label from that one frame.
///
/// Input: frames `[batch, time, inputSize]` (e.g. wav2vec `c` transposed to time-major) and optional
/// `lengths` (real frames per utterance). Parameter names follow the PyTorch reference
/// (`shared/bench/torch_models.py`): `cnn.0/2/4/6.*`, `lstm.*`, `head.0/2.*`, `seg.<i>.0/2.*`.
public final class Wav2VecClassifier: Module {
    public let configuration: Wav2VecClassifierConfiguration
    public let cnn: Sequential
    public let lstm: LSTM
    public let head: MLP
    public let segmentHeads: [MLP]

    /// What a forward pass produces.
    public struct Output {
        /// Utterance logits `[batch, classes]`.
        public let logits: Tensor
        /// Per-frame logits of each segment classifier, `[batch, frames, classes]` each.
        public let segmentLogits: [Tensor]
        /// Real-frame mask of the CNN output `[batch, frames]` (1 real, 0 padding).
        public let frameMask: Tensor
    }

    public init(_ configuration: Wav2VecClassifierConfiguration, rng: inout RandomGenerator) throws {
        try configuration.validate()
        self.configuration = configuration
        let c = configuration
        var layers: [any UnaryLayer] = []
        var inChannels = c.inputSize
        for (k, s) in zip(c.cnnKernels, c.cnnStrides) {
            layers.append(Conv1d(inChannels, c.cnnChannels, kernelSize: k, stride: s, rng: &rng))
            layers.append(ReLU())
            inChannels = c.cnnChannels
        }
        cnn = Sequential(layers)
        lstm = LSTM(inputSize: c.cnnChannels, hiddenSize: c.lstmHidden, layers: c.lstmLayers, bidirectional: true,
                    dropout: c.lstmDropout, rng: &rng)
        head = MLP(inputSize: 2 * c.lstmHidden, hiddenSizes: [c.headHidden], outputSize: c.classes, activation: .relu, rng: &rng)
        segmentHeads = (0..<c.segmentClassifiers).map { _ in
            MLP(inputSize: c.cnnChannels, hiddenSizes: [c.headHidden], outputSize: c.classes, activation: .relu, rng: &rng)
        }
        super.init()
        registerModule("cnn", cnn)
        registerModule("lstm", lstm)
        registerModule("head", head)
        if !segmentHeads.isEmpty {
            let seg = Module()
            for (i, h) in segmentHeads.enumerated() { seg.registerModule("\(i)", h) }
            registerModule("seg", seg)
        }
    }

    /// Runs the network.
    /// - Throws: ``ModelInputError`` for a wrong input shape or utterances too short for the CNN block.
    public func callAsFunction(_ frames: Tensor, lengths: [Int]? = nil) throws -> Output {
        let c = configuration
        guard frames.rank == 3, frames.shape[2] == c.inputSize, frames.shape[0] >= 1 else {
            throw ModelInputError(model: "Wav2VecClassifier", expected: "[batch, time, \(c.inputSize)]", got: frames.shape)
        }
        let batch = frames.shape[0], time = frames.shape[1]
        let inLengths = lengths ?? Array(repeating: time, count: batch)
        guard inLengths.count == batch, inLengths.allSatisfy({ $0 >= c.minimumInputFrames && $0 <= time }) else {
            throw ModelInputError(model: "Wav2VecClassifier",
                                  expected: "\(batch) lengths in \(c.minimumInputFrames)...\(time) (the CNN block needs at least \(c.minimumInputFrames) frames)",
                                  got: inLengths)
        }
        let h = cnn(frames.permuted([0, 2, 1])).permuted([0, 2, 1])        // [B, T', 512]
        let outFrames = h.shape[1]
        let outLengths = inLengths.map { Swift.min(c.outputFrames($0), outFrames) }
        let mask = Tensor.fromFunction([batch, outFrames], dtype: h.dtype) { i in
            i % outFrames < outLengths[i / outFrames] ? 1 : 0
        }
        let sequence = try lstm(h, lengths: outLengths).output              // [B, T', 512], zero past lengths
        let pooled = sequence.maskedMean(mask: mask)                         // global average over real frames
        let logits = head(pooled)
        let segments = segmentHeads.map { $0(h) }
        return Output(logits: logits, segmentLogits: segments, frameMask: mask)
    }

    /// The training objective: class-weighted cross-entropy of the utterance logits plus the
    /// segment objective of Eq. 3, `L_s = (1/N_s) Σ_i (1/T) Σ_t CE(f_s^i(x_t), y)`, averaged over each
    /// utterance's real frames and over the classifiers (the segment terms use the same class weights).
    public static func loss(_ output: Output, targets: [Int], classWeights: Tensor? = nil) -> Tensor {
        var loss = Tensor.crossEntropy(logits: output.logits, targets: targets, classWeights: classWeights)
        guard !output.segmentLogits.isEmpty else { return loss }
        let mask = output.frameMask
        let (b, t) = (mask.shape[0], mask.shape[1])
        var frameTargets: [Int] = []
        for i in 0..<b { frameTargets += Array(repeating: targets[i], count: t) }
        var segmentTotal: Tensor?
        for seg in output.segmentLogits {
            let classes = seg.shape[2]
            let logp = seg.reshaped([b * t, classes]).logSoftmax(axis: 1)
            let oneHot = Tensor.fromFunction([b * t, classes], dtype: seg.dtype) { frameTargets[$0 / classes] == $0 % classes ? 1 : 0 }
            let w = classWeights?.to(seg.dtype) ?? Tensor.ones([classes], dtype: seg.dtype)
            // Per-frame weighted NLL, then the mean over each utterance's real frames, then over the batch
            // with the utterance class weights as in the main loss.
            let nll = -(logp * oneHot * w).sum(axes: [1]).reshaped([b, t])
            let perUtterance = nll.maskedMean(mask: mask)                    // [b]
            let classWeight = w.doubles
            let uw = Tensor(shape: [b], scalars: targets.map { classWeight[$0] }).to(seg.dtype)
            let term = (perUtterance * uw).sum() / uw.sum()
            segmentTotal = segmentTotal.map { $0 + term } ?? term
        }
        if let segmentTotal { loss = loss + segmentTotal / Double(output.segmentLogits.count) }
        return loss
    }

    /// Per-frame emotion posteriors `[batch, frames, classes]`: the softmax of the segment classifiers'
    /// logits averaged over the classifiers (nil when `N_s = 0`). Used for emotion timelines.
    public static func framePosteriors(_ output: Output) -> Tensor? {
        guard !output.segmentLogits.isEmpty else { return nil }
        let probs = output.segmentLogits.map { $0.softmax(axis: 2) }
        return probs.dropFirst().reduce(probs[0], +) / Double(probs.count)
    }
}
