/// A learning-rate schedule that depends only on the step index: every group's learning rate is its
/// base learning rate times ``factor(atStep:)`` (PyTorch's `LambdaLR` view of a schedule).
///
/// "Step" is whatever the caller counts (optimiser updates or epochs); step 0 is the first. Call
/// ``apply(to:atStep:)`` before the optimiser step that should use the learning rate of `step`.
public protocol StepSchedule: Codable, Sendable {
    /// Multiplier of the base learning rate at `step` (≥ 0).
    func factor(atStep step: Int) -> Double
    /// Throws ``OptimizerError/invalidHyperparameter(optimizer:name:value:requirement:)`` for a bad setting.
    func validate() throws
}

extension StepSchedule {
    /// The learning rate at `step` of a group whose base learning rate is `baseLearningRate`.
    public func learningRate(atStep step: Int, baseLearningRate: Double) -> Double {
        baseLearningRate * factor(atStep: step)
    }

    /// Sets every group of `optimizer` to its base learning rate times ``factor(atStep:)``.
    public func apply(to optimizer: Optimizer, atStep step: Int) {
        optimizer.setLearningRates(factor: factor(atStep: step))
    }
}

/// Throws the schedule error for a setting that fails `ok` (or is not finite).
func requireSetting(_ schedule: String, _ name: String, _ value: Double, _ ok: Bool, _ requirement: String) throws {
    if !(ok && value.isFinite) {
        throw OptimizerError.invalidHyperparameter(optimizer: schedule, name: name, value: value, requirement: requirement)
    }
}
