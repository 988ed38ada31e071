import SERTensor

/// Runs `body` with every float32 product, however small, in `kernel` (``FloatGEMMKernel/minimumWork`` 1), then
/// restores the process's selection.
func withEveryProduct<R>(in kernel: FloatGEMMKernel, _ body: () throws -> R) rethrows -> R {
    let (savedKernel, savedMinimum) = (FloatGEMMKernel.selected, FloatGEMMKernel.minimumWork)
    defer { (FloatGEMMKernel.selected, FloatGEMMKernel.minimumWork) = (savedKernel, savedMinimum) }
    (FloatGEMMKernel.selected, FloatGEMMKernel.minimumWork) = (kernel, 1)
    return try body()
}
