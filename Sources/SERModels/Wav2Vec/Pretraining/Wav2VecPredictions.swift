import SERTensor

/// The wav2vec 1.0 prediction head (fairseq `Wav2VecPredictionsModel`, registered as `wav2vec_predictions`) and
/// its contrastive loss.
///
/// Parameters, under fairseq's names: `project_to_steps.weight` `[C_ctx, C_z, 1, steps]` (a `ConvTranspose2d`
/// weight, layout `[in, out, kH, kW]`) and `project_to_steps.bias` `[C_z]`. The projection of context c_t for step
/// s is `h_s(c_t) = W_sᵀ c_t + b` with `W_s = weight[:, :, 0, s]` and ONE bias shared by all steps (as fairseq's
/// transposed convolution computes it; the paper writes a bias per step). A ``Dropout`` (fairseq's `dropout`
/// argument) follows the projection in training mode.
///
/// See ``loss(context:targets:negatives:offset:infoNCE:)`` for the objective.
public final class Wav2VecPredictions: Module {
    public let contextChannels: Int
    public let featureChannels: Int
    /// Prediction steps (the weight's last dimension).
    public let steps: Int
    /// `[contextChannels, featureChannels, 1, steps]`.
    public let weight: Tensor
    /// `[featureChannels]`.
    public let bias: Tensor
    public let dropout: Dropout

    /// PyTorch's default `ConvTranspose2d` initialisation: weight and bias `U(±1/√fanIn)` with
    /// `fanIn = featureChannels · steps` (PyTorch takes the fan from the weight's dimension 1).
    public init(contextChannels: Int, featureChannels: Int, steps: Int, dropout p: Double = 0, rng: inout RandomGenerator) {
        precondition(contextChannels > 0 && featureChannels > 0 && steps > 0,
                     "Wav2VecPredictions: channels and steps must be positive")
        self.contextChannels = contextChannels
        self.featureChannels = featureChannels
        self.steps = steps
        let fanIn = featureChannels * steps
        weight = ParameterInit.defaultUniform([contextChannels, featureChannels, 1, steps], fanIn: fanIn, using: &rng)
        bias = ParameterInit.defaultUniform([featureChannels], fanIn: fanIn, using: &rng)
        dropout = Dropout(p, rng: &rng)
        super.init()
        let projection = Module()
        projection.registerParameter("weight", weight)
        projection.registerParameter("bias", bias)
        registerModule("project_to_steps", projection)
        registerModule("dropout", dropout)
    }

    /// The projections of every context frame for the first `steps` steps: `[batch, frames, featureChannels, steps]`,
    /// element `(b, t, :, s) = W_sᵀ c[b, :, t] + bias` (then dropout in training mode). `c` is `[batch, C_ctx, frames]`.
    public func project(_ c: Tensor, steps usedSteps: Int) -> Tensor {
        precondition(c.rank == 3 && c.shape[1] == contextChannels,
                     "Wav2VecPredictions: context \(c.shape) must be [batch, \(contextChannels), frames]")
        precondition(usedSteps >= 1 && usedSteps <= steps, "Wav2VecPredictions: \(usedSteps) steps of \(steps)")
        let b = c.shape[0], t = c.shape[2], cz = featureChannels
        let w = (usedSteps == steps ? weight : weight.sliced(axis: 3, end: usedSteps)).to(c.dtype)
        let ct = c.transposed(1, 2).reshaped([b * t, contextChannels])
        let y = ct.matmul(w.reshaped([contextChannels, cz * usedSteps])).reshaped([b, t, cz, usedSteps])
        return dropout(y + bias.to(c.dtype).reshaped([cz, 1]))
    }

    /// The contrastive loss of context `c` `[batch, C_ctx, T]` predicting the encoder output `z` `[batch, C_z, T]`.
    ///
    /// With `S = min(steps, T − offset)` steps, step s scores the projection of c_t against the candidates of target
    /// frame j = t + offset + s (t < T − offset − s): the true frame z_j (label 1) and `negatives.count` distractors
    /// `z_{negatives[b, n, j]}` (label 0). Each logit is a plain dot product (no temperature, no normalisation).
    ///
    /// Binary (default, wav2vec 1.0 as released): binary cross-entropy with logits summed over every logit and divided
    /// by the number of logits, `B·(N+1)·Σ_s (T − offset − s)`: the normalisation of fairseq 2019's
    /// `binary_cross_entropy` criterion, whose trainer divides the summed loss's gradients by the sample size = number
    /// of logits. (fairseq's later `wav2vec` criterion divides by the number of positives instead, a loss N+1 times
    /// larger; fairseq logs loss/ln 2.)
    ///
    /// `infoNCE` (fairseq's later `--infonce`): per prediction, softmax cross-entropy over its N+1 candidates with the
    /// true frame as the class, summed and divided by the number of predictions `B·Σ_s (T − offset − s)` (the
    /// `wav2vec` criterion with `infonce`: `cross_entropy(reduction="sum") / target.numel()`).
    ///
    /// Gradients flow into `c` and into `z` through both the positives and the negatives (targets are not
    /// detached, as in fairseq). Works in float32 and float64 (the head's parameters are converted to c's dtype).
    ///
    /// - Throws: ``Wav2VecObjectiveError/tooFewFrames(frames:minimum:)`` when `T ≤ offset`,
    ///   ``Wav2VecObjectiveError/invalidNegatives(_:)`` when `negatives` does not have shape `[batch, N, T]`,
    ///   ``Wav2VecObjectiveError/shapeMismatch(_:)`` for inputs that do not fit the head.
    public func loss(context c: Tensor, targets z: Tensor, negatives: Wav2VecNegatives, offset: Int,
                     infoNCE: Bool = false) throws -> Wav2VecPredictionResult {
        guard c.rank == 3, z.rank == 3, c.shape[1] == contextChannels, z.shape[1] == featureChannels,
              c.shape[0] == z.shape[0], c.shape[2] == z.shape[2], c.dtype == z.dtype else {
            throw Wav2VecObjectiveError.shapeMismatch("context \(c.shape) (\(c.dtype)) and targets \(z.shape) (\(z.dtype)) must be "
                + "[batch, \(contextChannels), T] and [batch, \(featureChannels), T] of one dtype")
        }
        let b = z.shape[0], t = z.shape[2], cz = featureChannels
        precondition(offset >= 0, "Wav2VecPredictions: negative offset \(offset)")
        let s = Swift.min(steps, t - offset)
        guard s >= 1 else { throw Wav2VecObjectiveError.tooFewFrames(frames: t, minimum: offset + 1) }
        guard negatives.batch == b, negatives.frames == t else {
            throw Wav2VecObjectiveError.invalidNegatives("shape [\(negatives.batch), \(negatives.count), \(negatives.frames)] "
                + "for a batch of \(b) utterances of \(t) frames")
        }
        let n1 = negatives.count + 1

        // Predictions aligned with their targets: q[b, j, :, s] = h_s(c_{j − offset − s}), zero where j < offset + s.
        let p = project(c, steps: s)
        var shifted: [Tensor] = []
        shifted.reserveCapacity(s)
        for step in 0..<s {
            let shift = offset + step
            let column = p.sliced(axis: 3, start: step, end: step + 1).sliced(axis: 1, end: t - shift)
            shifted.append(column.padded([(0, 0), (shift, 0), (0, 0), (0, 0)]))
        }
        let q = (s == 1 ? shifted[0] : Tensor.concat(shifted, axis: 3)).reshaped([b * t, cz, s])

        // Candidates of each target frame: the frame itself, then its negatives: [b·T, N+1, C_z].
        var rows = [Int](repeating: 0, count: b * t * n1)
        for bi in 0..<b {
            for j in 0..<t {
                let base = (bi * t + j) * n1
                rows[base] = bi * t + j
                for n in 1..<n1 { rows[base + n] = bi * t + negatives[bi, n - 1, j] }
            }
        }
        let candidates = z.transposed(1, 2).reshaped([b * t, cz]).indexSelect(axis: 0, indices: rows).reshaped([b * t, n1, cz])

        // logits[b, j, n, s] = ⟨candidate n of frame j, prediction of step s targeting j⟩.
        let logits = candidates.matmul(q).reshaped([b, t, n1, s])
        var maskValues = [Double](repeating: 0, count: t * s)
        for j in 0..<t { for step in 0..<s where j >= offset + step { maskValues[j * s + step] = 1 } }
        var labelValues = [Double](repeating: 0, count: n1)
        labelValues[0] = 1
        let dtype = z.dtype
        let mask = Tensor(shape: [1, t, 1, s], scalars: maskValues).to(dtype)
        let labels = Tensor(shape: [1, 1, n1, 1], scalars: labelValues).to(dtype)
        let predictionsPerUtterance = (0..<s).reduce(0) { $0 + (t - offset - $1) }
        let logitCount = b * n1 * predictionsPerUtterance
        let loss: Tensor
        if infoNCE {
            // −log softmax(candidates)[0] = logsumexp_n(logits) − logits[n = 0], at the valid (b, j, s).
            let positive = logits.sliced(axis: 2, start: 0, end: 1)
            let ce = (logits.logSumExp(axes: [2], keepDims: true) - positive) * mask
            loss = ce.sum() / Double(b * predictionsPerUtterance)
        } else {
            let bce = (logits.softplus() - logits * labels) * mask
            loss = bce.sum() / Double(logitCount)
        }

        let (correct, binary) = Wav2VecPredictions.accuracyCounts(logits: logits, offset: offset, steps: s)
        return Wav2VecPredictionResult(loss: loss, logits: logits, steps: s, offset: offset, logitCount: logitCount,
                                       predictionCount: b * predictionsPerUtterance, correctPredictions: correct,
                                       correctBinary: binary)
    }

    /// Counts, over the valid (utterance, target frame, step) triples of `logits` `[B, T, N+1, S]`, the predictions
    /// that pick the true frame, and the logits on the right side of 0 (label 1 ⇔ logit > 0).
    ///
    /// A prediction picks the true frame as fairseq's `wav2vec` criterion counts it (`argmax == 0` and not
    /// `argmin == 0`, with PyTorch's first-index tie rule): the positive's logit is at least every distractor's, and
    /// above at least one. So a distractor identical to the true frame (fairseq 2019 can draw the target frame
    /// itself) does not count against the prediction, and a prediction whose candidates all score the same (collapsed
    /// features) is wrong.
    static func accuracyCounts(logits: Tensor, offset: Int, steps s: Int) -> (correct: Int, binary: Int) {
        let v = logits.doubles
        let b = logits.shape[0], t = logits.shape[1], n1 = logits.shape[2]
        var correct = 0, binary = 0
        for bi in 0..<b {
            for j in 0..<t {
                for step in 0..<s where j >= offset + step {
                    func at(_ n: Int) -> Double { v[((bi * t + j) * n1 + n) * s + step] }
                    let pos = at(0)
                    if pos > 0 { binary += 1 }
                    var atLeastAll = true, aboveOne = false
                    for n in 1..<n1 {
                        let l = at(n)
                        if l <= 0 { binary += 1 }
                        if l > pos { atLeastAll = false }
                        if pos > l { aboveOne = true }
                    }
                    if atLeastAll && aboveOne { correct += 1 }
                }
            }
        }
        return (correct, binary)
    }
}

/// The outcome of ``Wav2VecPredictions/loss(context:targets:negatives:offset:infoNCE:)`` for one batch.
public struct Wav2VecPredictionResult {
    /// Scalar (differentiable): Σ BCE-with-logits / ``logitCount``, or with InfoNCE Σ cross-entropy / ``predictionCount``.
    public let loss: Tensor
    /// `[batch, T, N+1, steps]`: element `(b, j, n, s)` is the score of candidate n (0 = the true frame) of target frame
    /// j for the prediction made s + offset frames earlier; 0 where `j < offset + s` (no such prediction; excluded
    /// from the loss).
    public let logits: Tensor
    /// Steps used: `min(predictionSteps, T − offset)`.
    public let steps: Int
    public let offset: Int
    /// Number of logits (positives and negatives) in the loss.
    public let logitCount: Int
    /// Number of predictions (utterance, context frame, step); one positive logit each.
    public let predictionCount: Int
    /// Predictions that pick the true frame: its logit is ≥ every distractor's and > at least one (fairseq's
    /// `wav2vec` criterion's `argmax == 0 and not argmin == 0`).
    public let correctPredictions: Int
    /// Logits classified correctly at threshold 0 (positives > 0, negatives ≤ 0).
    public let correctBinary: Int

    /// The loss as a number.
    public var lossValue: Double { loss.doubles[0] }
    /// Fraction of predictions that pick the true future frame among it and its distractors (chance 1/(N+1)).
    public var accuracy: Double { predictionCount > 0 ? Double(correctPredictions) / Double(predictionCount) : 0 }
    /// Fraction of logits on the right side of 0.
    public var binaryAccuracy: Double { logitCount > 0 ? Double(correctBinary) / Double(logitCount) : 0 }
}
