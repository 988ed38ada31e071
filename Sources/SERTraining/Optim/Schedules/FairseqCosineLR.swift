import Foundation

/// fairseq's `cosine` learning-rate scheduler (fairseq/optim/lr_scheduler/cosine_lr_scheduler.py, 2019), as wav2vec
/// 1.0 was trained with it: a linear warm-up from ``warmupInitLearningRate`` to ``maxLearningRate``, then half a
/// cosine down to ``minLearningRate`` over ``period`` updates.
///
/// The learning rate of update u (0-based; fairseq calls `step_update(num_updates)` after each update, so update u
/// runs with the value for `num_updates = u`):
/// ```
/// lr(u) = init + u · (max − init) / W                                   for u < W   (W = warmupUpdates)
/// lr(u) = shrinkⁱ·min + ½ (shrinkⁱ·max − shrinkⁱ·min) (1 + cos(π · t / P))   otherwise,
///         i = ⌊(u − W) / P⌋, t = (u − W) − i·P                            (P = period, fairseq's t_mult = 1)
/// ```
/// fairseq's period defaults to `max_update − warmup_updates`, so training ends as the first cycle does and `i` stays
/// 0; ``lrShrink`` (fairseq `--lr-shrink`, default 0.1) only matters past it. wav2vec large: init 1e-7, max 5e-3,
/// min 1e-6, W = 500, P = 399,500 (the 2019 flags `--lr 1e-06 --max-lr 0.005 --warmup-updates 500
/// --warmup-init-lr 1e-07 --max-update 400000`).
///
/// As a ``StepSchedule`` the factor is `lr(u) / maxLearningRate`: give the optimiser ``maxLearningRate`` as its base
/// learning rate.
public struct FairseqCosineLR: StepSchedule, Equatable {
    public var warmupUpdates: Int
    public var warmupInitLearningRate: Double
    public var maxLearningRate: Double
    public var minLearningRate: Double
    /// Updates per cosine cycle (> 0).
    public var period: Int
    /// Multiplier of both ends after each completed cycle.
    public var lrShrink: Double

    public init(warmupUpdates: Int, warmupInitLearningRate: Double, maxLearningRate: Double, minLearningRate: Double,
                period: Int, lrShrink: Double = 0.1) throws {
        self.warmupUpdates = warmupUpdates
        self.warmupInitLearningRate = warmupInitLearningRate
        self.maxLearningRate = maxLearningRate
        self.minLearningRate = minLearningRate
        self.period = period
        self.lrShrink = lrShrink
        try validate()
    }

    /// fairseq's default period: `maxUpdates − warmupUpdates` (at least 1).
    public init(warmupUpdates: Int, warmupInitLearningRate: Double, maxLearningRate: Double, minLearningRate: Double,
                maxUpdates: Int) throws {
        try self.init(warmupUpdates: warmupUpdates, warmupInitLearningRate: warmupInitLearningRate, maxLearningRate: maxLearningRate,
                      minLearningRate: minLearningRate, period: Swift.max(1, maxUpdates - warmupUpdates))
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        warmupUpdates = try c.decode(Int.self, forKey: .warmupUpdates)
        warmupInitLearningRate = try c.decode(Double.self, forKey: .warmupInitLearningRate)
        maxLearningRate = try c.decode(Double.self, forKey: .maxLearningRate)
        minLearningRate = try c.decode(Double.self, forKey: .minLearningRate)
        period = try c.decode(Int.self, forKey: .period)
        lrShrink = try c.decodeIfPresent(Double.self, forKey: .lrShrink) ?? 0.1
        try validate()
    }

    public func validate() throws {
        let n = "FairseqCosineLR"
        try requireSetting(n, "warmupUpdates", Double(warmupUpdates), warmupUpdates >= 0, ">= 0")
        try requireSetting(n, "maxLearningRate", maxLearningRate, maxLearningRate > 0, "> 0")
        try requireSetting(n, "warmupInitLearningRate", warmupInitLearningRate,
                           warmupInitLearningRate >= 0 && warmupInitLearningRate <= maxLearningRate, "in [0, maxLearningRate]")
        try requireSetting(n, "minLearningRate", minLearningRate, minLearningRate >= 0 && minLearningRate < maxLearningRate,
                           "in [0, maxLearningRate) (fairseq asserts max_lr > lr)")
        try requireSetting(n, "period", Double(period), period >= 1, ">= 1")
        try requireSetting(n, "lrShrink", lrShrink, lrShrink > 0 && lrShrink <= 1, "in (0, 1]")
    }

    /// The learning rate of update `step` (see the type's formula).
    public func learningRate(atUpdate step: Int) -> Double {
        let u = Swift.max(step, 0)
        if u < warmupUpdates {
            return warmupInitLearningRate + Double(u) * (maxLearningRate - warmupInitLearningRate) / Double(warmupUpdates)
        }
        let current = u - warmupUpdates
        let cycle = current / period
        let t = current - cycle * period
        let shrink = Foundation.pow(lrShrink, Double(cycle))
        let lo = minLearningRate * shrink, hi = maxLearningRate * shrink
        return lo + 0.5 * (hi - lo) * (1 + Foundation.cos(Double.pi * Double(t) / Double(period)))
    }

    public func factor(atStep step: Int) -> Double { learningRate(atUpdate: step) / maxLearningRate }
}
