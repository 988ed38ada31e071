import Foundation

/// Linear warm-up followed by half a cosine down to a floor.
///
/// ```
/// factor(s) = (s + 1) / warmupSteps                                    for s < warmupSteps
///           = minFactor + (1 − minFactor) · ½ · (1 + cos(π · progress))  otherwise,
/// progress  = min(1, (s − warmupSteps) / max(1, totalSteps − warmupSteps))
/// ```
/// The warm-up reaches the base learning rate at step `warmupSteps − 1`; the cosine starts there at 1 and
/// reaches `minFactor` at `totalSteps`, where it stays. The floor is relative to each group's base
/// learning rate (min lr = `minFactor` × base lr), so groups with different learning rates keep their ratio.
public struct CosineWarmupLR: StepSchedule, Equatable {
    public var warmupSteps: Int
    public var totalSteps: Int
    /// Final factor in [0, 1].
    public var minFactor: Double

    public init(warmupSteps: Int, totalSteps: Int, minFactor: Double = 0) throws {
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.minFactor = minFactor
        try validate()
    }

    /// The schedule whose floor is `minLearningRate` for a group with base learning rate `baseLearningRate`.
    public init(warmupSteps: Int, totalSteps: Int, minLearningRate: Double, baseLearningRate: Double) throws {
        try requireSetting("CosineWarmupLR", "baseLearningRate", baseLearningRate, baseLearningRate > 0, "> 0")
        try self.init(warmupSteps: warmupSteps, totalSteps: totalSteps, minFactor: minLearningRate / baseLearningRate)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        warmupSteps = try c.decode(Int.self, forKey: .warmupSteps)
        totalSteps = try c.decode(Int.self, forKey: .totalSteps)
        minFactor = try c.decodeIfPresent(Double.self, forKey: .minFactor) ?? 0
        try validate()
    }

    public func validate() throws {
        try requireSetting("CosineWarmupLR", "warmupSteps", Double(warmupSteps), warmupSteps >= 0, ">= 0")
        try requireSetting("CosineWarmupLR", "totalSteps", Double(totalSteps), totalSteps >= warmupSteps,
                           ">= warmupSteps (\(warmupSteps))")
        try requireSetting("CosineWarmupLR", "minFactor", minFactor, minFactor >= 0 && minFactor <= 1, "in [0, 1]")
    }

    public func factor(atStep step: Int) -> Double {
        if step < warmupSteps { return Double(step + 1) / Double(warmupSteps) }
        let progress = Swift.min(1.0, Double(step - warmupSteps) / Double(Swift.max(1, totalSteps - warmupSteps)))
        return minFactor + (1 - minFactor) * 0.5 * (1 + Foundation.cos(Double.pi * progress))
    }
}
