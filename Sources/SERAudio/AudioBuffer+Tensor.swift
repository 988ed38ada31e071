/// Conversion between ``AudioBuffer`` and ``Tensor``.
extension AudioBuffer {
    /// The samples as a float32 tensor of shape `[count]`.
    public func tensor() -> Tensor {
        Tensor(shape: [samples.count], data: samples)
    }

    /// A buffer holding the elements of a rank-1 tensor (float32 or float64, converted to float32).
    /// - Throws: ``AudioError/invalidArgument(_:)`` when `tensor` is not rank 1;
    ///   ``AudioError/invalidSampleRate(rate:reason:)`` when `sampleRate <= 0`.
    public init(tensor: Tensor, sampleRate: Int) throws {
        guard tensor.rank == 1 else {
            throw AudioError.invalidArgument("an audio tensor must have shape [samples], got \(tensor.shape)")
        }
        try self.init(samples: tensor.scalars, sampleRate: sampleRate)
    }
}
