/// The base learning rate at every step (factor 1).
public struct ConstantLR: StepSchedule, Equatable {
    public init() {}
    public func factor(atStep step: Int) -> Double { 1 }
    public func validate() throws {}
}
