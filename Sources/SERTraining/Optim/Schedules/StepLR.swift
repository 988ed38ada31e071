import Foundation

/// Step decay, as `torch.optim.lr_scheduler.StepLR`: the factor is `gamma^⌊step / stepSize⌋`.
public struct StepLR: StepSchedule, Equatable {
    /// Steps between decays (> 0).
    public var stepSize: Int
    /// Multiplier applied every `stepSize` steps (≥ 0).
    public var gamma: Double

    public init(stepSize: Int, gamma: Double = 0.1) throws {
        self.stepSize = stepSize
        self.gamma = gamma
        try validate()
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        stepSize = try c.decode(Int.self, forKey: .stepSize)
        gamma = try c.decode(Double.self, forKey: .gamma)
        try validate()
    }

    public func validate() throws {
        try requireSetting("StepLR", "stepSize", Double(stepSize), stepSize > 0, "> 0")
        try requireSetting("StepLR", "gamma", gamma, gamma >= 0, ">= 0")
    }

    public func factor(atStep step: Int) -> Double {
        Foundation.pow(gamma, Double(max(step, 0) / max(stepSize, 1)))
    }
}
