/// The base class of every layer and model: a tree of named parameters, buffers and child modules.
///
/// **Names.** Parameters have stable dotted names built from the registration names along the
/// tree, following PyTorch's `state_dict` conventions (`encoder.conv_layers.0.weight`,
/// `lstm.weight_ih_l0_reverse`). These names drive checkpoints (``stateDict()`` /
/// ``loadStateDict(_:strict:)``), freezing (``freeze(prefix:)``) and optimiser learning-rate groups.
///
/// **Subclassing.** A subclass creates its parameter tensors and child modules in its initialiser and
/// registers them with ``registerParameter(_:_:)``, ``registerBuffer(_:_:)`` and
/// ``registerModule(_:_:)`` (registration order is the iteration order). Loading a state dict writes
/// into the registered tensors in place, so references held by the subclass and by optimisers stay valid.
///
/// **Modes.** ``isTraining`` (set recursively by ``train(_:)`` / ``eval()``) switches dropout and batch
/// statistics.
open class Module {
    private var parameterSlots: [(name: String, tensor: Tensor)] = []
    private var bufferSlots: [(name: String, tensor: Tensor)] = []
    private var childSlots: [(name: String, module: Module)] = []

    /// True in training mode (the default), false in evaluation mode.
    public private(set) var isTraining = true

    public init() {}

    // MARK: Registration

    /// Registers a learnable parameter under `name` (no dots); marks it as requiring gradients.
    @discardableResult
    public func registerParameter(_ name: String, _ tensor: Tensor) -> Tensor {
        precondition(!name.contains(".") && !name.isEmpty, "Module: parameter name '\(name)' must be non-empty without dots")
        precondition(!hasSlot(name), "Module: '\(name)' registered twice in \(typeName)")
        tensor.requiresGrad = true
        parameterSlots.append((name, tensor))
        return tensor
    }

    /// Registers a non-learnable tensor saved in the state dict (e.g. batch-norm running statistics).
    @discardableResult
    public func registerBuffer(_ name: String, _ tensor: Tensor) -> Tensor {
        precondition(!name.contains(".") && !name.isEmpty, "Module: buffer name '\(name)' must be non-empty without dots")
        precondition(!hasSlot(name), "Module: '\(name)' registered twice in \(typeName)")
        bufferSlots.append((name, tensor))
        return tensor
    }

    /// Registers a child module under `name` (no dots; Sequential uses "0", "1", …).
    @discardableResult
    public func registerModule<M: Module>(_ name: String, _ module: M) -> M {
        precondition(!name.contains(".") && !name.isEmpty, "Module: child name '\(name)' must be non-empty without dots")
        precondition(!hasSlot(name), "Module: '\(name)' registered twice in \(typeName)")
        childSlots.append((name, module))
        return module
    }

    private func hasSlot(_ name: String) -> Bool {
        parameterSlots.contains { $0.name == name } || bufferSlots.contains { $0.name == name } ||
            childSlots.contains { $0.name == name }
    }

    var typeName: String { String(describing: type(of: self)) }

    // MARK: Traversal

    /// Direct children, in registration order.
    public var children: [(name: String, module: Module)] { childSlots }

    /// Every parameter with its dotted name, depth-first in registration order.
    public func namedParameters(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var out = parameterSlots.map { (prefix + $0.name, $0.tensor) }
        for c in childSlots { out += c.module.namedParameters(prefix: prefix + c.name + ".") }
        return out
    }

    /// Every buffer with its dotted name.
    public func namedBuffers(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var out = bufferSlots.map { (prefix + $0.name, $0.tensor) }
        for c in childSlots { out += c.module.namedBuffers(prefix: prefix + c.name + ".") }
        return out
    }

    /// Every module in the tree with its dotted path ("" for this one).
    public func namedModules(prefix: String = "") -> [(name: String, module: Module)] {
        var out: [(String, Module)] = [(prefix.isEmpty ? "" : String(prefix.dropLast()), self)]
        for c in childSlots { out += c.module.namedModules(prefix: prefix + c.name + ".") }
        return out
    }

    /// All parameters.
    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    /// Parameters that currently require gradients (not frozen).
    public func trainableParameters() -> [Tensor] { parameters().filter(\.requiresGrad) }

    /// Total number of scalar parameters.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    // MARK: Modes and freezing

    /// Sets training (`true`) or evaluation mode on this module and every descendant.
    public func train(_ on: Bool = true) {
        isTraining = on
        for c in childSlots { c.module.train(on) }
    }

    /// Evaluation mode.
    public func eval() { train(false) }

    /// Stops gradients for every parameter whose dotted name starts with `prefix` ("" = all).
    /// A prefix matches whole name components: `"encoder"` matches `encoder.x` but not `encoders.x`.
    @discardableResult
    public func freeze(prefix: String = "") -> [String] { setRequiresGrad(false, prefix: prefix) }

    /// Re-enables gradients for parameters under `prefix`.
    @discardableResult
    public func unfreeze(prefix: String = "") -> [String] { setRequiresGrad(true, prefix: prefix) }

    private func setRequiresGrad(_ flag: Bool, prefix: String) -> [String] {
        var touched: [String] = []
        for (name, t) in namedParameters() where Module.name(name, isUnder: prefix) {
            t.requiresGrad = flag
            touched.append(name)
        }
        return touched
    }

    /// Whether the dotted `name` lies under `prefix` (component-wise; "" matches everything).
    public static func name(_ name: String, isUnder prefix: String) -> Bool {
        prefix.isEmpty || name == prefix || name.hasPrefix(prefix.hasSuffix(".") ? prefix : prefix + ".")
    }

    /// Clears the gradients of all parameters.
    public func zeroGrad() { for p in parameters() { p.grad = nil } }

    // MARK: State dict

    /// Parameters and buffers by dotted name (the tensors themselves, not copies).
    public func stateDict() -> [String: Tensor] {
        var d: [String: Tensor] = [:]
        for (n, t) in namedParameters() { d[n] = t }
        for (n, t) in namedBuffers() { d[n] = t }
        return d
    }

    /// Copies values from `state` into this module's parameters and buffers, by name.
    ///
    /// Every key is checked first; nothing is written unless all checks pass. With `strict`, a
    /// missing or unexpected key is an error; a shape mismatch is always an error. The error lists
    /// every offending key.
    public func loadStateDict(_ state: [String: Tensor], strict: Bool = true) throws {
        let own = stateDict()
        var missing: [String] = [], unexpected: [String] = [], misShaped: [StateDictError.ShapeMismatch] = []
        for (name, t) in own {
            guard let src = state[name] else { missing.append(name); continue }
            if src.shape != t.shape { misShaped.append(.init(name: name, expected: t.shape, found: src.shape)) }
        }
        for name in state.keys where own[name] == nil { unexpected.append(name) }
        if !misShaped.isEmpty || (strict && (!missing.isEmpty || !unexpected.isEmpty)) {
            throw StateDictError(module: typeName, missing: missing.sorted(), unexpected: unexpected.sorted(),
                                 misShaped: misShaped.sorted { $0.name < $1.name })
        }
        // A damaged or diverged file must not load: NaN or infinite weights give NaN outputs.
        var nonFinite: [StateDictError.NonFiniteTensor] = []
        for (name, _) in own {
            guard let src = state[name] else { continue }
            let count = src.nonFiniteCount
            if count > 0 { nonFinite.append(.init(name: name, count: count, size: src.count)) }
        }
        if !nonFinite.isEmpty {
            throw StateDictError(module: typeName, missing: [], unexpected: [], misShaped: [],
                                 nonFinite: nonFinite.sorted { $0.name < $1.name })
        }
        withNoGrad {
            for (name, t) in own { if let src = state[name] { t.assign(src) } }
        }
    }
}

/// A state dict that does not fit a module: every missing, unexpected and mis-shaped key.
public struct StateDictError: Error, CustomStringConvertible, Equatable {
    public struct ShapeMismatch: Equatable, Sendable {
        public var name: String
        public var expected: [Int]
        public var found: [Int]

        public init(name: String, expected: [Int], found: [Int]) {
            self.name = name
            self.expected = expected
            self.found = found
        }
    }
    /// A tensor holding NaN or infinite values (`count` of its `size` elements).
    public struct NonFiniteTensor: Equatable, Sendable {
        public var name: String
        public var count: Int
        public var size: Int

        public init(name: String, count: Int, size: Int) {
            self.name = name
            self.count = count
            self.size = size
        }
    }
    public var module: String
    public var missing: [String]
    public var unexpected: [String]
    public var misShaped: [ShapeMismatch]
    /// Tensors with NaN or infinite values (checked only when the keys and shapes match).
    public var nonFinite: [NonFiniteTensor]
    /// The file the state dict came from, when it was loaded from one (``Module/load(from:strict:)``).
    public var file: String? = nil

    public init(module: String, missing: [String], unexpected: [String], misShaped: [ShapeMismatch],
                nonFinite: [NonFiniteTensor] = [], file: String? = nil) {
        self.module = module
        self.missing = missing
        self.unexpected = unexpected
        self.misShaped = misShaped
        self.nonFinite = nonFinite
        self.file = file
    }

    public var description: String {
        if !nonFinite.isEmpty && missing.isEmpty && unexpected.isEmpty && misShaped.isEmpty {
            var lines = ["\(file ?? "state dict"): NaN or infinite weights (the file is damaged or the training diverged; "
                         + "restore or retrain it):"]
            for t in nonFinite.prefix(8) { lines.append("  \(t.name): \(t.count) of \(t.size) values are not finite") }
            if nonFinite.count > 8 { lines.append("  … and \(nonFinite.count - 8) more tensors") }
            return lines.joined(separator: "\n")
        }
        var lines = [file.map { "state dict in \($0) does not match \(module):" } ?? "state dict does not match \(module):"]
        if !missing.isEmpty { lines.append("  missing keys (\(missing.count)): " + missing.joined(separator: ", ")) }
        if !unexpected.isEmpty { lines.append("  unexpected keys (\(unexpected.count)): " + unexpected.joined(separator: ", ")) }
        for m in misShaped { lines.append("  \(m.name): expected shape \(m.expected), found \(m.found)") }
        return lines.joined(separator: "\n")
    }
}

/// A module mapping one tensor to one tensor, so it can sit in a ``Sequential``.
public protocol UnaryLayer: Module {
    func callAsFunction(_ x: Tensor) -> Tensor
}

extension Module {
    /// Converts every parameter and buffer to `dtype` in place (the tensors keep their identity, so
    /// references held by layers stay valid). Used to run a module in float64 for gradient checks.
    public func convert(to dtype: DType) {
        for (_, t) in namedParameters() + namedBuffers() where t.dtype != dtype {
            t.storage = t.to(dtype).storage
        }
    }
}
