/// One recorded operation in the autograd graph: its inputs and the rule that maps the gradient of
/// its output to gradients of its inputs (`nil` for an input that needs none).
///
/// Backward rules are written next to each op's forward (see `Ops/`), and run with recording off.
public final class GradNode {
    /// Name of the op, for debugging (`"matmul"`, `"add"`, …).
    public let name: String
    /// The op's inputs, in order.
    public internal(set) var inputs: [Tensor]
    /// The backward rule; `nil` once the node has been torn down.
    var backward: ((Tensor) -> [Tensor?])?

    init(name: String, inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }
}

extension Tensor {
    /// Attaches a backward rule to `out` when recording is on and some input requires gradients;
    /// returns `out`. `rule` receives ∂L/∂out and returns ∂L/∂input for each input.
    @inlinable
    func record(_ out: Tensor, _ name: @autoclosure () -> String, _ inputs: [Tensor],
                _ rule: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        Tensor.record(out, name(), inputs, rule)
    }

    /// Static form of ``record(_:_:_:_:)`` for ops without a natural receiver.
    @usableFromInline
    static func record(_ out: Tensor, _ name: @autoclosure () -> String, _ inputs: [Tensor],
                       _ rule: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return out }
        if AutogradProfiler.isEnabled { AutogradProfiler.recordForward(name()) }
        out.requiresGrad = true
        out.gradFn = GradNode(name: name(), inputs: inputs, backward: rule)
        return out
    }

    /// Back-propagates from this tensor.
    ///
    /// - Parameter gradient: ∂L/∂self; may be omitted only when `self` has one element (it is then 1).
    /// Gradients *accumulate* into ``grad`` of every leaf that requires them; clear them between steps.
    public func backward(_ gradient: Tensor? = nil) {
        precondition(requiresGrad, "Tensor.backward: tensor does not require gradients")
        let seed: Tensor
        if let g = gradient {
            precondition(g.shape == shape, "Tensor.backward: gradient shape \(g.shape) for tensor \(shape)")
            seed = g.to(dtype)
        } else {
            precondition(count == 1, "Tensor.backward: implicit gradient needs a one-element tensor, shape is \(shape)")
            seed = Tensor.full(shape, 1, dtype: dtype)
        }
        // Topological order by iterative depth-first search over tensors.
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (t, expanded) = stack.popLast() {
            if expanded { order.append(t); continue }
            let id = ObjectIdentifier(t)
            if visited.contains(id) { continue }
            visited.insert(id)
            stack.append((t, true))
            if let node = t.gradFn {
                for inp in node.inputs where inp.requiresGrad && !visited.contains(ObjectIdentifier(inp)) {
                    stack.append((inp, false))
                }
            }
        }
        withNoGrad {
            var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
            for t in order.reversed() {
                guard let g = grads.removeValue(forKey: ObjectIdentifier(t)) else { continue }
                guard let node = t.gradFn else {
                    if t.requiresGrad { t.grad = t.grad.map { $0 + g } ?? g }
                    continue
                }
                guard let rule = node.backward else { continue }
                let started = AutogradProfiler.isEnabled ? AutogradProfiler.now() : 0
                let inputGrads = rule(g)
                if AutogradProfiler.isEnabled { AutogradProfiler.record(.backward, node.name, seconds: AutogradProfiler.now() - started) }
                precondition(inputGrads.count == node.inputs.count,
                             "autograd: \(node.name) returned \(inputGrads.count) gradients for \(node.inputs.count) inputs")
                for (inp, gi) in zip(node.inputs, inputGrads) {
                    guard inp.requiresGrad, let gi else { continue }
                    precondition(gi.shape == inp.shape,
                                 "autograd: \(node.name) gave gradient of shape \(gi.shape) for input \(inp.shape)")
                    let id = ObjectIdentifier(inp)
                    if let earlier = grads[id] {
                        let started = AutogradProfiler.isEnabled ? AutogradProfiler.now() : 0
                        grads[id] = earlier + gi
                        if AutogradProfiler.isEnabled { AutogradProfiler.record(.backward, "accumulate", seconds: AutogradProfiler.now() - started) }
                    } else {
                        grads[id] = gi
                    }
                }
            }
        }
    }

    /// Clears ``grad``.
    public func zeroGrad() { grad = nil }
}

extension Tensor {
    /// Releases the graph behind a dying tensor iteratively: a long chain of recorded ops (an RNN
    /// unrolled over thousands of steps) would otherwise be freed by nested deinitialisers and
    /// overflow the stack.
    static func releaseGraph(_ root: GradNode) {
        var pending: [GradNode] = [root]
        while let node = pending.popLast() {
            node.backward = nil  // drops the tensors the rule captured
            var inputs = node.inputs
            node.inputs = []
            for i in inputs.indices where isKnownUniquelyReferenced(&inputs[i]) {
                // inputs[i] dies with this array: take its node so its deinit does not recurse.
                if var n = inputs[i].gradFn {
                    inputs[i].gradFn = nil
                    if isKnownUniquelyReferenced(&n) { pending.append(n) }
                }
            }
        }
    }
}
