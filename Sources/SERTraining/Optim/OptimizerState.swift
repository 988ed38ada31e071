import SERTensor

/// The scalar (non-tensor) part of an optimiser's checkpoint: what it is, how it was configured and
/// where each group's learning rate stands. Pair it with ``Optimizer/stateDict()``.
public struct OptimizerScalarState: Codable, Equatable, Sendable {
    public struct Group: Codable, Equatable, Sendable {
        public var name: String
        public var parameterNames: [String]
        public var baseLearningRate: Double
        public var learningRate: Double
        public var weightDecay: Double?
    }
    /// ``Optimizer/kind``.
    public var kind: String
    /// ``Optimizer/hyperparameters``.
    public var hyperparameters: [String: Double]
    public var defaultWeightDecay: Double
    public var groups: [Group]
}

extension Optimizer {
    /// Key of the step count in ``stateDict()`` (`step.<parameter name>`).
    public static let stepKey = "step"

    /// The per-parameter state as tensors, keyed `<buffer>.<parameter name>` (e.g. `exp_avg.encoder.weight`,
    /// `exp_avg_sq.encoder.weight`) plus `step.<parameter name>`, a float64 scalar holding the step count.
    /// The tensors are copies: later steps do not change them.
    public func stateDict() -> [String: Tensor] {
        var d: [String: Tensor] = [:]
        for (name, s) in state {
            d["\(Optimizer.stepKey).\(name)"] = Tensor(shape: [], scalars: [Double(s.step)])
            for (k, t) in s.buffers { d["\(k).\(name)"] = t.copy() }
        }
        return d
    }

    /// Replaces the per-parameter state with `stateDict` (as written by ``stateDict()``).
    ///
    /// Every key is checked before anything changes: it must be `step.<name>` or `<buffer>.<name>` for a
    /// parameter of this optimiser and a buffer it keeps; buffers must have the parameter's shape and dtype;
    /// a step count must be a non-negative integer; each parameter's buffers must be exactly those it has
    /// after its step count. Parameters absent from `stateDict` start afresh. The tensors are copied.
    /// - Throws: ``OptimizerError/stateDictMismatch(optimizer:problems:)`` listing every offending key.
    public func load(stateDict: [String: Tensor]) throws {
        var params: [String: Tensor] = [:]
        for (n, t) in namedParameters { params[n] = t }
        var problems: [String] = []
        var steps: [String: Int] = [:]
        var buffers: [String: [String: Tensor]] = [:]
        var faulty = Set<String>()  // parameters with an invalid key: their completeness is not judged
        for key in stateDict.keys.sorted() {
            guard let t = stateDict[key] else { continue }
            guard let dot = key.firstIndex(of: "."), key.index(after: dot) < key.endIndex else {
                problems.append("'\(key)': not of the form <state>.<parameter name>")
                continue
            }
            let what = String(key[..<dot]), name = String(key[key.index(after: dot)...])
            guard let p = params[name] else {
                problems.append("'\(key)': this optimiser has no parameter '\(name)'")
                continue
            }
            if what == Optimizer.stepKey {
                let v = t.count == 1 ? t.doubles[0] : -1
                guard v >= 0, v == v.rounded(), v < 9.0e15 else {
                    faulty.insert(name)
                    problems.append("'\(key)': step count must be one non-negative integer, found shape \(t.shape)"
                        + (t.count == 1 ? " value \(v)" : ""))
                    continue
                }
                steps[name] = Int(v)
            } else if bufferNames.contains(what) {
                if t.shape != p.shape {
                    faulty.insert(name)
                    problems.append("'\(key)': shape \(t.shape), parameter has \(p.shape)")
                } else if t.dtype != p.dtype {
                    faulty.insert(name)
                    problems.append("'\(key)': dtype \(t.dtype.rawValue), parameter has \(p.dtype.rawValue)")
                } else {
                    buffers[name, default: [:]][what] = t
                }
            } else {
                faulty.insert(name)
                problems.append("'\(key)': \(kind) keeps no state '\(what)' (it keeps \(([Optimizer.stepKey] + bufferNames.sorted()).joined(separator: ", ")))")
            }
        }
        for name in Set(steps.keys).union(buffers.keys).subtracting(faulty).sorted() {
            guard let step = steps[name] else {
                problems.append("'\(name)': buffers without '\(Optimizer.stepKey).\(name)'")
                continue
            }
            let expected = bufferNames(afterSteps: step), found = Set((buffers[name] ?? [:]).keys)
            if expected != found {
                problems.append("'\(name)' after \(step) steps needs buffers [\(expected.sorted().joined(separator: ", "))], "
                    + "found [\(found.sorted().joined(separator: ", "))]")
            }
        }
        if !problems.isEmpty { throw OptimizerError.stateDictMismatch(optimizer: kind, problems: problems) }
        var restored: [String: ParameterState] = [:]
        for (name, step) in steps {
            restored[name] = ParameterState(step: step, buffers: (buffers[name] ?? [:]).mapValues { $0.copy() })
        }
        state = restored
    }

    /// Kind, hyperparameters and each group's learning rates.
    public func scalarState() -> OptimizerScalarState {
        OptimizerScalarState(kind: kind, hyperparameters: hyperparameters, defaultWeightDecay: defaultWeightDecay,
                             groups: groups.map {
                                 .init(name: $0.name, parameterNames: $0.parameterNames,
                                       baseLearningRate: $0.baseLearningRate, learningRate: $0.learningRate,
                                       weightDecay: $0.weightDecay)
                             })
    }

    /// Restores each group's base and current learning rate from `scalarState`.
    ///
    /// Everything else is configuration and must match this optimiser exactly (kind, hyperparameters,
    /// weight decays, group names and their parameter names), so that a resumed run continues the same
    /// trajectory. - Throws: ``OptimizerError/scalarStateMismatch(optimizer:problems:)`` listing every difference.
    public func load(scalarState s: OptimizerScalarState) throws {
        var problems: [String] = []
        if s.kind != kind { problems.append("saved by \(s.kind), this is \(kind)") }
        for key in Set(s.hyperparameters.keys).union(hyperparameters.keys).sorted()
        where s.hyperparameters[key] != hyperparameters[key] {
            problems.append("hyperparameter \(key): saved \(s.hyperparameters[key].map { "\($0)" } ?? "none"), "
                + "this optimiser \(hyperparameters[key].map { "\($0)" } ?? "none")")
        }
        if s.defaultWeightDecay != defaultWeightDecay {
            problems.append("default weight decay: saved \(s.defaultWeightDecay), this optimiser \(defaultWeightDecay)")
        }
        if s.groups.map(\.name) != groups.map(\.name) {
            problems.append("groups: saved \(s.groups.map(\.name)), this optimiser \(groups.map(\.name))")
        } else {
            for (saved, own) in zip(s.groups, groups) {
                if saved.parameterNames != own.parameterNames {
                    problems.append("group '\(own.name)': saved parameters \(saved.parameterNames), "
                        + "this optimiser \(own.parameterNames)")
                }
                if saved.weightDecay != own.weightDecay {
                    problems.append("group '\(own.name)': saved weight decay \(saved.weightDecay.map { "\($0)" } ?? "default"), "
                        + "this optimiser \(own.weightDecay.map { "\($0)" } ?? "default")")
                }
                if !(saved.learningRate >= 0 && saved.learningRate.isFinite && saved.baseLearningRate >= 0
                    && saved.baseLearningRate.isFinite) {
                    problems.append("group '\(own.name)': invalid saved learning rates \(saved.baseLearningRate), "
                        + "\(saved.learningRate)")
                }
            }
        }
        if !problems.isEmpty { throw OptimizerError.scalarStateMismatch(optimizer: kind, problems: problems) }
        for (i, saved) in s.groups.enumerated() {
            setBaseLearningRate(saved.baseLearningRate, group: i)
            setLearningRate(saved.learningRate, group: i)
        }
    }
}
