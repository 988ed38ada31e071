import SERTensor

/// Pads the time (last) axis of `[batch, channels, time]` (PyTorch `nn.ReplicationPad1d((left, right))`, or
/// fairseq's `ZeroPad1d` when `zeros`). No parameters; in a `Sequential` it takes an index like any layer.
public final class TimePadding: Module, UnaryLayer {
    public let left: Int
    public let right: Int
    /// `.replicate` repeats the edge frames, `.constant` pads with zeros.
    public let mode: PadMode

    public init(left: Int, right: Int = 0, mode: PadMode) {
        precondition(left >= 0 && right >= 0, "TimePadding: negative padding")
        precondition(mode == .replicate || mode == .constant, "TimePadding: mode must be replicate or constant (zeros)")
        self.left = left
        self.right = right
        self.mode = mode
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        left == 0 && right == 0 ? x : x.paddedLast([(left, right)], mode: mode)
    }
}
