import Foundation
import SERTensor

// A random 256x256 matmul, a scalar loss, and the gradients of both operands.
var rng = RandomGenerator(seed: 42)
let a = Tensor.randn([256, 256], using: &rng).requiringGrad()
let b = Tensor.randn([256, 256], using: &rng).requiringGrad()
let c = a.matmul(b)                 // [256, 256]
let loss = c.tanh().sum()           // scalar
loss.backward()

guard let ga = a.grad, let gb = b.grad, ga.shape == [256, 256], gb.shape == [256, 256] else {
    print("TensorOnly: backward did not fill both gradients")
    exit(1)
}
// dL/da = (1 - tanh²(c)) · bᵀ, computed directly, must match what backward produced.
let expected = withNoGrad { (1 - c.tanh().square()).matmul(b, transposeB: true) }
let worst = (ga - expected).abs().max().item
let checksum = Double(c.sum().item) + Double(ga.sum().item) + Double(gb.sum().item)
print("TensorOnly: c = a·b with shape \(c.shape), loss \(loss.item)")
print("TensorOnly: max |dL/da - (1 - tanh²(c))·bᵀ| = \(worst), checksum \(checksum)")
if !(worst <= 1e-4) {
    print("TensorOnly: gradient mismatch")
    exit(1)
}
