/// A step-indexed schedule chosen by configuration (Codable as `{"kind": {...settings}}`).
///
/// Metric-driven reduction lives in ``ReduceLROnPlateau``, which acts on the optimiser directly.
public enum LearningRateSchedule: StepSchedule, Equatable {
    case constant
    case step(StepLR)
    case cosineWarmup(CosineWarmupLR)

    public func factor(atStep step: Int) -> Double {
        switch self {
        case .constant: return 1
        case .step(let s): return s.factor(atStep: step)
        case .cosineWarmup(let s): return s.factor(atStep: step)
        }
    }

    public func validate() throws {
        switch self {
        case .constant: return
        case .step(let s): try s.validate()
        case .cosineWarmup(let s): try s.validate()
        }
    }
}
