/// Lowers the learning rates when a monitored metric stops improving, as
/// `torch.optim.lr_scheduler.ReduceLROnPlateau`.
///
/// After each evaluation call ``step(metric:optimizer:)``. A metric is an improvement when it beats the
/// best so far by more than `threshold` (relative: `a < best·(1 − threshold)` in `min` mode,
/// `a > best·(1 + threshold)` in `max` mode; absolute: `a < best − threshold` / `a > best + threshold`).
/// After more than `patience` evaluations without improvement, each group's learning rate becomes
/// `max(lr · factor, minLearningRate)` (changed only if that lowers it by more than `eps`), followed by
/// `cooldown` evaluations during which bad evaluations are not counted.
///
/// The configuration and the counters are Codable, so the scheduler resumes from a checkpoint; the best
/// value must be finite to encode as JSON (it is `nil` before the first evaluation).
public struct ReduceLROnPlateau: Codable, Equatable, Sendable {
    public enum Mode: String, Codable, Sendable { case min, max }
    public enum ThresholdMode: String, Codable, Sendable { case rel, abs }

    public var mode: Mode
    /// Multiplier in [0, 1).
    public var factor: Double
    public var patience: Int
    public var threshold: Double
    public var thresholdMode: ThresholdMode
    public var cooldown: Int
    /// Lower bound of every group's learning rate.
    public var minLearningRate: Double
    /// Smallest learning-rate change that is applied.
    public var eps: Double

    /// Best metric so far (`nil`: none yet, PyTorch's ±∞).
    public private(set) var best: Double?
    public private(set) var numBadEpochs = 0
    public private(set) var cooldownCounter = 0
    /// Number of ``step(metric:optimizer:)`` calls so far.
    public private(set) var lastEpoch = 0

    public init(mode: Mode = .min, factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
                thresholdMode: ThresholdMode = .rel, cooldown: Int = 0, minLearningRate: Double = 0,
                eps: Double = 1e-8) throws {
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minLearningRate = minLearningRate
        self.eps = eps
        try validate()
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mode = try c.decode(Mode.self, forKey: .mode)
        factor = try c.decode(Double.self, forKey: .factor)
        patience = try c.decode(Int.self, forKey: .patience)
        threshold = try c.decode(Double.self, forKey: .threshold)
        thresholdMode = try c.decode(ThresholdMode.self, forKey: .thresholdMode)
        cooldown = try c.decode(Int.self, forKey: .cooldown)
        minLearningRate = try c.decode(Double.self, forKey: .minLearningRate)
        eps = try c.decode(Double.self, forKey: .eps)
        best = try c.decodeIfPresent(Double.self, forKey: .best)
        numBadEpochs = try c.decodeIfPresent(Int.self, forKey: .numBadEpochs) ?? 0
        cooldownCounter = try c.decodeIfPresent(Int.self, forKey: .cooldownCounter) ?? 0
        lastEpoch = try c.decodeIfPresent(Int.self, forKey: .lastEpoch) ?? 0
        try validate()
    }

    public func validate() throws {
        let n = "ReduceLROnPlateau"
        try requireSetting(n, "factor", factor, factor >= 0 && factor < 1, "in [0, 1)")
        try requireSetting(n, "patience", Double(patience), patience >= 0, ">= 0")
        try requireSetting(n, "threshold", threshold, threshold >= 0, ">= 0")
        try requireSetting(n, "cooldown", Double(cooldown), cooldown >= 0, ">= 0")
        try requireSetting(n, "minLearningRate", minLearningRate, minLearningRate >= 0, ">= 0")
        try requireSetting(n, "eps", eps, eps >= 0, ">= 0")
        try requireSetting(n, "numBadEpochs", Double(numBadEpochs), numBadEpochs >= 0, ">= 0")
        try requireSetting(n, "cooldownCounter", Double(cooldownCounter), cooldownCounter >= 0, ">= 0")
    }

    /// Whether `a` improves on `best` (PyTorch's `is_better`, with `nil` as the worst value).
    public func isBetter(_ a: Double, than best: Double?) -> Bool {
        let b = best ?? (mode == .min ? Double.infinity : -Double.infinity)
        switch (mode, thresholdMode) {
        case (.min, .rel): return a < b * (1 - threshold)
        case (.min, .abs): return a < b - threshold
        case (.max, .rel): return a > b * (threshold + 1)
        case (.max, .abs): return a > b + threshold
        }
    }

    /// Records one evaluation's metric and lowers the optimiser's learning rates when it has plateaued.
    /// - Returns: whether any group's learning rate was lowered.
    @discardableResult
    public mutating func step(metric: Double, optimizer: Optimizer) -> Bool {
        lastEpoch += 1
        if isBetter(metric, than: best) {
            best = metric
            numBadEpochs = 0
        } else {
            numBadEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            numBadEpochs = 0
        }
        var reduced = false
        if numBadEpochs > patience {
            for (i, lr) in optimizer.learningRates.enumerated() {
                let newLR = Swift.max(lr * factor, minLearningRate)
                if lr - newLR > eps {
                    optimizer.setLearningRate(newLR, group: i)
                    reduced = true
                }
            }
            cooldownCounter = cooldown
            numBadEpochs = 0
        }
        return reduced
    }
}
