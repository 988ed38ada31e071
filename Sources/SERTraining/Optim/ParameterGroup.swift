import SERModels
import SERTensor

/// A set of named parameters that share a learning rate and weight decay (PyTorch's `param_groups`).
///
/// Names are the dotted parameter names of ``Module/namedParameters(prefix:)``; the optimiser keys its
/// per-parameter state by them, so they must be unique across all groups of one optimiser.
///
/// A group may hold frozen parameters (`requiresGrad == false`): the optimiser skips them at step time,
/// so freezing and unfreezing during training (e.g. a pretrained encoder) needs no regrouping.
public struct ParameterGroup {
    /// The group's name ("default" for the catch-all group built by ``groups(from:rules:defaultLearningRate:defaultWeightDecay:)``).
    public var name: String
    /// The parameters with their dotted names.
    public var parameters: [(name: String, tensor: Tensor)]
    /// The learning rate the schedules scale (`learningRate = baseLearningRate × factor`).
    public var baseLearningRate: Double
    /// The learning rate used by the next step.
    public var learningRate: Double
    /// This group's weight decay; `nil` uses the optimiser's default.
    public var weightDecay: Double?

    /// A group starting at `learningRate` (which also becomes its base learning rate).
    public init(name: String, parameters: [(name: String, tensor: Tensor)], learningRate: Double,
                weightDecay: Double? = nil) {
        self.name = name
        self.parameters = parameters
        self.baseLearningRate = learningRate
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }

    /// A group of unnamed tensors, named `<group name>.0`, `<group name>.1`, … .
    public init(name: String, tensors: [Tensor], learningRate: Double, weightDecay: Double? = nil) {
        self.init(name: name, parameters: tensors.enumerated().map { ("\(name).\($0.offset)", $0.element) },
                  learningRate: learningRate, weightDecay: weightDecay)
    }

    /// Parameter names in order.
    public var parameterNames: [String] { parameters.map(\.name) }
}

/// How to carve a group out of a module's parameters: every parameter under one of `prefixes`
/// (whole dotted components, as in ``Module/freeze(prefix:)``) goes to the group `name`.
public struct ParameterGroupRule: Codable, Equatable, Sendable {
    public var name: String
    public var prefixes: [String]
    public var learningRate: Double
    /// `nil` uses the optimiser's default weight decay.
    public var weightDecay: Double?

    public init(name: String, prefixes: [String], learningRate: Double, weightDecay: Double? = nil) {
        self.name = name
        self.prefixes = prefixes
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }

    /// A rule with a single prefix.
    public init(_ name: String, prefix: String, learningRate: Double, weightDecay: Double? = nil) {
        self.init(name: name, prefixes: [prefix], learningRate: learningRate, weightDecay: weightDecay)
    }
}

extension ParameterGroup {
    /// Name of the group that collects parameters matched by no rule.
    public static let defaultGroupName = "default"

    /// Splits `module`'s parameters into groups by dotted-name prefix.
    ///
    /// Each parameter goes to the first rule with a matching prefix; the rest form a final group named
    /// ``defaultGroupName`` with `defaultLearningRate` and `defaultWeightDecay` (omitted when empty).
    /// Frozen parameters are included (and skipped at step time). Group order follows `rules`;
    /// parameter order within a group follows ``Module/namedParameters(prefix:)``.
    ///
    /// - Throws: ``OptimizerError/invalidGroups(_:)`` when a rule matches no parameter (usually a typo
    ///   in a configuration), when two rules share a name, or a rule is named ``defaultGroupName``
    ///   while parameters are left over for the default group.
    public static func groups(from module: Module, rules: [ParameterGroupRule] = [], defaultLearningRate: Double,
                              defaultWeightDecay: Double? = nil) throws -> [ParameterGroup] {
        var problems: [String] = []
        var seen = Set<String>()
        for r in rules where !seen.insert(r.name).inserted { problems.append("two rules are named '\(r.name)'") }
        var buckets = Array(repeating: [(name: String, tensor: Tensor)](), count: rules.count)
        var rest: [(name: String, tensor: Tensor)] = []
        for p in module.namedParameters() {
            if let i = rules.firstIndex(where: { r in r.prefixes.contains { Module.name(p.name, isUnder: $0) } }) {
                buckets[i].append(p)
            } else {
                rest.append(p)
            }
        }
        for (i, r) in rules.enumerated() where buckets[i].isEmpty {
            problems.append("rule '\(r.name)' (prefixes \(r.prefixes)) matches no parameter")
        }
        if !rest.isEmpty && seen.contains(defaultGroupName) {
            problems.append("a rule is named '\(defaultGroupName)', the name of the group of unmatched parameters")
        }
        if !problems.isEmpty { throw OptimizerError.invalidGroups(problems) }
        var out = zip(rules, buckets).map { r, ps in
            ParameterGroup(name: r.name, parameters: ps, learningRate: r.learningRate, weightDecay: r.weightDecay)
        }
        if !rest.isEmpty {
            out.append(ParameterGroup(name: defaultGroupName, parameters: rest, learningRate: defaultLearningRate,
                                      weightDecay: defaultWeightDecay))
        }
        return out
    }
}
