import SERTensor

/// Per-parameter optimiser state: the number of updates applied to the parameter and named buffers
/// (`exp_avg`, `exp_avg_sq`, `momentum_buffer`, …) with the parameter's shape and dtype.
public struct ParameterState {
    /// Updates applied so far (PyTorch's `state['step']`; incremented before the update is computed).
    public var step: Int
    /// Named per-element buffers.
    public var buffers: [String: Tensor]

    public init(step: Int = 0, buffers: [String: Tensor] = [:]) {
        self.step = step
        self.buffers = buffers
    }
}

/// A first-order optimiser over parameter groups.
///
/// The base class walks the groups (``step()``): for every parameter that requires gradients and has a
/// gradient, it increments the parameter's step count and calls ``applySingle(parameter:gradient:state:learningRate:weightDecay:)``
/// with the group's learning rate and weight decay, under no-grad. Subclasses implement only that
/// per-parameter update (in place, over the parameter's storage) and describe their state
/// (``kind``, ``hyperparameters``, ``bufferNames``, ``bufferNames(afterSteps:)``).
///
/// State is keyed by the parameters' dotted names, so it can be exported and restored across runs
/// (``stateDict()``, ``load(stateDict:)``, ``scalarState()``, ``load(scalarState:)``).
///
/// Gradients are only read, never written: the autograd engine may share one gradient tensor between
/// several parameters.
open class Optimizer {
    /// The parameter groups, in order. Change learning rates with ``setLearningRate(_:group:)`` or a schedule.
    public private(set) var groups: [ParameterGroup]
    /// Per-parameter state by dotted parameter name; a parameter appears after its first update.
    public internal(set) var state: [String: ParameterState] = [:]
    /// Weight decay of groups whose ``ParameterGroup/weightDecay`` is `nil`.
    public let defaultWeightDecay: Double

    /// - Throws: ``OptimizerError/invalidGroups(_:)`` when a parameter name or tensor appears twice,
    ///   a group name repeats, or a learning rate / weight decay is negative or not finite.
    public init(groups: [ParameterGroup], defaultWeightDecay: Double) throws {
        var problems: [String] = []
        var names = Set<String>(), tensors = Set<ObjectIdentifier>(), groupNames = Set<String>()
        for g in groups {
            if !groupNames.insert(g.name).inserted { problems.append("two groups are named '\(g.name)'") }
            if !(g.learningRate >= 0 && g.learningRate.isFinite) {
                problems.append("group '\(g.name)': learning rate \(g.learningRate) (must be finite and >= 0)")
            }
            if let wd = g.weightDecay, !(wd >= 0 && wd.isFinite) {
                problems.append("group '\(g.name)': weight decay \(wd) (must be finite and >= 0)")
            }
            for (n, t) in g.parameters {
                if !names.insert(n).inserted { problems.append("parameter name '\(n)' appears twice") }
                if !tensors.insert(ObjectIdentifier(t)).inserted { problems.append("tensor '\(n)' appears twice") }
            }
        }
        if !problems.isEmpty { throw OptimizerError.invalidGroups(problems) }
        self.groups = groups
        self.defaultWeightDecay = defaultWeightDecay
        try requireHyperparameter("weight_decay", defaultWeightDecay, defaultWeightDecay >= 0, ">= 0")
    }

    // MARK: Subclass interface

    /// The optimiser's name ("Adam", "SGD", …); stored in the scalar state.
    open var kind: String { "Optimizer" }

    /// Scalar hyperparameters (booleans as 0 / 1) other than learning rates and weight decay.
    open var hyperparameters: [String: Double] { [:] }

    /// Every buffer name this optimiser may keep per parameter.
    open var bufferNames: Set<String> { [] }

    /// The buffers a parameter has after `step` updates (for validating a loaded state dict).
    open func bufferNames(afterSteps step: Int) -> Set<String> { [] }

    /// Updates one parameter in place. `state.step` has already been incremented for this update.
    /// `gradient` has the parameter's shape and dtype and must not be modified.
    open func applySingle(parameter: Tensor, gradient: Tensor, state: inout ParameterState,
                          learningRate: Double, weightDecay: Double) {
        preconditionFailure("\(kind) must override applySingle")
    }

    // MARK: Stepping

    /// One update of every trainable parameter (requiresGrad and a non-nil gradient), under no-grad.
    public func step() {
        withNoGrad {
            for group in groups {
                let wd = group.weightDecay ?? defaultWeightDecay
                for (name, p) in group.parameters where p.requiresGrad {
                    guard var g = p.grad else { continue }
                    precondition(g.shape == p.shape,
                                 "\(kind): gradient of '\(name)' has shape \(g.shape), parameter \(p.shape)")
                    if g.dtype != p.dtype { g = g.to(p.dtype) }
                    var s = state.removeValue(forKey: name) ?? ParameterState()
                    s.step += 1
                    applySingle(parameter: p, gradient: g, state: &s, learningRate: group.learningRate,
                                weightDecay: wd)
                    state[name] = s
                }
            }
        }
    }

    /// Clears the gradients of every parameter in every group (frozen ones included).
    public func zeroGrad() {
        for g in groups { for p in g.parameters { p.tensor.grad = nil } }
    }

    // MARK: Parameters and learning rates

    /// Every parameter of every group with its name, in group order.
    public var namedParameters: [(name: String, tensor: Tensor)] { groups.flatMap(\.parameters) }

    /// Parameters that currently require gradients.
    public var trainableParameters: [Tensor] { namedParameters.map(\.tensor).filter(\.requiresGrad) }

    /// Current learning rate of each group.
    public var learningRates: [Double] { groups.map(\.learningRate) }

    /// Sets the current learning rate of group `index` (its base learning rate is unchanged).
    public func setLearningRate(_ lr: Double, group index: Int) {
        precondition(groups.indices.contains(index), "\(kind): no group \(index) (have \(groups.count))")
        groups[index].learningRate = lr
    }

    /// Sets every group's learning rate to its base learning rate times `factor`.
    public func setLearningRates(factor: Double) {
        for i in groups.indices { groups[i].learningRate = groups[i].baseLearningRate * factor }
    }

    func setBaseLearningRate(_ lr: Double, group index: Int) { groups[index].baseLearningRate = lr }

    /// Throws ``OptimizerError/invalidHyperparameter(optimizer:name:value:requirement:)`` unless `ok`
    /// (and `value` is finite).
    public func requireHyperparameter(_ name: String, _ value: Double, _ ok: Bool, _ requirement: String) throws {
        if !(ok && value.isFinite) {
            throw OptimizerError.invalidHyperparameter(optimizer: kind, name: name, value: value,
                                                       requirement: requirement)
        }
    }
}
