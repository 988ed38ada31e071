import SERTensor

/// The parameters, buffers and forward pass shared by ``BatchNorm1d`` and ``BatchNorm2d``
/// (PyTorch `_BatchNorm`).
///
/// State dict (PyTorch names): `weight` `[C]` (1), `bias` `[C]` (0) when `affine`; buffers
/// `running_mean` `[C]` (0), `running_var` `[C]` (1) and `num_batches_tracked` `[]` (0) when
/// `trackRunningStats`. PyTorch stores `num_batches_tracked` as int64; here it is a float scalar, so
/// a PyTorch state dict converted to float loads unchanged.
///
/// Training mode normalises with the batch statistics (biased variance) and, when tracking, updates
/// `running = (1 − m)·running + m·batch` (unbiased variance) and increments `num_batches_tracked`;
/// `m` is `momentum`, or `1 / num_batches_tracked` (a cumulative average) when `momentum` is nil.
/// Evaluation mode normalises with the running statistics (batch statistics when not tracking).
struct BatchNormCore {
    let numFeatures: Int
    let eps: Double
    let momentum: Double?
    let weight: Tensor?
    let bias: Tensor?
    let runningMean: Tensor?
    let runningVar: Tensor?
    let numBatchesTracked: Tensor?

    init(numFeatures: Int, eps: Double, momentum: Double?, affine: Bool, trackRunningStats: Bool) {
        precondition(numFeatures > 0, "BatchNorm: numFeatures must be positive")
        precondition(eps > 0, "BatchNorm: eps must be positive")
        if let m = momentum { precondition(m >= 0 && m <= 1, "BatchNorm: momentum \(m) outside [0, 1]") }
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        weight = affine ? Tensor.ones([numFeatures]) : nil
        bias = affine ? Tensor.zeros([numFeatures]) : nil
        if trackRunningStats {
            runningMean = Tensor.zeros([numFeatures])
            runningVar = Tensor.ones([numFeatures])
            numBatchesTracked = Tensor.zeros([])
        } else {
            runningMean = nil
            runningVar = nil
            numBatchesTracked = nil
        }
    }

    /// Registers the parameters and buffers under PyTorch's names.
    func register(in module: Module) {
        if let weight { module.registerParameter("weight", weight) }
        if let bias { module.registerParameter("bias", bias) }
        if let runningMean, let runningVar, let numBatchesTracked {
            module.registerBuffer("running_mean", runningMean)
            module.registerBuffer("running_var", runningVar)
            module.registerBuffer("num_batches_tracked", numBatchesTracked)
        }
    }

    /// `negativeSlope` set: LeakyReLU of the output in the same op (``Tensor/batchNorm(runningMean:runningVar:weight:bias:training:momentum:eps:negativeSlope:)``).
    func forward(_ x: Tensor, training: Bool, negativeSlope: Double? = nil) -> Tensor {
        var factor = momentum ?? 0
        if training, let n = numBatchesTracked {
            let count = withNoGrad { () -> Double in
                n.assign(n + 1)
                return Double(n.item)
            }
            if momentum == nil { factor = 1 / count }
        }
        return x.batchNorm(runningMean: runningMean, runningVar: runningVar, weight: weight?.to(x.dtype),
                           bias: bias?.to(x.dtype), training: training,
                           momentum: factor, eps: eps, negativeSlope: negativeSlope)
    }
}

/// Batch normalisation over `[batch, features]` or `[batch, features, time]` (PyTorch `nn.BatchNorm1d`),
/// with statistics per feature over the batch (and time) axes.
///
/// - State dict (PyTorch names): `weight` `[C]` (init 1), `bias` `[C]` (init 0) when `affine`; buffers
///   `running_mean` `[C]` (0), `running_var` `[C]` (1) and `num_batches_tracked` `[]` (0) when
///   `trackRunningStats`. PyTorch stores `num_batches_tracked` as int64; here it is a float scalar,
///   so a PyTorch state dict with that entry converted to float loads unchanged.
/// - Training mode (``Module/isTraining``) normalises with the batch statistics (biased variance) and,
///   when tracking, updates `running = (1 − m)·running + m·batch` (unbiased variance) and increments
///   `num_batches_tracked`; `m` is `momentum`, or `1 / num_batches_tracked` (cumulative average, PyTorch's
///   `momentum=None`) when `momentum` is nil. Evaluation mode uses the running statistics (the batch
///   statistics when not tracking).
/// - Defaults as PyTorch: `eps = 1e-5`, `momentum = 0.1`, affine, tracking running statistics.
public final class BatchNorm1d: BatchNormLayer, UnaryLayer {
    public func callAsFunction(_ x: Tensor) -> Tensor { self(x, leakyReluSlope: nil) }

    override func checkInput(_ x: Tensor) {
        precondition((x.rank == 2 || x.rank == 3) && x.shape[1] == numFeatures,
                     "BatchNorm1d: input \(x.shape) must be [batch, \(numFeatures)] or [batch, \(numFeatures), time]")
    }
}

/// Batch normalisation over `[batch, channels, height, width]` (PyTorch `nn.BatchNorm2d`), per channel
/// over the batch and both spatial axes; state dict and update rule as ``BatchNorm1d``.
public final class BatchNorm2d: BatchNormLayer, UnaryLayer {
    public func callAsFunction(_ x: Tensor) -> Tensor { self(x, leakyReluSlope: nil) }

    override func checkInput(_ x: Tensor) {
        precondition(x.rank == 4 && x.shape[1] == numFeatures,
                     "BatchNorm2d: input \(x.shape) must be [batch, \(numFeatures), height, width]")
    }
}

/// What ``BatchNorm1d`` and ``BatchNorm2d`` share: the parameters, buffers and update rule; the two
/// differ only in the input ranks they accept.
public class BatchNormLayer: Module {
    let core: BatchNormCore
    public var numFeatures: Int { core.numFeatures }
    /// Added to the variance before the square root.
    public var eps: Double { core.eps }
    public var weight: Tensor? { core.weight }
    public var bias: Tensor? { core.bias }
    public var runningMean: Tensor? { core.runningMean }
    public var runningVar: Tensor? { core.runningVar }
    public var numBatchesTracked: Tensor? { core.numBatchesTracked }

    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true) {
        core = BatchNormCore(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine,
                             trackRunningStats: trackRunningStats)
        super.init()
        core.register(in: self)
    }

    /// `leakyRelu(self(x), slope: leakyReluSlope)` as one op (nil: the batch norm alone): the activation is written in
    /// the normalising pass and its gradient taken inside the batch norm's backward, with no tensor in between; the
    /// same function and gradients as the two layers (`Tensor.batchNorm(…, negativeSlope:)`).
    public func callAsFunction(_ x: Tensor, leakyReluSlope: Double?) -> Tensor {
        checkInput(x)
        return core.forward(x, training: isTraining, negativeSlope: leakyReluSlope)
    }

    /// Stops on an input whose rank or channel count this layer does not take.
    func checkInput(_ x: Tensor) {}
}
