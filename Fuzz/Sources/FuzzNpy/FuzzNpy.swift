import Foundation
import SERTensor

/// The `.npy` reader: magic, version, header dictionary, dtype, shape and data length.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNpy(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    if let t = try? Npy.decode(data), let back = try? Npy.decode(Npy.encode(t)) {
        precondition(back.shape == t.shape, "npy round trip changed the shape")
    }
    return 0
}
