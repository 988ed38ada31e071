import Foundation

/// The optimiser of a training run, as configuration (`"optimizer"` in a ``TrainingConfiguration``; absent:
/// Adam with PyTorch's defaults, the paper's choice, at the configuration's `learningRate`).
///
/// JSON: `{"kind": "adam"}`, `{"kind": "adamw", "weightDecay": 0.01}`, `{"kind": "sgd", "momentum": 0.9,
/// "nesterov": true}`; every other key may be left out and takes PyTorch's default.
public struct OptimizerSettings: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, CaseIterable, Sendable {
        /// ``Adam`` (L2 weight decay added to the gradient).
        case adam
        /// ``AdamW`` (decoupled weight decay).
        case adamW = "adamw"
        /// ``SGD`` with optional momentum.
        case sgd
    }

    public var kind: Kind
    public var weightDecay: Double
    public var beta1: Double
    public var beta2: Double
    public var eps: Double
    public var momentum: Double
    public var nesterov: Bool

    public init(kind: Kind = .adam, weightDecay: Double? = nil, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                momentum: Double = 0, nesterov: Bool = false) {
        self.kind = kind
        self.weightDecay = weightDecay ?? (kind == .adamW ? 0.01 : 0)
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.momentum = momentum
        self.nesterov = nesterov
    }

    /// The paper's optimiser: Adam with PyTorch's defaults.
    public static let adam = OptimizerSettings()

    private enum CodingKeys: String, CodingKey, CaseIterable { case kind, weightDecay, beta1, beta2, eps, momentum, nesterov }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(Kind.self, forKey: .kind)
        self.init(kind: kind, weightDecay: try c.decodeIfPresent(Double.self, forKey: .weightDecay),
                  beta1: try c.decodeIfPresent(Double.self, forKey: .beta1) ?? 0.9,
                  beta2: try c.decodeIfPresent(Double.self, forKey: .beta2) ?? 0.999,
                  eps: try c.decodeIfPresent(Double.self, forKey: .eps) ?? 1e-8,
                  momentum: try c.decodeIfPresent(Double.self, forKey: .momentum) ?? 0,
                  nesterov: try c.decodeIfPresent(Bool.self, forKey: .nesterov) ?? false)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(weightDecay, forKey: .weightDecay)
        switch kind {
        case .adam, .adamW:
            try c.encode(beta1, forKey: .beta1)
            try c.encode(beta2, forKey: .beta2)
            try c.encode(eps, forKey: .eps)
        case .sgd:
            try c.encode(momentum, forKey: .momentum)
            try c.encode(nesterov, forKey: .nesterov)
        }
    }

    /// The optimiser over `groups` (each with its learning rate).
    /// - Throws: ``OptimizerError`` for an invalid setting.
    public func make(groups: [ParameterGroup]) throws -> Optimizer {
        switch kind {
        case .adam: return try Adam(groups: groups, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay)
        case .adamW: return try AdamW(groups: groups, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay)
        case .sgd: return try SGD(groups: groups, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
        }
    }
}

/// How the learning rate changes over a run's optimiser steps, as configuration (`"schedule"` in a
/// ``TrainingConfiguration``; absent: constant, the paper's). Step `s` is the `s`-th optimiser update of the
/// run (0-based, counted across epochs, continued on resume); every group's learning rate is its base
/// learning rate times the schedule's factor.
///
/// JSON: `{"kind": "constant"}`, `{"kind": "step", "stepSize": 500, "gamma": 0.5}`,
/// `{"kind": "cosine-warmup", "warmupSteps": 100, "totalSteps": 2000, "minFactor": 0}`.
extension LearningRateSchedule {
    private enum Key: String, CodingKey { case kind }
    private enum Kind: String, Codable { case constant, step, cosineWarmup = "cosine-warmup" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        switch try c.decode(Kind.self, forKey: .kind) {
        case .constant: self = .constant
        case .step: self = .step(try StepLR(from: decoder))
        case .cosineWarmup: self = .cosineWarmup(try CosineWarmupLR(from: decoder))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .constant: try c.encode(Kind.constant, forKey: .kind)
        case .step(let s): try c.encode(Kind.step, forKey: .kind); try s.encode(to: encoder)
        case .cosineWarmup(let s): try c.encode(Kind.cosineWarmup, forKey: .kind); try s.encode(to: encoder)
        }
    }
}
